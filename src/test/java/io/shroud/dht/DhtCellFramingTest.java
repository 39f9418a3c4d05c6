package io.shroud.dht;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.crypto.Ed25519;
import io.shroud.identity.NodeId;
import io.shroud.testutil.SeededRandom;
import io.shroud.wire.Cell;
import io.shroud.wire.CellCommand;
import io.shroud.wire.CellFormat;
import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class DhtCellFramingTest {
  private static final Ed25519.KeyPair KEY = Ed25519.generate(SeededRandom.of(1));

  @Test
  void everyMessageRoundTripsThroughACell() throws Exception {
    NodeId id = NodeId.ofIdentityKey(new byte[32]);
    List<DhtMessage> messages = List.of(new DhtMessage.Ping(1), new DhtMessage.Pong(-1),
        new DhtMessage.FindNode(2, id), new DhtMessage.FindValue(3, id),
        new DhtMessage.Stored(4, RecordRejection.NOT_RESPONSIBLE), DhtMessage.Stored.accepted(5));
    for (DhtMessage m : messages) {
      Cell cell = DhtCellFraming.toCell(m);
      assertEquals(CellCommand.DHT, cell.command());
      assertEquals(0, cell.circuitId());
      assertEquals(DhtMessageCodec.encodedSize(m), ((cell.payload()[0] & 0xff) << 8) | (cell.payload()[1] & 0xff));
      assertEquals(m, DhtCellFraming.fromCell(cell));
    }
  }

  @Test
  void theFullestValuesReplyStillFitsACellBesideItsLengthPrefix() throws Exception {
    List<Contact> contacts = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      byte[] b = new byte[32];
      b[0] = (byte) i;
      contacts.add(new Contact(NodeId.of(b), InetAddress.getByName("2001:db8::" + (i + 1)), 7000,
          Instant.EPOCH));
    }
    SignedRecord big = SignedRecord.sign(KEY, contacts.get(0).id(), 1,
        Instant.parse("2030-01-01T00:00:00Z"), new byte[SignedRecord.MAX_VALUE_BYTES]);
    DhtMessage.Values v = DhtMessageCodec.valuesFitting(9, Collections.nCopies(16, big), contacts,
        DhtCellFraming.MAX_FRAMED_MESSAGE_BYTES);
    assertTrue(DhtMessageCodec.encodedSize(v) <= DhtCellFraming.MAX_FRAMED_MESSAGE_BYTES);
    assertEquals(2, v.records().size());
    assertEquals(v, DhtCellFraming.fromCell(DhtCellFraming.toCell(v)));
  }

  @Test
  void badLengthsDirtyPaddingAndOtherCommandsAreRejected() {
    byte[] payload = DhtCellFraming.toCell(new DhtMessage.Ping(1)).payload();
    byte[] tooLong = payload.clone();
    tooLong[0] = (byte) 0x0f;
    tooLong[1] = (byte) 0xea; // 4074 > 4073
    byte[] tooShort = payload.clone();
    tooShort[1] = 8;
    byte[] dirty = payload.clone();
    dirty[CellFormat.PAYLOAD_BYTES - 1] = 1;
    for (byte[] p : List.of(tooLong, tooShort, dirty)) {
      assertThrows(DhtProtocolException.class,
          () -> DhtCellFraming.fromCell(new Cell(0, CellCommand.DHT, p)));
    }
    assertThrows(DhtProtocolException.class,
        () -> DhtCellFraming.fromCell(new Cell(0, CellCommand.PADDING, payload)));
  }
}
