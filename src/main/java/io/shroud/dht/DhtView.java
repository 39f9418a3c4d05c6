package io.shroud.dht;

import java.util.ArrayList;
import java.util.List;

/**
 * The routing table as {@code GET /shroud/v1/dht} shows it. Field names are the JSON names.
 *
 * @param nodeId this node's id (hex)
 * @param contacts contacts in all buckets
 * @param malformedMessages DHT cells from peers that failed to decode and were dropped
 * @param rateLimitedQueries requests from peers dropped unanswered because their sender was over
 *     its query rate ({@code shroud.dht.queries-burst}, {@code queries-per-second})
 * @param unmatchedResponses responses that matched no pending request (late, spoofed, wrong type)
 * @param pendingRequests requests sent and not yet answered or timed out
 * @param activeLookups iterative lookups running (joins, refreshes, publishes, reads)
 * @param persistedContacts contacts in the last routing-table snapshot confirmed by the
 *     journal, or -1 when none has been saved by this incarnation
 * @param buckets every bucket, index order
 */
public record DhtView(
    String nodeId,
    int contacts,
    long malformedMessages,
    long rateLimitedQueries,
    long unmatchedResponses,
    int pendingRequests,
    int activeLookups,
    int persistedContacts,
    List<Bucket> buckets) {

  /**
   * One bucket.
   *
   * @param rangeLow smallest id of its range (hex, inclusive)
   * @param rangeHigh largest id of its range (hex, inclusive)
   * @param contacts least-recently-seen first
   * @param replacements entries in its replacement cache
   */
  public record Bucket(int index, String rangeLow, String rangeHigh, List<ContactView> contacts,
      int replacements) {}

  /** One contact; {@code lastSeen} is ISO-8601 ({@code 1970-01-01T00:00:00Z}: never heard from). */
  public record ContactView(String nodeId, String address, int port, String lastSeen) {
    static ContactView of(Contact c) {
      return new ContactView(c.id().toHex(), c.address().getHostAddress(), c.port(),
          c.lastSeen().toString());
    }
  }

  /** Builds the view of {@code table} with the given counters. */
  public static DhtView of(RoutingTable table, long malformed, long rateLimited, long unmatched,
      int pending, int lookups, int persisted) {
    List<Bucket> buckets = new ArrayList<>();
    for (BucketSnapshot b : table.buckets()) {
      buckets.add(new Bucket(b.index(), b.rangeLow().toHex(), b.rangeHigh().toHex(),
          b.contacts().stream().map(ContactView::of).toList(), b.replacements().size()));
    }
    return new DhtView(table.self().toHex(), table.size(), malformed, rateLimited, unmatched, pending,
        lookups, persisted, buckets);
  }

  /** The contacts of bucket {@code index}, or an empty list when there is no such bucket. */
  public List<ContactView> bucket(int index) {
    return index < buckets.size() ? buckets.get(index).contacts() : List.of();
  }

  /** Every contact's node id (hex), bucket order. */
  public List<String> contactIds() {
    return buckets.stream().flatMap(b -> b.contacts().stream()).map(ContactView::nodeId).toList();
  }
}
