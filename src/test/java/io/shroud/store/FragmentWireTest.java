package io.shroud.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.circuit.CircuitProtocolException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The {@code fragments} service's messages: exact layouts, read chunk by chunk, and what is refused. */
class FragmentWireTest {
  private static final byte[] ADDRESS = new byte[32];

  static {
    Arrays.fill(ADDRESS, (byte) 0xab);
  }

  /** Feeds {@code bytes} in chunks of {@code chunk}; the message once whole (and only at the last chunk). */
  private static Object read(FragmentWire.Reader reader, byte[] bytes, int chunk) throws Exception {
    Optional<Object> out = Optional.empty();
    for (int off = 0; off < bytes.length; off += chunk) {
      assertTrue(out.isEmpty(), "whole before its last byte");
      out = reader.feed(Arrays.copyOfRange(bytes, off, Math.min(bytes.length, off + chunk)));
    }
    return out.orElseThrow();
  }

  @Test
  void requestsAndResponsesHaveTheirExactLayoutsAndReadInAnyChunks() throws Exception {
    byte[] put = FragmentWire.put(ADDRESS, 86_400, new byte[] {1, 2, 3});
    assertEquals("0101" + "ab".repeat(32) + "00015180" + "00000003" + "010203", HexFormat.of().formatHex(put));
    assertEquals("0102" + "ab".repeat(32), HexFormat.of().formatHex(FragmentWire.get(ADDRESS)));
    assertEquals("0103" + "ab".repeat(32) + "00000e10", HexFormat.of().formatHex(FragmentWire.renew(ADDRESS, 3600)));
    for (int chunk : new int[] {1, 5, 40, 1000}) {
      FragmentWire.Request r = (FragmentWire.Request) read(FragmentWire.Reader.requests(), put, chunk);
      assertEquals(FragmentWire.Kind.PUT, r.kind());
      assertArrayEquals(ADDRESS, r.address());
      assertEquals(86_400, r.leaseSeconds());
      assertArrayEquals(new byte[] {1, 2, 3}, r.fragment());
    }
    FragmentWire.Request renew = (FragmentWire.Request) read(FragmentWire.Reader.requests(),
        FragmentWire.renew(ADDRESS, 0xffff_ffffL), 3);
    assertEquals(0xffff_ffffL, renew.leaseSeconds());

    byte[] found = FragmentWire.response(FragmentWire.Status.OK, new byte[] {9, 8});
    assertEquals("00" + "00000002" + "0908", HexFormat.of().formatHex(found));
    FragmentWire.Response got = (FragmentWire.Response) read(FragmentWire.Reader.responseTo(FragmentWire.Kind.GET),
        found, 2);
    assertArrayEquals(new byte[] {9, 8}, got.fragment());
    FragmentWire.Response stored = (FragmentWire.Response) read(
        FragmentWire.Reader.responseTo(FragmentWire.Kind.PUT), FragmentWire.response(FragmentWire.Status.OK, null), 1);
    assertEquals(FragmentWire.Status.OK, stored.status());
    assertNull(stored.fragment());
    assertEquals(FragmentWire.Status.NOT_HELD, ((FragmentWire.Response) read(FragmentWire.Reader.responseTo(
        FragmentWire.Kind.GET), new byte[] {1}, 1)).status());
  }

  @Test
  void malformedMessagesAreRefusedAsSoonAsTheyCannotBeValid() throws Exception {
    byte[] put = FragmentWire.put(ADDRESS, 60, new byte[] {1, 2, 3});
    byte[][] bad = {
        {2},                                                          // version
        {1, 0},                                                       // kind 0
        {1, 4},                                                       // kind 4
        ByteBuffer.wrap(put.clone()).putInt(38, 0).array(),           // an empty fragment
        ByteBuffer.wrap(put.clone()).putInt(38, (16 << 20) + 1).array(), // over 16 MiB
    };
    for (int i = 0; i < bad.length; i++) {
      byte[] b = bad[i];
      assertThrows(CircuitProtocolException.class, () -> FragmentWire.Reader.requests().feed(b), "case " + i);
    }
    byte[] longer = Arrays.copyOf(put, put.length + 1);
    assertThrows(CircuitProtocolException.class, () -> FragmentWire.Reader.requests().feed(longer));
    FragmentWire.Reader reader = FragmentWire.Reader.requests();
    reader.feed(FragmentWire.get(ADDRESS));
    assertThrows(CircuitProtocolException.class, () -> reader.feed(new byte[] {0}), "bytes after a whole request");
    assertThrows(CircuitProtocolException.class,
        () -> FragmentWire.Reader.responseTo(FragmentWire.Kind.GET).feed(new byte[] {3}), "status 3");
    assertThrows(CircuitProtocolException.class,
        () -> FragmentWire.Reader.responseTo(FragmentWire.Kind.PUT).feed(new byte[] {0, 0}), "a PUT's answer is 1 byte");
    assertThrows(IllegalArgumentException.class, () -> FragmentWire.put(ADDRESS, 1, new byte[0]));
    assertThrows(IllegalArgumentException.class, () -> FragmentWire.get(new byte[31]));
  }
}
