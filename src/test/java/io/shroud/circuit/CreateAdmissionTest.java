package io.shroud.circuit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.shroud.crypto.CircuitHandshakeClient;
import io.shroud.crypto.CircuitHandshakeRelay;
import io.shroud.crypto.OnionKeyPair;
import io.shroud.crypto.ReplayCache;
import io.shroud.dht.PeerRateLimiter;
import io.shroud.identity.NodeId;
import io.shroud.metrics.NodeMetrics.CreateRefusal;
import io.shroud.testutil.MutableClock;
import io.shroud.testutil.SeededRandom;
import java.security.SecureRandom;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The checks a relay runs on a CREATE, in order, and the DESTROY reason each refusal answers with. */
class CreateAdmissionTest {
  private final MutableClock clock = new MutableClock();
  private final SecureRandom random = SeededRandom.of(5);
  private final NodeId self = NodeId.fromHex("11".repeat(32));
  private final NodeId peer = NodeId.fromHex("22".repeat(32));
  private final OnionKeyPair onion = OnionKeyPair.generate(random, clock.instant().plus(Duration.ofDays(7)));
  private final CircuitIdAllocator ids = new CircuitIdAllocator(self, random);
  private final CircuitIdAllocator peersIds = new CircuitIdAllocator(peer, random);

  private CreateAdmission admission(CircuitSettings settings, int burst) {
    CreateAdmission admission = new CreateAdmission(settings, ids, new PeerRateLimiter(clock, burst, 0.001, 16));
    admission.useHandshake(new CircuitHandshakeRelay(self.toBytes(), onion, null, clock, random,
        new ReplayCache(clock, 100)));
    return admission;
  }

  private byte[] create() {
    return HandshakeFraming.createCellPayload(
        CircuitHandshakeClient.start(self.toBytes(), onion.publicKey(), random).createMessage());
  }

  private int peersId() {
    return peersIds.allocate(self, id -> false);
  }

  private static CreateAdmission.Refused refused(CreateAdmission.Decision d) {
    return assertInstanceOf(CreateAdmission.Refused.class, d);
  }

  @Test
  void aGoodCreateUnderEveryLimitIsTaken() {
    CreateAdmission admission = admission(CircuitSettings.defaults(), 5);
    CreateAdmission.Accepted accepted = assertInstanceOf(CreateAdmission.Accepted.class,
        admission.decide(peer, peersId(), create(), 0, 0));
    assertEquals(1152, accepted.response().created().length);
  }

  @Test
  void theNodeWideCapRefusesWithResourceLimitTheOthersWithRefused() {
    CircuitSettings settings = CircuitSettings.defaults().withCreateLimits(4, 20, 5).withMaxRelayedCircuits(10);
    CreateAdmission admission = admission(settings, 5);
    CreateAdmission.Refused node = refused(admission.decide(peer, peersId(), create(), 0, 10));
    assertEquals(CreateRefusal.NODE_LIMIT, node.reason());
    assertEquals(DestroyReason.RESOURCE_LIMIT, node.destroy(), "the node is full: not the sender's doing");
    CreateAdmission.Refused link = refused(admission.decide(peer, peersId(), create(), 4, 0));
    assertEquals(CreateRefusal.LINK_LIMIT, link.reason());
    assertEquals(DestroyReason.REFUSED, link.destroy());
    assertInstanceOf(CreateAdmission.Accepted.class, admission.decide(peer, peersId(), create(), 3, 9));
  }

  @Test
  void everyRefusalHasItsReason() {
    CreateAdmission admission = new CreateAdmission(CircuitSettings.defaults(), ids,
        new PeerRateLimiter(clock, 1, 0.001, 16));
    assertEquals(CreateRefusal.NO_KEYS, refused(admission.decide(peer, peersId(), create(), 0, 0)).reason());
    admission = admission(CircuitSettings.defaults(), 2);
    int ownId = ids.allocate(peer, id -> false);
    assertEquals(CreateRefusal.WRONG_HALF, refused(admission.decide(peer, ownId, create(), 0, 0)).reason());
    byte[] create = create();
    assertInstanceOf(CreateAdmission.Accepted.class, admission.decide(peer, peersId(), create, 0, 0));
    CreateAdmission.Refused replay = refused(admission.decide(peer, peersId(), create, 0, 0));
    assertEquals(CreateRefusal.REPLAY, replay.reason());
    assertEquals(DestroyReason.REFUSED, replay.destroy());
    assertEquals(CreateRefusal.RATE_LIMITED, refused(admission.decide(peer, peersId(), create(), 0, 0)).reason());
    byte[] misaddressed = create();
    misaddressed[4] ^= 1; // inside the CREATE's relay id
    NodeId other = NodeId.fromHex("33".repeat(32));
    int othersId = new CircuitIdAllocator(other, random).allocate(self, id -> false);
    assertEquals(CreateRefusal.BAD_HANDSHAKE, refused(admission.decide(other, othersId, misaddressed, 0, 0)).reason());
  }

  @Test
  void aCreateRefusedByACapTakesNoTokenFromItsSender() {
    CreateAdmission admission = admission(CircuitSettings.defaults().withMaxRelayedCircuits(1), 1);
    for (int i = 0; i < 5; i++) {
      assertEquals(CreateRefusal.NODE_LIMIT, refused(admission.decide(peer, peersId(), create(), 0, 1)).reason());
    }
    assertInstanceOf(CreateAdmission.Accepted.class, admission.decide(peer, peersId(), create(), 0, 0),
        "the one token of the burst is still there once the node has room");
  }
}
