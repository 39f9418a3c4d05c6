/**
 * Kademlia DHT: the XOR metric and routing-table logic (pure), and the actors that
 * run it over peer links: {@link io.shroud.dht.DhtActor} (root: routing table, transactions,
 * DHT cells), {@link io.shroud.dht.KBucketActor} (ping-before-evict and refresh per bucket),
 * {@link io.shroud.dht.LookupActor} (one iterative lookup), {@link io.shroud.dht.RecordsActor}
 * (stored and published records) and {@link io.shroud.dht.RoutingSnapshotActor} (durable
 * contacts). Only the {@code *Actor} classes may use Pekko.
 *
 * <p>Pure parts: {@link io.shroud.dht.RoutingTable} (buckets, ping-before-evict, /24 limit,
 * refresh), {@link io.shroud.dht.IterativeLookup} (one lookup's state machine),
 * {@link io.shroud.dht.SignedRecord} with {@link io.shroud.dht.RecordVerifier},
 * {@link io.shroud.dht.RecordStore} and {@link io.shroud.dht.Republisher}, and the strict wire
 * codec {@link io.shroud.dht.DhtMessageCodec} (framed into DHT cells by
 * {@link io.shroud.dht.DhtCellFraming}) whose only exception is
 * {@link io.shroud.dht.DhtProtocolException}. They take {@code java.time.Clock} and a random
 * source through their constructors, do no I/O and are not thread-safe: one actor owns each.
 * {@link io.shroud.dht.DhtInbound} decodes every DHT cell from a peer and drops malformed ones
 * and requests over the sender's rate; {@link io.shroud.dht.AddressBook} keeps each node's data
 * address from the verified directory; {@link io.shroud.dht.Transactions} matches answers to the
 * queries in flight;
 * {@link io.shroud.dht.PeerRateLimiter} keeps a bounded set of per-peer token buckets (the
 * DHT's queries, and the circuits' CREATEs one layer up).
 *
 * <p>Layer 4: it may use {@code link}, {@code wire} and layer 1; it must not import
 * {@code circuit} or anything above (DHT requests through circuits live in
 * {@code io.shroud.lookup}). A plain class never names an actor. ArchitectureTest checks.
 */
package io.shroud.dht;
