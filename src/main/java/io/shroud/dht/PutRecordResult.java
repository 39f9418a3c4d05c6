package io.shroud.dht;

/**
 * The answer to a publish ({@code PUT /shroud/v1/dht/records/{key}}). Field names are the JSON
 * names.
 *
 * @param key record key (hex)
 * @param seq the sequence number the record was signed with (0 when refused)
 * @param stored nodes that accepted the record (this node included when it is among the k
 *     closest to the key)
 * @param attempted nodes the record was offered to (at most k)
 * @param error why nothing was published (bad key, value or ttl), null otherwise
 */
public record PutRecordResult(String key, long seq, int stored, int attempted, String error) {}
