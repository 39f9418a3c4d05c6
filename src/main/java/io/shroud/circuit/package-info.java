/**
 * Circuits: path selection and guards ({@link io.shroud.circuit.PathSelector},
 * {@link io.shroud.circuit.GuardSet}), the relay cell format ({@link io.shroud.circuit.RelayCellFormat},
 * {@link io.shroud.circuit.RelayCommand}), handshake framing in cells, and the onion layers of the
 * origin ({@link io.shroud.circuit.OnionLayers}) and of a relay ({@link io.shroud.circuit.RelayLayer}).
 * The handshake itself lives in {@code io.shroud.crypto}. Specified in
 * {@code docs/protocol.md} §6.
 *
 * <p>Streams: {@link io.shroud.circuit.Streams} is the contract stream users and services rely on
 * (as {@code io.shroud.link.Links} is for links); the services themselves live with their
 * callers (echo in {@code io.shroud.node}, DHT lookups in {@code io.shroud.lookup}, transfers in
 * {@code io.shroud.swarm}).
 *
 * <p>Actors: {@link io.shroud.circuit.CircuitsActor} (dispatch by neighbour and circuit id, CREATE
 * limits, registered services), {@link io.shroud.circuit.CircuitActor} (one circuit built here),
 * {@link io.shroud.circuit.RelayActor} (one hop relayed here), {@link io.shroud.circuit.StreamMuxActor}
 * (streams and SENDME windows of one circuit end), and the view collector. Pure helpers:
 * {@link io.shroud.circuit.StreamTable} (stream ids and BEGIN/END rules),
 * {@link io.shroud.circuit.FlowControl}, {@link io.shroud.circuit.CircuitIdAllocator},
 * {@link io.shroud.circuit.RelayDirectory}; the relay's defences
 * {@link io.shroud.circuit.CreateAdmission} (the checks on a CREATE; rates per remote node in a
 * {@link io.shroud.dht.PeerRateLimiter}), {@link io.shroud.circuit.LinkCircuits} (circuit ids per
 * link, counted), {@link io.shroud.circuit.RelayHops} (idle hops, memory victims),
 * {@link io.shroud.circuit.QueuedCells} (the node-wide ledger of queued cells, the one
 * thread-safe class here) and {@link io.shroud.circuit.QueuePressure} (which circuits go when it
 * is over its bound).
 *
 * <p>Only the {@code *Actor} classes (the circuit and relay actors) may import Pekko; everything
 * else here is pure, takes its {@link java.time.Clock} and random source through constructors,
 * and reports every malformed or unauthenticated input as a
 * {@link io.shroud.circuit.CircuitProtocolException}.
 */
package io.shroud.circuit;
