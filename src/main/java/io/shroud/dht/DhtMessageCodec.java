package io.shroud.dht;

import io.shroud.crypto.Ed25519;
import io.shroud.identity.NodeId;
import io.shroud.wire.CellFormat;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Strict binary codec for {@link DhtMessage}s, which travel in the payload of one data-plane
 * cell. All integers are big-endian. Layout ({@code docs/protocol.md} §5.2):
 *
 * <pre>
 * message  = type u8 | txId u64 | body
 * PING, PONG       body empty
 * FIND_NODE        target[32]
 * NODES            count u8 (0..20) | count x contact
 * FIND_VALUE       key[32]
 * VALUES           recordCount u8 (0..16) | records | contactCount u8 (0..20) | contacts
 * STORE            record
 * STORED           status u8 (0 = accepted, else a RecordRejection code)
 * contact  = id[32] | family u8 (4 or 6) | address[4 or 16] | port u16 (1..65535)
 * record   = key[32] | publisher[32] | seq u64 (&lt; 2^63) | expiry u64 (epoch s, &lt;= year 9999)
 *            | valueLength u16 (0..1024) | value | signature[64]
 * </pre>
 *
 * Decoding rejects, with {@link DhtProtocolException}: input longer than
 * {@link #MAX_MESSAGE_BYTES}, unknown type, truncation, counts or lengths over their limits,
 * an unknown family or STORED status, an IPv4-mapped address sent as family 6, port 0, a
 * negative seq, an expiry past year 9999, and trailing bytes. Decoding does not check
 * signatures or expiry against the clock: that is {@link RecordVerifier}'s job. Encoding is
 * canonical: decode(encode(m)) equals m and encode(decode(b)) equals b.
 */
public final class DhtMessageCodec {
  /** A DHT message fills at most one cell payload. */
  public static final int MAX_MESSAGE_BYTES = CellFormat.PAYLOAD_BYTES;
  /** Type byte plus 8-byte transaction id. */
  public static final int HEADER_BYTES = 9;
  /** Contacts in a NODES or VALUES reply: k. */
  public static final int MAX_CONTACTS = RoutingConfig.K;
  /** Records in a VALUES reply (the total must still fit {@link #MAX_MESSAGE_BYTES}). */
  public static final int MAX_RECORDS_PER_VALUES = 16;
  public static final int FAMILY_IPV4 = 4;
  public static final int FAMILY_IPV6 = 6;
  /** Largest encoded contact (IPv6). */
  public static final int MAX_CONTACT_BYTES = NodeId.BYTES + 1 + 16 + 2;
  /** Encoded record without its value. */
  public static final int RECORD_OVERHEAD_BYTES =
      NodeId.BYTES + Ed25519.PUBLIC_KEY_BYTES + 8 + 8 + 2 + Ed25519.SIGNATURE_BYTES;
  /** Largest encoded record: 1170 bytes. */
  public static final int MAX_RECORD_BYTES = RECORD_OVERHEAD_BYTES + SignedRecord.MAX_VALUE_BYTES;

  private DhtMessageCodec() {}

  /** Encodes a message; never longer than {@link #MAX_MESSAGE_BYTES}. */
  public static byte[] encode(DhtMessage m) {
    ByteBuffer b = ByteBuffer.allocate(encodedSize(m));
    b.put((byte) m.type().code()).putLong(m.txId());
    switch (m.type()) {
      case PING, PONG -> { }
      case FIND_NODE -> b.put(((DhtMessage.FindNode) m).target().toBytes());
      case NODES -> putContacts(b, ((DhtMessage.Nodes) m).contacts());
      case FIND_VALUE -> b.put(((DhtMessage.FindValue) m).key().toBytes());
      case VALUES -> {
        DhtMessage.Values v = (DhtMessage.Values) m;
        b.put((byte) v.records().size());
        v.records().forEach(r -> putRecord(b, r));
        putContacts(b, v.contacts());
      }
      case STORE -> putRecord(b, ((DhtMessage.Store) m).record());
      case STORED -> {
        DhtMessage.Stored s = (DhtMessage.Stored) m;
        b.put((byte) (s.isAccepted() ? 0 : s.refusal().code()));
      }
      default -> throw new IllegalStateException("unhandled type " + m.type());
    }
    return b.array();
  }

  /**
   * One record alone, in its §5.2 layout ({@link #RECORD_OVERHEAD_BYTES} + value length bytes),
   * as a STORE carries it; for the {@code dht} circuit service's kind 2 request.
   */
  public static byte[] encodeRecord(SignedRecord record) {
    checkRecord(record);
    ByteBuffer b = ByteBuffer.allocate(RECORD_OVERHEAD_BYTES + record.valueLength());
    putRecord(b, record);
    return b.array();
  }

  /** Decodes exactly one record (§5.2), with the checks of {@link #decode}; no trailing bytes. */
  public static SignedRecord decodeRecord(byte[] bytes) throws DhtProtocolException {
    if (bytes.length > MAX_RECORD_BYTES) {
      throw new DhtProtocolException("record is too large: " + bytes.length + " bytes, limit " + MAX_RECORD_BYTES);
    }
    ByteBuffer b = ByteBuffer.wrap(bytes);
    SignedRecord record = readRecord(b);
    if (b.hasRemaining()) {
      throw new DhtProtocolException("record has " + b.remaining() + " trailing bytes");
    }
    return record;
  }

  /** Decodes one whole message; anything malformed is a {@link DhtProtocolException}. */
  public static DhtMessage decode(byte[] bytes) throws DhtProtocolException {
    if (bytes.length > MAX_MESSAGE_BYTES) {
      throw new DhtProtocolException("DHT message is too large: " + bytes.length
          + " bytes, limit " + MAX_MESSAGE_BYTES);
    }
    if (bytes.length < HEADER_BYTES) {
      throw new DhtProtocolException("DHT message is truncated: " + bytes.length
          + " bytes, header needs " + HEADER_BYTES);
    }
    ByteBuffer b = ByteBuffer.wrap(bytes);
    int code = b.get() & 0xff;
    DhtMessageType type = DhtMessageType.fromCode(code);
    if (type == null) {
      throw new DhtProtocolException("unknown DHT message type " + code);
    }
    long tx = b.getLong();
    DhtMessage m = switch (type) {
      case PING -> new DhtMessage.Ping(tx);
      case PONG -> new DhtMessage.Pong(tx);
      case FIND_NODE -> new DhtMessage.FindNode(tx, readId(b, "FIND_NODE target"));
      case NODES -> new DhtMessage.Nodes(tx, readContacts(b));
      case FIND_VALUE -> new DhtMessage.FindValue(tx, readId(b, "FIND_VALUE key"));
      case VALUES -> readValues(b, tx);
      case STORE -> new DhtMessage.Store(tx, readRecord(b));
      case STORED -> readStored(b, tx);
    };
    if (b.hasRemaining()) {
      throw new DhtProtocolException(type + " has " + b.remaining() + " trailing bytes");
    }
    return m;
  }

  /**
   * A VALUES reply with as many of {@code records} (in order) as fit beside {@code contacts}
   * in one message, at most {@link #MAX_RECORDS_PER_VALUES}; contacts beyond k are dropped.
   */
  public static DhtMessage.Values valuesFitting(long txId, List<SignedRecord> records,
      List<Contact> contacts) {
    return valuesFitting(txId, records, contacts, MAX_MESSAGE_BYTES);
  }

  /**
   * As {@link #valuesFitting(long, List, List)} but within {@code maxBytes} (at most
   * {@link #MAX_MESSAGE_BYTES}); {@link DhtCellFraming} uses it to leave room for its length
   * prefix.
   */
  public static DhtMessage.Values valuesFitting(long txId, List<SignedRecord> records,
      List<Contact> contacts, int maxBytes) {
    int limit = Math.min(maxBytes, MAX_MESSAGE_BYTES);
    List<Contact> cs = contacts.subList(0, Math.min(contacts.size(), MAX_CONTACTS));
    int size = HEADER_BYTES + 2 + contactsSize(cs);
    List<SignedRecord> fit = new ArrayList<>();
    for (SignedRecord r : records) {
      if (fit.size() >= MAX_RECORDS_PER_VALUES) {
        break;
      }
      if (r.valueLength() > SignedRecord.MAX_VALUE_BYTES) {
        continue;
      }
      int rs = RECORD_OVERHEAD_BYTES + r.valueLength();
      if (size + rs <= limit) {
        fit.add(r);
        size += rs;
      }
    }
    return new DhtMessage.Values(txId, fit, cs);
  }

  /** Encoded length of {@code m}. */
  public static int encodedSize(DhtMessage m) {
    return HEADER_BYTES + switch (m.type()) {
      case PING, PONG -> 0;
      case FIND_NODE, FIND_VALUE -> NodeId.BYTES;
      case NODES -> 1 + contactsSize(((DhtMessage.Nodes) m).contacts());
      case VALUES -> 2 + recordsSize(((DhtMessage.Values) m).records())
          + contactsSize(((DhtMessage.Values) m).contacts());
      case STORE -> RECORD_OVERHEAD_BYTES + ((DhtMessage.Store) m).record().valueLength();
      case STORED -> 1;
    };
  }

  static void checkContactCount(int n) {
    if (n > MAX_CONTACTS) {
      throw new IllegalArgumentException("at most " + MAX_CONTACTS + " contacts, got " + n);
    }
  }

  static void checkRecord(SignedRecord r) {
    if (r.valueLength() > SignedRecord.MAX_VALUE_BYTES) {
      throw new IllegalArgumentException("record value over " + SignedRecord.MAX_VALUE_BYTES
          + " bytes cannot be sent: " + r.valueLength());
    }
  }

  static void checkValues(List<SignedRecord> records, List<Contact> contacts) {
    checkContactCount(contacts.size());
    if (records.size() > MAX_RECORDS_PER_VALUES) {
      throw new IllegalArgumentException(
          "at most " + MAX_RECORDS_PER_VALUES + " records, got " + records.size());
    }
    records.forEach(DhtMessageCodec::checkRecord);
    int size = HEADER_BYTES + 2 + recordsSize(records) + contactsSize(contacts);
    if (size > MAX_MESSAGE_BYTES) {
      throw new IllegalArgumentException("VALUES would take " + size + " bytes, limit "
          + MAX_MESSAGE_BYTES + " (use valuesFitting)");
    }
  }

  private static int contactsSize(List<Contact> cs) {
    int n = 0;
    for (Contact c : cs) {
      n += NodeId.BYTES + 1 + c.address().getAddress().length + 2;
    }
    return n;
  }

  private static int recordsSize(List<SignedRecord> rs) {
    int n = 0;
    for (SignedRecord r : rs) {
      n += RECORD_OVERHEAD_BYTES + r.valueLength();
    }
    return n;
  }

  private static void putContacts(ByteBuffer b, List<Contact> cs) {
    b.put((byte) cs.size());
    for (Contact c : cs) {
      byte[] addr = c.address().getAddress();
      b.put(c.id().toBytes()).put((byte) (addr.length == 4 ? FAMILY_IPV4 : FAMILY_IPV6))
          .put(addr).putShort((short) c.port());
    }
  }

  private static void putRecord(ByteBuffer b, SignedRecord r) {
    b.put(r.key().toBytes()).put(r.publisher()).putLong(r.seq())
        .putLong(r.expiry().getEpochSecond()).putShort((short) r.valueLength())
        .put(r.value()).put(r.signature());
  }

  private static void need(ByteBuffer b, int n, String what) throws DhtProtocolException {
    if (b.remaining() < n) {
      throw new DhtProtocolException(what + " is truncated: needs " + n + " bytes, "
          + b.remaining() + " left");
    }
  }

  private static byte[] read(ByteBuffer b, int n, String what) throws DhtProtocolException {
    need(b, n, what);
    byte[] out = new byte[n];
    b.get(out);
    return out;
  }

  private static NodeId readId(ByteBuffer b, String what) throws DhtProtocolException {
    return NodeId.of(read(b, NodeId.BYTES, what));
  }

  private static int readCount(ByteBuffer b, int max, String what) throws DhtProtocolException {
    need(b, 1, what + " count");
    int n = b.get() & 0xff;
    if (n > max) {
      throw new DhtProtocolException(what + " count " + n + " is over the limit " + max);
    }
    return n;
  }

  private static List<Contact> readContacts(ByteBuffer b) throws DhtProtocolException {
    int n = readCount(b, MAX_CONTACTS, "contact");
    List<Contact> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(readContact(b));
    }
    return out;
  }

  private static Contact readContact(ByteBuffer b) throws DhtProtocolException {
    NodeId id = readId(b, "contact id");
    need(b, 1, "contact family");
    int family = b.get() & 0xff;
    int len = switch (family) {
      case FAMILY_IPV4 -> 4;
      case FAMILY_IPV6 -> 16;
      default -> throw new DhtProtocolException("unknown contact address family " + family);
    };
    InetAddress address;
    try {
      address = InetAddress.getByAddress(read(b, len, "contact address"));
    } catch (UnknownHostException e) {
      throw new DhtProtocolException("contact address has a bad length");
    }
    if (family == FAMILY_IPV6 && !(address instanceof Inet6Address)
        || family == FAMILY_IPV4 && !(address instanceof Inet4Address)) {
      throw new DhtProtocolException("IPv4-mapped address sent as family 6; use family 4");
    }
    need(b, 2, "contact port");
    int port = b.getShort() & 0xffff;
    if (port == 0) {
      throw new DhtProtocolException("contact port is 0");
    }
    return new Contact(id, address, port, Instant.EPOCH);
  }

  private static SignedRecord readRecord(ByteBuffer b) throws DhtProtocolException {
    NodeId key = readId(b, "record key");
    byte[] publisher = read(b, Ed25519.PUBLIC_KEY_BYTES, "record publisher");
    need(b, 8 + 8 + 2, "record header");
    long seq = b.getLong();
    if (seq < 0) {
      throw new DhtProtocolException("record seq is over 2^63 - 1");
    }
    long expiry = b.getLong();
    if (expiry < 0 || expiry > SignedRecord.MAX_EXPIRY_EPOCH_SECONDS) {
      throw new DhtProtocolException("record expiry is outside 1970..9999");
    }
    int valueLength = b.getShort() & 0xffff;
    if (valueLength > SignedRecord.MAX_VALUE_BYTES) {
      throw new DhtProtocolException("record value is too large: " + valueLength
          + " bytes, limit " + SignedRecord.MAX_VALUE_BYTES);
    }
    byte[] value = read(b, valueLength, "record value");
    byte[] signature = read(b, Ed25519.SIGNATURE_BYTES, "record signature");
    return new SignedRecord(key, publisher, seq, Instant.ofEpochSecond(expiry), value, signature);
  }

  private static DhtMessage.Values readValues(ByteBuffer b, long tx) throws DhtProtocolException {
    int n = readCount(b, MAX_RECORDS_PER_VALUES, "record");
    List<SignedRecord> records = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      records.add(readRecord(b));
    }
    return new DhtMessage.Values(tx, records, readContacts(b));
  }

  private static DhtMessage.Stored readStored(ByteBuffer b, long tx) throws DhtProtocolException {
    need(b, 1, "STORED status");
    int status = b.get() & 0xff;
    if (status == 0) {
      return DhtMessage.Stored.accepted(tx);
    }
    RecordRejection refusal = RecordRejection.fromCode(status);
    if (refusal == null) {
      throw new DhtProtocolException("unknown STORED status " + status);
    }
    return new DhtMessage.Stored(tx, refusal);
  }
}
