package io.shroud.serialization;

import io.shroud.dht.RoutingSnapshotActor.ContactsSaved;
import io.shroud.dht.RoutingSnapshotActor.RoutingState;
import io.shroud.dht.RoutingSnapshotActor.SavedContact;
import io.shroud.identity.SignedDescriptor;
import io.shroud.node.KeysActor;
import io.shroud.node.KeysActor.GuardEntry;
import io.shroud.node.KeysActor.OnionKeyRef;
import io.shroud.swarm.fetch.DownloadEvent;
import io.shroud.swarm.fetch.DownloadsActor;
import io.shroud.swarm.serve.ShareJournal.LegacyShareAdded;
import io.shroud.swarm.serve.ShareJournal.LegacyState;
import io.shroud.swarm.serve.ShareJournal.ShareAdded;
import io.shroud.swarm.serve.ShareJournal.ShareRemoved;
import io.shroud.swarm.serve.ShareJournal.State;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Sample values of every registered Shroud class, shared by the serializer's tests and its fuzz
 * seeds. Their serialized bytes are pinned in {@code kryo-format-golden.txt} (the journal format):
 * append new samples at the end, never change or reorder one.
 */
final class KryoSamples {
  private KryoSamples() {}

  private static final Instant T = Instant.parse("2026-11-24T10:15:30.123456789Z");

  /** One sample per registered Shroud class (a class registered without one fails a test). */
  static final List<ShroudSerializable> BASIC = List.of(
      new SignedDescriptor(new byte[] {1, 2, 3}, new byte[64]),
      new KeysActor.OnionKeyCreated(7, new byte[32], T),
      new KeysActor.KeysState(
          new OnionKeyRef(2, new byte[] {9, 9}, Instant.EPOCH),
          new OnionKeyRef(1, new byte[] {8}, Instant.ofEpochSecond(5)),
          new ArrayList<>(List.of(new GuardEntry(new byte[32], Instant.EPOCH, Instant.MAX)))),
      new KeysActor.KeysState(new OnionKeyRef(1, new byte[] {4}, Instant.EPOCH), null, new ArrayList<>()),
      new KeysActor.GuardsRecorded(new ArrayList<>(List.of(
          new GuardEntry(new byte[32], Instant.EPOCH, Instant.ofEpochSecond(60))))),
      new GuardEntry(new byte[] {1}, Instant.EPOCH, Instant.EPOCH),
      new OnionKeyRef(3, new byte[] {1}, Instant.ofEpochSecond(99, 5)),
      new ShareAdded("ab".repeat(32), "/tmp/x", true, new byte[] {1}, new byte[32], 5, 6, Instant.EPOCH),
      new LegacyShareAdded("ab".repeat(32), "/tmp/x", true, new byte[] {1}, new byte[32], 5, 6, Instant.EPOCH),
      new ShareRemoved("cd".repeat(32)),
      new State(new HashMap<>(Map.of("k",
          new ShareAdded("k", "/p", false, new byte[0], new byte[32], 0, 0, Instant.EPOCH)))),
      new LegacyState(new HashMap<>(Map.of("k",
          new LegacyShareAdded("k", "/p", false, new byte[0], new byte[0], 0, 0, Instant.EPOCH)))),
      new SavedContact(new byte[32], "127.1.0.1", 7000, Instant.EPOCH),
      new ContactsSaved(new ArrayList<>(List.of(new SavedContact(new byte[] {1}, "::1", 1, Instant.ofEpochSecond(7))))),
      new RoutingState(new ArrayList<>(List.of(new SavedContact(new byte[] {2}, "10.0.0.1", 65535, Instant.EPOCH)))),
      new DownloadEvent.DownloadStarted("0123456789abcdef", "ab".repeat(32), "/tmp/out.bin", 3,
          Instant.ofEpochSecond(1, 2)),
      new DownloadEvent.PieceLayerVerified(new byte[64]),
      new DownloadEvent.PieceLayerStored(new byte[32]),
      new DownloadEvent.PieceVerified(41),
      new DownloadEvent.PiecesVerified(new int[] {3, 1, 2}),
      new DownloadEvent.PieceInvalidated(7),
      new DownloadEvent.Paused(Instant.EPOCH),
      new DownloadEvent.Resumed(Instant.ofEpochSecond(3)),
      new DownloadEvent.Cancelled(Instant.ofEpochSecond(4)),
      new DownloadEvent.DownloadCompleted("cd".repeat(32), "movie.mkv", Instant.ofEpochSecond(5)),
      new DownloadEvent.DownloadFailed("disk full", Instant.ofEpochSecond(6)),
      new DownloadsActor.DownloadRegistered("0123456789abcdef", "/tmp/out.bin", Instant.EPOCH));

  /**
   * Values at the edges of Kryo's encodings: lengths past one varint byte, empty and null
   * strings, UTF-8 (non-ASCII) strings, negative and large ints, several list and map entries,
   * a null list element, Instant.MIN.
   */
  static final List<ShroudSerializable> EDGES = List.of(
      new SignedDescriptor(filled(300, 7), filled(64, -1)),
      new SignedDescriptor(new byte[0], new byte[0]),
      new ShareAdded("", "/home/\u00fcser/\u65e5\u672c\u8a9e \u2603.mkv", false, filled(20_000, 3), new byte[32],
          Long.MAX_VALUE, Long.MIN_VALUE, Instant.MIN),
      new LegacyShareAdded("x".repeat(200), null, true, null, filled(130, 1), -1, 0, null),
      new State(hashMap( // built by puts in this order: Map.of's order changes from run to run
          "a", new ShareAdded("a", "/a", true, new byte[] {1}, new byte[32], 1, 2, Instant.EPOCH),
          "\u00e9", new ShareAdded("\u00e9", "/\u00e9", false, new byte[0], new byte[32], 3, 4, T),
          "c".repeat(64), new ShareAdded("c".repeat(64), "/c", true, new byte[2], new byte[32], 5, 6, Instant.MAX))),
      new State(new HashMap<>()),
      new DownloadEvent.PiecesVerified(IntStream.range(-100, 200).map(i -> i * 1_000_003).toArray()),
      new DownloadEvent.PiecesVerified(new int[0]),
      new DownloadEvent.PieceVerified(Integer.MIN_VALUE),
      new DownloadEvent.DownloadFailed(null, null),
      new DownloadEvent.DownloadFailed("", Instant.ofEpochSecond(-1, 999_999_999)),
      new KeysActor.GuardsRecorded(new ArrayList<>(java.util.Arrays.asList(
          new GuardEntry(filled(32, 1), T, T.plusSeconds(86_400)), null,
          new GuardEntry(filled(32, 2), T, T.plusSeconds(172_800))))),
      new RoutingState(new ArrayList<>(IntStream.range(0, 150)
          .mapToObj(i -> new SavedContact(filled(32, i), "10.0.0." + (i % 250), 7000 + i, T.plusSeconds(i)))
          .toList())),
      new KeysActor.KeysState(null, null, null),
      new DownloadsActor.DownloadRegistered("\u00ff".repeat(70), "/t/\ud83d\ude00", T));

  /** Classes registered after the golden file was first written: appended, never inserted. */
  static final List<ShroudSerializable> LATER = List.of(
      new io.shroud.node.admission.PublishedRevocations(
          "-----BEGIN SHROUD REVOCATIONS-----\nU0hSVgE=\n-----END SHROUD REVOCATIONS-----\n"),
      new io.shroud.swarm.fetch.DownloadsActor.FolderRegistered("00112233aabbccdd", "/downloads/folder",
          new byte[] {'d', 'e'}, new int[] {1, 3}, 3, java.time.Instant.ofEpochSecond(1_800_000_000L)),
      new io.shroud.swarm.fetch.DownloadsActor.FilesSelected("00112233aabbccdd", "1,3-5"),
      new io.shroud.node.admission.PublishedConsensusPart(new byte[] {'S', 'H', 'V', 'T', 1, 0, (byte) 0xff}));

  /** {@link #BASIC}, then {@link #EDGES}, then {@link #LATER}: the order of the golden file. */
  static List<ShroudSerializable> all() {
    List<ShroudSerializable> all = new ArrayList<>(BASIC);
    all.addAll(EDGES);
    all.addAll(LATER);
    return all;
  }

  private static <V> HashMap<String, V> hashMap(Object... keysAndValues) {
    HashMap<String, V> m = new HashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      @SuppressWarnings("unchecked")
      V v = (V) keysAndValues[i + 1];
      m.put((String) keysAndValues[i], v);
    }
    return m;
  }

  static byte[] filled(int n, int value) {
    byte[] b = new byte[n];
    java.util.Arrays.fill(b, (byte) value);
    return b;
  }
}
