package io.shroud.swarm.serve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.content.PieceGeometry;
import io.shroud.content.ShareBuilder;
import io.shroud.content.ShareMetadata;
import io.shroud.content.ShareOptions;
import io.shroud.swarm.ShareFixture;
import io.shroud.swarm.transfer.TransferCodec;
import io.shroud.swarm.transfer.TransferMessage;
import io.shroud.swarm.transfer.TransferMessage.BlockRequest;
import io.shroud.swarm.transfer.TransferMessage.HashLayer;
import io.shroud.swarm.transfer.TransferMessage.RejectReason;
import io.shroud.testutil.MutableClock;
import io.shroud.wire.TokenBucket;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The provider's rules for one stream, without an actor: a {@link ServingSession} over a real
 * share on disk, its I/O recorded by {@link RecordingIo} and its rate limit read from a hand-moved clock.
 */
class ServingSessionTest {
  static final int BLOCK = PieceGeometry.BLOCK_SIZE;
  /** 30 pieces of two blocks and a 31st of one short block. */
  static final int PIECE = 2 * BLOCK;
  static final int LENGTH = 30 * PIECE + 5000;
  /** A relay cell's data, as the circuit layer cuts a stream. */
  static final int CHUNK = 4052;

  @TempDir
  Path dir;

  final ShareFixture content = new ShareFixture(11, LENGTH, PIECE);
  final PieceGeometry g = content.geometry;
  final MutableClock clock = new MutableClock();
  final ServingCounters counters = new ServingCounters();
  /** Chunks of credit the stream opens with. */
  int credit = 1000;
  Path dataFile;
  Path leavesFile;
  ShareMetadata metadata;

  @BeforeEach
  void share() throws IOException {
    dataFile = Files.write(dir.resolve("share.bin"), content.content);
    leavesFile = dir.resolve("share.leaves");
    metadata = new ShareBuilder(new SecureRandom()).build(dataFile,
        ShareOptions.publicShare().withPieceLength(PIECE).withLeavesOut(leavesFile));
  }

  ServingSession session(RecordingIo io, boolean busy, long bytesPerSecond, boolean corrupt) {
    ServingSession.Provider provider = new ServingSession.Provider(
        new TokenBucket(bytesPerSecond, bytesPerSecond, clock), counters, CHUNK, corrupt,
        LoggerFactory.getLogger(ServingSessionTest.class));
    ServingSession s = new ServingSession(1, busy, provider, io);
    s.opened(credit);
    return s;
  }

  ServingSession session(RecordingIo io) {
    return session(io, false, TokenBucket.MAX_RATE, false);
  }

  /** A session whose HELLO was accepted (its HAVE taken off {@code io.sent}). */
  ServingSession accepted(RecordingIo io, ServingSession s) {
    s.received(hello());
    assertEquals(List.of(metadata.infoHashHex()), io.lookups);
    s.shareFound(metadata, dataFile, leavesFile);
    assertEquals(List.of(TransferMessage.Have.allPieces()), io.sent);
    io.sent.clear();
    return s;
  }

  List<byte[]> hello() {
    return one(new TransferMessage.Hello(metadata.infoHash()));
  }

  static List<byte[]> one(TransferMessage m) {
    return List.of(TransferCodec.encode(m));
  }

  /** {@code ms} in one delivery, as the requests of a new source arrive. */
  static List<byte[]> together(List<? extends TransferMessage> ms) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ms.forEach(m -> out.writeBytes(TransferCodec.encode(m)));
    return List.of(out.toByteArray());
  }

  /** The request for block {@code b} of the file. */
  BlockRequest block(int b) {
    int piece = (int) ((long) b * BLOCK / PIECE);
    return new BlockRequest(piece, (int) ((long) b * BLOCK - g.pieceOffset(piece)), g.blockSize(b));
  }

  List<BlockRequest> blocks(int from, int count) {
    List<BlockRequest> out = new ArrayList<>();
    for (int b = from; b < from + count; b++) {
      out.add(block(b));
    }
    return out;
  }

  /** Runs the oldest read task the session started and hands its blocks back. */
  static void finishRead(RecordingIo io, ServingSession s) {
    s.blocksRead(io.reads.poll().read());
  }

  @Test
  void aHelloForAnUnknownShareIsRefusedAndEndsTheStream() {
    RecordingIo io = new RecordingIo();
    ServingSession s = session(io);
    s.received(one(new TransferMessage.Hello(new byte[32])));
    assertEquals(List.of("00".repeat(32)), io.lookups);
    assertTrue(io.sent.isEmpty(), "nothing is said before the catalogue answers");
    s.shareUnknown();
    assertEquals(List.of(new TransferMessage.Refuse(TransferMessage.RefuseReason.UNKNOWN_SHARE, 0)), io.sent);
    assertTrue(io.ended);
    assertEquals(1, counters.view(0).refused());
    s.shareFound(metadata, dataFile, leavesFile); // a late answer changes nothing
    assertEquals(1, io.sent.size());
  }

  @Test
  void aShareWhoseDataCannotBeOpenedIsRefusedStale() {
    RecordingIo io = new RecordingIo();
    ServingSession s = session(io);
    s.received(hello());
    s.shareFound(metadata, dir.resolve("gone.bin"), leavesFile);
    assertEquals(List.of(new TransferMessage.Refuse(TransferMessage.RefuseReason.STALE, 60)), io.sent);
    assertTrue(io.ended);
  }

  @Test
  void aSessionOpenedOverTheCapIsRefusedBusyWithoutALookup() {
    RecordingIo io = new RecordingIo();
    ServingSession s = session(io, true, TokenBucket.MAX_RATE, false);
    s.received(hello());
    assertEquals(List.of(new TransferMessage.Refuse(TransferMessage.RefuseReason.BUSY, 30)), io.sent);
    assertTrue(io.lookups.isEmpty());
    assertTrue(io.ended);
    assertEquals(1, counters.view(0).refused());
  }

  @Test
  void requestsBeforeTheShareWasAcceptedEndTheStream() {
    List<TransferMessage> early = List.of(block(0), new TransferMessage.HashRequest(HashLayer.PIECES, 0, 1));
    for (TransferMessage m : early) {
      for (boolean helloFirst : new boolean[] {false, true}) {
        RecordingIo io = new RecordingIo();
        ServingSession s = session(io);
        if (helloFirst) { // the catalogue has not answered yet
          s.received(hello());
        }
        s.received(one(m));
        assertTrue(io.ended, m + (helloFirst ? " after HELLO" : " before HELLO"));
        assertTrue(io.sent.isEmpty());
        assertTrue(io.reads.isEmpty());
      }
    }
    assertEquals(4, counters.view(0).violations());
  }

  @Test
  void aSecondHelloAndAMessageAProviderDoesNotTakeEndTheStream() {
    List<TransferMessage> wrong = List.of(new TransferMessage.Hello(metadata.infoHash()), TransferMessage.Have.allPieces());
    for (TransferMessage m : wrong) {
      RecordingIo io = new RecordingIo();
      ServingSession s = accepted(io, session(io));
      s.received(one(m));
      assertTrue(io.ended, m.toString());
      assertTrue(io.sent.isEmpty());
    }
    assertEquals(2, counters.view(0).violations());
  }

  @Test
  void aHashRequestIsAnsweredFromThePieceLayerAndOnePastTheLastPieceEndsTheStream() {
    RecordingIo io = new RecordingIo();
    ServingSession s = accepted(io, session(io));
    s.received(one(new TransferMessage.HashRequest(HashLayer.PIECES, 1, g.pieceCount() - 1)));
    TransferMessage.Hashes hashes = assertInstanceOf(TransferMessage.Hashes.class, io.sent.remove(0));
    assertEquals(1, hashes.index());
    byte[] layer = metadata.tree().pieceLayerBytes();
    assertArrayEquals(java.util.Arrays.copyOfRange(layer, 32, layer.length), hashes.hashes(), "up to the last piece");
    assertFalse(io.ended);

    s.received(one(new TransferMessage.HashRequest(HashLayer.PIECES, 1, g.pieceCount())));
    assertTrue(io.ended);
    assertTrue(io.sent.isEmpty());
    assertEquals(1, counters.view(0).violations());
  }

  @Test
  void aMetadataRequestIsAnsweredWithThePublicSharesExactInfoBytesAndOnePastTheEndEndsTheStream() throws Exception {
    RecordingIo io = new RecordingIo();
    ServingSession s = accepted(io, session(io));
    s.received(one(new TransferMessage.MetadataRequest(0)));
    TransferMessage.Metadata m = assertInstanceOf(TransferMessage.Metadata.class, io.sent.remove(0));
    byte[] info = metadata.info().encode();
    assertEquals(info.length, m.totalLength());
    assertArrayEquals(info, m.data(), "the whole (small) dictionary in piece 0");
    assertArrayEquals(metadata.infoHash(), java.security.MessageDigest.getInstance("SHA-256").digest(m.data()));
    assertFalse(io.ended);

    s.received(one(new TransferMessage.MetadataRequest(1)));
    assertTrue(io.ended);
    assertTrue(io.sent.isEmpty());
    assertEquals(1, counters.view(0).violations());
  }

  @Test
  void anEncryptedShareNeverAnswersAMetadataRequest() throws IOException {
    Path plain = Files.write(dir.resolve("secret.bin"), content.content);
    metadata = new ShareBuilder(new SecureRandom()).build(plain,
        ShareOptions.encrypted(dir.resolve("secret.cipher")).withPieceLength(PIECE));
    dataFile = metadata.dataFile();
    RecordingIo io = new RecordingIo();
    ServingSession s = accepted(io, session(io));
    s.received(one(new TransferMessage.MetadataRequest(0)));
    assertEquals(List.of(new TransferMessage.Refuse(TransferMessage.RefuseReason.UNKNOWN_SHARE, 0)), io.sent);
    assertTrue(io.ended);
  }

  @Test
  void aMetadataRequestBeforeTheShareWasAcceptedEndsTheStream() {
    RecordingIo io = new RecordingIo();
    ServingSession s = session(io);
    s.received(one(new TransferMessage.MetadataRequest(0)));
    assertTrue(io.ended);
    assertTrue(io.sent.isEmpty());
  }

  @Test
  void requestsThatDoNotFitTheShareAreRejectedAndNotRead() {
    RecordingIo io = new RecordingIo();
    ServingSession s = accepted(io, session(io));
    BlockRequest pastTheEnd = new BlockRequest(g.pieceCount(), 0, BLOCK);
    BlockRequest tooLong = new BlockRequest(g.pieceCount() - 1, 0, BLOCK); // the last block is short
    s.received(together(List.of(pastTheEnd, block(0), tooLong)));
    assertEquals(List.of(new TransferMessage.Reject(pastTheEnd.piece(), 0, RejectReason.NOT_AVAILABLE),
        new TransferMessage.Reject(tooLong.piece(), 0, RejectReason.NOT_AVAILABLE)), io.sent);
    assertEquals(1, io.reads.size());
    assertEquals(List.of(block(0)), io.reads.peek().requests(), "only the request that fits is read");
    assertEquals(2, counters.view(0).rejected());
    assertFalse(io.ended);
  }

  @Test
  void theQueueTakesMaxQueuedRequestsAndOneMoreEndsTheStream() {
    List<BlockRequest> requests = new ArrayList<>();
    for (int i = 0; i <= TransferCodec.MAX_QUEUED_REQUESTS; i++) {
      requests.add(block(i % g.blockCount()));
    }
    RecordingIo full = new RecordingIo();
    ServingSession s = accepted(full, session(full));
    s.received(together(requests.subList(0, TransferCodec.MAX_QUEUED_REQUESTS)));
    assertFalse(full.ended, "a downloader's full pipeline is queued");
    assertEquals(ServingSession.READS_IN_FLIGHT, full.reads.size());

    RecordingIo over = new RecordingIo();
    ServingSession t = accepted(over, session(over));
    t.received(together(requests));
    assertTrue(over.ended);
    assertTrue(over.reads.isEmpty(), "no read starts once the stream is ending");
    assertEquals(1, counters.view(0).violations());
  }

  @Test
  void theRateLimitHoldsARequestUntilTheBucketRefills() {
    RecordingIo io = new RecordingIo();
    ServingSession s = accepted(io, session(io, false, BLOCK, false));
    s.received(together(List.of(block(0), block(2))));
    assertEquals(List.of(block(0)), io.reads.poll().requests(), "the bucket pays for one block");
    assertFalse(io.retries.isEmpty(), "the next block waits, not rejected");
    assertTrue(io.retries.stream().allMatch(Duration.ofSeconds(1)::equals), "for a second: " + io.retries);
    s.pump(); // the retry comes early: the clock has not moved
    assertTrue(io.reads.isEmpty());
    assertTrue(io.sent.isEmpty());
    clock.advance(Duration.ofSeconds(1));
    s.pump();
    assertEquals(List.of(block(2)), io.reads.poll().requests());
    assertEquals(0, counters.view(0).rejected());
  }

  @Test
  void aReadTaskTakesUpToBlocksPerReadRequestsAndTwoRunAtOnce() {
    int perTask = FileRun.BLOCKS_PER_READ;
    RecordingIo io = new RecordingIo();
    ServingSession s = accepted(io, session(io));
    s.received(together(blocks(0, 2 * perTask + 3)));
    assertEquals(List.of(blocks(0, perTask), blocks(perTask, perTask)),
        io.reads.stream().map(ReadTask::requests).toList(), "in request order, two tasks");
    finishRead(io, s);
    assertEquals(2, io.writes, "HAVE, then the task's blocks in one write");
    assertEquals(perTask, io.sent.size());
    assertEquals(List.of(blocks(perTask, perTask), blocks(2 * perTask, 3)),
        io.reads.stream().map(ReadTask::requests).toList(), "the next task starts when one ends");
  }

  @Test
  void blocksReadAcrossAPieceBoundaryCarryTheirOwnDataAndProofWithOrWithoutStoredLeaves() throws IOException {
    for (boolean leaves : new boolean[] {true, false}) {
      RecordingIo io = new RecordingIo();
      ServingSession s = session(io);
      s.received(hello());
      s.shareFound(metadata, dataFile, leaves ? leavesFile : dir.resolve("no.leaves"));
      io.sent.clear();
      // piece 0's second block, all of piece 1, piece 2's first block: one run in the file; then
      // the last, short, block
      List<BlockRequest> requests = new ArrayList<>(blocks(1, 4));
      requests.add(block(g.blockCount() - 1));
      s.received(together(requests));
      assertEquals(requests, io.reads.peek().requests());
      finishRead(io, s);
      List<TransferMessage> expected = new ArrayList<>();
      requests.forEach(r -> expected.add(content.serve(r.piece(), r.offset(), r.length())));
      assertEquals(expected, io.sent, leaves ? "proofs from the leaves" : "proofs from hashing the pieces");
    }
    TransferServiceView v = counters.view(0);
    assertEquals(10, v.blocksServed());
    assertEquals(2 * (4L * BLOCK + 5000), v.bytesServed());
    java.util.BitSet pieces = new java.util.BitSet();
    pieces.set(0, 3);
    pieces.set(g.pieceCount() - 1);
    assertEquals(pieces, counters.servedPieces(metadata.infoHashHex(), false));
  }

  @Test
  void noReadStartsWhileTheStreamIsBackedUp() {
    int perTask = FileRun.BLOCKS_PER_READ;
    RecordingIo io = new RecordingIo();
    credit = 1; // the stream takes no more chunks than HAVE's
    ServingSession s = accepted(io, session(io));
    s.received(together(blocks(0, 3 * perTask)));
    finishRead(io, s); // its blocks wait for credit
    assertTrue(io.sent.isEmpty());
    assertEquals(1, io.reads.size(), "no third task while more than the limit waits");
    s.credited(1000);
    assertEquals(perTask, io.sent.size());
    assertEquals(List.of(blocks(perTask, perTask), blocks(2 * perTask, perTask)),
        io.reads.stream().map(ReadTask::requests).toList());
  }

  @Test
  void aCancelDropsItsQueuedRequest() {
    RecordingIo io = new RecordingIo();
    ServingSession s = accepted(io, session(io));
    s.received(together(List.of(block(0), block(1), new TransferMessage.Cancel(0, 0))));
    assertEquals(List.of(block(1)), io.reads.poll().requests());
  }

  @Test
  void aReadThatFailedIsRejected() {
    RecordingIo io = new RecordingIo();
    ServingSession s = accepted(io, session(io));
    s.received(together(blocks(0, 2)));
    s.blocksRead(io.reads.poll().failed(new IOException("disk gone")));
    assertEquals(List.of(new TransferMessage.Reject(0, 0, RejectReason.NOT_AVAILABLE),
        new TransferMessage.Reject(0, BLOCK, RejectReason.NOT_AVAILABLE)), io.sent);
    assertEquals(2, counters.view(0).rejected());
    assertEquals(0, counters.view(0).blocksServed());
    assertFalse(io.ended, "a failed read is not the downloader's fault");
  }

  @Test
  void theTestOnlyCorruptionSwitchFlipsAByteOfEveryBlock() {
    RecordingIo io = new RecordingIo();
    ServingSession s = accepted(io, session(io, false, TokenBucket.MAX_RATE, true));
    s.received(together(blocks(0, 1)));
    finishRead(io, s);
    TransferMessage.Block b = assertInstanceOf(TransferMessage.Block.class, io.sent.get(0));
    TransferMessage.Block honest = content.serve(0, 0, BLOCK);
    assertArrayEquals(honest.sharedProof(), b.sharedProof());
    assertNotEquals(honest, b);
    b.sharedData()[BLOCK / 2] ^= 0x5a;
    assertEquals(honest, b, "one byte differs");
  }

  @Test
  void aClosingSessionEndsTheStreamOnlyOnceItsOutputIsWrittenAndThenIgnoresTheDownloader() {
    RecordingIo io = new RecordingIo();
    credit = 0;
    ServingSession s = session(io, true, TokenBucket.MAX_RATE, false);
    s.received(hello());
    assertTrue(io.sent.isEmpty());
    assertFalse(io.ended, "REFUSE is not written yet");
    s.credited(1);
    assertEquals(List.of(new TransferMessage.Refuse(TransferMessage.RefuseReason.BUSY, 30)), io.sent);
    assertTrue(io.ended);
    s.received(together(List.of(new TransferMessage.Hello(metadata.infoHash()), block(0))));
    assertEquals(1, io.sent.size());
    assertEquals(0, counters.view(0).violations(), "what comes after the end is not read");
  }
}
