package io.shroud.dht;

/** Helpers for request/response pairing of the DHT actor's transactions. */
final class DhtRequests {
  private DhtRequests() {}

  /** {@code request} with {@code txId} in place of its own. */
  static DhtMessage withTxId(DhtMessage request, long txId) {
    if (request instanceof DhtMessage.Ping) {
      return new DhtMessage.Ping(txId);
    } else if (request instanceof DhtMessage.FindNode f) {
      return new DhtMessage.FindNode(txId, f.target());
    } else if (request instanceof DhtMessage.FindValue f) {
      return new DhtMessage.FindValue(txId, f.key());
    } else if (request instanceof DhtMessage.Store s) {
      return new DhtMessage.Store(txId, s.record());
    }
    throw new IllegalArgumentException("not a request: " + request.type());
  }

  /** The only response type that answers {@code request}. */
  static DhtMessageType responseType(DhtMessageType request) {
    return switch (request) {
      case PING -> DhtMessageType.PONG;
      case FIND_NODE -> DhtMessageType.NODES;
      case FIND_VALUE -> DhtMessageType.VALUES;
      case STORE -> DhtMessageType.STORED;
      default -> throw new IllegalArgumentException("not a request: " + request);
    };
  }
}
