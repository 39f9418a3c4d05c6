package io.shroud.swarm.serve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.circuit.CircuitsActor;
import io.shroud.circuit.Streams;
import io.shroud.content.PieceGeometry;
import io.shroud.identity.NodeId;
import io.shroud.swarm.ShareFixture;
import io.shroud.swarm.fetch.PieceVerifier;
import io.shroud.swarm.transfer.SwarmSettings;
import io.shroud.swarm.transfer.TransferCodec;
import io.shroud.swarm.transfer.TransferFrameDecoder;
import io.shroud.swarm.transfer.TransferMessage;
import io.shroud.swarm.transfer.TransferMessage.BlockRequest;
import io.shroud.swarm.transfer.TransferMessage.HashLayer;
import io.shroud.testutil.MutableClock;
import io.shroud.testutil.PersistenceTestConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The provider side driven directly through its service handler, with a real SharesActor. */
class TransferServiceActorTest {
  static final ActorTestKit testKit = ActorTestKit.create(PersistenceTestConfig.CONFIG);
  static final Duration WAIT = Duration.ofSeconds(20);
  static int nodes;

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  @TempDir
  Path dir;

  /** A stream into the service: the probe plays the stream handle. */
  final class Stream {
    final TestProbe<Streams.StreamCommand> handle = testKit.createTestProbe();
    final ActorRef<Streams.StreamEvent> events;
    final TransferFrameDecoder decoder = new TransferFrameDecoder();
    final List<TransferMessage> got = new ArrayList<>();
    int writes;
    boolean ended;

    Stream(ActorRef<Streams.ServiceRequest> service) {
      TestProbe<Streams.ServiceAnswer> answer = testKit.createTestProbe();
      service.tell(new Streams.OpenServiceStream("transfer", handle.ref(), answer.ref()));
      events = assertInstanceOf(Streams.Accept.class, answer.receiveMessage(WAIT)).events();
      events.tell(new Streams.StreamOpened(1, handle.ref(), 1000));
    }

    void send(TransferMessage m) {
      events.tell(new Streams.StreamData(1, TransferCodec.encode(m)));
    }

    /** Sends all of {@code ms} in one stream chunk. */
    void sendTogether(List<? extends TransferMessage> ms) {
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      ms.forEach(m -> out.writeBytes(TransferCodec.encode(m)));
      events.tell(new Streams.StreamData(1, out.toByteArray()));
    }

    TransferMessage next() throws Exception {
      while (got.isEmpty()) {
        Streams.StreamCommand c = handle.receiveMessage(WAIT);
        if (c instanceof Streams.WriteAll w) {
          writes++;
          for (byte[] chunk : w.chunks()) {
            got.addAll(decoder.feed(chunk));
          }
          // as the mux does once the chunks are on the wire
          events.tell(new Streams.StreamCredit(1, w.chunks().size()));
        } else if (c == Streams.EndStream.INSTANCE) {
          ended = true;
          throw new AssertionError("stream ended");
        }
      }
      return got.remove(0);
    }

    void expectEnd() {
      handle.fishForMessage(WAIT, c -> c == Streams.EndStream.INSTANCE
          ? org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.complete()
          : org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.continueAndIgnore());
    }
  }

  record Fixture(ActorRef<TransferServiceActor.Command> service, ActorRef<Streams.ServiceRequest> handler,
      SharesActor.Servable share, Path file) {}

  private Fixture fixture(SwarmSettings settings, Clock clock) throws Exception {
    return fixture(settings, clock, 100_000);
  }

  private Fixture fixture(SwarmSettings settings, Clock clock, int size) throws Exception {
    return fixture(settings, clock, size, 0);
  }

  /** A public share of {@code size} random bytes, with {@code pieceLength} (0: the automatic one). */
  private Fixture fixture(SwarmSettings settings, Clock clock, int size, int pieceLength) throws Exception {
    byte[] bytes = new byte[size];
    new Random(5).nextBytes(bytes);
    Path file = dir.resolve("served.bin");
    Files.write(file, bytes);
    ActorRef<SharesActor.Command> shares = testKit.spawn(SharesActor.create(
        NodeId.ofIdentityKey(new byte[] {7, (byte) ++nodes}), dir.resolve("data"), Clock.systemUTC()));
    TestProbe<SharesActor.AddResult> added = testKit.createTestProbe();
    shares.tell(new SharesActor.AddShare(file, true, pieceLength, added.ref()));
    String hash = assertInstanceOf(SharesActor.Added.class, added.receiveMessage(WAIT)).share().infoHash();
    TestProbe<Optional<SharesActor.Servable>> servable = testKit.createTestProbe();
    shares.tell(new SharesActor.GetServable(hash, servable.ref()));
    SharesActor.Servable share = servable.receiveMessage(WAIT).orElseThrow();
    TestProbe<CircuitsActor.Command> circuits = testKit.createTestProbe();
    ActorRef<TransferServiceActor.Command> service = testKit.spawn(
        TransferServiceActor.create(circuits.ref(), shares, settings, clock));
    CircuitsActor.RegisterService reg = assertInstanceOf(CircuitsActor.RegisterService.class,
        circuits.receiveMessage(WAIT));
    assertEquals("transfer", reg.name());
    return new Fixture(service, reg.handler(), share, file);
  }

  @Test
  void blocksOfMultiBlockPiecesAreServedByConcurrentReadTasksAndAllVerify() throws Exception {
    // 40 MiB in 32 KiB pieces (two blocks each); BLOCKS_PER_READ + 3 requests span two read
    // tasks (all but 3, then 3) running at once, the second starting in the middle of a piece
    // (proofs from the leaf hashes)
    Fixture f = fixture(SwarmSettings.defaults(), Clock.systemUTC(), 40 * 1024 * 1024, 32 * 1024);
    PieceGeometry g = f.share().metadata().info().geometry();
    assertEquals(2, g.blocksPerPiece());
    assertEquals(2, ServingSession.READS_IN_FLIGHT);
    PieceVerifier verifier = new PieceVerifier(f.share().metadata().tree());
    Stream s = new Stream(f.handler());
    s.send(new TransferMessage.Hello(f.share().metadata().infoHash()));
    assertEquals(TransferMessage.Have.allPieces(), s.next());
    int perTask = FileRun.BLOCKS_PER_READ;
    assertEquals(0, perTask % 2, "the first task ends in the middle of a piece");
    List<BlockRequest> requests = new ArrayList<>();
    requests.add(new BlockRequest(999, 0, 16384));
    for (int p = 0; requests.size() < perTask + 3; p++) {
      requests.add(new BlockRequest(p, 0, 16384));
      requests.add(new BlockRequest(p, 16384, 16384));
    }
    int writesBefore = s.writes;
    s.sendTogether(requests);
    List<BlockRequest> served = new ArrayList<>();
    for (int i = 0; i < requests.size(); i++) {
      TransferMessage.Block b = assertInstanceOf(TransferMessage.Block.class, s.next());
      assertTrue(verifier.verifyBlock(b), "block " + b.piece() + "/" + b.offset() + " verifies");
      served.add(new BlockRequest(b.piece(), b.offset(), b.length()));
    }
    // every request answered once; the tasks may finish in either order, each keeps its own
    assertEquals(new java.util.HashSet<>(requests), new java.util.HashSet<>(served));
    assertEquals(requests.size(), served.size());
    int first = served.indexOf(requests.get(0));
    assertEquals(requests.subList(0, perTask), served.subList(first, first + perTask),
        "the first task's blocks stay together, in order");
    // requests that arrive together are read together, and each read task's blocks go to the
    // stream as one write: 2 tasks, 2 writes (reading per request arrival: more tasks)
    assertEquals(2, s.writes - writesBefore, "writes to the stream");
  }

  @Test
  void aDownloadersFullPipelineIsServedAndOneRequestMoreEndsTheStream() throws Exception {
    // the downloader keeps up to pipelineMax requests in flight from one source, all at once
    // when a source is new: the provider must queue that many, and no more
    int full = SwarmSettings.defaults().pipelineMax();
    Fixture f = fixture(SwarmSettings.defaults(), Clock.systemUTC(), (full + 1) * PieceGeometry.BLOCK_SIZE + 5000);
    PieceGeometry g = f.share().metadata().info().geometry();
    assertTrue(g.blockCount() > full, "the share has a block for every request");
    List<BlockRequest> requests = new ArrayList<>();
    for (int i = 0; i <= full; i++) {
      int perPiece = g.blocksPerPiece();
      requests.add(new BlockRequest(i / perPiece, (i % perPiece) * PieceGeometry.BLOCK_SIZE, g.blockSize(i)));
    }
    assertEquals(full + 1, requests.size());

    Stream s = new Stream(f.handler());
    s.send(new TransferMessage.Hello(f.share().metadata().infoHash()));
    assertEquals(TransferMessage.Have.allPieces(), s.next());
    s.sendTogether(requests.subList(0, full));
    PieceVerifier verifier = new PieceVerifier(f.share().metadata().tree());
    for (int i = 0; i < full; i++) {
      TransferMessage.Block b = assertInstanceOf(TransferMessage.Block.class, s.next());
      assertTrue(verifier.verifyBlock(b));
    }

    Stream over = new Stream(f.handler());
    over.send(new TransferMessage.Hello(f.share().metadata().infoHash()));
    assertEquals(TransferMessage.Have.allPieces(), over.next());
    over.sendTogether(requests);
    over.expectEnd();
  }

  @Test
  void sharingWritesEveryBlocksLeafHashAndADamagedLeavesFileOnlyCostsHashing() throws Exception {
    Fixture f = fixture(SwarmSettings.defaults(), Clock.systemUTC(), 3 * 1024 * 1024 + 5000);
    byte[] expected = ShareFixture.blockHashes(Files.readAllBytes(f.file()));
    assertArrayEquals(expected, Files.readAllBytes(f.share().leavesFile()));

    byte[] damaged = new byte[expected.length / 2];
    java.util.Arrays.fill(damaged, (byte) 0x5a);
    Files.write(f.share().leavesFile(), damaged); // wrong hashes, and too few of them
    PieceGeometry g = f.share().metadata().info().geometry();
    PieceVerifier verifier = new PieceVerifier(f.share().metadata().tree());
    Stream s = new Stream(f.handler());
    s.send(new TransferMessage.Hello(f.share().metadata().infoHash()));
    assertEquals(TransferMessage.Have.allPieces(), s.next());
    List<BlockRequest> requests = new ArrayList<>();
    for (int p = 0; p < g.pieceCount(); p++) {
      int last = (int) ((g.pieceOffset(p) + g.pieceSize(p) - 1) / PieceGeometry.BLOCK_SIZE);
      int lastOffset = (int) (last * (long) PieceGeometry.BLOCK_SIZE - g.pieceOffset(p));
      requests.add(new BlockRequest(p, lastOffset, g.blockSize(last)));
    }
    s.sendTogether(requests);
    for (int i = 0; i < requests.size(); i++) {
      TransferMessage.Block b = assertInstanceOf(TransferMessage.Block.class, s.next());
      assertTrue(verifier.verifyBlock(b), "block " + b.piece() + "/" + b.offset() + " verifies");
    }
  }

  @Test
  void blockProofsComeFromTheStoredLeavesNotFromHashingThePieceOnDisk() throws Exception {
    // 40 MiB in 32 KiB pieces: block 1 of piece 3 is damaged in place (size and mtime kept,
    // so the share is still served). Block 0's proof is block 1's leaf hash: taken from the
    // leaves file it is the shared one and block 0 verifies; hashing the piece read from disk
    // would give the damaged block's hash, and block 0 would fail.
    Fixture f = fixture(SwarmSettings.defaults(), Clock.systemUTC(), 40 * 1024 * 1024, 32 * 1024);
    PieceGeometry g = f.share().metadata().info().geometry();
    assertEquals(2, g.blocksPerPiece());
    FileTime modified = Files.getLastModifiedTime(f.file());
    try (var ch = java.nio.channels.FileChannel.open(f.file(), java.nio.file.StandardOpenOption.WRITE)) {
      ch.write(java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3, 4}), g.pieceOffset(3) + 16384 + 100);
    }
    Files.setLastModifiedTime(f.file(), modified);
    PieceVerifier verifier = new PieceVerifier(f.share().metadata().tree());
    Stream s = new Stream(f.handler());
    s.send(new TransferMessage.Hello(f.share().metadata().infoHash()));
    assertEquals(TransferMessage.Have.allPieces(), s.next());

    s.send(new BlockRequest(3, 0, 16384));
    TransferMessage.Block intact = assertInstanceOf(TransferMessage.Block.class, s.next());
    assertTrue(verifier.verifyBlock(intact), "the intact block's proof comes from the stored leaves");
    s.send(new BlockRequest(3, 16384, 16384));
    TransferMessage.Block damaged = assertInstanceOf(TransferMessage.Block.class, s.next());
    assertFalse(verifier.verifyBlock(damaged), "the provider does not re-hash what it serves; the downloader's check catches it");
  }

  @Test
  void servesTheLayerAndBlocksThatVerifyAndRejectsRequestsThatDoNotFit() throws Exception {
    Fixture f = fixture(SwarmSettings.defaults(), Clock.systemUTC());
    PieceGeometry g = f.share().metadata().info().geometry();
    PieceVerifier verifier = new PieceVerifier(f.share().metadata().tree());
    Stream s = new Stream(f.handler());
    s.send(new TransferMessage.Hello(f.share().metadata().infoHash()));
    assertEquals(TransferMessage.Have.allPieces(), s.next());
    s.send(new TransferMessage.HashRequest(HashLayer.PIECES, 0, g.pieceCount()));
    TransferMessage.Hashes hashes = assertInstanceOf(TransferMessage.Hashes.class, s.next());
    assertArrayEquals(f.share().metadata().tree().pieceLayerBytes(), hashes.hashes());
    for (int p = 0; p < g.pieceCount(); p++) {
      s.send(new BlockRequest(p, 0, g.blockSize((int) (g.pieceOffset(p) / PieceGeometry.BLOCK_SIZE))));
    }
    java.util.BitSet pieces = new java.util.BitSet();
    for (int i = 0; i < g.pieceCount(); i++) { // two read tasks at once: any order
      TransferMessage.Block b = assertInstanceOf(TransferMessage.Block.class, s.next());
      assertTrue(verifier.verifyBlock(b), "block of piece " + b.piece() + " verifies");
      pieces.set(b.piece());
    }
    assertEquals(g.pieceCount(), pieces.cardinality(), "one block of every piece");
    s.send(new BlockRequest(g.pieceCount(), 0, 16384));
    assertEquals(new TransferMessage.Reject(g.pieceCount(), 0, TransferMessage.RejectReason.NOT_AVAILABLE), s.next());
    s.send(new BlockRequest(g.pieceCount() - 1, 0, 16384)); // the last block is short
    assertInstanceOf(TransferMessage.Reject.class, s.next());
    s.send(new TransferMessage.HashRequest(HashLayer.PIECES, g.pieceCount(), 1)); // past the layer: violation
    s.expectEnd();
    TestProbe<TransferServiceView> stats = testKit.createTestProbe();
    f.service().tell(new TransferServiceActor.GetStats(stats.ref()));
    TransferServiceView v = stats.receiveMessage(WAIT);
    assertEquals(g.pieceCount(), v.blocksServed());
    assertEquals(2, v.rejected());
    assertEquals(1, v.violations());
  }

  /**
   * A hidden service's gate ({@link HiddenSharesActor#gate}): a {@code transfer} stream is served
   * its own share only; a HELLO for another share this node holds is answered as unknown, so one
   * share's downloaders cannot learn the node's other shares; any other service is refused.
   */
  @Test
  void aHiddenServicesGateServesItsOwnShareOnlyAndNoOtherService() throws Exception {
    Fixture f = fixture(SwarmSettings.defaults(), Clock.systemUTC());
    String hash = java.util.HexFormat.of().formatHex(f.share().metadata().infoHash());
    Stream own = new Stream(testKit.spawn(HiddenSharesActor.gate(hash, f.service())));
    own.send(new TransferMessage.Hello(f.share().metadata().infoHash()));
    assertEquals(TransferMessage.Have.allPieces(), own.next());

    Stream other = new Stream(testKit.spawn(HiddenSharesActor.gate("ab".repeat(32), f.service())));
    other.send(new TransferMessage.Hello(f.share().metadata().infoHash()));
    assertEquals(new TransferMessage.Refuse(TransferMessage.RefuseReason.UNKNOWN_SHARE, 0), other.next(),
        "the node holds the share, but this service is another share's");

    TestProbe<Streams.ServiceAnswer> answer = testKit.createTestProbe();
    testKit.spawn(HiddenSharesActor.gate(hash, f.service())).tell(new Streams.OpenServiceStream("dht",
        testKit.<Streams.StreamCommand>createTestProbe().ref(), answer.ref()));
    assertEquals(new Streams.Reject(HiddenSharesActor.REFUSED), answer.receiveMessage(WAIT));
  }

  @Test
  void unknownAndStaleSharesAreRefused() throws Exception {
    Fixture f = fixture(SwarmSettings.defaults(), Clock.systemUTC());
    Stream unknown = new Stream(f.handler());
    unknown.send(new TransferMessage.Hello(new byte[32]));
    assertEquals(new TransferMessage.Refuse(TransferMessage.RefuseReason.UNKNOWN_SHARE, 0), unknown.next());
    unknown.expectEnd();

    Files.setLastModifiedTime(f.file(), FileTime.from(Instant.now().plusSeconds(3600)));
    Stream stale = new Stream(f.handler());
    stale.send(new TransferMessage.Hello(f.share().metadata().infoHash()));
    assertInstanceOf(TransferMessage.Refuse.class, stale.next());
    stale.expectEnd();
  }

  @Test
  void downloadersBeyondTheCapAreRefusedBusy() throws Exception {
    Fixture f = fixture(SwarmSettings.defaults().withMaxDownloaders(1), Clock.systemUTC());
    Stream first = new Stream(f.handler());
    first.send(new TransferMessage.Hello(f.share().metadata().infoHash()));
    assertEquals(TransferMessage.Have.allPieces(), first.next());
    Stream second = new Stream(f.handler());
    second.send(new TransferMessage.Hello(f.share().metadata().infoHash()));
    assertEquals(new TransferMessage.Refuse(TransferMessage.RefuseReason.BUSY, 30), second.next());
  }

  @Test
  void theUploadRateLimitHoldsBlocksUntilTokensRefill() throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    Fixture f = fixture(SwarmSettings.defaults().withUploadRate(16384, 16384), clock);
    Stream s = new Stream(f.handler());
    s.send(new TransferMessage.Hello(f.share().metadata().infoHash()));
    s.next();
    s.sendTogether(List.of(new BlockRequest(0, 0, 16384), new BlockRequest(1, 0, 16384)));
    assertEquals(0, assertInstanceOf(TransferMessage.Block.class, s.next()).piece());
    s.handle.expectNoMessage(Duration.ofMillis(1500)); // the retry timer fires, but the clock has not moved
    clock.advance(Duration.ofSeconds(1));
    assertEquals(1, assertInstanceOf(TransferMessage.Block.class, s.next()).piece());
  }

  @Test
  void theTestOnlyCorruptionSwitchServesBlocksThatFailTheirProof() throws Exception {
    Fixture f = fixture(SwarmSettings.defaults().withCorruptBlocksForTesting(true), Clock.systemUTC());
    Stream s = new Stream(f.handler());
    s.send(new TransferMessage.Hello(f.share().metadata().infoHash()));
    s.next();
    s.send(new BlockRequest(0, 0, 16384));
    TransferMessage.Block b = assertInstanceOf(TransferMessage.Block.class, s.next());
    assertFalse(new PieceVerifier(f.share().metadata().tree()).verifyBlock(b));
    assertFalse(SwarmSettings.defaults().corruptBlocksForTesting(), "off by default");
  }
}
