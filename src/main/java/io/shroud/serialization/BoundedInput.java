package io.shroud.serialization;

import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.io.Input;

/**
 * A Kryo {@link Input} over one whole message that refuses, before allocating, any array or
 * string whose announced length the bytes left cannot hold. Kryo's own {@code Input} allocates
 * {@code new byte[n]}, {@code new int[n]} or a {@code char[n]} from a length read off the wire and
 * only then finds the bytes missing; here every such read first checks {@link #checkLength}.
 *
 * <p>Each element costs at least one byte on the wire: a byte, a varint, a UTF-8 char. Fixed-width
 * reads cost their width (4 per fixed int or float, 8 per fixed long or double, 2 per short or
 * char). Kryo writes {@code int[]} as varints (Shroud never turns variable-length encoding off),
 * so an {@code int[]} of n ints needs at least n bytes. ASCII strings need no check: Kryo reads
 * them up to their last byte and grows its buffer only with the bytes actually read.
 */
final class BoundedInput extends Input {

  BoundedInput(byte[] message) {
    super(message);
  }

  /**
   * Refuses a length that is negative, that the bytes left in {@code input} cannot hold at
   * {@code bytesEach} bytes per element, or that exceeds {@link KryoSerializer#MAX_BYTES}.
   */
  static void checkLength(Input input, String what, long length, int bytesEach) {
    if (input.getInputStream() != null) {
      throw new KryoException("bounded reading needs the whole message in memory, not a stream");
    }
    if (length < 0) {
      throw new KryoException(what + " length " + length + " is negative");
    }
    int remaining = input.limit() - input.position();
    long most = Math.min(remaining / bytesEach, KryoSerializer.MAX_BYTES);
    if (length > most) {
      throw new KryoException(what + " length " + length + " exceeds remaining " + most
          + (bytesEach > 1 ? " (" + remaining + " bytes left, " + bytesEach + " per element)" : ""));
    }
  }

  private void check(String what, int length, int bytesEach) {
    checkLength(this, what, length, bytesEach);
  }

  @Override
  public byte[] readBytes(int length) {
    check("byte[]", length, 1);
    return super.readBytes(length);
  }

  @Override
  public int[] readInts(int length) {
    check("int[]", length, 4);
    return super.readInts(length);
  }

  @Override
  public int[] readInts(int length, boolean optimizePositive) {
    check("int[]", length, varEncoding ? 1 : 4);
    return super.readInts(length, optimizePositive);
  }

  @Override
  public long[] readLongs(int length) {
    check("long[]", length, 8);
    return super.readLongs(length);
  }

  @Override
  public long[] readLongs(int length, boolean optimizePositive) {
    check("long[]", length, varEncoding ? 1 : 8);
    return super.readLongs(length, optimizePositive);
  }

  @Override
  public float[] readFloats(int length) {
    check("float[]", length, 4);
    return super.readFloats(length);
  }

  @Override
  public double[] readDoubles(int length) {
    check("double[]", length, 8);
    return super.readDoubles(length);
  }

  @Override
  public short[] readShorts(int length) {
    check("short[]", length, 2);
    return super.readShorts(length);
  }

  @Override
  public char[] readChars(int length) {
    check("char[]", length, 2);
    return super.readChars(length);
  }

  @Override
  public boolean[] readBooleans(int length) {
    check("boolean[]", length, 1);
    return super.readBooleans(length);
  }

  @Override
  public String readString() {
    checkUtf8Length();
    return super.readString();
  }

  @Override
  public StringBuilder readStringBuilder() {
    checkUtf8Length();
    return super.readStringBuilder();
  }

  /**
   * A UTF-8 string (flag bit set in its first byte) announces its char count, for which Kryo
   * allocates a char array before reading; peek at the count and check it, each char at least
   * one byte. 0 is null and 1 the empty string; n is n - 1 chars.
   */
  private void checkUtf8Length() {
    if (position == limit || (buffer[position] & 0x80) == 0) {
      return; // nothing left (Kryo reports the underflow) or ASCII
    }
    int start = position;
    int count = readVarIntFlag(true);
    position = start;
    if (count != 0 && count != 1) {
      check("String", count - 1, 1);
    }
  }
}
