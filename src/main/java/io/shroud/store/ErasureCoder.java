package io.shroud.store;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.io.erasurecode.ErasureCoderOptions;
import org.apache.hadoop.io.erasurecode.rawcoder.RSRawDecoder;
import org.apache.hadoop.io.erasurecode.rawcoder.RSRawEncoder;
import org.apache.hadoop.io.erasurecode.rawcoder.RawErasureDecoder;
import org.apache.hadoop.io.erasurecode.rawcoder.RawErasureEncoder;

/**
 * Systematic Reed-Solomon over GF(2^8) for one {@link Redundancy} (docs/protocol.md §12.2):
 * {@link #parity} computes a stripe's {@code M} parity fragments from its {@code K} data fragments,
 * {@link #complete} gives back every fragment of a stripe from any {@code K} of them. The coding
 * is Apache Hadoop's pure-Java raw coder ({@code RSRawEncoder}/{@code RSRawDecoder}): the Cauchy
 * matrix of Intel ISA-L's {@code gf_gen_cauchy1_matrix} over GF(2^8) with the polynomial
 * {@code 0x11d}, parity row {@code r} times data column {@code j} being {@code 1 / ((K + r) XOR j)}
 * ({@code ErasureCoderTest} computes it independently). This class checks what goes in and says
 * clearly what cannot come out.
 *
 * <p>Not thread-safe (the decoder keeps state per erasure pattern): one per user.
 */
public final class ErasureCoder {
  private final Redundancy redundancy;
  private final RawErasureEncoder encoder;
  private final RawErasureDecoder decoder;

  public ErasureCoder(Redundancy redundancy) {
    this.redundancy = redundancy;
    ErasureCoderOptions options = new ErasureCoderOptions(redundancy.data(), redundancy.parity());
    this.encoder = new RSRawEncoder(options);
    this.decoder = new RSRawDecoder(options);
  }

  public Redundancy redundancy() {
    return redundancy;
  }

  /** The {@code M} parity fragments of {@code data}: exactly {@code K} fragments of one non-zero length. */
  public byte[][] parity(byte[][] data) {
    if (data.length != redundancy.data()) {
      throw new IllegalArgumentException("a stripe has " + redundancy.data() + " data fragments, got " + data.length);
    }
    int length = commonLength(data);
    byte[][] parity = new byte[redundancy.parity()][length];
    try {
      encoder.encode(data, parity);
    } catch (IOException e) {
      throw new IllegalStateException("Reed-Solomon encoding failed", e);
    }
    return parity;
  }

  /**
   * Every fragment of a stripe: {@code fragments} has {@code K+M} entries in fragment order
   * (data first), null where a fragment is missing; the present ones have one length. Returns a new
   * array with the present fragments as given and the missing ones rebuilt.
   *
   * @throws ErasureException when fewer than {@code K} are present
   */
  public byte[][] complete(byte[][] fragments) throws ErasureException {
    if (fragments.length != redundancy.total()) {
      throw new IllegalArgumentException("a stripe has " + redundancy.total() + " fragments, got "
          + fragments.length);
    }
    List<Integer> missing = new ArrayList<>();
    for (int i = 0; i < fragments.length; i++) {
      if (fragments[i] == null) {
        missing.add(i);
      }
    }
    int present = fragments.length - missing.size();
    if (present < redundancy.data()) {
      throw new ErasureException("a " + redundancy + " stripe needs " + redundancy.data() + " fragments, "
          + present + " present");
    }
    byte[][] out = fragments.clone();
    if (missing.isEmpty()) {
      return out;
    }
    int length = commonLength(fragments);
    byte[][] rebuilt = new byte[missing.size()][length];
    int[] erased = missing.stream().mapToInt(Integer::intValue).toArray();
    try {
      decoder.decode(fragments.clone(), erased, rebuilt);
    } catch (IOException e) {
      throw new IllegalStateException("Reed-Solomon decoding failed", e);
    }
    for (int i = 0; i < erased.length; i++) {
      out[erased[i]] = rebuilt[i];
    }
    return out;
  }

  private static int commonLength(byte[][] fragments) {
    int length = -1;
    for (byte[] f : fragments) {
      if (f == null) {
        continue;
      }
      if (length < 0) {
        length = f.length;
      } else if (f.length != length) {
        throw new IllegalArgumentException("the fragments of a stripe have one length: " + length + " and "
            + f.length);
      }
    }
    if (length <= 0) {
      throw new IllegalArgumentException("fragments must not be empty");
    }
    return length;
  }
}
