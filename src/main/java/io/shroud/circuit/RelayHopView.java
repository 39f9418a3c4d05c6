package io.shroud.circuit;

/**
 * One hop this node relays, for {@code GET /shroud/v1/circuits}: only its two neighbours.
 * Field names are JSON names; {@code nextNode}/{@code nextCircuitId} are null at the last hop;
 * {@code previousNode} is "client" for a hop a client created (its link has no node id to show).
 */
public record RelayHopView(
    String previousNode,
    String previousCircuitId,
    String nextNode,
    String nextCircuitId,
    long ageMillis,
    long cellsForward,
    long cellsBackward) {}
