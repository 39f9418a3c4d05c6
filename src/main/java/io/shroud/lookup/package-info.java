/**
 * DHT requests carried through circuits, so that a lookup or a publication never leaves this
 * node directly: the request and response format ({@link io.shroud.lookup.DhtOverCircuit}:
 * FIND_VALUE and STORE), the {@code dht} circuit service a relay answers at the last hop
 * ({@link io.shroud.lookup.DhtServiceActor}, run on its own DHT), and the client that asks
 * through a circuit ({@link io.shroud.lookup.RecordLookupsActor}, one
 * {@link io.shroud.lookup.DhtLookupClientActor} per lookup, which verifies every record it gets
 * back, or {@link io.shroud.lookup.DhtStoreClientActor} per publication of a record signed by a
 * key of the caller's, e.g. a hidden seeder's descriptor). Specified in {@code docs/protocol.md}
 * (section 6, "13. DHT lookups through a circuit").
 *
 * <p>Above {@code io.shroud.dht} and {@code io.shroud.circuit} (it speaks to both through their
 * messages and the {@link io.shroud.circuit.Streams} contract); used by {@code swarm.fetch} (a
 * download's provider lookup), the API ({@code GET /shroud/v1/dht/records/{key}?via=circuit})
 * and later hidden services. Only the {@code *Actor} classes use Pekko; the format is pure.
 */
package io.shroud.lookup;
