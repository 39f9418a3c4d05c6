package io.shroud.identity;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * What one reader believes about the directory, in its own memory: per node id, the newest
 * descriptor that verified under that node's own identity key, whatever the replicated map says
 * later. The replicated map is keyed by node id (lower-case hex); anybody in the cluster can
 * write any key, so a value counts only if it verifies ({@link DescriptorVerifier}) and is the
 * descriptor of the id it is stored under. A later value for an id replaces the kept one only if
 * it is newer ({@link #NEWEST_LAST}); forged, older, expired or missing values change nothing.
 *
 * <p>{@link #select} turns what is kept into the view: descriptors that are current, not
 * revoked, and name an Up member's cluster address, at most one node id per address. When two
 * ids claim one address, the one this reader already listed there (the <em>incumbent</em>) stays;
 * if none of them is the incumbent, none is listed (docs/security.md, "Directory writes").
 *
 * <p>Pure: no actors, no I/O; the clock is the verifier's. Not thread-safe (one actor owns it).
 */
public final class DirectoryCache {
  /** Descriptors kept at most; beyond it, those not listed and not incumbent are dropped. */
  public static final int DEFAULT_MAX_ENTRIES = 4096;

  /**
   * Orders descriptors of one node from oldest to newest: by valid-from (the signing time), then
   * valid-until, then the encoding and the signature as unsigned bytes, so every reader that
   * holds the same two descriptors picks the same one.
   */
  public static final Comparator<Kept> NEWEST_LAST = Comparator
      .comparing((Kept k) -> k.descriptor().validFrom())
      .thenComparing(k -> k.descriptor().validUntil())
      .thenComparing(Kept::signed, (a, b) -> {
        int c = Arrays.compareUnsigned(a.encoded(), b.encoded());
        return c != 0 ? c : Arrays.compareUnsigned(a.signature(), b.signature());
      });

  /** A descriptor that verified, with the signed bytes it came in. */
  public record Kept(NodeDescriptor descriptor, SignedDescriptor signed) {}

  /** What became of one value of the replicated map. */
  public sealed interface Offer permits Stored, Unchanged, Refused {}

  /** It verified and is now the newest descriptor of its node. */
  public record Stored(NodeDescriptor descriptor) implements Offer {}

  /** It verified, but this reader already keeps the same or a newer descriptor of that node. */
  public record Unchanged(NodeDescriptor kept) implements Offer {}

  /**
   * It does not count. {@code removable}: it can never count under that key (forged, malformed,
   * another node's, expired), so removing it from the map erases nothing anyone could use.
   */
  public record Refused(String reason, boolean removable) implements Offer {}

  /** Two or more node ids whose descriptors claim one Up member's address. */
  public record Conflict(String address, List<NodeId> claimants, Optional<NodeId> listed) {}

  /** The view and the conflicts found while building it. */
  public record Selection(List<NodeDescriptor> listed, List<Conflict> conflicts) {}

  private final DescriptorVerifier verifier;
  private final int maxEntries;
  private final Map<NodeId, Kept> newest = new HashMap<>();
  /** Cluster address → the node id this reader listed there; it stays while its claim holds. */
  private final Map<String, NodeId> incumbents = new HashMap<>();
  /** Map key → the last lasting refusal of the value there, so the same bytes are not re-verified. */
  private final Map<String, RefusedValue> refusedValues = new HashMap<>();

  private record RefusedValue(SignedDescriptor value, Refused refused) {}

  public DirectoryCache(DescriptorVerifier verifier) {
    this(verifier, DEFAULT_MAX_ENTRIES);
  }

  public DirectoryCache(DescriptorVerifier verifier, int maxEntries) {
    if (maxEntries < 1) {
      throw new IllegalArgumentException("maxEntries must be positive: " + maxEntries);
    }
    this.verifier = verifier;
    this.maxEntries = maxEntries;
  }

  /** The map key a node's own descriptor is stored under. */
  public static String keyOf(NodeId id) {
    return id.toHex();
  }

  /** Offers every value of the replicated map as it is now; the answers by key. */
  public Map<String, Offer> offerAll(Map<String, SignedDescriptor> entries) {
    refusedValues.keySet().retainAll(entries.keySet());
    Map<String, Offer> out = new LinkedHashMap<>();
    for (Map.Entry<String, SignedDescriptor> e : new TreeMap<>(entries).entrySet()) {
      out.put(e.getKey(), offer(e.getKey(), e.getValue()));
    }
    return out;
  }

  /** Offers {@code signed}, found in the replicated map under {@code key}. */
  public Offer offer(String key, SignedDescriptor signed) {
    RefusedValue before = refusedValues.get(key);
    if (before != null && before.value().equals(signed)) {
      return before.refused();
    }
    refusedValues.remove(key);
    Optional<Kept> same = keptUnder(key).filter(k -> k.signed().equals(signed));
    if (same.isPresent()) {
      return verifier.expired(same.get().descriptor())
          ? refuse(key, signed, new Refused("expired at " + same.get().descriptor().validUntil(), true))
          : new Unchanged(same.get().descriptor());
    }
    DescriptorVerifier.Result result = verifier.verify(signed);
    if (result instanceof DescriptorVerifier.Rejected r) {
      Refused refused = new Refused(r.reason(), r.lasting());
      return r.lasting() ? refuse(key, signed, refused) : refused;
    }
    NodeDescriptor d = ((DescriptorVerifier.Verified) result).descriptor();
    if (!keyOf(d.nodeId()).equals(key)) {
      return refuse(key, signed, new Refused(
          "the descriptor of " + d.nodeId().shortHex() + " is stored under another key", true));
    }
    Kept candidate = new Kept(d, signed);
    Kept current = newest.get(d.nodeId());
    if (current != null && NEWEST_LAST.compare(candidate, current) <= 0) {
      return new Unchanged(current.descriptor());
    }
    newest.put(d.nodeId(), candidate);
    return new Stored(d);
  }

  private Optional<Kept> keptUnder(String key) {
    NodeId id;
    try {
      id = NodeId.fromHex(key);
    } catch (IllegalArgumentException notAnId) {
      return Optional.empty();
    }
    return keyOf(id).equals(key) ? Optional.ofNullable(newest.get(id)) : Optional.empty();
  }

  private Refused refuse(String key, SignedDescriptor value, Refused refused) {
    refusedValues.put(key, new RefusedValue(value, refused));
    return refused;
  }

  /** The newest descriptor kept for {@code id}, if it has not expired. */
  public Optional<NodeDescriptor> newest(NodeId id) {
    Kept k = newest.get(id);
    return k == null || verifier.expired(k.descriptor()) ? Optional.empty() : Optional.of(k.descriptor());
  }

  /**
   * Whether a node whose latest descriptor is {@code own} should put it again, seeing
   * {@code inMap} (null: nothing) under its own key: yes unless {@code inMap} is {@code own}, or
   * a descriptor of the same node that verifies and is at least as new (another process holding
   * this node's key; fighting it would only make the two re-put each other forever).
   */
  public boolean shouldRepublish(SignedDescriptor own, SignedDescriptor inMap) {
    if (inMap == null) {
      return true;
    }
    if (inMap.equals(own)) {
      return false;
    }
    if (!(verifier.verify(inMap) instanceof DescriptorVerifier.Verified there)
        || !(verifier.verify(own) instanceof DescriptorVerifier.Verified mine)
        || !there.descriptor().nodeId().equals(mine.descriptor().nodeId())) {
      return true;
    }
    return NEWEST_LAST.compare(new Kept(there.descriptor(), inMap), new Kept(mine.descriptor(), own)) < 0;
  }

  /**
   * The view: kept descriptors that have not expired, whose node id {@code revoked} does not
   * name, and whose cluster address is in {@code upAddresses}; one node id per address, ordered
   * by node id. Drops expired descriptors, and beyond the size bound those not listed.
   */
  public Selection select(Set<String> upAddresses, Predicate<NodeId> revoked) {
    return select(upAddresses, revoked, address -> Optional.empty());
  }

  /**
   * As {@link #select(Set, Predicate)}, and where {@code proven} knows which node id proved
   * itself at an address (the Artery TLS session to that address showed a relay certificate for
   * that id), a descriptor of any other id claiming that address does not count: an admitted
   * member that mints fresh ids to claim a relay's address (or its own) lists none of them.
   */
  public Selection select(Set<String> upAddresses, Predicate<NodeId> revoked,
      Function<String, Optional<NodeId>> proven) {
    newest.values().removeIf(k -> verifier.expired(k.descriptor()));
    incumbents.entrySet().removeIf(e -> {
      Kept k = newest.get(e.getValue());
      return k == null || !k.descriptor().clusterAddress().equals(e.getKey()) || revoked.test(e.getValue());
    });
    Map<String, List<NodeDescriptor>> byAddress = new TreeMap<>();
    for (Kept k : newest.values()) {
      NodeDescriptor d = k.descriptor();
      if (upAddresses.contains(d.clusterAddress()) && !revoked.test(d.nodeId())
          && proven.apply(d.clusterAddress()).map(d.nodeId()::equals).orElse(true)) {
        byAddress.computeIfAbsent(d.clusterAddress(), a -> new ArrayList<>()).add(d);
      }
    }
    List<NodeDescriptor> listed = new ArrayList<>();
    List<Conflict> conflicts = new ArrayList<>();
    for (Map.Entry<String, List<NodeDescriptor>> e : byAddress.entrySet()) {
      String address = e.getKey();
      List<NodeDescriptor> claims = e.getValue();
      if (claims.size() == 1) {
        listed.add(claims.get(0));
        incumbents.put(address, claims.get(0).nodeId());
        continue;
      }
      claims.sort(Comparator.comparing(NodeDescriptor::nodeId));
      NodeId incumbent = incumbents.get(address);
      Optional<NodeDescriptor> kept = claims.stream().filter(d -> d.nodeId().equals(incumbent)).findFirst();
      kept.ifPresent(listed::add);
      conflicts.add(new Conflict(address, claims.stream().map(NodeDescriptor::nodeId).toList(),
          kept.map(NodeDescriptor::nodeId)));
    }
    listed.sort(Comparator.comparing(NodeDescriptor::nodeId));
    bound(listed);
    return new Selection(List.copyOf(listed), List.copyOf(conflicts));
  }

  /** Drops descriptors neither listed nor incumbent, oldest first, until at most the bound. */
  private void bound(List<NodeDescriptor> listed) {
    if (newest.size() <= maxEntries) {
      return;
    }
    Set<NodeId> keep = new HashSet<>(incumbents.values());
    listed.forEach(d -> keep.add(d.nodeId()));
    List<Kept> droppable = new ArrayList<>();
    for (Kept k : newest.values()) {
      if (!keep.contains(k.descriptor().nodeId())) {
        droppable.add(k);
      }
    }
    droppable.sort(NEWEST_LAST);
    Iterator<Kept> it = droppable.iterator();
    while (newest.size() > maxEntries && it.hasNext()) {
      newest.remove(it.next().descriptor().nodeId());
    }
  }

  /**
   * Every descriptor kept that has not expired (listed or not: the newest verified one of each
   * node id), ordered by node id: what a relay's directory answer draws from (protocol §4.10.5).
   */
  public List<Kept> kept() {
    List<Kept> out = new ArrayList<>();
    for (Kept k : newest.values()) {
      if (!verifier.expired(k.descriptor())) {
        out.add(k);
      }
    }
    out.sort(Comparator.comparing((Kept k) -> k.descriptor().nodeId()));
    return out;
  }

  /** How many descriptors are kept (listed or not). */
  public int size() {
    return newest.size();
  }
}
