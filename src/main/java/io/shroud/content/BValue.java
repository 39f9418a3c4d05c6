package io.shroud.content;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * A bencoded value (BEP 3): an integer, a byte string, a list or a dictionary. Values are
 * immutable; dictionaries keep their keys sorted as raw byte strings, which is the order
 * {@link Bencode#encode} writes.
 */
public sealed interface BValue permits BValue.BInt, BValue.BBytes, BValue.BList, BValue.BDict {

  /** A signed 64-bit integer. */
  record BInt(long value) implements BValue {}

  /** A byte string; the array is copied in and out. */
  final class BBytes implements BValue, Comparable<BBytes> {
    private final byte[] bytes;

    private BBytes(byte[] bytes) {
      this.bytes = bytes;
    }

    public static BBytes of(byte[] bytes) {
      return new BBytes(bytes.clone());
    }

    public static BBytes of(String utf8) {
      return new BBytes(utf8.getBytes(StandardCharsets.UTF_8));
    }

    /** Wraps without copying; for the decoder, which owns the fresh array. */
    static BBytes wrap(byte[] bytes) {
      return new BBytes(bytes);
    }

    public byte[] bytes() {
      return bytes.clone();
    }

    public int length() {
      return bytes.length;
    }

    byte[] unsafeBytes() {
      return bytes;
    }

    /** Decodes as UTF-8, rejecting malformed input. */
    public String utf8() {
      try {
        return StandardCharsets.UTF_8
            .newDecoder()
            .decode(java.nio.ByteBuffer.wrap(bytes))
            .toString();
      } catch (java.nio.charset.CharacterCodingException e) {
        throw new BencodeException("byte string is not valid UTF-8", -1);
      }
    }

    @Override
    public int compareTo(BBytes o) {
      return Arrays.compareUnsigned(bytes, o.bytes);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof BBytes b && Arrays.equals(bytes, b.bytes);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
      return "BBytes[" + bytes.length + " bytes]";
    }
  }

  /** A list of values. */
  record BList(List<BValue> values) implements BValue {
    public BList {
      values = List.copyOf(values);
    }
  }

  /** A dictionary; keys are byte strings, kept sorted as raw (unsigned) bytes. */
  record BDict(NavigableMap<BBytes, BValue> entries) implements BValue {
    public BDict {
      entries = Collections.unmodifiableNavigableMap(new TreeMap<>(entries));
    }

    /** A builder-free factory from string keys. */
    public static BDict of(Map<String, BValue> entries) {
      TreeMap<BBytes, BValue> m = new TreeMap<>();
      entries.forEach((k, v) -> m.put(BBytes.of(k), v));
      return new BDict(m);
    }

    public BValue get(String key) {
      return entries.get(BBytes.of(key));
    }
  }
}
