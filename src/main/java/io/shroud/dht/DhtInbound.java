package io.shroud.dht;

import io.shroud.identity.NodeId;
import io.shroud.metrics.NodeMetrics.DhtDrop;
import io.shroud.wire.Cell;
import java.util.Objects;

/**
 * The door every DHT cell from a peer goes through before the DHT acts on it (protocol §5.3,
 * §5.7). It decodes the cell strictly, and lets a request (PING, FIND_NODE, FIND_VALUE, STORE)
 * pass only while its sender has a token left in its {@link PeerRateLimiter} bucket: a burst,
 * then a steady rate per remote node ({@code shroud.dht.queries-burst},
 * {@code queries-per-second}). A malformed cell or a request over the rate is dropped and
 * counted here: it gets no answer, costs no signature check or record lookup, and never touches
 * the routing table. Responses pass without a token: each either completes a query of ours or
 * is dropped as unmatched by {@link Transactions}, a map lookup. Pure; one actor owns it.
 */
final class DhtInbound {
  /** What to do with one cell. */
  sealed interface Verdict {}

  /** A request from a peer within its rate: answer it. */
  record Request(DhtMessage message) implements Verdict {}

  /** A response: match it against the queries in flight. */
  record Response(DhtMessage message) implements Verdict {}

  /** Dropped, for {@code reason}; {@code detail} says what was wrong (for a debug log). */
  record Dropped(DhtDrop reason, String detail) implements Verdict {}

  private final PeerRateLimiter queries;
  private long malformed;
  private long rateLimited;

  DhtInbound(PeerRateLimiter queries) {
    this.queries = Objects.requireNonNull(queries, "queries");
  }

  /** Decides what becomes of {@code cell} from {@code from}, counting what it drops. */
  Verdict admit(NodeId from, Cell cell) {
    DhtMessage message;
    try {
      message = DhtCellFraming.fromCell(cell);
    } catch (DhtProtocolException e) {
      malformed++;
      return new Dropped(DhtDrop.MALFORMED, e.getMessage());
    }
    if (!message.type().isRequest()) {
      return new Response(message);
    }
    if (!queries.tryAcquire(from)) {
      rateLimited++;
      return new Dropped(DhtDrop.RATE_LIMITED, message.type() + " over the per-peer query rate");
    }
    return new Request(message);
  }

  /** Cells dropped because they did not decode. */
  long malformed() {
    return malformed;
  }

  /** Requests dropped because their sender was over its query rate. */
  long rateLimited() {
    return rateLimited;
  }
}
