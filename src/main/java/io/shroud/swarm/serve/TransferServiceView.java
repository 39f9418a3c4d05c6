package io.shroud.swarm.serve;

/**
 * What the provider side of the transfer protocol has done ({@code GET /shroud/v1/swarm/serving},
 * if the lead exposes it). Field names are the JSON names.
 *
 * @param activeStreams open transfer streams
 * @param blocksServed BLOCK messages sent
 * @param bytesServed block bytes sent
 * @param refused HELLOs answered with REFUSE (unknown, stale or busy)
 * @param rejected block requests answered with REJECT
 * @param violations streams closed for breaking the protocol
 */
public record TransferServiceView(int activeStreams, long blocksServed, long bytesServed, long refused,
    long rejected, long violations) {}
