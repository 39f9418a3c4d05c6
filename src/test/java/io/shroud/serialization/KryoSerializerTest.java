package io.shroud.serialization;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.dht.RoutingSnapshotActor;
import io.shroud.identity.SignedDescriptor;
import io.shroud.node.KeysActor;
import io.shroud.swarm.serve.ShareJournal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KryoSerializerTest {
  private final KryoSerializer serializer = new KryoSerializer();

  /** One sample per registered Shroud class; a class registered without a sample fails the test. */
  static final List<ShroudSerializable> SAMPLES = List.of(
      new SignedDescriptor(new byte[] {1, 2, 3}, new byte[64]),
      new KeysActor.OnionKeyCreated(7, new byte[32], Instant.parse("2026-11-24T10:15:30.123456789Z")),
      new KeysActor.KeysState(
          new KeysActor.OnionKeyRef(2, new byte[] {9, 9}, Instant.EPOCH),
          new KeysActor.OnionKeyRef(1, new byte[] {8}, Instant.ofEpochSecond(5)),
          new java.util.ArrayList<>(List.of(new KeysActor.GuardEntry(new byte[32], Instant.EPOCH, Instant.MAX)))),
      new KeysActor.KeysState(new KeysActor.OnionKeyRef(1, new byte[] {4}, Instant.EPOCH), null, new java.util.ArrayList<>()),
      new KeysActor.GuardsRecorded(new java.util.ArrayList<>(List.of(
          new KeysActor.GuardEntry(new byte[32], Instant.EPOCH, Instant.ofEpochSecond(60))))),
      new KeysActor.GuardEntry(new byte[] {1}, Instant.EPOCH, Instant.EPOCH),
      new KeysActor.OnionKeyRef(3, new byte[] {1}, Instant.ofEpochSecond(99, 5)),
      new ShareJournal.ShareAdded("ab".repeat(32), "/tmp/x", true, new byte[] {1}, new byte[32], 5, 6, Instant.EPOCH),
      new ShareJournal.LegacyShareAdded("ab".repeat(32), "/tmp/x", true, new byte[] {1}, new byte[32], 5, 6,
          Instant.EPOCH),
      new ShareJournal.ShareRemoved("cd".repeat(32)),
      new ShareJournal.State(new java.util.HashMap<>(java.util.Map.of("k",
          new ShareJournal.ShareAdded("k", "/p", false, new byte[0], new byte[32], 0, 0, Instant.EPOCH)))),
      new ShareJournal.LegacyState(new java.util.HashMap<>(java.util.Map.of("k",
          new ShareJournal.LegacyShareAdded("k", "/p", false, new byte[0], new byte[0], 0, 0, Instant.EPOCH)))),
      new RoutingSnapshotActor.SavedContact(new byte[32], "127.1.0.1", 7000, Instant.EPOCH),
      new RoutingSnapshotActor.ContactsSaved(new ArrayList<>(List.of(
          new RoutingSnapshotActor.SavedContact(new byte[] {1}, "::1", 1, Instant.ofEpochSecond(7))))),
      new RoutingSnapshotActor.RoutingState(new ArrayList<>(List.of(
          new RoutingSnapshotActor.SavedContact(new byte[] {2}, "10.0.0.1", 65535, Instant.EPOCH)))),
      new io.shroud.swarm.fetch.DownloadEvent.DownloadStarted("0123456789abcdef", "ab".repeat(32), "/tmp/out.bin", 3,
          Instant.ofEpochSecond(1, 2)),
      new io.shroud.swarm.fetch.DownloadEvent.PieceLayerVerified(new byte[64]),
      new io.shroud.swarm.fetch.DownloadEvent.PieceLayerStored(new byte[32]),
      new io.shroud.swarm.fetch.DownloadEvent.PieceVerified(41),
      new io.shroud.swarm.fetch.DownloadEvent.PiecesVerified(new int[] {3, 1, 2}),
      new io.shroud.swarm.fetch.DownloadEvent.PieceInvalidated(7),
      new io.shroud.swarm.fetch.DownloadEvent.Paused(Instant.EPOCH),
      new io.shroud.swarm.fetch.DownloadEvent.Resumed(Instant.ofEpochSecond(3)),
      new io.shroud.swarm.fetch.DownloadEvent.Cancelled(Instant.ofEpochSecond(4)),
      new io.shroud.swarm.fetch.DownloadEvent.DownloadCompleted("cd".repeat(32), "movie.mkv", Instant.ofEpochSecond(5)),
      new io.shroud.swarm.fetch.DownloadEvent.DownloadFailed("disk full", Instant.ofEpochSecond(6)),
      new io.shroud.swarm.fetch.DownloadsActor.DownloadRegistered("0123456789abcdef", "/tmp/out.bin", Instant.EPOCH));

  /** Value-based equality for records holding arrays: compare their serialized forms after a round trip. */
  @Test
  void everyRegisteredShroudClassRoundTrips() {
    Set<Class<?>> covered = new HashSet<>();
    for (ShroudSerializable sample : SAMPLES) {
      byte[] bytes = serializer.toBinary(sample);
      Object back = serializer.fromBinary(bytes);
      assertEquals(sample.getClass(), back.getClass());
      assertArrayEquals(bytes, serializer.toBinary(back), "round trip changed " + sample);
      assertEquals(sample.toString().replaceAll("\\[[BI]@\\w+", ""), back.toString().replaceAll("\\[[BI]@\\w+", ""));
      covered.add(sample.getClass());
    }
    assertEquals(new HashSet<>(KryoRegistry.shroudClasses()), covered,
        "every registered Shroud class needs a sample here");
  }

  @Test
  void theDescriptorKeepsItsBytes() {
    SignedDescriptor d = new SignedDescriptor(new byte[] {5, 6, 7}, new byte[] {1, 1});
    assertEquals(d, serializer.fromBinary(serializer.toBinary(d)));
  }

  record NotRegistered(String name) implements ShroudSerializable {}

  @Test
  void anUnregisteredClassIsRefusedOnTheWayOut() {
    var e = assertThrows(IllegalArgumentException.class, () -> serializer.toBinary(new NotRegistered("x")));
    assertTrue(e.getMessage().contains("NotRegistered"), e.getMessage());
  }

  @Test
  void aClassThatIsNotShroudSerializableIsRefused() {
    var e = assertThrows(IllegalArgumentException.class, () -> serializer.toBinary("plain string"));
    assertTrue(e.getMessage().contains("not ShroudSerializable"), e.getMessage());
  }

  @Test
  void bytesNamingAnUnregisteredClassIdAreRefusedOnTheWayIn() {
    // Kryo writes the class id as a varint (id + 2); 99 + 2 = 101 is no registered id
    byte[] bytes = {(byte) 101, 0};
    assertThrows(IllegalArgumentException.class, () -> serializer.fromBinary(bytes));
  }

  @Test
  void trailingGarbageIsRefused() {
    byte[] ok = serializer.toBinary(new KeysActor.OnionKeyRef(3, new byte[] {1}, Instant.EPOCH));
    byte[] longer = java.util.Arrays.copyOf(ok, ok.length + 3);
    assertThrows(IllegalArgumentException.class, () -> serializer.fromBinary(longer));
  }

  @Test
  void oversizedMessagesAreRefused() {
    SignedDescriptor huge = new SignedDescriptor(new byte[KryoSerializer.MAX_BYTES + 1], new byte[64]);
    assertThrows(IllegalArgumentException.class, () -> serializer.toBinary(huge));
    assertThrows(IllegalArgumentException.class,
        () -> serializer.fromBinary(new byte[KryoSerializer.MAX_BYTES + 1]));
  }

  @Test
  void idsAreUniqueAndClassesAreUnique() {
    Map<Integer, Class<?>> classes = KryoRegistry.classes();
    assertEquals(classes.size(), new HashSet<>(classes.values()).size());
    assertTrue(classes.keySet().stream().allMatch(id -> id >= 100), "ids below 100 belong to Kryo");
  }
}
