package io.shroud.swarm.fetch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.content.InfoDict;
import io.shroud.content.Merkle;
import io.shroud.content.Metainfo;
import io.shroud.content.ShareLink;
import io.shroud.content.TorrentFile;
import io.shroud.content.TorrentFixturesAccess;
import io.shroud.identity.NodeId;
import io.shroud.metrics.NodeMetrics;
import io.shroud.swarm.ShareFixture;
import io.shroud.swarm.transfer.TransferCodec;
import io.shroud.swarm.transfer.TransferMessage;
import io.shroud.swarm.transfer.TransferMessage.Metadata;
import io.shroud.swarm.transfer.TransferMessage.MetadataRequest;
import io.shroud.swarm.transfer.TransferProtocolException;
import io.shroud.testutil.MetricValues;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The metadata phase of a bare magnet's download, without actors: sources on a recorded wire. */
class MetadataRunTest {
  private static final int PIECE = 32 * 1024;

  private final ShareFixture content = new ShareFixture(5, 5 * PIECE + 77, PIECE);
  private final InfoDict info = new InfoDict("movie.bin", content.geometry, content.tree.root(), null);
  private final byte[] infoHash = info.infoHash();
  private final NodeId liar = NodeId.ofIdentityKey(new byte[] {1});
  private final NodeId honest = NodeId.ofIdentityKey(new byte[] {2});
  private final NodeMetrics metrics = new NodeMetrics();

  /** What the run sent and how it ended. */
  private final class WireIo implements MetadataRun.Io {
    final Map<Long, List<TransferMessage>> wire = new LinkedHashMap<>();
    final List<Long> closed = new ArrayList<>();
    ShareLink verified;
    String unusable;
    byte[] folder;
    int retries;

    @Override public void connect(NodeId provider, long epoch) { wire.put(epoch, new ArrayList<>()); }
    @Override public void sendAll(NodeId provider, long epoch, List<TransferMessage> m) { wire.get(epoch).addAll(m); }
    @Override public void close(NodeId provider, long epoch) { closed.add(epoch); }
    @Override public void retryLater() { retries++; }
    @Override public void verified(ShareLink link) { verified = link; }
    @Override public void unusable(String reason) { unusable = reason; }
    @Override public void folder(byte[] info) { folder = info; }
    @Override public void log(String message) { }
  }

  private final WireIo out = new WireIo();
  private final MetadataRun run = new MetadataRun(out, infoHash, NodeId.ofIdentityKey(new byte[] {9}), 8,
      Duration.ofSeconds(30), Clock.fixed(Instant.EPOCH, ZoneOffset.UTC), metrics, 0);

  private void say(NodeId from, long epoch, TransferMessage... m) {
    run.onReport(new SourceReport.Received(from, epoch, List.of(m)));
  }

  /** Answers every metadata request on {@code epoch}'s wire from {@code dict}, piece by piece. */
  private void serve(NodeId from, long epoch, byte[] dict) {
    for (int i = 0; i < out.wire.get(epoch).size() && !run.done(); i++) {
      int p = ((MetadataRequest) out.wire.get(epoch).get(i)).piece();
      int at = p * TransferCodec.METADATA_PIECE_BYTES;
      say(from, epoch, new Metadata(dict.length, p,
          Arrays.copyOfRange(dict, at, at + Metadata.pieceSize(dict.length, p))));
    }
  }

  private double struck() {
    return MetricValues.scrape(metrics)
        .getOrDefault("shroud_source_strikes_total{reason=\"bad_metadata\"}", -1.0);
  }

  @Test
  void aSourceWhoseDictionaryDoesNotHashToTheInfoHashIsStruckAndTheNextOneIsAsked() {
    run.providersFound(List.of(liar, honest), null);
    assertEquals(List.of(-1L, -2L), List.copyOf(out.wire.keySet()), "negative epochs");
    say(liar, -1, TransferMessage.Have.allPieces());
    say(honest, -2, TransferMessage.Have.allPieces());
    assertEquals(List.of(new MetadataRequest(0)), out.wire.get(-1L), "one source asked at a time");
    assertTrue(out.wire.get(-2L).isEmpty());

    // the liar sends another file's dictionary (same shape, other name)
    serve(liar, -1, new InfoDict("other.bin", content.geometry, content.tree.root(), null).encode());
    assertEquals(List.of(-1L), out.closed);
    assertEquals(1.0, struck());
    assertNull(out.verified);
    assertEquals(List.of(new MetadataRequest(0)), out.wire.get(-2L), "the honest source is asked next");

    serve(honest, -2, info.encode());
    assertTrue(run.done());
    assertArrayEquals(infoHash, out.verified.infoHash());
    assertEquals(content.geometry, out.verified.geometry());
    assertArrayEquals(content.tree.root(), out.verified.piecesRoot().orElseThrow());
    assertEquals("movie.bin", out.verified.displayName().orElseThrow(), "the verified name, not dn's");
    assertTrue(out.closed.contains(-2L), "every session closed once the metadata is known");

    run.providersFound(List.of(liar), null);
    assertEquals(2, out.wire.size(), "nothing more once done");
  }

  @Test
  void aStruckSourceIsNotConnectedAgainInThisRun() {
    run.providersFound(List.of(liar), null);
    say(liar, -1, TransferMessage.Have.allPieces());
    serve(liar, -1, new InfoDict("other.bin", content.geometry, content.tree.root(), null).encode());
    assertEquals(1, out.retries, "no source left: look up again");
    run.providersFound(List.of(liar, honest), null);
    assertEquals(List.of(-1L, -2L), List.copyOf(out.wire.keySet()), "only the honest one is connected");
  }

  @Test
  void aDictionaryLargerThanOnePieceIsGatheredAndVerified() {
    byte[] big = new byte[2 * TransferCodec.METADATA_PIECE_BYTES + 10];
    Arrays.fill(big, (byte) 'x');
    MetadataFetch fetch = new MetadataFetch(Merkle.sha256().digest(big));
    List<TransferMessage> next = new ArrayList<>(fetch.start());
    for (int i = 0; i < next.size(); i++) {
      int p = ((MetadataRequest) next.get(i)).piece();
      int at = p * TransferCodec.METADATA_PIECE_BYTES;
      next.addAll(assertDoesNotThrow(() -> fetch.accept(new Metadata(big.length, p,
          Arrays.copyOfRange(big, at, at + Metadata.pieceSize(big.length, p))))));
    }
    assertEquals(3, next.size());
    assertTrue(fetch.complete());
    assertArrayEquals(big, assertDoesNotThrow(fetch::verified));
  }

  private static <T> T assertDoesNotThrow(org.junit.jupiter.api.function.ThrowingSupplier<T> s) {
    return org.junit.jupiter.api.Assertions.assertDoesNotThrow(s);
  }

  @Test
  void anAnswerThatChangesItsLengthOrRepeatsAPieceIsStruck() {
    byte[] dict = info.encode();
    run.providersFound(List.of(liar), null);
    say(liar, -1, TransferMessage.Have.allPieces());
    say(liar, -1, new Metadata(dict.length, 0, dict), new Metadata(dict.length, 0, dict));
    // one piece only: the first answer completes it, so the repeat is never looked at
    assertTrue(run.done());

    MetadataFetch fetch = new MetadataFetch(new byte[32]);
    byte[] two = new byte[TransferCodec.METADATA_PIECE_BYTES + 1];
    assertDoesNotThrow(() -> fetch.accept(new Metadata(two.length, 0, new byte[TransferCodec.METADATA_PIECE_BYTES])));
    org.junit.jupiter.api.Assertions.assertThrows(TransferProtocolException.class,
        () -> fetch.accept(new Metadata(two.length + 1, 1, new byte[2])), "length changed");
    org.junit.jupiter.api.Assertions.assertThrows(TransferProtocolException.class,
        () -> fetch.accept(new Metadata(two.length, 0, new byte[TransferCodec.METADATA_PIECE_BYTES])), "piece twice");
    org.junit.jupiter.api.Assertions.assertThrows(TransferProtocolException.class,
        () -> new MetadataFetch(new byte[32]).accept(new Metadata(two.length, 1, new byte[1])), "piece 1 first");
  }

  @Test
  void aVerifiedFolderDictionaryIsHandedOnAsAFolder() {
    byte[] folder = Metainfo.parse(TorrentFixturesAccess.folder(false)).infoBytes();
    MetadataRun folderRun = new MetadataRun(out, Merkle.sha256().digest(folder),
        NodeId.ofIdentityKey(new byte[] {9}), 8, Duration.ofSeconds(30), Clock.systemUTC(), metrics, 0);
    folderRun.providersFound(List.of(honest), null);
    folderRun.onReport(new SourceReport.Received(honest, -1, List.of(TransferMessage.Have.allPieces())));
    folderRun.onReport(new SourceReport.Received(honest, -1, List.of(new Metadata(folder.length, 0, folder))));
    org.junit.jupiter.api.Assertions.assertArrayEquals(folder, out.folder);
    assertNull(out.unusable);
    assertNull(out.verified);
    assertTrue(folderRun.done());
    assertEquals(0.0, struck(), "a dictionary that hashes right is the share's: its source is not struck");
  }

  @Test
  void aVerifiedDictionaryOfAnEmptyFileOrWithABadNameIsRefused() {
    byte[] empty = new InfoDict("e.bin", new io.shroud.content.PieceGeometry(0, PIECE), null, null).encode();
    Exception e = org.junit.jupiter.api.Assertions.assertThrows(io.shroud.content.BencodeException.class,
        () -> MetadataFetch.linkOf(empty, Merkle.sha256().digest(empty)));
    assertTrue(e.getMessage().contains("empty"), e.getMessage());
    // "ab" made ".." in the bytes (the constructor refuses the name itself): in the file tree and as name
    byte[] dots = new String(new InfoDict("ab", content.geometry, content.tree.root(), null).encode(),
        java.nio.charset.StandardCharsets.ISO_8859_1).replace("2:ab", "2:..")
        .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    e = org.junit.jupiter.api.Assertions.assertThrows(io.shroud.content.BencodeException.class,
        () -> MetadataFetch.linkOf(dots, Merkle.sha256().digest(dots)));
    assertTrue(e.getMessage().contains("'.' or '..'"), e.getMessage());
  }

  @Test
  void aSilentSourceAskedForTheDictionaryIsDroppedAfterTheStallTimeout() {
    MutableClock clock = new MutableClock();
    MetadataRun timed = new MetadataRun(out, infoHash, NodeId.ofIdentityKey(new byte[] {9}), 8,
        Duration.ofSeconds(30), clock, metrics, -5);
    timed.providersFound(List.of(liar, honest), null);
    assertEquals(List.of(-6L, -7L), List.copyOf(out.wire.keySet()), "counts on below the last epoch");
    timed.onReport(new SourceReport.Received(liar, -6, List.of(TransferMessage.Have.allPieces())));
    timed.onReport(new SourceReport.Received(honest, -7, List.of(TransferMessage.Have.allPieces())));
    clock.advance(Duration.ofSeconds(31));
    timed.tick();
    assertEquals(List.of(-6L), out.closed);
    assertEquals(List.of(new MetadataRequest(0)), out.wire.get(-7L));
    assertFalse(timed.done());
    assertEquals(0.0, struck(), "stalling is not lying");
  }

  /** A clock moved by hand. */
  private static final class MutableClock extends Clock {
    private Instant now = Instant.EPOCH;

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
    @Override public Clock withZone(java.time.ZoneId zone) { return this; }
    @Override public Instant instant() { return now; }
  }
}
