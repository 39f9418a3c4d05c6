package io.shroud.content;

import io.shroud.content.BValue.BBytes;
import io.shroud.content.BValue.BDict;
import io.shroud.content.BValue.BInt;
import io.shroud.content.BValue.BList;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Canonical bencode (BEP 3). The encoder always writes the canonical form: dictionary keys
 * sorted as raw byte strings, integers without leading zeros. The decoder accepts only that
 * form, so {@code encode(decode(b))} equals {@code b} for every input it accepts, which is what
 * makes an info-hash computed over decoded-then-encoded bytes trustworthy.
 *
 * <p>The decoder rejects, with a {@link BencodeException} naming the offset: input longer than
 * {@link #MAX_INPUT_LENGTH}; nesting deeper than {@link #MAX_DEPTH}; byte strings longer than
 * {@link #MAX_STRING_LENGTH} or running past the end; integers with leading zeros, {@code -0},
 * no digits, or of magnitude above 2<sup>63</sup>-1; dictionary keys that are unsorted or repeated;
 * unknown type bytes; truncated input; and trailing bytes after the top-level value.
 */
public final class Bencode {
  /** Largest input {@link #decode} accepts: 16 MiB (a .torrent with 4 MiB pieces of a 1 TiB file has 8 MiB of piece layers). */
  public static final int MAX_INPUT_LENGTH = 16 * 1024 * 1024;
  /** Largest single byte string {@link #decode} accepts. */
  public static final int MAX_STRING_LENGTH = 16 * 1024 * 1024;
  /** Deepest nesting of lists and dictionaries {@link #decode} accepts (the top level is depth 1). */
  public static final int MAX_DEPTH = 32;

  private Bencode() {}

  /** Encodes {@code value} canonically. */
  public static byte[] encode(BValue value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    write(value, out);
    return out.toByteArray();
  }

  private static void write(BValue value, ByteArrayOutputStream out) {
    if (value instanceof BInt i) {
      writeAscii(out, "i" + i.value() + "e");
    } else if (value instanceof BBytes b) {
      writeBytes(b.unsafeBytes(), out);
    } else if (value instanceof BList l) {
      out.write('l');
      l.values().forEach(v -> write(v, out));
      out.write('e');
    } else {
      out.write('d');
      for (Map.Entry<BBytes, BValue> e : ((BDict) value).entries().entrySet()) {
        writeBytes(e.getKey().unsafeBytes(), out);
        write(e.getValue(), out);
      }
      out.write('e');
    }
  }

  private static void writeBytes(byte[] bytes, ByteArrayOutputStream out) {
    writeAscii(out, bytes.length + ":");
    out.writeBytes(bytes);
  }

  private static void writeAscii(ByteArrayOutputStream out, String s) {
    out.writeBytes(s.getBytes(StandardCharsets.US_ASCII));
  }

  /** Decodes exactly one canonical value filling all of {@code input}. */
  public static BValue decode(byte[] input) {
    if (input == null) {
      throw new BencodeException("input is null", 0);
    }
    if (input.length > MAX_INPUT_LENGTH) {
      throw new BencodeException(
          "input is " + input.length + " bytes, above the limit of " + MAX_INPUT_LENGTH, 0);
    }
    if (input.length == 0) {
      throw new BencodeException("input is empty", 0);
    }
    Decoder d = new Decoder(input);
    BValue v = d.value(1);
    if (d.pos != input.length) {
      throw new BencodeException(
          (input.length - d.pos) + " trailing bytes after the top-level value", d.pos);
    }
    return v;
  }

  /** A recursive-descent decoder; recursion is bounded by {@link #MAX_DEPTH}. */
  private static final class Decoder {
    private final byte[] in;
    private int pos;

    Decoder(byte[] in) {
      this.in = in;
    }

    private int peek() {
      if (pos >= in.length) {
        throw new BencodeException("unexpected end of input", pos);
      }
      return in[pos] & 0xff;
    }

    BValue value(int depth) {
      int c = peek();
      if (c == 'i') {
        pos++;
        long v = integer('e');
        return new BInt(v);
      }
      if (c >= '0' && c <= '9') {
        return BBytes.wrap(string());
      }
      if (c == 'l' || c == 'd') {
        if (depth > MAX_DEPTH) {
          throw new BencodeException("nesting deeper than the limit of " + MAX_DEPTH, pos);
        }
        pos++;
        return c == 'l' ? list(depth) : dict(depth);
      }
      throw new BencodeException(String.format("unexpected byte 0x%02x", c), pos);
    }

    private BList list(int depth) {
      List<BValue> values = new ArrayList<>();
      while (peek() != 'e') {
        values.add(value(depth + 1));
      }
      pos++;
      return new BList(values);
    }

    private BDict dict(int depth) {
      TreeMap<BBytes, BValue> entries = new TreeMap<>();
      BBytes previous = null;
      while (peek() != 'e') {
        int keyAt = pos;
        int c = peek();
        if (c < '0' || c > '9') {
          throw new BencodeException("dictionary key is not a byte string", keyAt);
        }
        BBytes key = BBytes.wrap(string());
        if (previous != null) {
          int cmp = previous.compareTo(key);
          if (cmp == 0) {
            throw new BencodeException("duplicate dictionary key", keyAt);
          }
          if (cmp > 0) {
            throw new BencodeException("dictionary keys are not sorted", keyAt);
          }
        }
        entries.put(key, value(depth + 1));
        previous = key;
      }
      pos++;
      return new BDict(entries);
    }

    private byte[] string() {
      int at = pos;
      long len = integer(':');
      if (len < 0) {
        throw new BencodeException("negative byte string length", at);
      }
      if (len > MAX_STRING_LENGTH) {
        throw new BencodeException(
            "byte string of " + len + " bytes is above the limit of " + MAX_STRING_LENGTH, at);
      }
      if (len > in.length - pos) {
        throw new BencodeException(
            "byte string of " + len + " bytes runs past the end of input", at);
      }
      byte[] b = new byte[(int) len];
      System.arraycopy(in, pos, b, 0, b.length);
      pos += b.length;
      return b;
    }

    /** Reads a canonical decimal integer terminated by {@code end}; consumes the terminator. */
    private long integer(char end) {
      int start = pos;
      boolean negative = false;
      if (peek() == '-') {
        if (end == ':') {
          throw new BencodeException("negative byte string length", start);
        }
        negative = true;
        pos++;
      }
      int digitsAt = pos;
      long magnitude = 0;
      while (peek() != end) {
        int c = peek();
        if (c < '0' || c > '9') {
          throw new BencodeException(
              String.format("unexpected byte 0x%02x in integer", c), pos);
        }
        try {
          magnitude = Math.addExact(Math.multiplyExact(magnitude, 10), c - '0');
        } catch (ArithmeticException e) {
          throw new BencodeException("integer is outside the signed 64-bit range", start);
        }
        pos++;
      }
      int digits = pos - digitsAt;
      if (digits == 0) {
        throw new BencodeException("integer has no digits", start);
      }
      if (digits > 1 && in[digitsAt] == '0') {
        throw new BencodeException("integer has a leading zero", start);
      }
      if (negative && magnitude == 0) {
        throw new BencodeException("integer is -0", start);
      }
      pos++; // terminator
      return negative ? -magnitude : magnitude;
    }
  }
}
