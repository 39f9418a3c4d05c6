/**
 * Peer links: the node's own TCP connections on the data-plane port, opened with a Noise XK
 * handshake and then carrying only fixed-size encrypted cells. {@code LinksActor} listens,
 * dials and keeps at most one link per remote node; one {@code PeerActor} owns each link and
 * routes its inbound cells to the handler registered for their command (DHT, circuits).
 * {@link io.shroud.link.Links} is the whole interface the rest of the node uses; limits and
 * timers are in {@link io.shroud.link.LinkSettings}. Wire formats and crypto live in
 * {@code io.shroud.wire} (pure); this package adds only actors, streams and policy.
 */
package io.shroud.link;
