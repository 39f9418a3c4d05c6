package io.shroud.dht;

import io.shroud.identity.NodeId;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Records this node stores for others (pure, not thread-safe: one actor owns it).
 *
 * <ul>
 *   <li>Every record is checked by the {@link RecordVerifier} before it is stored.</li>
 *   <li>A key holds records from up to {@code maxPublishersPerKey} publishers (default
 *       {@link #DEFAULT_MAX_PUBLISHERS_PER_KEY}); per publisher only the highest seq is kept;
 *       a lower seq, or the same seq with different content, is refused as
 *       {@link RecordRejection#STALE_SEQ}; an identical re-put is accepted and changes nothing.
 *       </li>
 *   <li>At most {@code maxRecords} records in all (default {@link #DEFAULT_MAX_RECORDS}).
 *       When a key or the store is full, expired records are evicted first; if still full the
 *       new record is refused ({@link RecordRejection#KEY_FULL}, {@link RecordRejection#STORE_FULL})
 *       rather than displacing live ones, so a flood cannot push out records already held.</li>
 *   <li>Expired records are never returned and are dropped by {@link #evictExpired()}.</li>
 * </ul>
 */
public final class RecordStore {
  public static final int DEFAULT_MAX_PUBLISHERS_PER_KEY = 64;
  public static final int DEFAULT_MAX_RECORDS = 65_536;

  private final Clock clock;
  private final RecordVerifier verifier;
  private final int maxRecords;
  private final int maxPublishersPerKey;
  private final Map<NodeId, Map<ByteBuffer, SignedRecord>> byKey = new HashMap<>();
  private int size;

  public RecordStore(Clock clock, RecordVerifier verifier, int maxRecords, int maxPublishersPerKey) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.verifier = Objects.requireNonNull(verifier, "verifier");
    if (maxRecords < 1 || maxPublishersPerKey < 1) {
      throw new IllegalArgumentException("limits must be positive");
    }
    this.maxRecords = maxRecords;
    this.maxPublishersPerKey = maxPublishersPerKey;
  }

  public RecordStore(Clock clock, RecordVerifier verifier) {
    this(clock, verifier, DEFAULT_MAX_RECORDS, DEFAULT_MAX_PUBLISHERS_PER_KEY);
  }

  /** Stores the record; empty when accepted, otherwise why not (the STORED reason code). */
  public Optional<RecordRejection> put(SignedRecord record) {
    Optional<RecordRejection> invalid = verifier.check(record);
    if (invalid.isPresent()) {
      return invalid;
    }
    ByteBuffer publisher = ByteBuffer.wrap(record.publisher());
    Map<ByteBuffer, SignedRecord> publishers = byKey.get(record.key());
    SignedRecord held = publishers == null ? null : publishers.get(publisher);
    if (held != null) {
      if (record.seq() < held.seq() || (record.seq() == held.seq() && !record.equals(held))) {
        return Optional.of(RecordRejection.STALE_SEQ);
      }
      publishers.put(publisher, record);
      return Optional.empty();
    }
    if (publishers != null && publishers.size() >= maxPublishersPerKey) {
      evictExpired(record.key());
      if (publishers.size() >= maxPublishersPerKey) {
        return Optional.of(RecordRejection.KEY_FULL);
      }
    }
    if (size >= maxRecords) {
      evictExpired();
      if (size >= maxRecords) {
        return Optional.of(RecordRejection.STORE_FULL);
      }
    }
    byKey.computeIfAbsent(record.key(), k -> new LinkedHashMap<>()).put(publisher, record);
    size++;
    return Optional.empty();
  }

  /** Live records under {@code key}, latest expiry first. */
  public List<SignedRecord> get(NodeId key) {
    Map<ByteBuffer, SignedRecord> publishers = byKey.get(key);
    if (publishers == null) {
      return List.of();
    }
    Instant now = clock.instant();
    List<SignedRecord> out = new ArrayList<>(publishers.size());
    for (SignedRecord r : publishers.values()) {
      if (r.expiry().isAfter(now)) {
        out.add(r);
      }
    }
    out.sort(Comparator.comparing(SignedRecord::expiry).reversed());
    return out;
  }

  /** Drops every expired record; returns how many. */
  public int evictExpired() {
    int before = size;
    for (NodeId key : new ArrayList<>(byKey.keySet())) {
      evictExpired(key);
    }
    return before - size;
  }

  /** Records held, expired ones not yet evicted included. */
  public int size() {
    return size;
  }

  /** Keys held. */
  public int keyCount() {
    return byKey.size();
  }

  private void evictExpired(NodeId key) {
    Map<ByteBuffer, SignedRecord> publishers = byKey.get(key);
    Instant now = clock.instant();
    for (Iterator<SignedRecord> it = publishers.values().iterator(); it.hasNext(); ) {
      if (!it.next().expiry().isAfter(now)) {
        it.remove();
        size--;
      }
    }
    if (publishers.isEmpty()) {
      byKey.remove(key);
    }
  }
}
