package io.shroud.circuit;

import java.util.List;

/** The answer to {@code GET /shroud/v1/circuits}: circuits built here and hops relayed here. */
public record CircuitsView(List<CircuitView> circuits, List<RelayHopView> relays) {}
