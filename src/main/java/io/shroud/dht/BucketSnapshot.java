package io.shroud.dht;

import io.shroud.identity.NodeId;
import java.time.Instant;
import java.util.List;

/**
 * A read-only view of one k-bucket, for management routes and actors.
 *
 * @param index bucket position: bucket {@code i < last} holds ids sharing exactly {@code i}
 *     leading bits with the local id; the last bucket holds every id sharing at least
 *     {@code index} bits
 * @param rangeLow smallest id in the bucket's range (inclusive)
 * @param rangeHigh largest id in the bucket's range (inclusive)
 * @param contacts least-recently-seen first
 * @param replacements replacement cache, newest first
 * @param lastChanged when a contact in this bucket was last added or seen, or a lookup into
 *     its range was recorded
 */
public record BucketSnapshot(
    int index,
    NodeId rangeLow,
    NodeId rangeHigh,
    List<Contact> contacts,
    List<Contact> replacements,
    Instant lastChanged) {
  public BucketSnapshot {
    contacts = List.copyOf(contacts);
    replacements = List.copyOf(replacements);
  }
}
