package io.shroud.store;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A stored share's stripes, both ways (docs/protocol.md §12.2–§12.4): {@link #encode} turns a
 * stripe's pieces into its stored fragments (padded, Reed-Solomon coded, each encrypted under the
 * {@link StorageKey} and addressed by the SHA-256 of what is stored); {@link #decode} checks each
 * fragment it is given against its address, and gives the stripe's pieces back from any {@code K};
 * {@link #rebuild} gives the stored fragments a stripe has lost, byte for byte as first stored.
 *
 * <p>Not thread-safe (its {@link ErasureCoder} is not): one per user.
 */
public final class StripeCoder {
  /** One stored fragment: fragment {@code index} of {@code stripe}, its address and bytes. */
  public record Fragment(int stripe, int index, byte[] address, byte[] bytes) {
    @Override
    public String toString() {
      return "Fragment[" + stripe + "/" + index + ", " + bytes.length + " bytes]";
    }
  }

  /** A fragment whose bytes do not hash to its address: its source is to be struck. */
  public static final class BadFragmentException extends Exception {
    private static final long serialVersionUID = 1L;
    private final int index;

    BadFragmentException(int stripe, int index) {
      super("fragment " + index + " of stripe " + stripe + " does not match its address");
      this.index = index;
    }

    public int index() {
      return index;
    }
  }

  public static final int ADDRESS_BYTES = 32;

  private final StripeLayout layout;
  private final ErasureCoder coder;
  private final SecretKeySpec key;

  public StripeCoder(StripeLayout layout, StorageKey key) {
    this.layout = layout;
    this.coder = new ErasureCoder(layout.redundancy());
    byte[] k = key.bytes();
    this.key = new SecretKeySpec(k, "AES");
    Arrays.fill(k, (byte) 0);
  }

  public StripeLayout layout() {
    return layout;
  }

  /** The address of a stored fragment: SHA-256 of its stored (encrypted) bytes. */
  public static byte[] address(byte[] stored) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(stored);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The stored fragments of {@code stripe} from its pieces ({@link StripeLayout#dataPieces} of
   * them, in order, each of its layout length): its data fragments that are pieces, then its
   * parity, in index order.
   */
  public List<Fragment> encode(int stripe, List<byte[]> pieces) {
    int count = layout.dataPieces(stripe);
    if (pieces.size() != count) {
      throw new IllegalArgumentException("stripe " + stripe + " has " + count + " pieces, got " + pieces.size());
    }
    Redundancy r = layout.redundancy();
    byte[][] data = new byte[r.data()][];
    for (int i = 0; i < r.data(); i++) {
      data[i] = new byte[layout.fragmentBytes()];
      if (i < count) {
        byte[] piece = pieces.get(i);
        int expected = layout.pieceLength(layout.firstPiece(stripe) + i);
        if (piece.length != expected) {
          throw new IllegalArgumentException("piece " + (layout.firstPiece(stripe) + i) + " is " + expected
              + " bytes, got " + piece.length);
        }
        System.arraycopy(piece, 0, data[i], 0, piece.length);
      }
    }
    byte[][] parity = coder.parity(data);
    List<Fragment> out = new ArrayList<>(layout.storedFragments(stripe));
    for (int i = 0; i < r.total(); i++) {
      if (layout.stored(stripe, i)) {
        out.add(seal(stripe, i, i < r.data() ? data[i] : parity[i - r.data()]));
      }
    }
    return out;
  }

  /**
   * The pieces of {@code stripe}, each cut to its length, from stored fragments ({@code fragments}:
   * index → stored bytes) that {@code addresses} (index → address, null for a zero fragment that
   * is not stored) vouch for.
   *
   * @throws BadFragmentException when a fragment does not hash to its address (nothing is decoded)
   * @throws ErasureException when fewer than {@code K} fragments (zero fragments included) are at hand
   */
  public List<byte[]> decode(int stripe, byte[][] addresses, Map<Integer, byte[]> fragments)
      throws BadFragmentException, ErasureException {
    byte[][] all = coder.complete(opened(stripe, addresses, fragments));
    int count = layout.dataPieces(stripe);
    List<byte[]> pieces = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      pieces.add(Arrays.copyOf(all[i], layout.pieceLength(layout.firstPiece(stripe) + i)));
    }
    return pieces;
  }

  /**
   * The stored fragments of {@code stripe} missing from {@code fragments}, rebuilt from any
   * {@code K} of those given (checked as for {@link #decode}): what a repair uploads again. The
   * same key and position give the same bytes, so each rebuilt fragment has its old address.
   */
  public List<Fragment> rebuild(int stripe, byte[][] addresses, Map<Integer, byte[]> fragments)
      throws BadFragmentException, ErasureException {
    byte[][] all = coder.complete(opened(stripe, addresses, fragments));
    List<Fragment> out = new ArrayList<>();
    for (int i = 0; i < all.length; i++) {
      if (layout.stored(stripe, i) && !fragments.containsKey(i)) {
        out.add(seal(stripe, i, all[i]));
      }
    }
    return out;
  }

  /** The stripe's {@code K+M} plaintext fragments as far as known: checked and decrypted, zero ones filled in. */
  private byte[][] opened(int stripe, byte[][] addresses, Map<Integer, byte[]> fragments) throws BadFragmentException {
    Redundancy r = layout.redundancy();
    if (addresses.length != r.total()) {
      throw new IllegalArgumentException("a stripe has " + r.total() + " addresses, got " + addresses.length);
    }
    byte[][] plain = new byte[r.total()][];
    for (int i = 0; i < r.total(); i++) {
      if (!layout.stored(stripe, i)) {
        plain[i] = new byte[layout.fragmentBytes()];
        continue;
      }
      byte[] stored = fragments.get(i);
      if (stored == null) {
        continue;
      }
      if (stored.length != layout.fragmentBytes() || addresses[i] == null
          || !MessageDigest.isEqual(address(stored), addresses[i])) {
        throw new BadFragmentException(stripe, i);
      }
      plain[i] = crypt(stripe, i, stored);
    }
    return plain;
  }

  private Fragment seal(int stripe, int index, byte[] plain) {
    byte[] stored = crypt(stripe, index, plain);
    return new Fragment(stripe, index, address(stored), stored);
  }

  /**
   * AES-256-CTR under the storage key, the counter block {@code stripe (u32) ‖ index (u8) ‖ 7 zero
   * bytes ‖ block counter (u32)}: one keystream per fragment position, never reused.
   */
  private byte[] crypt(int stripe, int index, byte[] in) {
    byte[] iv = new byte[16];
    iv[0] = (byte) (stripe >>> 24);
    iv[1] = (byte) (stripe >>> 16);
    iv[2] = (byte) (stripe >>> 8);
    iv[3] = (byte) stripe;
    iv[4] = (byte) index;
    try {
      Cipher cipher = Cipher.getInstance("AES/CTR/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, key, new IvParameterSpec(iv));
      return cipher.doFinal(in);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-CTR failed", e);
    }
  }
}
