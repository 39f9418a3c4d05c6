package io.shroud.swarm.fetch;

import io.shroud.identity.NodeId;
import io.shroud.swarm.transfer.TransferMessage;
import java.util.List;

/** What a {@link ProviderSessionActor} tells its download about its provider connection. */
public sealed interface SourceReport {
  NodeId provider();

  /** The {@code epoch} the session was created with (tells a stale session's reports apart). */
  long epoch();

  /** The stream is open and HELLO is sent. */
  record Connected(NodeId provider, long epoch, String circuitId, List<String> path) implements SourceReport {}

  /** Messages decoded from what arrived together on the stream, in order (never empty). */
  record Received(NodeId provider, long epoch, List<TransferMessage> messages) implements SourceReport {}

  /** The connection is gone (nothing more follows). */
  record Lost(NodeId provider, long epoch, String reason) implements SourceReport {}
}
