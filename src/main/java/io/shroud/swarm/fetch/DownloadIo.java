package io.shroud.swarm.fetch;

import io.shroud.identity.NodeId;
import io.shroud.swarm.transfer.TransferMessage;
import java.util.List;

/** What a {@link DownloadRun} asks its {@link DownloadActor} to do: sessions, piece downloads, lookups. */
interface DownloadIo {
  void connect(NodeId provider, long epoch);

  void send(NodeId provider, long epoch, TransferMessage message);

  /** Sends {@code messages} together (they share stream chunks). */
  void sendAll(NodeId provider, long epoch, List<TransferMessage> messages);

  void close(NodeId provider, long epoch);

  /**
   * Hands a block of {@code piece} from {@code source} to that piece's download (started with
   * the first block), which checks it, keeps it and reports back ({@link PieceRequests#blockBad},
   * {@link PieceRequests#pieceAssembled}, {@link PieceRequests#pieceWritten},
   * {@link PieceRequests#leavesFailed}, {@link PieceRequests#pieceStopped}).
   */
  void deliver(int piece, NodeId source, TransferMessage.Block block);

  void layerVerified(byte[] pieceLayer);

  void retryLater();

  /** Look up providers again (more may have appeared). */
  void findProviders();

  void log(String message);
}
