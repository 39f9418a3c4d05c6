package io.shroud.dht;

import static io.shroud.dht.DhtMessageSamples.contacts;
import static io.shroud.dht.DhtMessageSamples.record;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class DhtMessageCodecTest {

  private static DhtProtocolException rejects(byte[] bytes) {
    return assertThrows(DhtProtocolException.class, () -> DhtMessageCodec.decode(bytes));
  }

  @Test
  void everyMessageTypeRoundTrips() throws Exception {
    List<DhtMessageType> seen = new ArrayList<>();
    for (DhtMessage m : DhtMessageSamples.all()) {
      byte[] bytes = DhtMessageCodec.encode(m);
      assertEquals(DhtMessageCodec.encodedSize(m), bytes.length);
      assertTrue(bytes.length <= DhtMessageCodec.MAX_MESSAGE_BYTES);
      assertEquals(m.type().code(), bytes[0]);
      DhtMessage back = DhtMessageCodec.decode(bytes);
      assertEquals(m, back);
      assertArrayEquals(bytes, DhtMessageCodec.encode(back));
      seen.add(m.type());
    }
    assertTrue(seen.containsAll(Arrays.asList(DhtMessageType.values())));
  }

  @Test
  void headerAndContactLayoutAreAsSpecified() {
    byte[] ping = DhtMessageCodec.encode(new DhtMessage.Ping(0x0102030405060708L));
    assertArrayEquals(new byte[] {1, 1, 2, 3, 4, 5, 6, 7, 8}, ping);
    Contact c = contacts(1, false).get(0);
    byte[] nodes = DhtMessageCodec.encode(new DhtMessage.Nodes(0, List.of(c)));
    assertEquals(9 + 1 + 32 + 1 + 4 + 2, nodes.length);
    assertEquals(1, nodes[9]);
    assertEquals(4, nodes[9 + 1 + 32]);
    assertArrayEquals(new byte[] {127, 0, 0, 1}, Arrays.copyOfRange(nodes, 43, 47));
    assertEquals(c.port(), ByteBuffer.wrap(nodes, 47, 2).getShort() & 0xffff);
  }

  @Test
  void worstCaseRepliesFitOneCell() {
    assertEquals(1170, DhtMessageCodec.MAX_RECORD_BYTES);
    int nodes = DhtMessageCodec.encode(new DhtMessage.Nodes(0, contacts(20, true))).length;
    assertEquals(9 + 1 + 20 * 51, nodes);
    int store = DhtMessageCodec.encode(new DhtMessage.Store(0, record(1, 1024))).length;
    assertEquals(9 + 1170, store);
    // the largest VALUES that is allowed: three full records beside 9 IPv6 contacts
    DhtMessage.Values v = new DhtMessage.Values(0,
        List.of(record(1, 1024), record(1, 1024), record(1, 1024)), contacts(9, true));
    assertTrue(DhtMessageCodec.encode(v).length <= DhtMessageCodec.MAX_MESSAGE_BYTES);
    assertThrows(IllegalArgumentException.class, () -> new DhtMessage.Values(0,
        List.of(record(1, 1024), record(1, 1024), record(1, 1024)), contacts(20, true)));
  }

  @Test
  void valuesFittingPacksWhatFits() throws Exception {
    List<SignedRecord> many = Collections.nCopies(30, record(1, 1024));
    DhtMessage.Values big = DhtMessageCodec.valuesFitting(1, many, contacts(25, true));
    assertEquals(20, big.contacts().size());
    assertEquals(2, big.records().size());
    assertEquals(big, DhtMessageCodec.decode(DhtMessageCodec.encode(big)));
    DhtMessage.Values small =
        DhtMessageCodec.valuesFitting(1, Collections.nCopies(30, record(1, 8)), contacts(20, true));
    assertEquals(DhtMessageCodec.MAX_RECORDS_PER_VALUES, small.records().size());
    assertTrue(DhtMessageCodec.encode(small).length <= DhtMessageCodec.MAX_MESSAGE_BYTES);
  }

  @Test
  void everyTruncationIsRejected() {
    for (DhtMessage m : DhtMessageSamples.all()) {
      byte[] bytes = DhtMessageCodec.encode(m);
      for (int len = 0; len < bytes.length; len++) {
        DhtProtocolException e = rejects(Arrays.copyOf(bytes, len));
        assertTrue(e.getMessage().contains("truncated"), m.type() + " at " + len + ": " + e.getMessage());
      }
    }
  }

  @Test
  void trailingBytesAreRejected() {
    for (DhtMessage m : DhtMessageSamples.all()) {
      byte[] bytes = DhtMessageCodec.encode(m);
      byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
      assertTrue(rejects(longer).getMessage().contains("trailing"));
    }
  }

  @Test
  void unknownTypesAreRejected() {
    for (int type : new int[] {0, 9, 0x7f, 0xff}) {
      byte[] bytes = new byte[9];
      bytes[0] = (byte) type;
      assertEquals("unknown DHT message type " + type, rejects(bytes).getMessage());
    }
  }

  @Test
  void oversizedInputIsRejectedBeforeParsing() {
    byte[] bytes = new byte[DhtMessageCodec.MAX_MESSAGE_BYTES + 1];
    bytes[0] = 1;
    assertTrue(rejects(bytes).getMessage().contains("too large"));
  }

  @Test
  void countsOverTheirLimitsAreRejected() {
    byte[] nodes = DhtMessageCodec.encode(new DhtMessage.Nodes(0, List.of()));
    nodes[9] = 21;
    assertTrue(rejects(nodes).getMessage().contains("over the limit 20"));
    byte[] values = DhtMessageCodec.encode(new DhtMessage.Values(0, List.of(), List.of()));
    values[9] = 17;
    assertTrue(rejects(values).getMessage().contains("over the limit 16"));
    assertThrows(IllegalArgumentException.class, () -> new DhtMessage.Nodes(0, contacts(21, false)));
  }

  @Test
  void oversizedRecordValueIsRejected() {
    byte[] store = DhtMessageCodec.encode(new DhtMessage.Store(0, record(1, 0)));
    int lengthAt = 9 + 32 + 32 + 8 + 8;
    ByteBuffer.wrap(store).putShort(lengthAt, (short) 1025);
    byte[] padded = Arrays.copyOf(store, store.length + 1025);
    assertTrue(rejects(padded).getMessage().contains("value is too large"));
    assertThrows(IllegalArgumentException.class,
        () -> new DhtMessage.Store(0, record(1, 1025)));
  }

  @Test
  void badRecordFieldsAreRejected() {
    byte[] store = DhtMessageCodec.encode(new DhtMessage.Store(0, record(1, 0)));
    byte[] negativeSeq = store.clone();
    negativeSeq[9 + 64] = (byte) 0x80;
    assertTrue(rejects(negativeSeq).getMessage().contains("seq"));
    byte[] farExpiry = store.clone();
    ByteBuffer.wrap(farExpiry).putLong(9 + 64 + 8, SignedRecord.MAX_EXPIRY_EPOCH_SECONDS + 1);
    assertTrue(rejects(farExpiry).getMessage().contains("expiry"));
  }

  @Test
  void badContactFieldsAreRejected() {
    Contact v4 = contacts(1, false).get(0);
    byte[] ok = DhtMessageCodec.encode(new DhtMessage.Nodes(0, List.of(v4)));
    byte[] family = ok.clone();
    family[42] = 5;
    assertEquals("unknown contact address family 5", rejects(family).getMessage());
    byte[] port = ok.clone();
    port[47] = 0;
    port[48] = 0;
    assertEquals("contact port is 0", rejects(port).getMessage());

    // ::ffff:127.0.0.1 sent as family 6 would not re-encode to the same bytes
    ByteBuffer mapped = ByteBuffer.allocate(9 + 1 + 32 + 1 + 16 + 2);
    mapped.put((byte) 4).putLong(0).put((byte) 1).put(new byte[32]).put((byte) 6)
        .put(new byte[10]).put((byte) 0xff).put((byte) 0xff).put(new byte[] {127, 0, 0, 1})
        .putShort((short) 80);
    assertTrue(rejects(mapped.array()).getMessage().contains("IPv4-mapped"));
  }

  @Test
  void unknownStoredStatusIsRejected() throws Exception {
    byte[] stored = DhtMessageCodec.encode(DhtMessage.Stored.accepted(0));
    stored[9] = (byte) 200;
    assertEquals("unknown STORED status 200", rejects(stored).getMessage());
    for (RecordRejection r : RecordRejection.values()) {
      stored[9] = (byte) r.code();
      assertEquals(r, ((DhtMessage.Stored) DhtMessageCodec.decode(stored)).refusal());
    }
  }
}
