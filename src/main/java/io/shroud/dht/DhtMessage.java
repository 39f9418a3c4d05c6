package io.shroud.dht;

import io.shroud.identity.NodeId;
import java.util.List;
import java.util.Objects;

/**
 * DHT messages. Each carries a 64-bit transaction id chosen by the requester and echoed by the
 * responder. Constructors enforce the wire limits, so every message that exists can be encoded
 * by {@link DhtMessageCodec}. Contacts decoded off the wire carry {@code lastSeen =
 * Instant.EPOCH} (never seen by us); the sender of a message is known from the authenticated
 * peer link, not from the message.
 */
public sealed interface DhtMessage {
  long txId();

  DhtMessageType type();

  /** Liveness check. */
  record Ping(long txId) implements DhtMessage {
    public DhtMessageType type() {
      return DhtMessageType.PING;
    }
  }

  /** Answer to {@link Ping}. */
  record Pong(long txId) implements DhtMessage {
    public DhtMessageType type() {
      return DhtMessageType.PONG;
    }
  }

  /** Asks for the k contacts the responder knows closest to {@code target}. */
  record FindNode(long txId, NodeId target) implements DhtMessage {
    public FindNode {
      Objects.requireNonNull(target, "target");
    }

    public DhtMessageType type() {
      return DhtMessageType.FIND_NODE;
    }
  }

  /** Answer to {@link FindNode}: at most {@link DhtMessageCodec#MAX_CONTACTS} contacts. */
  record Nodes(long txId, List<Contact> contacts) implements DhtMessage {
    public Nodes {
      contacts = List.copyOf(contacts);
      DhtMessageCodec.checkContactCount(contacts.size());
    }

    public DhtMessageType type() {
      return DhtMessageType.NODES;
    }
  }

  /** Asks for records under {@code key}, or closer contacts when the responder has none. */
  record FindValue(long txId, NodeId key) implements DhtMessage {
    public FindValue {
      Objects.requireNonNull(key, "key");
    }

    public DhtMessageType type() {
      return DhtMessageType.FIND_VALUE;
    }
  }

  /**
   * Answer to {@link FindValue}: records (at most {@link DhtMessageCodec#MAX_RECORDS_PER_VALUES})
   * and/or closer contacts (at most {@link DhtMessageCodec#MAX_CONTACTS}); the whole message
   * must fit {@link DhtMessageCodec#MAX_MESSAGE_BYTES}. {@link DhtMessageCodec#valuesFitting}
   * builds one that fits.
   */
  record Values(long txId, List<SignedRecord> records, List<Contact> contacts)
      implements DhtMessage {
    public Values {
      records = List.copyOf(records);
      contacts = List.copyOf(contacts);
      DhtMessageCodec.checkValues(records, contacts);
    }

    public DhtMessageType type() {
      return DhtMessageType.VALUES;
    }
  }

  /** Asks the responder to hold {@code record}. */
  record Store(long txId, SignedRecord record) implements DhtMessage {
    public Store {
      Objects.requireNonNull(record, "record");
      DhtMessageCodec.checkRecord(record);
    }

    public DhtMessageType type() {
      return DhtMessageType.STORE;
    }
  }

  /** Answer to {@link Store}: {@code refusal} is null when the record was accepted. */
  record Stored(long txId, RecordRejection refusal) implements DhtMessage {
    public static Stored accepted(long txId) {
      return new Stored(txId, null);
    }

    public boolean isAccepted() {
      return refusal == null;
    }

    public DhtMessageType type() {
      return DhtMessageType.STORED;
    }
  }
}
