package io.shroud.circuit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.shroud.crypto.CircuitHandshakeClient;
import io.shroud.crypto.CircuitHandshakeRelay;
import io.shroud.crypto.Ed25519;
import io.shroud.crypto.HopKeys;
import io.shroud.crypto.OnionKeyPair;
import io.shroud.crypto.ReplayCache;
import io.shroud.identity.NodeId;
import io.shroud.testutil.MutableClock;
import io.shroud.testutil.SeededRandom;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Builds a 3-hop circuit the way the actors will: link CREATE to hop 1, then EXTEND relay cells
 * carrying CREATE to the last hop, which answers EXTENDED; then data flows both ways.
 */
class CircuitBuildTest {
  private final SecureRandom random = SeededRandom.of(5);
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

  private record Node(NodeId id, OnionKeyPair onionKey, CircuitHandshakeRelay handshake) {}

  private Node node() {
    NodeId id = NodeId.ofIdentityKey(Ed25519.generate(random).publicKey());
    OnionKeyPair key = OnionKeyPair.generate(random, clock.instant().plus(Duration.ofDays(7)));
    return new Node(id, key, new CircuitHandshakeRelay(id.toBytes(), key, null, clock, random, new ReplayCache(clock, 100)));
  }

  @Test
  void buildsThreeHopsThroughExtendAndCarriesDataBothWays() throws Exception {
    List<Node> nodes = List.of(node(), node(), node());
    OnionLayers origin = new OnionLayers();
    List<RelayLayer> relays = new ArrayList<>();

    // hop 1: link CREATE / CREATED
    CircuitHandshakeClient first = CircuitHandshakeClient.start(nodes.get(0).id().toBytes(), nodes.get(0).onionKey().publicKey(), random);
    byte[] createPayload = HandshakeFraming.createCellPayload(first.createMessage());
    CircuitHandshakeRelay.Response response =
        nodes.get(0).handshake().respond(HandshakeFraming.parseCreateCellPayload(createPayload));
    relays.add(new RelayLayer(response.keys()));
    byte[] createdPayload = HandshakeFraming.createdCellPayload(response.created());
    origin.addHop(first.finish(HandshakeFraming.parseCreatedCellPayload(createdPayload)));

    // hops 2 and 3: EXTEND to the current last hop
    for (int next = 1; next < 3; next++) {
      Node target = nodes.get(next);
      CircuitHandshakeClient client = CircuitHandshakeClient.start(target.id().toBytes(), target.onionKey().publicKey(), random);
      ExtendRequest extend = new ExtendRequest(target.id(), (Inet4Address) InetAddress.getByName("127." + next + ".0.1"),
          7000 + next, client.createMessage());
      byte[] body = origin.encrypt(next - 1, new RelayCell(RelayCommand.EXTEND, 0, extend.encode()));
      RelayCell atLast = null;
      for (int k = 0; k < relays.size(); k++) {
        RelayLayer.Outcome outcome = relays.get(k).forward(body, k < relays.size() - 1);
        if (outcome instanceof RelayLayer.Recognized recognized) {
          atLast = recognized.cell();
          assertEquals(next - 1, k);
        } else {
          body = ((RelayLayer.Forward) outcome).body();
        }
      }
      assertEquals(RelayCommand.EXTEND, atLast.command());
      ExtendRequest received = ExtendRequest.decode(atLast.data());
      CircuitHandshakeRelay.Response answer = target.handshake().respond(
          HandshakeFraming.parseCreateCellPayload(HandshakeFraming.createCellPayload(received.create())));
      relays.add(new RelayLayer(answer.keys()));
      byte[] back = relays.get(next - 1).originate(
          new RelayCell(RelayCommand.EXTENDED, 0, HandshakeFraming.extendedData(answer.created())));
      for (int k = next - 2; k >= 0; k--) {
        back = relays.get(k).backward(back);
      }
      OnionLayers.Inbound extended = origin.decrypt(back);
      assertEquals(next - 1, extended.hop());
      HopKeys keys = client.finish(HandshakeFraming.parseExtendedData(extended.cell().data()));
      origin.addHop(keys);
    }
    assertEquals(3, origin.hopCount());

    byte[] payload = "hello, destination".getBytes();
    byte[] body = origin.encrypt(2, new RelayCell(RelayCommand.DATA, 7, payload));
    body = assertInstanceOf(RelayLayer.Forward.class, relays.get(0).forward(body, true)).body();
    body = assertInstanceOf(RelayLayer.Forward.class, relays.get(1).forward(body, true)).body();
    RelayLayer.Outcome atDestination = relays.get(2).forward(body, false);
    assertArrayEquals(payload, assertInstanceOf(RelayLayer.Recognized.class, atDestination).cell().data());

    byte[] reply = relays.get(2).originate(new RelayCell(RelayCommand.DATA, 7, "hello, origin".getBytes()));
    reply = relays.get(0).backward(relays.get(1).backward(reply));
    OnionLayers.Inbound inbound = origin.decrypt(reply);
    assertEquals(2, inbound.hop());
    assertArrayEquals("hello, origin".getBytes(), inbound.cell().data());
  }
}
