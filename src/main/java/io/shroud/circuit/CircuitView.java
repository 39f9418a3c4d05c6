package io.shroud.circuit;

import java.util.List;

/**
 * One circuit this node built, for {@code GET /shroud/v1/circuits}. Field names are JSON names.
 *
 * @param id the circuit id on the first link (unsigned, hex)
 * @param path node ids (hex) from the first hop to the destination
 * @param state BUILDING, READY or CLOSED
 * @param inFlight DATA cells sent and not yet acknowledged by a SENDME
 * @param peakInFlight the most DATA cells ever unacknowledged at once
 */
public record CircuitView(
    String id,
    List<String> path,
    long ageMillis,
    String state,
    long cellsOut,
    long cellsIn,
    long bytesOut,
    long bytesIn,
    int inFlight,
    int peakInFlight) {}
