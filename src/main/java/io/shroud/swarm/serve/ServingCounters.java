package io.shroud.swarm.serve;

import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;

/**
 * What the serving sessions of one provider have done, counted for {@link TransferServiceView}
 * and for the pieces served per share (diagnostics and tests). Not thread-safe: one provider's
 * sessions count on one thread.
 */
final class ServingCounters {
  private final Map<String, BitSet> served = new HashMap<>();
  private long blocksServed;
  private long bytesServed;
  private long refused;
  private long rejected;
  private long violations;

  /** A HELLO answered with REFUSE. */
  void countRefused() {
    refused++;
  }

  /** A block request answered with REJECT. */
  void countRejected() {
    rejected++;
  }

  /** A stream closed for breaking the protocol. */
  void countViolation() {
    violations++;
  }

  /** A BLOCK of {@code bytes} bytes of piece {@code piece} of share {@code infoHashHex} sent. */
  void countServed(String infoHashHex, int piece, int bytes) {
    blocksServed++;
    bytesServed += bytes;
    served.computeIfAbsent(infoHashHex, k -> new BitSet()).set(piece);
  }

  TransferServiceView view(int activeStreams) {
    return new TransferServiceView(activeStreams, blocksServed, bytesServed, refused, rejected, violations);
  }

  /** A copy of the pieces of {@code infoHashHex} served since the last reset; {@code reset} starts over. */
  BitSet servedPieces(String infoHashHex, boolean reset) {
    BitSet copy = (BitSet) served.getOrDefault(infoHashHex, new BitSet()).clone();
    if (reset) {
      served.remove(infoHashHex);
    }
    return copy;
  }
}
