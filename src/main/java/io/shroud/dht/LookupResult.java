package io.shroud.dht;

import io.shroud.identity.NodeId;
import java.util.List;

/**
 * The outcome of one {@link IterativeLookup}.
 *
 * @param target the id or record key looked up
 * @param kind FIND_NODE or FIND_VALUE
 * @param closest up to k responders closest to the target, closest first: where a STORE goes
 * @param records records returned by the node that answered with a value (FIND_VALUE only;
 *     empty when none was found)
 * @param rounds the deepest round of any query sent (see {@link IterativeLookup})
 * @param queries queries sent
 * @param responses answers received (with or without a value)
 * @param timeouts queries that timed out
 */
public record LookupResult(
    NodeId target,
    IterativeLookup.Kind kind,
    List<Contact> closest,
    List<SignedRecord> records,
    int rounds,
    int queries,
    int responses,
    int timeouts) {
  public LookupResult {
    closest = List.copyOf(closest);
    records = List.copyOf(records);
  }

  public boolean valueFound() {
    return !records.isEmpty();
  }
}
