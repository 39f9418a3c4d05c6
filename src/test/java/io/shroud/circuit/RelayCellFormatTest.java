package io.shroud.circuit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.crypto.CircuitHandshake;
import io.shroud.identity.NodeId;
import io.shroud.wire.Cell;
import io.shroud.wire.CellCommand;
import io.shroud.wire.CellFormat;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class RelayCellFormatTest {
  @Test
  void layoutConstantsMatchTheSpec() {
    assertEquals(4075, RelayCellFormat.BODY_BYTES);
    assertEquals(23, RelayCellFormat.HEADER_BYTES);
    assertEquals(4052, RelayCellFormat.MAX_DATA);
    assertEquals(2410, ExtendRequest.BYTES);
    assertTrue(ExtendRequest.BYTES <= RelayCellFormat.MAX_DATA, "EXTEND must fit one relay cell");
  }

  @Test
  void aRelayCellBodyIsExactlyOneLinkCellPayload() {
    assertEquals(CellFormat.CELL_BYTES - CellFormat.CIRCUIT_ID_BYTES - CellFormat.COMMAND_BYTES,
        RelayCellFormat.BODY_BYTES);
    assertEquals(RelayCellFormat.BODY_BYTES, RelayCellFormat.HEADER_BYTES + RelayCellFormat.MAX_DATA);
    assertEquals(RelayCellFormat.MAX_DATA, Streams.MAX_CHUNK, "a stream chunk is one DATA cell's data");
    byte[] body = RelayCellFormat.encode(new RelayCell(RelayCommand.DATA, 1, new byte[RelayCellFormat.MAX_DATA]));
    Cell cell = Cell.adopt(7, CellCommand.RELAY, body); // a body of any other size is refused
    assertEquals(body.length, cell.payload().length);
  }

  @Test
  void everyCommandRoundTripsAtEveryDataLengthBoundary() throws Exception {
    for (RelayCommand command : RelayCommand.values()) {
      int streamId = command.allowsStreamId(0) ? 0 : 65535;
      for (int length : new int[] {0, 1, RelayCellFormat.MAX_DATA}) {
        byte[] data = new byte[length];
        Arrays.fill(data, (byte) 0xA5);
        RelayCell cell = new RelayCell(command, streamId, data);
        byte[] body = RelayCellFormat.encode(cell);
        assertEquals(command.code(), body[0]);
        assertEquals(cell, RelayCellFormat.decode(body));
      }
      assertEquals(command, RelayCommand.fromCode(command.code()));
    }
  }

  /** A reused scratch body: whatever it held, encoding into it gives the same bytes as a fresh one. */
  @Test
  void encodingIntoAUsedBodyOverwritesAllOfIt() throws Exception {
    byte[] used = new byte[RelayCellFormat.BODY_BYTES];
    for (int length : new int[] {0, 1, 100, RelayCellFormat.MAX_DATA}) {
      Arrays.fill(used, (byte) 0xFF);
      byte[] data = new byte[length];
      Arrays.fill(data, (byte) 0x3C);
      RelayCell cell = new RelayCell(RelayCommand.DATA, 7, data);
      RelayCellFormat.encodeInto(cell, used);
      assertArrayEquals(RelayCellFormat.encode(cell), used, "data length " + length);
      assertEquals(cell, RelayCellFormat.decode(used));
    }
    assertThrows(IllegalArgumentException.class,
        () -> RelayCellFormat.encodeInto(new RelayCell(RelayCommand.DATA, 7, new byte[1]), new byte[4074]));
  }

  @Test
  void decoderRefusesEveryViolation() {
    byte[] good = RelayCellFormat.encode(new RelayCell(RelayCommand.DATA, 5, new byte[] {1, 2, 3}));
    assertViolation(Arrays.copyOf(good, 4074), "4075");
    assertViolation(Arrays.copyOf(good, 4076), "4075");
    assertViolation(with(good, 0, 0), "unknown relay command 0");
    assertViolation(with(good, 0, 22), "unknown relay command 22");
    assertViolation(with(good, 2, 1), "recognized");
    assertViolation(with(with(good, 3, 0), 4, 0), "stream id 0 not allowed with DATA");
    assertViolation(with(with(good, 0, RelayCommand.EXTEND.code()), 4, 5), "not allowed with EXTEND");
    byte[] tooLong = good.clone();
    RelayCellFormat.putU16(tooLong, RelayCellFormat.LENGTH_OFFSET, 4053);
    assertViolation(tooLong, "exceeds limit 4052");
    assertViolation(with(good, RelayCellFormat.HEADER_BYTES + 3, 1), "padding");
    assertViolation(with(good, 4074, 1), "padding");
    byte[] sendmeOnStream = with(good, 0, RelayCommand.SENDME.code());
    assertEquals(RelayCommand.SENDME, decodeQuietly(sendmeOnStream).command());
  }

  @Test
  void extendRequestRoundTripsAndIsStrict() throws Exception {
    byte[] create = new byte[CircuitHandshake.CREATE_BYTES];
    Arrays.fill(create, (byte) 7);
    NodeId next = NodeId.of(new byte[32]);
    ExtendRequest request = new ExtendRequest(next, (Inet4Address) InetAddress.getByName("127.1.0.1"), 7000, create);
    byte[] data = request.encode();
    assertEquals(ExtendRequest.BYTES, data.length);
    assertEquals(request, ExtendRequest.decode(data));
    assertExtendViolation(Arrays.copyOf(data, data.length - 1));
    assertExtendViolation(with(with(data, 36, 0), 37, 0)); // port 0
    assertExtendViolation(with(data, 39, 2)); // handshake type 2
    assertExtendViolation(with(data, 41, 0)); // handshake length
    assertExtendViolation(with(data, 32, 0)); // 0.x.x.x
  }

  @Test
  void handshakeFramingRoundTripsAndIsStrict() throws Exception {
    byte[] create = new byte[CircuitHandshake.CREATE_BYTES];
    byte[] created = new byte[CircuitHandshake.CREATED_BYTES];
    Arrays.fill(create, (byte) 3);
    Arrays.fill(created, (byte) 4);
    byte[] createPayload = HandshakeFraming.createCellPayload(create);
    assertEquals(4075, createPayload.length);
    assertArrayEquals(create, HandshakeFraming.parseCreateCellPayload(createPayload));
    assertArrayEquals(created, HandshakeFraming.parseCreatedCellPayload(HandshakeFraming.createdCellPayload(created)));
    assertArrayEquals(created, HandshakeFraming.parseExtendedData(HandshakeFraming.extendedData(created)));
    assertThrows(CircuitProtocolException.class, () -> HandshakeFraming.parseCreateCellPayload(with(createPayload, 1, 9)));
    assertThrows(CircuitProtocolException.class, () -> HandshakeFraming.parseCreateCellPayload(with(createPayload, 4074, 1)));
    assertThrows(CircuitProtocolException.class, () -> HandshakeFraming.parseCreateCellPayload(with(createPayload, 3, 0)));
    assertThrows(CircuitProtocolException.class, () -> HandshakeFraming.parseCreatedCellPayload(new byte[4075]));
    assertThrows(CircuitProtocolException.class, () -> HandshakeFraming.parseExtendedData(new byte[1153]));
  }

  private static RelayCell decodeQuietly(byte[] body) {
    try {
      return RelayCellFormat.decode(body);
    } catch (CircuitProtocolException e) {
      throw new AssertionError(e);
    }
  }

  private static byte[] with(byte[] body, int at, int value) {
    byte[] copy = body.clone();
    copy[at] = (byte) value;
    return copy;
  }

  private static void assertViolation(byte[] body, String fragment) {
    CircuitProtocolException e = assertThrows(CircuitProtocolException.class, () -> RelayCellFormat.decode(body));
    assertTrue(e.getMessage().contains(fragment), e.getMessage());
  }

  private static void assertExtendViolation(byte[] data) {
    assertThrows(CircuitProtocolException.class, () -> ExtendRequest.decode(data));
  }
}
