package io.shroud.serialization;

import com.esotericsoftware.kryo.Kryo;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one list of classes Kryo may (de)serialize, each under a fixed id. Ids are part of the
 * journal format: never reuse or renumber one; retire it and add a new id instead.
 *
 * <p>Ids start at 100 so they stay clear of Kryo's own default registrations (primitives,
 * String and their wrappers, 0–9).
 */
public final class KryoRegistry {
  private static final Map<Integer, Class<?>> CLASSES = build();

  private KryoRegistry() {}

  private static Map<Integer, Class<?>> build() {
    Map<Integer, Class<?>> m = new LinkedHashMap<>();
    // helper types used inside registered records
    m.put(100, byte[].class);
    m.put(101, java.util.ArrayList.class);
    m.put(102, java.time.Instant.class);
    m.put(104, int[].class);
    // 110–129: node (directory, keys)
    m.put(110, io.shroud.identity.SignedDescriptor.class);
    m.put(111, io.shroud.node.KeysActor.OnionKeyCreated.class);
    m.put(112, io.shroud.node.KeysActor.KeysState.class);
    m.put(113, io.shroud.node.KeysActor.OnionKeyRef.class);
    m.put(103, java.util.HashMap.class);
    m.put(114, io.shroud.node.KeysActor.GuardsRecorded.class);
    m.put(115, io.shroud.node.KeysActor.GuardEntry.class);
    // the network's signed revocation list, replicated between relays (issue 23)
    m.put(116, io.shroud.node.admission.PublishedRevocations.class);
    // the consensus's parts (signed votes, signatures over the body), replicated between relays (issue 24)
    m.put(117, io.shroud.node.admission.PublishedConsensusPart.class);
    // 130–149: dht (routing-table snapshots)
    m.put(130, io.shroud.dht.RoutingSnapshotActor.SavedContact.class);
    m.put(131, io.shroud.dht.RoutingSnapshotActor.ContactsSaved.class);
    m.put(132, io.shroud.dht.RoutingSnapshotActor.RoutingState.class);
    // 150–169: swarm (shares, downloads)
    // 150 and 152 hold the piece layer inline: still read from older journals, never written
    m.put(150, io.shroud.swarm.serve.ShareJournal.LegacyShareAdded.class);
    m.put(151, io.shroud.swarm.serve.ShareJournal.ShareRemoved.class);
    m.put(152, io.shroud.swarm.serve.ShareJournal.LegacyState.class);
    m.put(153, io.shroud.swarm.fetch.DownloadEvent.DownloadStarted.class);
    m.put(154, io.shroud.swarm.fetch.DownloadEvent.PieceLayerVerified.class); // read, never written
    m.put(155, io.shroud.swarm.fetch.DownloadEvent.PieceVerified.class);
    m.put(156, io.shroud.swarm.fetch.DownloadEvent.PieceInvalidated.class);
    m.put(157, io.shroud.swarm.fetch.DownloadEvent.Paused.class);
    m.put(158, io.shroud.swarm.fetch.DownloadEvent.Resumed.class);
    m.put(159, io.shroud.swarm.fetch.DownloadEvent.Cancelled.class);
    m.put(160, io.shroud.swarm.fetch.DownloadEvent.DownloadCompleted.class);
    m.put(161, io.shroud.swarm.fetch.DownloadEvent.DownloadFailed.class);
    m.put(162, io.shroud.swarm.fetch.DownloadsActor.DownloadRegistered.class);
    m.put(163, io.shroud.swarm.fetch.DownloadEvent.PiecesVerified.class);
    // piece layers in files, their SHA-256 in the journal (issue 25)
    m.put(164, io.shroud.swarm.fetch.DownloadEvent.PieceLayerStored.class);
    m.put(165, io.shroud.swarm.serve.ShareJournal.ShareAdded.class);
    m.put(166, io.shroud.swarm.serve.ShareJournal.State.class);
    m.put(167, io.shroud.swarm.fetch.DownloadsActor.FolderRegistered.class);
    m.put(168, io.shroud.swarm.fetch.DownloadsActor.FilesSelected.class);
    return Collections.unmodifiableMap(m);
  }

  /** The registered classes by id, in id order of registration. */
  public static Map<Integer, Class<?>> classes() {
    return CLASSES;
  }

  /**
   * How deep objects may nest (each object read inside another is one level deeper). Shroud's
   * deepest value, a share catalogue's {@code State}, is 4 deep (State, its HashMap, a ShareAdded,
   * an Instant); a deeper payload (lists in lists ...) is refused before it can overflow the stack.
   */
  public static final int MAX_DEPTH = 16;

  /**
   * A Kryo ready for Shroud: reads registered class ids only ({@link BoundedSerializers.RegisteredIdsOnly}),
   * no references, every class registered by {@link #registerAll}.
   */
  public static Kryo newKryo() {
    Kryo kryo = new Kryo(new BoundedSerializers.RegisteredIdsOnly(), null);
    registerAll(kryo);
    return kryo;
  }

  /**
   * Registers every class with its id; unregistered classes are refused from then on. Lists and
   * maps get serializers that check their size against the bytes left before creating them, and
   * nesting is limited to {@link #MAX_DEPTH}; arrays and strings are checked by the input
   * {@link KryoSerializer} reads from. The wire format is Kryo's default for each class.
   */
  public static void registerAll(Kryo kryo) {
    kryo.setRegistrationRequired(true);
    kryo.setReferences(false);
    kryo.setMaxDepth(MAX_DEPTH);
    for (Map.Entry<Integer, Class<?>> e : CLASSES.entrySet()) {
      Class<?> type = e.getValue();
      if (type == java.util.ArrayList.class) {
        kryo.register(type, new BoundedSerializers.BoundedArrayList(), e.getKey());
      } else if (type == java.util.HashMap.class) {
        kryo.register(type, new BoundedSerializers.BoundedHashMap(), e.getKey());
      } else {
        kryo.register(type, e.getKey());
      }
    }
  }

  /** Classes from {@link #classes()} that are Shroud's own (for tests and docs). */
  public static List<Class<?>> shroudClasses() {
    return CLASSES.values().stream().filter(c -> c.getName().startsWith("io.shroud.")).toList();
  }
}
