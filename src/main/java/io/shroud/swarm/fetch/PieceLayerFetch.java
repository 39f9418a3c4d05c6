package io.shroud.swarm.fetch;

import io.shroud.content.PieceGeometry;
import io.shroud.identity.NodeId;
import io.shroud.swarm.transfer.TransferMessage;
import io.shroud.swarm.transfer.TransferProtocolException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Fetching a share's piece layer, free of Pekko: from one source at a time, with
 * {@link #LAYER_REQUESTS} hash requests in flight, checked against the link's pieces root
 * ({@link PieceLayerAssembler}). A source whose hashes fail is not asked for the layer again.
 */
final class PieceLayerFetch {
  /** Hash requests kept in flight while fetching the piece layer. */
  static final int LAYER_REQUESTS = 8;

  private final PieceGeometry geometry;
  private final byte[] piecesRoot;
  private final Set<NodeId> failed = new HashSet<>();
  private PieceLayerAssembler assembler;
  private NodeId from;

  PieceLayerFetch(PieceGeometry geometry, byte[] piecesRoot) {
    this.geometry = geometry;
    this.piecesRoot = piecesRoot;
  }

  /** Whether a fetch is under way. */
  boolean running() {
    return assembler != null;
  }

  /** Whether {@code source} is the one the layer is being fetched from. */
  boolean isFrom(NodeId source) {
    return source.equals(from);
  }

  /** Whether {@code source} sent a bad layer (or bad hashes) in this run. */
  boolean failedFrom(NodeId source) {
    return failed.contains(source);
  }

  /** Starts fetching from {@code source}: the requests to send (none if the layer is already whole). */
  List<TransferMessage> start(NodeId source) {
    assembler = new PieceLayerAssembler(geometry, piecesRoot);
    from = source;
    return assembler.complete() ? List.of() : List.copyOf(assembler.nextRequests(LAYER_REQUESTS));
  }

  /**
   * Takes an answer: the next requests to send (none once the layer is whole).
   *
   * @throws TransferProtocolException if the hashes are not what was asked for or do not check
   *     out; the source is not asked again
   */
  List<TransferMessage> accept(TransferMessage.Hashes hashes) throws TransferProtocolException {
    try {
      assembler.accept(hashes);
    } catch (TransferProtocolException e) {
      failed.add(from);
      stop();
      throw e;
    }
    return assembler.complete() ? List.of() : List.copyOf(assembler.nextRequests(1));
  }

  boolean complete() {
    return assembler != null && assembler.complete();
  }

  /**
   * The whole layer, checked against the pieces root; the fetch is over either way.
   *
   * @throws TransferProtocolException if it does not fold up to the root; the source is not
   *     asked again
   */
  PieceVerifier verifier() throws TransferProtocolException {
    try {
      return assembler.verifier();
    } catch (TransferProtocolException e) {
      failed.add(from);
      throw e;
    } finally {
      stop();
    }
  }

  /** Gives the fetch up (its source left, or the run stopped). */
  void stop() {
    assembler = null;
    from = null;
  }
}
