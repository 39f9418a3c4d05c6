package io.shroud.lookup;

import io.shroud.dht.SignedRecord;
import java.util.List;

/**
 * The answer to {@link RecordLookupsActor.LookupRecord}: the records for the key that verified
 * (possibly none), the path of the circuit that carried the lookup (node ids, hex; empty if no
 * circuit was built), and why the lookup failed, or null.
 */
public record RecordLookup(List<SignedRecord> records, List<String> path, String error) {}
