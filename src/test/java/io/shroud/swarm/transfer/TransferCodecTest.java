package io.shroud.swarm.transfer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.content.PieceGeometry;
import io.shroud.swarm.transfer.TransferMessage.Block;
import io.shroud.swarm.transfer.TransferMessage.BlockRequest;
import io.shroud.swarm.transfer.TransferMessage.Have;
import io.shroud.swarm.transfer.TransferMessage.Hello;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TransferCodecTest {
  private static final HexFormat HEX = HexFormat.of();

  @Test
  void everyMessageRoundTrips() throws Exception {
    for (TransferMessage m : TransferSamples.all()) {
      byte[] frame = TransferCodec.encode(m);
      assertTrue(frame.length - 2 <= TransferCodec.MAX_MESSAGE_BYTES, m.toString());
      TransferMessage back = TransferCodec.decode(frame);
      assertEquals(m, back);
      assertArrayEquals(frame, TransferCodec.encode(back));
    }
  }

  @Test
  void layoutIsByteExact() {
    assertEquals("0022" + "01" + "01" + "ab".repeat(32),
        HEX.formatHex(TransferCodec.encode(new Hello(HEX.parseHex("ab".repeat(32))))));
    assertEquals("0002" + "02" + "00", HEX.formatHex(TransferCodec.encode(Have.allPieces())));
    BitSet p = new BitSet();
    p.set(8);
    p.set(16);
    assertEquals("000c" + "02" + "01" + "00000008" + "00000009" + "80" + "80",
        HEX.formatHex(TransferCodec.encode(new Have(false, 8, 9, p))));
    assertEquals("000b" + "06" + "00000003" + "00008000" + "4000",
        HEX.formatHex(TransferCodec.encode(new BlockRequest(3, 32768, 16384))));
    assertEquals("002b" + "07" + "00000001" + "00004000" + "01" + "00".repeat(32) + "ff",
        HEX.formatHex(TransferCodec.encode(new Block(1, 16384, new byte[32], new byte[] {-1}))));
    assertEquals("0009" + "09" + "00000002" + "00000000",
        HEX.formatHex(TransferCodec.encode(new TransferMessage.Cancel(2, 0))));
    assertEquals("0005" + "0a" + "00000001",
        HEX.formatHex(TransferCodec.encode(new TransferMessage.MetadataRequest(1))));
    assertEquals("000c" + "0b" + "00004003" + "00000001" + "616263",
        HEX.formatHex(TransferCodec.encode(new TransferMessage.Metadata(16387, 1, "abc".getBytes()))));
  }

  @Test
  void fragmentedStreamDecodesAtEverySplitPoint() throws Exception {
    byte[] stream = TransferSamples.stream();
    List<TransferMessage> expected = TransferSamples.all();
    for (int split = 0; split <= stream.length; split += split < 200 ? 1 : 97) {
      TransferFrameDecoder d = new TransferFrameDecoder();
      List<TransferMessage> got = new ArrayList<>(d.feed(stream, 0, split));
      got.addAll(d.feed(stream, split, stream.length - split));
      assertEquals(expected, got, "split at " + split);
      assertTrue(d.idle());
    }
  }

  @Test
  void everySplitPointOfEachFrame() throws Exception {
    for (TransferMessage m : TransferSamples.all()) {
      byte[] frame = TransferCodec.encode(m);
      int step = frame.length > 400 ? 61 : 1;
      for (int a = 0; a <= frame.length; a += step) {
        TransferFrameDecoder d = new TransferFrameDecoder();
        List<TransferMessage> got = new ArrayList<>(d.feed(frame, 0, a));
        assertEquals(a == frame.length ? 1 : 0, got.size());
        got.addAll(d.feed(frame, a, frame.length - a));
        assertEquals(List.of(m), got, m + " split at " + a);
      }
    }
  }

  @Test
  void byteAtATime() throws Exception {
    byte[] stream = TransferSamples.stream();
    TransferFrameDecoder d = new TransferFrameDecoder();
    List<TransferMessage> got = new ArrayList<>();
    for (int i = 0; i < stream.length; i++) {
      got.addAll(d.feed(stream, i, 1));
      assertEquals(i == stream.length - 1, d.idle() && got.size() == TransferSamples.all().size());
    }
    assertEquals(TransferSamples.all(), got);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "",                              // no prefix
      "00",                            // half a prefix
      "0000",                          // empty message
      "4301" + "07",                   // length above the limit (17153)
      "0001" + "00",                   // unknown type 0
      "0001" + "0c",                   // unknown type 12
      "0001" + "0a",                   // METADATA_REQUEST truncated
      "0006" + "0a" + "00000000" + "00", // METADATA_REQUEST trailing byte
      "0005" + "0a" + "00000040",      // METADATA_REQUEST piece 64 (past 1 MiB)
      "0005" + "0a" + "ffffffff",      // METADATA_REQUEST negative piece
      "000a" + "0b" + "00000001" + "00000000" + "6162", // METADATA longer than its total
      "000a" + "0b" + "00000003" + "00000000" + "61", // METADATA shorter than its piece
      "000a" + "0b" + "00000000" + "00000000" + "61", // METADATA total 0
      "000a" + "0b" + "00100001" + "00000000" + "61", // METADATA total above 1 MiB
      "000a" + "0b" + "00000003" + "00000001" + "61", // METADATA piece past the last
      "0009" + "0b" + "00000003" + "00000000", // METADATA without data
      "0022" + "0102" + "0000000000000000000000000000000000000000000000000000000000000000", // HELLO with wrong version
      "0020" + "0101",                 // HELLO truncated
      "0003" + "0200" + "00",          // HAVE all with trailing byte
      "0002" + "0202",                 // HAVE unknown kind
      "000a" + "0201" + "00000000" + "00000000", // HAVE count 0
      "000b" + "0201" + "00000000" + "00000001" + "40", // HAVE spare bit set
      "000b" + "0201" + "03ffffff" + "00000002" + "00", // HAVE past the largest piece
      "0004" + "03" + "05" + "0000",   // REFUSE unknown reason
      "0008" + "04" + "00" + "00000000" + "0000", // HASH_REQUEST count 0
      "0008" + "04" + "00" + "00000000" + "0081", // HASH_REQUEST count 129
      "0008" + "04" + "01" + "00000000" + "0001", // unknown hash layer
      "0008" + "05" + "00" + "00000000" + "0001", // HASHES missing its hash
      "000b" + "06" + "00000000" + "00000001" + "0001", // offset not block aligned
      "000b" + "06" + "00000000" + "01000000" + "0001", // offset at 16 MiB
      "000b" + "06" + "00000000" + "00000000" + "4001", // length above 16 KiB
      "000b" + "06" + "00000000" + "00000000" + "0000", // length 0
      "000b" + "06" + "80000000" + "00000000" + "0001", // negative piece
      "000b" + "06" + "04000000" + "00000000" + "0001", // piece past 2^26
      "000a" + "07" + "00000000" + "00000000" + "00",   // BLOCK without data
      "000a" + "07" + "00000000" + "00000000" + "0b",   // proof of 11 hashes
      "000b" + "07" + "00000000" + "00000000" + "01" + "00", // proof truncated
      "000a" + "08" + "00000000" + "00000000" + "09",   // REJECT unknown reason
      "0009" + "08" + "00000000" + "00000000",          // REJECT truncated
      "000a" + "09" + "00000000" + "00000000" + "00",   // CANCEL trailing byte
  })
  void rejectsMalformedFrames(String hex) {
    byte[] frame = HEX.parseHex(hex);
    assertThrows(TransferProtocolException.class, () -> TransferCodec.decode(frame));
    // the stream decoder gathers a split frame another way (a BLOCK's head, then its data):
    // wherever a whole frame (its prefix matching its body) is split, it is refused there too
    boolean whole = frame.length >= 2 && (((frame[0] & 0xff) << 8) | (frame[1] & 0xff)) == frame.length - 2;
    for (int split = 0; whole && split <= frame.length; split++) {
      TransferFrameDecoder d = new TransferFrameDecoder();
      int at = split;
      assertThrows(TransferProtocolException.class, () -> {
        d.feed(frame, 0, at);
        d.feed(frame, at, frame.length - at);
      }, hex + " split at " + split);
    }
  }

  /** Block data longer than a block is refused from the length and head, before it is buffered. */
  @Test
  void aBlockWithMoreThanABlockOfDataIsRefusedWholeOrSplit() {
    int length = TransferCodec.BLOCK_FIXED_HEAD + TransferCodec.MAX_BLOCK_LENGTH + 1;
    byte[] frame = ByteBuffer.allocate(2 + length).putShort((short) length)
        .put((byte) TransferMessageType.BLOCK.code()).putInt(0).putInt(0).put((byte) 0).array();
    assertTrue(length <= TransferCodec.MAX_MESSAGE_BYTES, "within the frame limit: the block rule must catch it");
    assertThrows(TransferProtocolException.class, () -> TransferCodec.decode(frame));
    TransferFrameDecoder d = new TransferFrameDecoder();
    TransferProtocolException e = assertThrows(TransferProtocolException.class,
        () -> d.feed(frame, 0, 2 + TransferCodec.BLOCK_FIXED_HEAD));
    assertTrue(e.getMessage().contains("block data"), e.getMessage());
  }

  /** Parts as a stream's cells bring them decode as the same bytes in one piece do. */
  @Test
  void partsDecodeAsTheirConcatenation() throws Exception {
    byte[] stream = TransferSamples.stream();
    for (int partSize : new int[] {1, 7, 4052, stream.length}) {
      List<byte[]> parts = new ArrayList<>();
      for (int off = 0; off < stream.length; off += partSize) {
        parts.add(Arrays.copyOfRange(stream, off, Math.min(stream.length, off + partSize)));
      }
      TransferFrameDecoder d = new TransferFrameDecoder();
      assertEquals(TransferSamples.all(), d.feed(parts), "parts of " + partSize);
      assertTrue(d.idle());
    }
  }

  @Test
  void decoderRefusesOversizedLengthBeforeBuffering() throws Exception {
    TransferFrameDecoder d = new TransferFrameDecoder();
    int over = TransferCodec.MAX_MESSAGE_BYTES + 1;
    TransferProtocolException e = assertThrows(TransferProtocolException.class,
        () -> d.feed(new byte[] {(byte) (over >>> 8), (byte) over}));
    assertTrue(e.getMessage().contains("message length"), e.getMessage());
    assertThrows(TransferProtocolException.class, () -> d.feed(TransferSamples.stream()));
  }

  @Test
  void decoderStaysFailedAfterBadFrame() throws Exception {
    TransferFrameDecoder d = new TransferFrameDecoder();
    byte[] good = TransferCodec.encode(Have.allPieces());
    byte[] bad = HEX.parseHex("000100");
    assertEquals(1, d.feed(good).size());
    assertThrows(TransferProtocolException.class, () -> d.feed(bad));
    assertThrows(TransferProtocolException.class, () -> d.feed(good));
    assertFalse(d.idle());
  }

  @Test
  void largestBlockFitsTheLimit() {
    Block max = new Block(0, 0, new byte[32 * TransferCodec.MAX_PROOF_HASHES],
        new byte[TransferCodec.MAX_BLOCK_LENGTH]);
    assertTrue(TransferCodec.encode(max).length - 2 <= TransferCodec.MAX_MESSAGE_BYTES);
    assertThrows(IllegalArgumentException.class,
        () -> new Block(0, 0, new byte[0], new byte[TransferCodec.MAX_BLOCK_LENGTH + 1]));
  }

  @Test
  void blockRequestFitsOnlyRealBlocks() {
    PieceGeometry g = new PieceGeometry(3 * 65536 + 100, 65536); // 4 pieces, last is 100 bytes
    assertTrue(new BlockRequest(0, 49152, 16384).fits(g));
    assertTrue(new BlockRequest(3, 0, 100).fits(g));
    assertFalse(new BlockRequest(3, 0, 16384).fits(g));
    assertFalse(new BlockRequest(3, 16384, 100).fits(g));
    assertFalse(new BlockRequest(4, 0, 16384).fits(g));
    assertFalse(new BlockRequest(0, 0, 100).fits(g));
  }

  @Test
  void toStringHidesPayloads() {
    String s = new Block(1, 0, new byte[0], TransferSamples.filled(10, 99)).toString();
    assertFalse(s.contains("data=["), s);
    assertTrue(new Hello(new byte[32]).toString().length() < 40);
  }

  @Test
  void aHaveFarBeyondAnyShareIsRefusedBeforeItCostsMemory() {
    // found by the fuzzer: first = 2^31 - 9 made the decoder allocate a 256 MiB BitSet
    ByteBuffer b = ByteBuffer.allocate(2 + 1 + 1 + 8 + 1);
    b.putShort((short) (1 + 1 + 8 + 1)).put((byte) TransferMessageType.HAVE.code()).put((byte) 1)
        .putInt(Integer.MAX_VALUE - 8).putInt(8).put((byte) 0x80);
    assertThrows(TransferProtocolException.class, () -> TransferCodec.decode(b.array()));
  }
}
