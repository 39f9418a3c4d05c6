package io.shroud.lookup;

import java.util.List;

/**
 * The answer to {@link RecordLookupsActor.StoreRecord}: how many nodes accepted the record
 * ({@code stored}) out of those the circuit's last hop offered it to ({@code attempted}), the
 * path of the circuit that carried it (node ids, hex; empty if no circuit was built), and why the
 * publication failed, or null. A record the last hop refused (§5.4) is 0 of 0 with an error.
 */
public record RecordPublication(int stored, int attempted, List<String> path, String error) {}
