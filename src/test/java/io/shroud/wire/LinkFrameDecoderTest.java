package io.shroud.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Fragmented and coalesced input, the handshake-to-record handover and the limits. */
class LinkFrameDecoderTest {
  private static final int MAX = CellFormat.DEFAULT_MAX_BUFFERED_BYTES;
  private final Random random = new Random(42);

  private byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }

  private static byte[] concat(List<byte[]> parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    parts.forEach(out::writeBytes);
    return out.toByteArray();
  }

  private static byte[] frame(byte[] message) {
    byte[] f = new byte[2 + message.length];
    f[0] = (byte) (message.length >>> 8);
    f[1] = (byte) message.length;
    System.arraycopy(message, 0, f, 2, message.length);
    return f;
  }

  @Test
  void recordsSurviveASplitAtEveryIndex() throws ProtocolViolationException {
    List<byte[]> records = List.of(randomBytes(4096), randomBytes(4096), randomBytes(4096));
    byte[] stream = concat(records);
    for (int split = 0; split <= stream.length; split++) {
      LinkFrameDecoder d = LinkFrameDecoder.forRecords(MAX);
      List<byte[]> got = new ArrayList<>();
      d.feed(stream, 0, split);
      got.addAll(d.drain());
      d.feed(stream, split, stream.length - split);
      got.addAll(d.drain());
      assertEquals(3, got.size(), "split at " + split);
      for (int i = 0; i < 3; i++) {
        assertArrayEquals(records.get(i), got.get(i), "split at " + split + ", record " + i);
      }
      assertEquals(0, d.buffered());
    }
  }

  @Test
  void handshakeFramesThenRecordsSurviveEverySplitAndOneByteChunks()
      throws ProtocolViolationException {
    byte[] m1 = randomBytes(48);
    byte[] m3 = randomBytes(66);
    byte[] r1 = randomBytes(4096);
    byte[] stream = concat(List.of(frame(m1), frame(m3), r1));
    List<int[]> splits = new ArrayList<>();
    for (int i = 0; i <= stream.length; i++) {
      splits.add(new int[] {i});
    }
    splits.add(null); // one byte at a time
    for (int[] split : splits) {
      LinkFrameDecoder d = new LinkFrameDecoder();
      List<byte[]> handshake = new ArrayList<>();
      List<byte[]> recs = new ArrayList<>();
      int step = split == null ? 1 : Math.max(1, split[0]);
      int pos = 0;
      boolean firstChunk = true;
      while (pos < stream.length) {
        int len = split == null ? 1 : firstChunk ? split[0] : stream.length - pos;
        firstChunk = false;
        d.feed(stream, pos, len);
        pos += len;
        for (byte[] f = d.next(); f != null; f = d.next()) {
          if (d.isRecordMode()) {
            recs.add(f);
          } else {
            handshake.add(f);
            if (handshake.size() == 2) {
              d.switchToRecords();
            }
          }
        }
      }
      String where = split == null ? "byte by byte" : "split at " + step;
      assertEquals(2, handshake.size(), where);
      assertArrayEquals(m1, handshake.get(0), where);
      assertArrayEquals(m3, handshake.get(1), where);
      assertEquals(1, recs.size(), where);
      assertArrayEquals(r1, recs.get(0), where);
    }
  }

  @Test
  void coalescedRecordsComeOutTogetherAndAPartialOneWaits() throws ProtocolViolationException {
    byte[] stream = randomBytes(4096 * 20 + 100);
    LinkFrameDecoder d = LinkFrameDecoder.forRecords(MAX);
    d.feed(stream);
    List<byte[]> got = d.drain();
    assertEquals(20, got.size());
    assertArrayEquals(java.util.Arrays.copyOfRange(stream, 4096 * 19, 4096 * 20), got.get(19));
    assertEquals(100, d.buffered());
    assertNull(d.next());
  }

  @Test
  void oversizedAndEmptyHandshakeFramesAreViolations() throws ProtocolViolationException {
    LinkFrameDecoder d = new LinkFrameDecoder();
    d.feed(new byte[] {(byte) 0x10, 0x01});
    assertEquals("handshake message is too large: 4097 > 4096",
        assertThrows(ProtocolViolationException.class, d::next).getMessage());
    assertEquals("link decoder already failed",
        assertThrows(ProtocolViolationException.class, d::next).getMessage());
    LinkFrameDecoder e = new LinkFrameDecoder();
    e.feed(new byte[] {0, 0});
    assertEquals("handshake message is empty",
        assertThrows(ProtocolViolationException.class, e::next).getMessage());
    LinkFrameDecoder ok = new LinkFrameDecoder();
    ok.feed(new byte[] {0x10, 0x00});
    assertNull(ok.next(), "4096 is allowed, it only waits for the body");
  }

  @Test
  void bufferIsBounded() throws ProtocolViolationException {
    LinkFrameDecoder d = LinkFrameDecoder.forRecords(8192);
    d.feed(new byte[5000]);
    ProtocolViolationException e =
        assertThrows(ProtocolViolationException.class, () -> d.feed(new byte[4000]));
    assertEquals("link receive buffer is full: 9000 > 8192 bytes", e.getMessage());
    LinkFrameDecoder drained = LinkFrameDecoder.forRecords(8192);
    for (int i = 0; i < 100; i++) {
      drained.feed(new byte[4000]); // a partial record (< 4096) plus 4000 always fits in 8192
      drained.drain();
    }
    assertEquals(100 * 4000 % 4096, drained.buffered());
    assertThrows(IllegalArgumentException.class, () -> new LinkFrameDecoder(4000));
  }

  @Test
  void recordsOpenInPlaceFromByteBufferChunksSplitAnywhere() throws ProtocolViolationException {
    List<byte[]> records = List.of(randomBytes(4096), randomBytes(4096), randomBytes(4096));
    byte[] stream = concat(records);
    for (int split = 0; split <= stream.length; split += 97) {
      LinkFrameDecoder d = LinkFrameDecoder.forRecords(MAX);
      List<byte[]> got = new ArrayList<>();
      java.nio.ByteBuffer direct = java.nio.ByteBuffer.allocateDirect(stream.length - split);
      direct.put(stream, split, stream.length - split).flip();
      for (java.nio.ByteBuffer part : List.of(java.nio.ByteBuffer.wrap(stream, 0, split), direct)) {
        d.feed(part);
        assertEquals(0, part.remaining(), "the chunk is consumed");
        for (int at = d.nextRecord(); at >= 0; at = d.nextRecord()) {
          got.add(java.util.Arrays.copyOfRange(d.buffer(), at, at + CellFormat.RECORD_BYTES));
        }
      }
      assertEquals(3, got.size(), "split at " + split);
      for (int i = 0; i < 3; i++) {
        assertArrayEquals(records.get(i), got.get(i), "split at " + split + ", record " + i);
      }
      assertEquals(0, d.buffered());
    }
  }

  @Test
  void nextRecordIsForRecordModeAndByteBufferFeedsAreBounded() throws ProtocolViolationException {
    LinkFrameDecoder handshaking = new LinkFrameDecoder();
    assertThrows(IllegalStateException.class, handshaking::nextRecord);
    LinkFrameDecoder d = LinkFrameDecoder.forRecords(8192);
    d.feed(java.nio.ByteBuffer.allocate(5000));
    assertEquals(0, d.nextRecord());
    assertEquals(-1, d.nextRecord(), "904 bytes are not a record");
    ProtocolViolationException e = assertThrows(ProtocolViolationException.class,
        () -> d.feed(java.nio.ByteBuffer.allocate(7300)));
    assertEquals("link receive buffer is full: 8204 > 8192 bytes", e.getMessage());
    assertThrows(ProtocolViolationException.class, d::nextRecord, "a failed decoder stays failed");
  }

  @Test
  void recordsComeOutWholeAndInOrderHoweverTheStreamIsCut() throws ProtocolViolationException {
    List<byte[]> records = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      records.add(randomBytes(4096));
    }
    byte[] stream = concat(records);
    for (int trial = 0; trial < 300; trial++) {
      LinkFrameDecoder d = LinkFrameDecoder.forRecords(MAX);
      List<byte[]> got = new ArrayList<>();
      int pos = 0;
      while (pos < stream.length) {
        int len = Math.min(stream.length - pos, 1 + random.nextInt(trial % 2 == 0 ? 5000 : 20000));
        // as a link's reader feeds it: a socket read in a (direct) buffer
        java.nio.ByteBuffer read = java.nio.ByteBuffer.allocateDirect(len).put(stream, pos, len).flip();
        d.feed(read);
        assertEquals(0, read.remaining(), "the whole read is taken");
        pos += len;
        for (int at = d.nextRecord(); at >= 0; at = d.nextRecord()) {
          got.add(java.util.Arrays.copyOfRange(d.buffer(), at, at + CellFormat.RECORD_BYTES));
        }
      }
      assertEquals(records.size(), got.size(), "trial " + trial);
      for (int i = 0; i < records.size(); i++) {
        assertArrayEquals(records.get(i), got.get(i), "trial " + trial + ", record " + i);
      }
      assertEquals(0, d.buffered());
    }
  }
}
