package io.shroud.node;

import java.util.List;

/**
 * The answer to {@code POST /shroud/v1/circuits}: a circuit was built and data echoed through
 * it. JSON-friendly; on failure {@code ok} is false and {@code error} says why (the other
 * fields describe whatever was reached).
 */
public record BuildEchoReport(boolean ok, String circuitId, List<String> path, long buildMillis, int echoBytes,
    long echoMillis, String error) {}
