package io.shroud.swarm.fetch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.circuit.SeederTestNet;
import io.shroud.content.ShareMetadata;
import io.shroud.dht.SignedRecord;
import io.shroud.hidden.HsLocation;
import io.shroud.hidden.HsPeriod;
import io.shroud.hidden.ShareSecret;
import io.shroud.identity.NodeId;
import io.shroud.lookup.RecordLookup;
import io.shroud.lookup.RecordLookupsActor;
import io.shroud.lookup.RecordPublication;
import io.shroud.rendezvous.HiddenSeederSettings;
import io.shroud.swarm.serve.HiddenSharesActor;
import io.shroud.swarm.serve.SharesActor;
import io.shroud.swarm.serve.TransferServiceActor;
import io.shroud.swarm.transfer.SwarmSettings;
import io.shroud.testutil.PersistenceTestConfig;
import io.shroud.testutil.SeededRandom;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node's download from two hidden seeders, wired as {@code NodeGuardian} wires them, on the
 * in-memory network of {@link SeederTestNet} (real relays as intro and rendezvous points, real
 * onion and end-to-end crypto): each seeder is a {@link HiddenSharesActor} over a catalogue of one
 * share and a {@link TransferServiceActor} registered as no circuit service; a shared record
 * store stands for the DHT that lookups and stores reach through circuits. The download
 * ({@link DownloadActor.Setup#node}) finds both by descriptor, reaches each through a rendezvous,
 * fetches from both, and shows them under labels that name no node.
 */
class HiddenDownloadTest {
  static final ActorTestKit testKit = ActorTestKit.create(PersistenceTestConfig.CONFIG);
  static final Duration WAIT = Duration.ofSeconds(60);
  static final int DOWNLOADER = 0;
  static final List<Integer> SEEDERS = List.of(6, 7);

  /** A ticking clock at {@code sinceMidnight} UTC of today, whatever the hour the test runs. */
  static Clock at(Duration sinceMidnight) {
    return Clock.offset(Clock.systemUTC(), Duration.between(Instant.now(),
        HsPeriod.start(HsPeriod.of(Instant.now())).plus(sinceMidnight)));
  }

  @TempDir
  Path dir;

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  /** The DHT as seen through circuits: signed records by key, the newest per publisher; every key stored. */
  static final class RecordStore {
    final Map<NodeId, Map<String, SignedRecord>> records = new HashMap<>();
    final List<NodeId> storedAt = new ArrayList<>();

    Behavior<RecordLookupsActor.Command> behavior() {
      return Behaviors.receiveMessage(c -> {
        if (c instanceof RecordLookupsActor.StoreRecord s) {
          assertTrue(s.record().signatureValid(), "a stored record is signed by its publisher");
          storedAt.add(s.record().key());
          records.computeIfAbsent(s.record().key(), k -> new LinkedHashMap<>())
              .merge(HexFormat.of().formatHex(s.record().publisher()), s.record(),
                  (old, now) -> now.seq() >= old.seq() ? now : old);
          s.replyTo().tell(new RecordPublication(3, 3, List.of(), null));
        } else if (c instanceof RecordLookupsActor.LookupRecord l) {
          l.replyTo().tell(new RecordLookup(List.copyOf(records.getOrDefault(NodeId.of(l.key()), Map.of()).values()),
              List.of(), null));
        }
        return Behaviors.same();
      });
    }
  }

  /**
   * At noon every node publishes and looks up one period; at 23:30 each seeder publishes for
   * today and tomorrow under two unlinkable keys, and the download still counts two sources,
   * not four (the current period's descriptors are taken alone, {@code DescriptorBook#seeders(long)}).
   */
  @ParameterizedTest(name = "at {0} UTC")
  @ValueSource(strings = {"12:00", "23:30"})
  void aDownloadFindsTwoHiddenSeedersByDescriptorFetchesFromBothAndNamesNeither(String time) throws Exception {
    Clock clock = at(Duration.between(java.time.LocalTime.MIDNIGHT, java.time.LocalTime.parse(time)));
    List<Long> periods = new HsPeriod(clock).publishPeriods();
    assertEquals(time.equals("12:00") ? 1 : 2, periods.size());
    SeederTestNet net = new SeederTestNet(testKit, 8, 2650 + periods.size());
    ShareMetadata share = SwarmNet.encryptedShare(dir.resolve("src"), "hidden.bin", 3 * 1024 * 1024 + 5,
        64 * 1024, 26 + periods.size());
    RecordStore dht = new RecordStore();
    ActorRef<RecordLookupsActor.Command> records = testKit.spawn(dht.behavior());
    List<ActorRef<TransferServiceActor.Command>> services = new ArrayList<>();
    for (int s : SEEDERS) {
      ActorRef<SharesActor.Command> catalogue = testKit.spawn(SwarmNet.catalogue(share));
      // 1 MiB/s each: the download lasts seconds, so the second seeder's rendezvous is in time to serve
      ActorRef<TransferServiceActor.Command> transfer = testKit.spawn(TransferServiceActor.create(Optional.empty(),
          catalogue, SwarmSettings.defaults().withUploadRate(1 << 20, 64 * 1024), clock));
      services.add(transfer);
      testKit.spawn(HiddenSharesActor.create(net.id(s), catalogue, net.circuits(s), records, transfer,
          HiddenSeederSettings.defaults(3), Duration.ofSeconds(30), clock));
    }
    ShareSecret secret = ShareSecret.of(share.link());
    Set<NodeId> locations = periods.stream().map(n -> NodeId.of(HsLocation.of(secret, n).location()))
        .collect(Collectors.toSet());
    testKit.createTestProbe().awaitAssert(WAIT, Duration.ofMillis(100), () -> {
      for (NodeId location : locations) {
        assertEquals(2, dht.records.getOrDefault(location, Map.of()).size(), "both seeders published at each L_n");
      }
      return null;
    });
    assertEquals(locations, Set.copyOf(dht.storedAt), "descriptors are stored at the blinded locations only");

    ActorRef<DownloadsActor.Command> downloads = testKit.spawn(DownloadsActor.create(DownloadActor.Setup.node(
        net.id(DOWNLOADER), dir.resolve("data"), net.circuits(DOWNLOADER), records, SwarmSettings.defaults(),
        Optional.empty(), clock, SeededRandom.of(7 + periods.size())))); // a download id of each case's own
    Path output = dir.resolve("out.bin");
    TestProbe<DownloadsActor.StartResult> startProbe = testKit.createTestProbe();
    downloads.tell(new DownloadsActor.StartDownload(share.link().format(), output.toString(), 3, startProbe.ref()));
    String id = assertInstanceOf(DownloadsActor.Started.class, startProbe.receiveMessage(WAIT)).download().id();
    DownloadView done = testKit.createTestProbe().awaitAssert(WAIT, Duration.ofMillis(100), () -> {
      TestProbe<Optional<DownloadView>> probe = testKit.createTestProbe();
      downloads.tell(new DownloadsActor.GetDownload(id, probe.ref()));
      DownloadView v = probe.receiveMessage(WAIT).orElseThrow();
      assertEquals("COMPLETE", v.state(), v::toString);
      return v;
    });
    assertEquals(SwarmDownloadTest.sha256(dir.resolve("src").resolve("hidden.bin")), SwarmDownloadTest.sha256(output));

    Set<String> nodeIds = IntStream.range(0, net.size()).mapToObj(i -> net.id(i).toHex()).collect(Collectors.toSet());
    Set<String> labels = done.sources().stream().map(DownloadView.SourceView::nodeId).collect(Collectors.toSet());
    assertEquals(2, labels.size(), "both seeders were sources: " + done.sources());
    for (String label : labels) {
      assertFalse(nodeIds.contains(label), "a source is a label of the download's own, not a node id: " + label);
    }
    for (ActorRef<TransferServiceActor.Command> service : services) {
      TestProbe<java.util.BitSet> served = testKit.createTestProbe();
      service.tell(new TransferServiceActor.GetServedPieces(share.infoHashHex(), false, served.ref()));
      assertFalse(served.receiveMessage(WAIT).isEmpty(), "each seeder served pieces");
    }
    testKit.stop(downloads, WAIT);
  }
}
