/**
 * Peer links: the node's own TCP connections on the data-plane port, opened with a Noise XK
 * handshake and then carrying only fixed-size encrypted cells. {@code LinksActor} listens (on a
 * {@code LinkAcceptor} thread), dials and keeps at most one link per remote node; one
 * {@code PeerActor} owns each link and routes its inbound cells to the handler registered for
 * their command (DHT, circuits). {@link io.shroud.link.Links} is the whole interface the rest of
 * the node uses; limits and timers are in {@link io.shroud.link.LinkSettings}.
 *
 * <p>Layer 3: it may use {@code wire} and layer 1; it must not import {@code dht} or anything
 * above (the directory reaches it as a subscription function). Wire formats and crypto live
 * below; this package adds only actors, reader threads and policy, and may use Pekko throughout.
 */
package io.shroud.link;
