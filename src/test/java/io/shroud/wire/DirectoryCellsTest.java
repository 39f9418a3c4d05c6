package io.shroud.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DirectoryCellsTest {
  private static final long ID = 0x0123456789abcdefL;

  @Test
  void theNewLinkCommandsTakeTheFirstReservedCodesOnCircuitZero() throws Exception {
    assertEquals(0x05, CellCommand.DIR_REQUEST.code());
    assertEquals(0x06, CellCommand.DIR_DATA.code());
    for (CellCommand c : new CellCommand[] {CellCommand.DIR_REQUEST, CellCommand.DIR_DATA}) {
      assertEquals(false, c.isCircuitScoped());
      assertEquals(false, c.isLinkControl(), c + " is routed to the directory, not consumed by the link");
      assertThrows(IllegalArgumentException.class, () -> new Cell(1, c, new byte[0]));
    }
  }

  @Test
  void aRequestRoundTripsAndIsStrict() throws Exception {
    byte[] p = DirectoryCells.encodeRequest(ID);
    assertEquals(CellFormat.PAYLOAD_BYTES, p.length);
    assertEquals(ID, DirectoryCells.decodeRequest(p));
    byte[] v2 = p.clone();
    v2[0] = 2;
    assertEquals("DIR_REQUEST version 2 is unsupported", refusedRequest(v2));
    byte[] tail = p.clone();
    tail[9] = 1;
    assertEquals("DIR_REQUEST has a non-zero byte after its fields, at 9", refusedRequest(tail));
    assertEquals("DIR_REQUEST payload must be 4075 bytes, got 10", refusedRequest(new byte[10]));
  }

  @Test
  void aBundleIsCutIntoFullChunksAndPutBackTogether() throws Exception {
    byte[] bundle = new byte[3 * DirectoryCells.MAX_CHUNK_BYTES + 17];
    new Random(5).nextBytes(bundle);
    List<byte[]> cells = DirectoryCells.encodeBundle(ID, bundle);
    assertEquals(4, cells.size());
    DirectoryReassembly r = new DirectoryReassembly(ID, bundle.length);
    for (int i = 0; i < 3; i++) {
      assertEquals(new DirectoryReassembly.Partial((i + 1) * DirectoryCells.MAX_CHUNK_BYTES, bundle.length),
          r.accept(cells.get(i)));
    }
    DirectoryReassembly.Complete done = assertInstanceOf(DirectoryReassembly.Complete.class, r.accept(cells.get(3)));
    assertArrayEquals(bundle, done.bundle());
    assertTrue(r.ended());
    assertEquals("DIR_DATA after the answer ended", refusedBy(r, cells.get(3)));
  }

  @Test
  void chunksOutOfOrderOrOfAnotherAnswerAreViolations() throws Exception {
    byte[] bundle = new byte[2 * DirectoryCells.MAX_CHUNK_BYTES];
    List<byte[]> cells = DirectoryCells.encodeBundle(ID, bundle);
    assertEquals("DIR_DATA chunk starts at 4056, expected 0", refusedBy(new DirectoryReassembly(ID, 1 << 20), cells.get(1)));
    assertEquals("DIR_DATA answers request 81985529216486895, not the one outstanding",
        refusedBy(new DirectoryReassembly(ID + 1, 1 << 20), cells.get(0)));
    assertEquals("directory answer of 8112 bytes is above the 8111 this node takes",
        refusedBy(new DirectoryReassembly(ID, 8111), cells.get(0)));

    DirectoryReassembly r = new DirectoryReassembly(ID, 1 << 20);
    r.accept(cells.get(0));
    assertEquals("DIR_DATA chunk starts at 0, expected 4056", refusedBy(r, cells.get(0)));
    DirectoryReassembly r2 = new DirectoryReassembly(ID, 1 << 20);
    r2.accept(cells.get(0));
    byte[] otherTotal = cells.get(1).clone();
    ByteBuffer.wrap(otherTotal).putInt(9, 8113);
    assertEquals("DIR_DATA total changed from 8112 to 8113", refusedBy(r2, otherTotal));
    DirectoryReassembly r3 = new DirectoryReassembly(ID, 1 << 20);
    r3.accept(cells.get(0));
    assertEquals("DIR_DATA BUSY in the middle of an answer",
        refusedBy(r3, DirectoryCells.encodeEmpty(ID, DirectoryCells.Status.BUSY)));
  }

  @Test
  void aDeclinedAnswerIsOneCell() throws Exception {
    DirectoryReassembly r = new DirectoryReassembly(ID, 100);
    assertEquals(new DirectoryReassembly.Declined(DirectoryCells.Status.NONE),
        r.accept(DirectoryCells.encodeEmpty(ID, DirectoryCells.Status.NONE)));
    assertTrue(r.ended());
  }

  @Test
  void dataFieldsAreCheckedOnTheirOwn() {
    assertEquals("DIR_DATA status 3 is unknown", refusedData(header(3, 0, 0, 0)));
    assertEquals("DIR_DATA NONE carries data fields", refusedData(header(1, 5, 0, 0)));
    assertEquals("DIR_DATA total 0 is not 1..33554432", refusedData(header(0, 0, 0, 1)));
    assertEquals("DIR_DATA total 33554433 is not 1..33554432", refusedData(header(0, 33554433, 0, 1)));
    assertEquals("DIR_DATA length 0 is not 1..4056", refusedData(header(0, 10, 0, 0)));
    assertEquals("DIR_DATA length 4057 is not 1..4056", refusedData(header(0, 10000, 0, 4057)));
    assertEquals("DIR_DATA chunk [8, 12) does not fit the total 10", refusedData(header(0, 10, 8, 4)));
    assertEquals("DIR_DATA chunk [4294967295, 4294967296) does not fit the total 10",
        refusedData(header(0, 10, -1, 1)));
    byte[] trailing = header(0, 10, 0, 1);
    trailing[DirectoryCells.DATA_HEADER_BYTES + 1] = 9;
    assertEquals("DIR_DATA has a non-zero byte after its fields, at 20", refusedData(trailing));
  }

  /** docs/protocol.md §4.10.6 shows these bytes; the test rebuilds them. */
  @Test
  void workedExampleOfTheProtocolDocument() throws Exception {
    HexFormat hex = HexFormat.of();
    byte[] bundle = new byte[5000];
    for (int i = 0; i < bundle.length; i++) {
      bundle[i] = (byte) i;
    }
    List<byte[]> data = DirectoryCells.encodeBundle(ID, bundle);
    byte[] req = DirectoryCells.encodeRequest(ID);
    byte[] none = DirectoryCells.encodeEmpty(ID, DirectoryCells.Status.NONE);
    String row = "%-22s%s%n";
    StringBuilder b = new StringBuilder("```text\n");
    b.append("request id 0123456789abcdef; a 5000-byte bundle whose byte i is i mod 256\n\n");
    b.append("DIR_REQUEST (cell command 05, circuit id 00000000), payload:\n");
    b.append(String.format(row, "  version", hex.formatHex(req, 0, 1)));
    b.append(String.format(row, "  request id", hex.formatHex(req, 1, 9)));
    b.append(String.format(row, "  zeros", "4066 bytes"));
    for (int i = 0; i < data.size(); i++) {
      byte[] p = data.get(i);
      int n = ByteBuffer.wrap(p).getShort(17) & 0xffff;
      b.append(String.format("DIR_DATA %d of %d (cell command 06), payload:%n", i + 1, data.size()));
      b.append(String.format(row, "  request id", hex.formatHex(p, 0, 8)));
      b.append(String.format(row, "  status", hex.formatHex(p, 8, 9) + "  (OK)"));
      b.append(String.format(row, "  total", hex.formatHex(p, 9, 13) + "  (5000)"));
      b.append(String.format(row, "  offset", hex.formatHex(p, 13, 17) + "  (" + ByteBuffer.wrap(p).getInt(13) + ")"));
      b.append(String.format(row, "  length", hex.formatHex(p, 17, 19) + "  (" + n + ")"));
      b.append(String.format(row, "  data", hex.formatHex(p, 19, 23) + "..." + hex.formatHex(p, 19 + n - 2, 19 + n)));
      b.append(String.format(row, "  zeros", (CellFormat.PAYLOAD_BYTES - 19 - n) + " bytes"));
    }
    b.append("DIR_DATA answering NONE (the relay holds no valid consensus), payload:\n");
    b.append(String.format(row, "  first 19 bytes", hex.formatHex(none, 0, 19)));
    b.append(String.format(row, "  zeros", "4056 bytes"));
    b.append("```\n");

    assertEquals("010123456789abcdef", hex.formatHex(req, 0, 9));
    assertEquals("0123456789abcdef" + "00" + "00001388" + "00000fd8" + "03b0" + "d8d9",
        hex.formatHex(data.get(1), 0, 21));
    assertEquals("0123456789abcdef" + "01" + "00000000" + "00000000" + "0000", hex.formatHex(none, 0, 19));
    checkDocument("wire-example:directory-cells", b.toString());
  }

  /** Compares {@code block} with the document's; on a difference writes it to target/ for pasting. */
  static void checkDocument(String marker, String block) throws Exception {
    String doc = Files.readString(Path.of("docs/protocol.md"));
    String begin = "<!-- " + marker + " -->\n";
    String end = "<!-- /" + marker + " -->";
    int from = doc.indexOf(begin);
    int to = doc.indexOf(end);
    String shown = from < 0 || to < from ? "(missing)" : doc.substring(from + begin.length(), to);
    if (!shown.equals(block)) {
      Files.createDirectories(Path.of("target"));
      Files.writeString(Path.of("target/" + marker.replace(':', '-') + ".md"), begin + block + end + "\n");
    }
    assertEquals(block, shown, "docs/protocol.md shows other bytes; see target/" + marker.replace(':', '-') + ".md");
  }

  private static byte[] header(int status, long total, long offset, int length) {
    return ByteBuffer.allocate(CellFormat.PAYLOAD_BYTES).putLong(ID).put((byte) status).putInt((int) total)
        .putInt((int) offset).putShort((short) length).array();
  }

  private static String refusedRequest(byte[] p) {
    return assertThrows(ProtocolViolationException.class, () -> DirectoryCells.decodeRequest(p)).getMessage();
  }

  private static String refusedData(byte[] p) {
    return assertThrows(ProtocolViolationException.class, () -> DirectoryCells.decodeData(p)).getMessage();
  }

  private static String refusedBy(DirectoryReassembly r, byte[] p) {
    return assertThrows(ProtocolViolationException.class, () -> r.accept(p)).getMessage();
  }
}
