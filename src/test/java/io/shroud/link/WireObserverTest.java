package io.shroud.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.wire.Cell;
import io.shroud.wire.CellCommand;
import io.shroud.wire.CellFormat;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * What a wire observer between two nodes sees: a TCP proxy records every byte of a link that
 * carries DHT cells full of node ids and a record key.
 *
 * <p>The handshake prefix is the three length-prefixed Noise XK messages: dialer to responder
 * message 1 (2 + 48 = 50 bytes: ephemeral key, empty payload's tag) and message 3 (2 + 66 = 68
 * bytes: encrypted static key and tag, encrypted 2-byte link version and tag); responder to
 * dialer message 2 (2 + 50 = 52 bytes: ephemeral key, encrypted link version and tag). After
 * it, each direction is nothing but 4096-byte records.
 */
class WireObserverTest {
  private static final ActorTestKit KIT = ActorTestKit.create();
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final int UP_PREFIX = 50 + 68;
  private static final int DOWN_PREFIX = 52;
  private static final int CELLS = 6;

  @AfterAll
  static void shutdown() {
    KIT.shutdownTestKit();
  }

  @Test
  void anObserverSeesOnlyFixedSizeRecordsAndNoPlaintextField() throws Exception {
    LinkNode a = new LinkNode(KIT, "127.0.5.1", LinkSettings.defaults());
    LinkNode b = new LinkNode(KIT, "127.0.5.2", LinkSettings.defaults());
    byte[] recordKey = HexFormat.of().parseHex(
        "5245434f52444b45595245434f52444b45595245434f52444b45595245434f52");
    try (TcpProxy proxy = new TcpProxy("127.0.5.3", b.address)) {
      a.directory(a.descriptor(), b.descriptor(proxy.address()));
      b.directory(a.descriptor(), b.descriptor());

      for (int i = 0; i < CELLS; i++) {
        a.links.tell(new Links.Send(b.id, dhtCell(a, b, recordKey, i)));
        b.dht.receiveMessage(WAIT);
      }
      for (int i = 0; i < CELLS; i++) {
        b.links.tell(new Links.Send(a.id, dhtCell(b, a, recordKey, i)));
        a.dht.receiveMessage(WAIT);
      }

      byte[][] captured = new byte[2][];
      a.dht.awaitAssert(WAIT, () -> {
        byte[] up = proxy.upBytes();
        byte[] down = proxy.downBytes();
        assertTrue(up.length >= UP_PREFIX + CELLS * CellFormat.RECORD_BYTES, "up " + up.length);
        assertTrue(down.length >= DOWN_PREFIX + CELLS * CellFormat.RECORD_BYTES, "down " + down.length);
        assertEquals(0, (up.length - UP_PREFIX) % CellFormat.RECORD_BYTES, "up splits into records");
        assertEquals(0, (down.length - DOWN_PREFIX) % CellFormat.RECORD_BYTES, "down splits into records");
        captured[0] = up;
        captured[1] = down;
        return null;
      });
      byte[] up = captured[0];
      byte[] down = captured[1];

      assertEquals(48, u16(up, 0), "message 1");
      assertEquals(66, u16(up, 50), "message 3");
      assertEquals(50, u16(down, 0), "message 2");
      assertAllRecordsDistinct(up, UP_PREFIX);
      assertAllRecordsDistinct(down, DOWN_PREFIX);

      Set<Long> windows = new HashSet<>();
      for (byte[] field : new byte[][] {a.id.toBytes(), b.id.toBytes(), recordKey}) {
        for (int i = 0; i + Long.BYTES <= field.length; i++) {
          windows.add(ByteBuffer.wrap(field, i, Long.BYTES).getLong());
        }
      }
      // The detector finds the fields in a plaintext cell, so its silence below means something.
      byte[] plain = io.shroud.wire.CellCodec.encode(dhtCell(a, b, recordKey, 0));
      assertTrue(windows.contains(ByteBuffer.wrap(plain).getLong(1 + CellFormat.HEADER_BYTES)));
      assertNoWindow(up, windows);
      assertNoWindow(down, windows);
    }
    a.stop();
    b.stop();
  }

  /** A DHT cell whose payload is the sender's id, the receiver's id and the record key, repeated. */
  private static Cell dhtCell(LinkNode from, LinkNode to, byte[] recordKey, int n) {
    ByteBuffer payload = ByteBuffer.allocate(CellFormat.PAYLOAD_BYTES);
    payload.put((byte) n);
    while (payload.remaining() >= 96) {
      payload.put(from.id.toBytes()).put(to.id.toBytes()).put(recordKey);
    }
    return new Cell(0, CellCommand.DHT, payload.array());
  }

  private static int u16(byte[] b, int off) {
    return ((b[off] & 0xff) << 8) | (b[off + 1] & 0xff);
  }

  private static void assertAllRecordsDistinct(byte[] stream, int prefix) {
    Set<String> seen = new HashSet<>();
    for (int off = prefix; off < stream.length; off += CellFormat.RECORD_BYTES) {
      byte[] record = Arrays.copyOfRange(stream, off, off + CellFormat.RECORD_BYTES);
      assertTrue(seen.add(HexFormat.of().formatHex(record)), "record at " + off + " repeats");
    }
  }

  private static void assertNoWindow(byte[] stream, Set<Long> windows) {
    ByteBuffer buf = ByteBuffer.wrap(stream);
    for (int i = 0; i + Long.BYTES <= stream.length; i++) {
      assertFalse(windows.contains(buf.getLong(i)), "plaintext field bytes at offset " + i);
    }
  }
}
