package io.shroud.link;

/**
 * Counters of the link layer, the {@code "stats"} of {@code GET /shroud/v1/peers} (field names
 * are the JSON names). Refusals count inbound connections closed before they carried a cell.
 *
 * @param violations links closed for a protocol violation (bad handshake, bad or oversized frame,
 *     bad record)
 * @param handshakeTimeouts connections cut because their handshake did not finish in time
 * @param refusedHandshakeBudget inbound connections closed at accept: too many handshakes pending
 * @param refusedPerIp inbound connections closed at accept: their address (IPv6: /64) at its cap
 * @param refusedPerSubnet inbound connections closed at accept: their /24 (IPv6: /48) at its cap
 * @param refusedOverLimit inbound connections refused because inbound links were at
 *     {@code max-links - outbound-reserve} (or every link slot was taken)
 * @param refusedUnknownKey inbound handshakes whose static key is no directory member's
 * @param duplicatesClosed links closed by the one-link-per-node rule
 * @param droppedCells cells dropped: outbound queue full, no descriptor, dial failed
 * @param unroutedCells inbound cells with no handler (open links only)
 * @param readPauses times a link's reader stopped reading because its handlers had
 *     {@code max-inbound-cells} of its cells not yet taken
 * @param openLinks admitted links now
 * @param inboundLinks admitted links now that the peer dialed
 * @param pendingHandshakes inbound connections in their handshake now
 * @param connections connections now (open, dialing, in handshake, closing)
 */
public record LinkStats(long violations, long handshakeTimeouts, long refusedHandshakeBudget,
    long refusedPerIp, long refusedPerSubnet, long refusedOverLimit, long refusedUnknownKey,
    long duplicatesClosed, long droppedCells, long unroutedCells, long readPauses, int openLinks,
    int inboundLinks, int pendingHandshakes, int connections) {}
