package io.shroud.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.circuit.SeederTestNet;
import io.shroud.circuit.Streams;
import io.shroud.testutil.SeededRandom;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code fragments} service through real circuits (in-memory links, real relays): node 0
 * puts a fragment at node 4's store through 2 hops and gets it back, the store keeps exactly
 * that file, and a fragment that does not match its address, an unknown one, a lease renewal and
 * a malformed request get their answers.
 */
class FragmentServiceTest {
  static final ActorTestKit testKit = ActorTestKit.create();
  static final Duration WAIT = Duration.ofSeconds(20);
  static final int STORER = 4;

  @TempDir
  Path dir;

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  private FragmentClientActor.Result ask(SeederTestNet net, int hops, FragmentWire.Kind kind, byte[] request) {
    TestProbe<FragmentClientActor.Result> probe = testKit.createTestProbe();
    testKit.spawn(FragmentClientActor.create(net.circuits(0), net.id(STORER), hops, kind, request, WAIT,
        probe.ref()));
    return probe.receiveMessage(WAIT.plusSeconds(5));
  }

  @Test
  void beyondSixteenRequestsAtOnceAStreamIsRefusedUntilOneEnds() {
    TestProbe<FragmentStoreActor.Command> store = testKit.createTestProbe();
    ActorRef<Streams.ServiceRequest> service = testKit.spawn(FragmentServiceActor.create(store.ref()));
    TestProbe<Streams.ServiceAnswer> answers = testKit.createTestProbe();
    List<Streams.Accept> accepted = new java.util.ArrayList<>();
    for (int i = 0; i < FragmentServiceActor.MAX_SESSIONS; i++) {
      service.tell(new Streams.OpenServiceStream(FragmentWire.SERVICE,
          testKit.<Streams.StreamCommand>createTestProbe().ref(), answers.ref()));
      accepted.add(assertInstanceOf(Streams.Accept.class, answers.receiveMessage(WAIT)));
    }
    service.tell(new Streams.OpenServiceStream(FragmentWire.SERVICE,
        testKit.<Streams.StreamCommand>createTestProbe().ref(), answers.ref()));
    assertEquals("the fragment store is busy",
        assertInstanceOf(Streams.Reject.class, answers.receiveMessage(WAIT)).reason());
    accepted.get(0).events().tell(new Streams.StreamEnded(1, "done"));
    answers.awaitAssert(WAIT, () -> {
      service.tell(new Streams.OpenServiceStream(FragmentWire.SERVICE,
          testKit.<Streams.StreamCommand>createTestProbe().ref(), answers.ref()));
      assertInstanceOf(Streams.Accept.class, answers.receiveMessage(Duration.ofMillis(500)));
      return null;
    });
  }

  @Test
  void aFragmentGoesToAStorerThroughACircuitAndComesBack() throws Exception {
    StoreNet stores = new StoreNet(testKit, 6, 2907, STORER, dir);
    SeederTestNet net = stores.net;
    Path storeDir = stores.dirs.get(STORER);

    Random random = SeededRandom.of(2907);
    byte[] fragment = new byte[100_000]; // many stream chunks: the credit is used both ways
    random.nextBytes(fragment);
    byte[] address = StripeCoder.address(fragment);
    assertEquals(FragmentWire.Status.OK,
        ask(net, 2, FragmentWire.Kind.PUT, FragmentWire.put(address, 3600, fragment)).status());
    FragmentClientActor.Result got = ask(net, 2, FragmentWire.Kind.GET, FragmentWire.get(address));
    assertEquals(FragmentWire.Status.OK, got.status());
    assertArrayEquals(fragment, got.fragment());
    try (Stream<Path> stored = Files.list(storeDir)) {
      assertEquals(List.of(HexFormat.of().formatHex(address) + ".frag"),
          stored.map(p -> p.getFileName().toString()).toList());
    }

    byte[] other = fragment.clone();
    other[0] ^= 1;
    assertEquals(FragmentWire.Status.REFUSED,
        ask(net, 1, FragmentWire.Kind.PUT, FragmentWire.put(address, 3600, other)).status(), "not its address");
    byte[] unknown = StripeCoder.address(other);
    FragmentClientActor.Result none = ask(net, 1, FragmentWire.Kind.GET, FragmentWire.get(unknown));
    assertEquals(FragmentWire.Status.NOT_HELD, none.status());
    assertNull(none.fragment());
    assertEquals(FragmentWire.Status.OK, ask(net, 1, FragmentWire.Kind.RENEW, FragmentWire.renew(address, 7200))
        .status());
    assertEquals(FragmentWire.Status.NOT_HELD, ask(net, 1, FragmentWire.Kind.RENEW,
        FragmentWire.renew(unknown, 7200)).status());

    byte[] malformed = FragmentWire.get(address);
    malformed[1] = 9; // no such kind
    FragmentClientActor.Result ended = ask(net, 1, FragmentWire.Kind.GET, malformed);
    assertNull(ended.status());
    assertTrue(ended.error().contains("ended the stream"), ended::error);
  }
}
