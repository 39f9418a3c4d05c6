package io.shroud.node;

/**
 * The outcome of an echo through a circuit. JSON-friendly.
 *
 * @param ok the bytes came back intact
 * @param bytes bytes sent
 * @param roundTripMillis from opening the stream to the last byte back
 * @param error why it failed, or null
 */
public record EchoResult(boolean ok, int bytes, long roundTripMillis, String error) {}
