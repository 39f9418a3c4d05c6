package io.shroud.serialization;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Whatever a cluster member sends, reading it allocates no more than the message could hold:
 * lengths that lie are refused before anything is allocated, deep nesting is refused before the
 * stack overflows, and only {@link IllegalArgumentException} comes out. Allocation is measured
 * per decode with {@code com.sun.management.ThreadMXBean#getCurrentThreadAllocatedBytes}; a lie
 * of 64 MiB is among the lengths tried, which an unchecked read would allocate in full (a lie of
 * 2 GiB fails to allocate, counts nothing, and shows up as an {@code OutOfMemoryError} in the
 * cause chain instead, which is checked too: Kryo's record serializer wraps every Throwable).
 */
class KryoBoundsTest {
  /** Far above what any of these decodes needs, far below a 64 MiB lie. */
  static final long ALLOCATION_LIMIT = 1 << 20;
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
  private static final byte GUARDS_RECORDED = 114 + 2; // Kryo writes registered id + 2
  private static final byte ARRAY_LIST = 101 + 2;

  /** Lying lengths, in the varint forms Kryo reads lengths in. */
  static final Map<String, byte[]> LIES = new LinkedHashMap<>();

  static {
    for (int n : new int[] {Integer.MAX_VALUE, 64 << 20, KryoSerializer.MAX_BYTES + 2, 1000, -1}) {
      LIES.put("varint " + n, varint(n));
      LIES.put("flag varint " + n, flagVarint(n, true));
      LIES.put("no-flag varint " + n, flagVarint(n, false));
    }
  }

  private final KryoSerializer serializer = new KryoSerializer();

  record Outcome(Object value, Throwable thrown, long allocated) {}

  @BeforeEach
  void warmUp() {
    serializer.fromBinary(serializer.toBinary(KryoSamples.BASIC.get(0))); // the pool's Kryo exists
  }

  @Test
  void theSixByteLengthBombIsRefusedWithoutAllocating() throws Exception {
    // a byte[] of 2^31 - 2 bytes as the whole message (docs/security.md), then the same inside
    // a SignedDescriptor (what a member publishes in Distributed Data) and inside a list
    Outcome raw = onFreshThread(hex("66ffffffff07"));
    assertRefused(raw, "raw byte[] bomb");
    assertTrue(raw.thrown().getMessage().startsWith("cannot deserialize: "), raw.thrown().getMessage());

    Outcome descriptor = onFreshThread(hex("70ffffffff07"));
    assertRefused(descriptor, "SignedDescriptor bomb");
    assertTrue(descriptor.thrown().getMessage().contains("byte[] length 2147483646 exceeds remaining 0"),
        descriptor.thrown().getMessage());

    Outcome listed = onFreshThread(hex("746702" + "66ffffffff07"));
    assertRefused(listed, "byte[] bomb in a list");
    assertTrue(listed.thrown().getMessage().contains("byte[] length 2147483646 exceeds remaining 0"),
        listed.thrown().getMessage());

    Outcome list = onFreshThread(hex("7467ffffffff0f"));
    assertRefused(list, "ArrayList bomb");
    assertTrue(list.thrown().getMessage().contains("ArrayList length 2147483646 exceeds remaining 0"),
        list.thrown().getMessage());

    byte[] medium = concat(hex("70"), varint((64 << 20) + 1), new byte[64]);
    Outcome mediumLie = onFreshThread(medium);
    assertRefused(mediumLie, "64 MiB byte[] in a SignedDescriptor");
    assertTrue(mediumLie.thrown().getMessage().contains("byte[] length 67108864 exceeds remaining 64"),
        mediumLie.thrown().getMessage());
  }

  /**
   * The registered types whose serialized form starts with a length, and the form it is read in:
   * a plain varint, or a varint with a flag bit (a list's "all one type", a string's "UTF-8"; an
   * ASCII string has no length).
   */
  static final Map<Class<?>, String> READ_A_LENGTH_FIRST = Map.of(
      byte[].class, "varint", int[].class, "varint", java.util.HashMap.class, "varint",
      java.util.ArrayList.class, "flag varint|no-flag varint", String.class, "flag varint");

  /**
   * Each registered class (and String) as the whole message and as a list element, a lying
   * length right after its class id: refused or read, never past the bound; refused for its
   * length where the class starts with one.
   */
  @Test
  void everyRegisteredTypeWithALyingLengthIsRefused() {
    Map<Integer, Class<?>> types = new LinkedHashMap<>(KryoRegistry.classes());
    types.put(1, String.class); // Kryo's own id for String, readable inside any list
    java.util.Set<Class<?>> refusedForTheirLength = new java.util.HashSet<>();
    for (Map.Entry<Integer, Class<?>> type : types.entrySet()) {
      for (Map.Entry<String, byte[]> lie : LIES.entrySet()) {
        byte[] id = varint(type.getKey() + 2);
        String what = type.getValue().getSimpleName() + ", " + lie.getKey();
        assertWithinBound(decode(concat(id, lie.getValue())), what + ", whole message");
        Outcome nested = decode(concat(new byte[] {GUARDS_RECORDED, ARRAY_LIST, 2}, id, lie.getValue()));
        String form = READ_A_LENGTH_FIRST.get(type.getValue());
        if (form != null && lie.getKey().matches("(" + form + ") -?\\d+")) {
          assertRefused(nested, what + ", in a list");
          assertTrue(nested.thrown().getMessage().matches("(?s).*length -?\\d+ (exceeds remaining|is negative).*"),
              what + ": " + nested.thrown().getMessage());
          refusedForTheirLength.add(type.getValue());
        } else {
          assertWithinBound(nested, what + ", in a list"); // a record's first field or an Instant may take the bytes
        }
      }
    }
    assertEquals(READ_A_LENGTH_FIRST.keySet(), refusedForTheirLength);
  }

  /**
   * Real samples of every registered class with one byte at a time replaced by a lying length:
   * wherever a sample has a length field, one of these edits makes it lie.
   */
  @Test
  void everySampleWithAnyByteReplacedByALyingLengthIsRefusedOrReadWithinTheBound() {
    int refusedForLength = 0;
    int decodes = 0;
    for (ShroudSerializable sample : KryoSamples.all()) {
      byte[] bytes = serializer.toBinary(sample);
      if (bytes.length > 4096) {
        continue; // the large edge samples repeat the small ones' structure
      }
      for (int i = 0; i < bytes.length; i++) {
        for (Map.Entry<String, byte[]> lie : LIES.entrySet()) {
          byte[] edited = concat(java.util.Arrays.copyOf(bytes, i), lie.getValue(),
              java.util.Arrays.copyOfRange(bytes, i + 1, bytes.length));
          Outcome o = decode(edited);
          decodes++;
          String what = sample.getClass().getSimpleName() + " byte " + i + " := " + lie.getKey();
          assertWithinBound(o, what);
          if (o.thrown() != null && o.thrown().getMessage().contains("exceeds remaining")) {
            refusedForLength++;
          }
        }
      }
    }
    assertTrue(refusedForLength > decodes / 20, refusedForLength + " of " + decodes + " refused for a length");
  }

  @Test
  void nestingDeeperThanTheBoundIsRefused() {
    Outcome deep = decode(nestedLists(KryoRegistry.MAX_DEPTH + 1));
    assertRefused(deep, "lists " + (KryoRegistry.MAX_DEPTH + 1) + " deep");
    assertTrue(deep.thrown().getMessage().contains("Max depth exceeded"), deep.thrown().getMessage());

    Outcome veryDeep = decode(nestedLists(120_000)); // 240 000 bytes: within MAX_BYTES
    assertRefused(veryDeep, "lists 120 000 deep");
    assertTrue(veryDeep.thrown().getMessage().contains("Max depth exceeded"), veryDeep.thrown().getMessage());

    Object ok = serializer.fromBinary(nestedLists(KryoRegistry.MAX_DEPTH - 2));
    assertInstanceOf(io.shroud.node.KeysActor.GuardsRecorded.class, ok);
  }

  /**
   * Kryo writes a list of nulls only with no byte per element, which the bound refuses once the
   * list is longer than the bytes after it; the serializer writes one null marker per element
   * instead, so such a list reads back.
   */
  @Test
  void aListOfNullsOnlyIsWrittenSoThatItReadsBack() {
    var guards = new java.util.ArrayList<io.shroud.node.KeysActor.GuardEntry>();
    for (int i = 0; i < 100; i++) {
      guards.add(null);
    }
    byte[] bytes = serializer.toBinary(new io.shroud.node.KeysActor.GuardsRecorded(guards));
    assertEquals(GUARDS_RECORDED, bytes[0]);
    assertEquals(1 + 1 + 2 + 100, bytes.length, "id, list id, size (2 bytes), 100 nulls");
    var back = (io.shroud.node.KeysActor.GuardsRecorded) serializer.fromBinary(bytes);
    assertEquals(guards, back.guards());
    // Kryo's own form: "all of one type", size 100, class null: refused, 100 > 1 byte left
    Outcome kryos = decode(concat(new byte[] {GUARDS_RECORDED, ARRAY_LIST}, flagVarint(101, true), new byte[] {0}));
    assertRefused(kryos, "Kryo's list of 100 nulls");
    assertTrue(kryos.thrown().getMessage().contains("ArrayList length 100 exceeds remaining 1"),
        kryos.thrown().getMessage());
  }

  /** Found by the fuzz test: a value that reads but whose rewrite would not read back is refused on the way out. */
  @Test
  void aListOfNullsOnlyAtTheDeepestLevelReadsButIsNotWrittenDeeper() {
    Object value = serializer.fromBinary(nullsOnlyListAtMaxDepth());
    var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> serializer.toBinary(value));
    assertTrue(e.getMessage().contains("Max depth exceeded"), e.getMessage());
  }

  /** Lists nested to the deepest level, the innermost one holding one null in Kryo's "all of one type: none" form. */
  static byte[] nullsOnlyListAtMaxDepth() {
    byte[] lists = nestedLists(KryoRegistry.MAX_DEPTH);
    byte[] bytes = java.util.Arrays.copyOf(lists, lists.length + 1);
    bytes[lists.length - 1] = (byte) 0x82; // all of one type, 1 element
    bytes[lists.length] = 0; // the type: none
    return bytes;
  }

  @Test
  void aClassGivenByNameIsRefusedWithoutLoadingIt() {
    // class id NAME (1), name id 1, the name as an ASCII string
    byte[] named = concat(hex("0101"), ascii("io.shroud.serialization.KryoBoundsTest$NeverLoaded"));
    Outcome o = decode(named);
    assertRefused(o, "class by name");
    assertTrue(o.thrown().getMessage().contains("only registered class ids"), o.thrown().getMessage());
  }

  @Test
  void onlyShroudMessagesAreReadAsTheWholeMessage() {
    for (String bytes : new String[] {"00", "0302c1", "6701", "6901", "680000"}) { // null, String, list, map, Instant
      Outcome o = decode(hex(bytes));
      assertRefused(o, bytes);
      assertTrue(o.thrown().getMessage().contains("is not a Shroud message"), o.thrown().getMessage());
    }
  }

  /** GuardsRecorded holding a list holding a list ... ({@code depth} objects deep in all). */
  static byte[] nestedLists(int depth) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(GUARDS_RECORDED);
    for (int i = 1; i < depth - 1; i++) {
      out.write(ARRAY_LIST);
      out.write(2); // not all of one type, 1 element
    }
    out.write(ARRAY_LIST);
    out.write(1); // empty
    return out.toByteArray();
  }

  private Outcome decode(byte[] bytes) {
    long before = THREADS.getCurrentThreadAllocatedBytes();
    Object value = null;
    Throwable thrown = null;
    try {
      value = serializer.fromBinary(bytes);
    } catch (Throwable t) {
      thrown = t;
    }
    return new Outcome(value, thrown, THREADS.getCurrentThreadAllocatedBytes() - before);
  }

  private Outcome onFreshThread(byte[] bytes) throws InterruptedException {
    AtomicReference<Outcome> result = new AtomicReference<>();
    Thread t = new Thread(() -> result.set(decode(bytes)), "kryo-decode");
    t.start();
    t.join();
    return result.get();
  }

  static void assertRefused(Outcome o, String what) {
    if (o.thrown() == null) {
      fail(what + ": read as " + o.value());
    }
    assertWithinBound(o, what);
  }

  /** Read or refused as IllegalArgumentException, no Error anywhere in the cause chain, little allocated. */
  static void assertWithinBound(Outcome o, String what) {
    if (o.thrown() != null) {
      assertInstanceOf(IllegalArgumentException.class, o.thrown(), what);
      for (Throwable t = o.thrown(); t != null; t = t.getCause()) {
        if (t instanceof Error) {
          throw new AssertionError(what + ": " + t + " in the cause chain", o.thrown());
        }
      }
    }
    assertTrue(o.allocated() < ALLOCATION_LIMIT, what + ": allocated " + o.allocated() + " bytes");
  }

  static byte[] varint(int v) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    while ((v & ~0x7f) != 0) {
      out.write((v & 0x7f) | 0x80);
      v >>>= 7;
    }
    out.write(v);
    return out.toByteArray();
  }

  /** Kryo's varint with a flag bit: 6 bits in the first byte, bit 7 the flag, bit 6 "more". */
  static byte[] flagVarint(int v, boolean flag) {
    int first = (v & 0x3f) | (flag ? 0x80 : 0);
    v >>>= 6;
    if (v == 0) {
      return new byte[] {(byte) first};
    }
    return concat(new byte[] {(byte) (first | 0x40)}, varint(v));
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  private static byte[] hex(String s) {
    return HexFormat.of().parseHex(s);
  }

  private static byte[] ascii(String s) {
    byte[] b = s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    b[b.length - 1] |= (byte) 0x80; // Kryo marks an ASCII string's last char
    return b;
  }

}
