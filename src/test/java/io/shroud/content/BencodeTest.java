package io.shroud.content;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.content.BValue.BBytes;
import io.shroud.content.BValue.BDict;
import io.shroud.content.BValue.BInt;
import io.shroud.content.BValue.BList;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BencodeTest {

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  @Test
  void encodesCanonicallyWithKeysSortedAsRawBytes() {
    TreeMap<BBytes, BValue> m = new TreeMap<>();
    m.put(BBytes.of(new byte[] {(byte) 0xff}), new BInt(1));
    m.put(BBytes.of("b"), new BList(List.of(new BInt(-3), BBytes.of("xy"))));
    m.put(BBytes.of("a"), new BInt(0));
    byte[] enc = Bencode.encode(new BDict(m));
    assertArrayEquals(ascii("d1:ai0e1:bli-3e2:xye1:\u00ffi1ee"), enc);
    assertEquals(new BDict(m), Bencode.decode(enc));
  }

  @ParameterizedTest
  @CsvSource({"i0e", "i-1e", "i9223372036854775807e", "i-9223372036854775807e", "0:", "le", "de",
      "d1:ad1:bleee", "l4:spami42ee"})
  void roundTripsCanonicalInput(String in) {
    assertArrayEquals(ascii(in), Bencode.encode(Bencode.decode(ascii(in))));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
    "i01e | leading zero",
    "i-0e | -0",
    "ie | no digits",
    "i-e | no digits",
    "i9223372036854775808e | 64-bit",
    "i1x2e | unexpected byte",
    "01:a | leading zero",
    "-1:a | unexpected byte 0x2d",
    "5:abc | runs past the end",
    "d1:bi1e1:ai2ee | not sorted",
    "d1:ai1e1:ai2ee | duplicate",
    "di1ei2ee | not a byte string",
    "i1ei2e | trailing",
    "l | end of input",
    "li1e | end of input",
    "x | unexpected byte",
    "d1:a | end of input",
  })
  void rejects(String in, String reason) {
    BencodeException e = assertThrows(BencodeException.class, () -> Bencode.decode(ascii(in)));
    assertTrue(e.getMessage().contains(reason), e.getMessage());
    assertTrue(e.getMessage().contains("at offset"), e.getMessage());
  }

  @Test
  void rejectsEmptyInput() {
    assertThrows(BencodeException.class, () -> Bencode.decode(new byte[0]));
  }

  @Test
  void rejectsNestingPastTheLimitButAcceptsIt() {
    String ok = "l".repeat(Bencode.MAX_DEPTH) + "e".repeat(Bencode.MAX_DEPTH);
    Bencode.decode(ascii(ok));
    String deep = "l".repeat(Bencode.MAX_DEPTH + 1) + "e".repeat(Bencode.MAX_DEPTH + 1);
    BencodeException e = assertThrows(BencodeException.class, () -> Bencode.decode(ascii(deep)));
    assertEquals(Bencode.MAX_DEPTH, e.offset());
    assertTrue(e.getMessage().contains("nesting"));
  }

  @Test
  void rejectsInputAndStringsAboveTheLimits() {
    byte[] big = new byte[Bencode.MAX_INPUT_LENGTH + 1];
    BencodeException e = assertThrows(BencodeException.class, () -> Bencode.decode(big));
    assertTrue(e.getMessage().contains("above the limit"));
    String hugeLen = (Bencode.MAX_STRING_LENGTH + 1) + ":x";
    e = assertThrows(BencodeException.class, () -> Bencode.decode(ascii(hugeLen)));
    assertTrue(e.getMessage().contains("above the limit"), e.getMessage());
  }

  @Test
  void infoDictParserRejectsExtraKeysAndWrongShapes() {
    InfoDict ok = new InfoDict("a", new PieceGeometry(1, 16384), new byte[32], null);
    assertEquals(ok, InfoDict.parse(ok.encode()));
    BDict extra = BDict.of(Map.of("meta version", new BInt(2), "name", BBytes.of("a"),
        "piece length", new BInt(16384), "private", new BInt(1),
        "file tree", ok.toBValue().get("file tree")));
    assertThrows(BencodeException.class, () -> InfoDict.parse(Bencode.encode(extra)));
    BDict v1 = BDict.of(Map.of("meta version", new BInt(1), "name", BBytes.of("a"),
        "piece length", new BInt(16384), "file tree", ok.toBValue().get("file tree")));
    assertThrows(BencodeException.class, () -> InfoDict.parse(Bencode.encode(v1)));
    BDict badPl = BDict.of(Map.of("meta version", new BInt(2), "name", BBytes.of("a"),
        "piece length", new BInt(1000), "file tree", ok.toBValue().get("file tree")));
    assertThrows(BencodeException.class, () -> InfoDict.parse(Bencode.encode(badPl)));
    assertThrows(BencodeException.class, () -> InfoDict.parse(ascii("i1e")));
  }

  /**
   * A piece length outside int range used to be cast to its low 32 bits: -4294950912 parsed as
   * 16384, so the dictionary re-encoded to other bytes with another info-hash. (Found while
   * writing TorrentFileFuzzTest's oracle; TorrentFile's canonical check hid it from uploads.)
   */
  @Test
  void aPieceLengthOutsideIntRangeIsRefusedNotTruncated() {
    InfoDict ok = new InfoDict("a", new PieceGeometry(1, 16384), new byte[32], null);
    for (long pl : new long[] {-4_294_950_912L, 4_294_983_680L, Long.MIN_VALUE + 1, Long.MAX_VALUE}) {
      BDict info = BDict.of(Map.of("meta version", new BInt(2), "name", BBytes.of("a"),
          "piece length", new BInt(pl), "file tree", ok.toBValue().get("file tree")));
      BencodeException e = assertThrows(BencodeException.class, () -> InfoDict.parse(Bencode.encode(info)));
      assertTrue(e.getMessage().contains("piece length"), e.getMessage());
    }
  }
}
