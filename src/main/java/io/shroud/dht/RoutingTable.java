package io.shroud.dht;

import io.shroud.identity.NodeId;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * A Kademlia routing table over 256-bit ids (pure, not thread-safe: one actor owns it).
 *
 * <p><b>Buckets.</b> The table starts with one bucket covering the whole id space. Bucket
 * {@code i} below the last holds ids sharing exactly {@code i} leading bits with the local id;
 * the last bucket holds every id sharing at least {@code last} bits, so it is the one that
 * contains the local id. Only that bucket splits when full (the rule of the Kademlia paper,
 * section 2.4, as in BEP 5); the paper's relaxed rule for unbalanced trees is not used.
 *
 * <p><b>Order and eviction.</b> Contacts are kept least-recently-seen first. A new contact for
 * a full bucket that cannot split never evicts anyone by itself: {@link #add} parks it in the
 * bucket's bounded replacement cache and returns {@link AddResult.PingThenEvict} naming the
 * least-recently-seen contact to ping. Live old contacts are preferred, as in the paper.
 *
 * <p><b>Eclipse resistance.</b> At most {@link RoutingConfig#maxPerSubnet()} contacts (default
 * 2) from one IPv4 /24 or IPv6 /64 ({@link SubnetPrefix}) per bucket; more are rejected with
 * {@link AddResult.Reason#SUBNET_LIMIT}. The replacement cache and promotions obey the same rule.
 *
 * <p><b>Refresh.</b> Each bucket remembers when it last changed; {@link #refreshTargets()} lists
 * buckets idle past {@link RoutingConfig#refreshInterval()} with a random id in each range.
 */
public final class RoutingTable {
  private final NodeId self;
  private final RoutingConfig config;
  private final Clock clock;
  private final RandomGenerator random;
  private final List<KBucket> buckets = new ArrayList<>();

  public RoutingTable(NodeId self, RoutingConfig config, Clock clock, RandomGenerator random) {
    this.self = Objects.requireNonNull(self, "self");
    this.config = Objects.requireNonNull(config, "config");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.random = Objects.requireNonNull(random, "random");
    buckets.add(new KBucket(clock.instant()));
  }

  public NodeId self() {
    return self;
  }

  public RoutingConfig config() {
    return config;
  }

  /**
   * Offers a contact that has just sent us a valid message or answered a query. Known contacts
   * move to the most-recently-seen end; new ones are added, split the local bucket, or lead to
   * a ping-before-evict decision. Never evicts by itself.
   */
  public AddResult add(Contact contact) {
    NodeId id = contact.id();
    if (id.equals(self)) {
      return new AddResult.Rejected(contact, AddResult.Reason.SELF);
    }
    Instant now = clock.instant();
    while (true) {
      int index = indexFor(id);
      KBucket bucket = buckets.get(index);
      int pos = bucket.indexOf(id);
      if (pos >= 0) {
        return update(bucket, pos, contact, now);
      }
      if (bucket.contacts.size() >= config.k() && canSplit(index)) {
        split();
        continue;
      }
      if (bucket.countSubnet(contact.subnet(), null) >= config.maxPerSubnet()) {
        return new AddResult.Rejected(contact, AddResult.Reason.SUBNET_LIMIT);
      }
      if (bucket.contacts.size() < config.k()) {
        bucket.removeReplacement(id);
        bucket.contacts.add(contact);
        bucket.lastChanged = now;
        return new AddResult.Added(contact);
      }
      bucket.park(contact, config.replacementCacheSize(), config.maxPerSubnet());
      if (bucket.pendingPing != null
          && now.isBefore(bucket.pendingSince.plus(config.pingTimeout()))) {
        return new AddResult.Cached(contact);
      }
      Contact leastRecentlySeen = bucket.contacts.get(0);
      bucket.pendingPing = leastRecentlySeen.id();
      bucket.pendingSince = now;
      return new AddResult.PingThenEvict(leastRecentlySeen, contact);
    }
  }

  private AddResult update(KBucket bucket, int pos, Contact contact, Instant now) {
    Contact existing = bucket.contacts.get(pos);
    if (!existing.address().equals(contact.address())
        && !existing.subnet().equals(contact.subnet())
        && bucket.countSubnet(contact.subnet(), contact.id()) >= config.maxPerSubnet()) {
      return new AddResult.Rejected(contact, AddResult.Reason.SUBNET_LIMIT);
    }
    Instant seen = contact.lastSeen().isAfter(existing.lastSeen())
        ? contact.lastSeen() : existing.lastSeen();
    Contact updated = contact.withLastSeen(seen);
    bucket.contacts.remove(pos);
    bucket.contacts.add(updated);
    bucket.failures.remove(contact.id());
    bucket.lastChanged = now;
    return new AddResult.Updated(updated);
  }

  /**
   * The contact answered (a ping, a query): it moves to the most-recently-seen end with
   * last-seen = now, its failure count resets and a pending ping of it is resolved.
   *
   * @return false when the id is not in a bucket
   */
  public boolean markSeen(NodeId id) {
    KBucket bucket = buckets.get(indexFor(id));
    int pos = bucket.indexOf(id);
    if (pos < 0) {
      return false;
    }
    Instant now = clock.instant();
    Contact seen = bucket.contacts.remove(pos).withLastSeen(now);
    bucket.contacts.add(seen);
    bucket.failures.remove(id);
    if (id.equals(bucket.pendingPing)) {
      bucket.pendingPing = null;
      bucket.pendingSince = null;
    }
    bucket.lastChanged = now;
    return true;
  }

  /**
   * The contact failed to answer a query. After {@link RoutingConfig#maxFailures()} consecutive
   * failures it is evicted and the newest admissible replacement takes its place.
   *
   * @return true when the contact was evicted by this call
   */
  public boolean markFailed(NodeId id) {
    KBucket bucket = buckets.get(indexFor(id));
    if (bucket.indexOf(id) < 0) {
      bucket.removeReplacement(id);
      return false;
    }
    int failures = bucket.failures.merge(id, 1, Integer::sum);
    if (failures >= config.maxFailures()) {
      remove(id);
      return true;
    }
    return false;
  }

  /**
   * Removes a contact (for example the least-recently-seen one that did not answer a
   * ping-before-evict ping) and promotes the newest replacement-cache entry that the subnet
   * rule admits.
   *
   * @return the promoted contact, if any
   */
  public Optional<Contact> remove(NodeId id) {
    KBucket bucket = buckets.get(indexFor(id));
    int pos = bucket.indexOf(id);
    if (pos < 0) {
      bucket.removeReplacement(id);
      return Optional.empty();
    }
    bucket.contacts.remove(pos);
    bucket.failures.remove(id);
    if (id.equals(bucket.pendingPing)) {
      bucket.pendingPing = null;
      bucket.pendingSince = null;
    }
    int before = bucket.contacts.size();
    promoteReplacements(bucket);
    if (bucket.contacts.size() == before) {
      return Optional.empty();
    }
    bucket.lastChanged = clock.instant();
    return Optional.of(bucket.contacts.get(before));
  }

  /** The contact with this id, if a bucket holds it. */
  public Optional<Contact> get(NodeId id) {
    KBucket bucket = buckets.get(indexFor(id));
    int pos = bucket.indexOf(id);
    return pos < 0 ? Optional.empty() : Optional.of(bucket.contacts.get(pos));
  }

  /** Number of contacts in all buckets (replacement caches not counted). */
  public int size() {
    int n = 0;
    for (KBucket b : buckets) {
      n += b.contacts.size();
    }
    return n;
  }

  /** Up to {@code n} contacts closest to {@code target} by XOR distance, closest first. */
  public List<Contact> closest(NodeId target, int n) {
    List<Contact> all = new ArrayList<>(size());
    for (KBucket b : buckets) {
      all.addAll(b.contacts);
    }
    all.sort(Comparator.comparing(Contact::id, target::compareDistance));
    return List.copyOf(all.subList(0, Math.min(n, all.size())));
  }

  /**
   * True when fewer than {@code k} known contacts are closer to {@code key} than this node: it
   * is then one of the k closest nodes to the key, which a STORE asks for.
   */
  public boolean isAmongClosest(NodeId key, int k) {
    List<Contact> closest = closest(key, k);
    return closest.size() < k || key.compareDistance(self, closest.get(closest.size() - 1).id()) < 0;
  }

  /** Records that a lookup into {@code target}'s bucket range was done, postponing its refresh. */
  public void touchBucket(NodeId target) {
    buckets.get(indexFor(target)).lastChanged = clock.instant();
  }

  /** Buckets idle for at least the refresh interval, each with a random id in its range. */
  public List<RefreshTarget> refreshTargets() {
    Instant now = clock.instant();
    List<RefreshTarget> due = new ArrayList<>();
    for (int i = 0; i < buckets.size(); i++) {
      if (!now.isBefore(buckets.get(i).lastChanged.plus(config.refreshInterval()))) {
        due.add(new RefreshTarget(i, randomIdInBucket(i)));
      }
    }
    return due;
  }

  /** A uniformly random id inside bucket {@code index}'s range. */
  public NodeId randomIdInBucket(int index) {
    Objects.checkIndex(index, buckets.size());
    byte[] bytes = new byte[NodeId.BYTES];
    random.nextBytes(bytes);
    int fixedBits = isLast(index) ? index : index + 1;
    byte[] prefix = rangeBound(index, false);
    for (int bit = 0; bit < fixedBits; bit++) {
      int mask = 0x80 >>> (bit & 7);
      bytes[bit >>> 3] = (byte) ((bytes[bit >>> 3] & ~mask) | (prefix[bit >>> 3] & mask));
    }
    return NodeId.of(bytes);
  }

  /** Every bucket with its id range, contacts and replacement cache. */
  public List<BucketSnapshot> buckets() {
    List<BucketSnapshot> out = new ArrayList<>(buckets.size());
    for (int i = 0; i < buckets.size(); i++) {
      KBucket b = buckets.get(i);
      out.add(new BucketSnapshot(i, NodeId.of(rangeBound(i, false)), NodeId.of(rangeBound(i, true)),
          b.contacts, b.replacements, b.lastChanged));
    }
    return out;
  }

  /** Number of buckets (1..256); indices of existing buckets never change. */
  public int bucketCount() {
    return buckets.size();
  }

  /** Every contact in every bucket, bucket by bucket, least-recently-seen first. */
  public List<Contact> contacts() {
    List<Contact> all = new ArrayList<>(size());
    for (KBucket b : buckets) {
      all.addAll(b.contacts);
    }
    return all;
  }

  /** Index of the bucket whose range holds {@code id}. */
  public int bucketIndexOf(NodeId id) {
    return indexFor(id);
  }

  private int indexFor(NodeId id) {
    return Math.min(self.commonPrefixLength(id), buckets.size() - 1);
  }

  private boolean isLast(int index) {
    return index == buckets.size() - 1;
  }

  private boolean canSplit(int index) {
    return isLast(index) && index < NodeId.BITS - 1;
  }

  /** Splits the last bucket d into "exactly d shared bits" (stays) and "more than d" (new). */
  private void split() {
    int depth = buckets.size() - 1;
    KBucket old = buckets.get(depth);
    KBucket deeper = new KBucket(old.lastChanged);
    old.moveInto(deeper, id -> self.commonPrefixLength(id) > depth);
    buckets.add(deeper);
  }

  /** Fills free slots from the replacement cache, newest first, within the subnet rule. */
  private void promoteReplacements(KBucket bucket) {
    for (int i = 0; i < bucket.replacements.size() && bucket.contacts.size() < config.k(); ) {
      Contact candidate = bucket.replacements.get(i);
      if (bucket.countSubnet(candidate.subnet(), null) < config.maxPerSubnet()) {
        bucket.replacements.remove(i);
        bucket.contacts.add(candidate);
      } else {
        i++;
      }
    }
  }

  /** Lowest ({@code high == false}) or highest id of bucket {@code index}'s range. */
  private byte[] rangeBound(int index, boolean high) {
    byte[] out = new byte[NodeId.BYTES];
    int fixedBits = isLast(index) ? index : index + 1;
    for (int bit = 0; bit < NodeId.BITS; bit++) {
      boolean value;
      if (bit < index) {
        value = self.bit(bit);
      } else if (bit == index && fixedBits > index) {
        value = !self.bit(bit);
      } else {
        value = high;
      }
      if (value) {
        out[bit >>> 3] |= (byte) (0x80 >>> (bit & 7));
      }
    }
    return out;
  }
}
