package io.shroud.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** The 4080-byte plaintext cell: layout, round trips and strict rejection. */
class CellCodecTest {

  @Test
  void layoutIsCircuitIdBigEndianThenCommandThenPayload() {
    byte[] payload = {9, 8, 7};
    byte[] enc = CellCodec.encode(new Cell(0x01020304, CellCommand.RELAY, payload));
    assertEquals(4080, enc.length);
    assertArrayEquals(new byte[] {1, 2, 3, 4, 0x12, 9, 8, 7, 0}, java.util.Arrays.copyOf(enc, 9));
    assertEquals(4096, CellFormat.RECORD_BYTES);
    assertEquals(4075, CellFormat.PAYLOAD_BYTES);
  }

  @Property(tries = 200)
  void roundTrips(@ForAll("cells") Cell cell) throws ProtocolViolationException {
    assertEquals(cell, CellCodec.decode(CellCodec.encode(cell)));
  }

  @Provide
  Arbitrary<Cell> cells() {
    Arbitrary<CellCommand> commands = Arbitraries.of(CellCommand.class);
    Arbitrary<byte[]> payloads = Arbitraries.bytes().array(byte[].class).ofMaxSize(4075);
    Arbitrary<Integer> ids = Arbitraries.integers().between(Integer.MIN_VALUE, Integer.MAX_VALUE)
        .edgeCases(c -> c.add(-1)).filter(i -> i != 0);
    return net.jqwik.api.Combinators.combine(commands, payloads, ids).as((c, p, id) ->
        new Cell(c.isCircuitScoped() ? id : 0, c, p));
  }

  @Test
  void everyUnassignedCommandByteIsAViolation() {
    Set<Integer> known = new HashSet<>();
    for (CellCommand c : CellCommand.values()) {
      known.add(c.code());
    }
    for (int code = 0; code < 256; code++) {
      byte[] enc = CellCodec.encode(Cell.padding());
      enc[4] = (byte) code;
      if (known.contains(code)) {
        continue;
      }
      ProtocolViolationException e =
          assertThrows(ProtocolViolationException.class, () -> CellCodec.decode(enc));
      assertEquals(String.format("cell command 0x%02x is unknown", code), e.getMessage());
    }
    assertEquals(CellCommand.values().length, known.size(), "command codes must be unique");
  }

  @Test
  void linkPingAndPongAreLinkControlCellsOnCircuitZero() throws ProtocolViolationException {
    for (CellCommand c : new CellCommand[] {CellCommand.LINK_PING, CellCommand.LINK_PONG}) {
      assertEquals(true, c.isLinkControl(), c + " must be consumed by the link");
      assertEquals(false, c.isCircuitScoped(), c + " must ride on circuit id 0");
      byte[] enc = CellCodec.encode(new Cell(0, c, new byte[] {1, 2, 3, 4, 5, 6, 7, 8}));
      assertEquals(new Cell(0, c, new byte[] {1, 2, 3, 4, 5, 6, 7, 8}), CellCodec.decode(enc));
    }
    assertEquals(0x03, CellCommand.LINK_PING.code());
    assertEquals(0x04, CellCommand.LINK_PONG.code());
    assertEquals(false, CellCommand.DHT.isLinkControl());
  }

  @Test
  void circuitIdMustFitTheCommand() {
    byte[] relayOnZero = CellCodec.encode(Cell.padding());
    relayOnZero[4] = (byte) CellCommand.RELAY.code();
    assertEquals("cell command RELAY needs a non-zero circuit id",
        assertThrows(ProtocolViolationException.class, () -> CellCodec.decode(relayOnZero))
            .getMessage());
    byte[] paddingOnCircuit = CellCodec.encode(Cell.padding());
    paddingOnCircuit[3] = 5;
    assertEquals("link cell PADDING must have circuit id 0, got 5",
        assertThrows(ProtocolViolationException.class, () -> CellCodec.decode(paddingOnCircuit))
            .getMessage());
    assertThrows(IllegalArgumentException.class, () -> new Cell(0, CellCommand.CREATE, new byte[0]));
    assertThrows(IllegalArgumentException.class, () -> new Cell(7, CellCommand.DHT, new byte[0]));
  }

  @Test
  void wrongSizesAreRejected() {
    assertEquals("cell has the wrong size: 4079 != 4080 bytes",
        assertThrows(ProtocolViolationException.class, () -> CellCodec.decode(new byte[4079]))
            .getMessage());
    assertThrows(ProtocolViolationException.class, () -> CellCodec.decode(new byte[4081]));
    assertThrows(IllegalArgumentException.class,
        () -> new Cell(1, CellCommand.RELAY, new byte[4076]));
  }

  @Test
  void payloadIsCopiedAndHiddenFromToString() {
    byte[] p = new byte[4075];
    new Random(1).nextBytes(p);
    Cell cell = new Cell(3, CellCommand.RELAY, p);
    p[0]++;
    assertFalse(java.util.Arrays.equals(p, cell.payload()));
    cell.payload()[1]++;
    assertEquals(cell, new Cell(3, CellCommand.RELAY, cell.payload()));
    assertEquals("Cell[circuit=3, RELAY]", cell.toString());
    assertArrayEquals(Arrays.copyOfRange(cell.payload(), 4070, 4075), cell.payload(4070, 5));
    assertThrows(IndexOutOfBoundsException.class, () -> cell.payload(4070, 6));
    assertEquals("Cell[circuit=4294967295, CREATE]",
        new Cell(-1, CellCommand.CREATE, new byte[0]).toString());
  }

  @Test
  void anAdoptedPayloadIsTheCellsOwnAndMustBeFullSize() throws ProtocolViolationException {
    byte[] p = new byte[4075];
    new Random(2).nextBytes(p);
    Cell cell = Cell.adopt(9, CellCommand.RELAY, p);
    assertSame(p, cell.sharedPayload());
    assertEquals(new Cell(9, CellCommand.RELAY, p), cell);
    assertEquals(cell, CellCodec.decode(CellCodec.encode(cell)));
    assertThrows(IllegalArgumentException.class, () -> Cell.adopt(9, CellCommand.RELAY, new byte[4074]));
    assertThrows(IllegalArgumentException.class, () -> Cell.adopt(0, CellCommand.RELAY, new byte[4075]));
    // a decoded cell owns a fresh array: the record buffer it came from may be reused
    byte[] encoded = CellCodec.encode(cell);
    Cell decoded = CellCodec.decode(encoded);
    Arrays.fill(encoded, (byte) 0);
    assertArrayEquals(p, decoded.sharedPayload());
  }
}
