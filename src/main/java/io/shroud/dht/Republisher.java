package io.shroud.dht;

import io.shroud.identity.NodeId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The publisher's side of record lifetimes: remembers this node's own published records and
 * says which are due for republishing, at {@link #REPUBLISH_FRACTION} (3/4) of the time between
 * publishing and expiry, so that a fresh copy (re-signed with a higher seq and a later expiry)
 * reaches the k closest nodes before the old one expires. Tracking a record with the same key
 * and publisher replaces the previous one. Holds no keys; signing stays with the caller.
 */
public final class Republisher {
  /** Share of a record's lifetime after which it is due: 3/4. */
  public static final double REPUBLISH_FRACTION = 0.75;

  private record Tracked(SignedRecord record, Instant dueAt) {}

  private final Clock clock;
  private final double fraction;
  private final Map<String, Tracked> tracked = new LinkedHashMap<>();

  public Republisher(Clock clock) {
    this(clock, REPUBLISH_FRACTION);
  }

  /** @param fraction share of a record's lifetime after which it is due, in (0, 1) */
  public Republisher(Clock clock, double fraction) {
    this.clock = Objects.requireNonNull(clock, "clock");
    if (!(fraction > 0 && fraction < 1)) {
      throw new IllegalArgumentException("republish fraction must be in (0, 1), got " + fraction);
    }
    this.fraction = fraction;
  }

  /** Starts tracking a record just published (now); replaces an older one for the same slot. */
  public void track(SignedRecord record) {
    Instant now = clock.instant();
    Duration life = Duration.between(now, record.expiry());
    Instant dueAt = life.isNegative() ? now
        : now.plusMillis((long) (life.toMillis() * fraction));
    tracked.put(slot(record.key(), record.publisher()), new Tracked(record, dueAt));
  }

  /** Stops tracking the record for this key and publisher. */
  public boolean untrack(NodeId key, byte[] publisher) {
    return tracked.remove(slot(key, publisher)) != null;
  }

  /** Records whose republish time has come, in tracking order. */
  public List<SignedRecord> due() {
    Instant now = clock.instant();
    List<SignedRecord> out = new ArrayList<>();
    for (Tracked t : tracked.values()) {
      if (!now.isBefore(t.dueAt())) {
        out.add(t.record());
      }
    }
    return out;
  }

  /** When the next tracked record falls due, for the actor's timer; null when none is tracked. */
  public Instant nextDue() {
    Instant next = null;
    for (Tracked t : tracked.values()) {
      if (next == null || t.dueAt().isBefore(next)) {
        next = t.dueAt();
      }
    }
    return next;
  }

  public int size() {
    return tracked.size();
  }

  private static String slot(NodeId key, byte[] publisher) {
    return key.toHex() + ":" + HexFormat.of().formatHex(publisher);
  }
}
