package io.shroud.store;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What a holder of the link needs to fetch, check and repair a stored share (docs/protocol.md
 * §12.6): its stripe layout, the storage key and the address of every stored fragment. Only ever
 * published sealed ({@link ManifestSeal}); this is its plaintext and its strict codec.
 *
 * <pre>
 * version u8 (1) ‖ K u8 ‖ M u8 ‖ fragment bytes u32 ‖ runs u16 ‖ runs × (pieces u32 ‖ piece bytes u32)
 *   ‖ storage key [32] ‖ addresses: for each stripe, each stored fragment in index order, [32]
 * </pre>
 *
 * Runs give the pieces' lengths in share order ({@code pieces} consecutive pieces of one length).
 * Integers are big-endian; the length is exact.
 */
public final class StorageManifest {
  public static final int VERSION = 1;
  /** Largest fragment (piece) a manifest may name: 16 MiB, BEP 52's largest common piece. */
  public static final int MAX_FRAGMENT_BYTES = 16 * 1024 * 1024;
  /** Most pieces a stored share may have. */
  public static final int MAX_PIECES = 1 << 20;
  /** Most runs of piece lengths (a multi-file share has about two per file). */
  public static final int MAX_RUNS = 4096;
  private static final int HEADER_BYTES = 1 + 1 + 1 + 4 + 2;
  private static final int RUN_BYTES = 8;

  private final StripeLayout layout;
  private final StorageKey key;
  /** Per stripe, the address of each fragment index; null for the zero fragments. */
  private final List<byte[][]> addresses;

  /**
   * A manifest of {@code layout} whose fragments are stored under {@code key}, with
   * {@code addresses}: per stripe, one entry per fragment index, present exactly where
   * {@link StripeLayout#stored} is.
   */
  public StorageManifest(StripeLayout layout, StorageKey key, List<byte[][]> addresses) {
    if (addresses.size() != layout.stripes()) {
      throw new IllegalArgumentException(layout.stripes() + " stripes, " + addresses.size() + " address lists");
    }
    List<byte[][]> copy = new ArrayList<>(addresses.size());
    for (int s = 0; s < addresses.size(); s++) {
      byte[][] stripe = addresses.get(s);
      if (stripe.length != layout.redundancy().total()) {
        throw new IllegalArgumentException("stripe " + s + " needs " + layout.redundancy().total() + " entries");
      }
      byte[][] c = new byte[stripe.length][];
      for (int i = 0; i < stripe.length; i++) {
        boolean stored = layout.stored(s, i);
        if (stored != (stripe[i] != null) || stored && stripe[i].length != StripeCoder.ADDRESS_BYTES) {
          throw new IllegalArgumentException("stripe " + s + " fragment " + i + ": an address exactly where a "
              + "fragment is stored");
        }
        c[i] = stored ? stripe[i].clone() : null;
      }
      copy.add(c);
    }
    this.layout = layout;
    this.key = StorageKey.of(key.bytes());
    this.addresses = copy;
  }

  public StripeLayout layout() {
    return layout;
  }

  public StorageKey key() {
    return StorageKey.of(key.bytes());
  }

  /** Stripe {@code stripe}'s addresses by fragment index (null for its zero fragments); a copy. */
  public byte[][] addresses(int stripe) {
    byte[][] a = addresses.get(stripe);
    byte[][] out = new byte[a.length][];
    for (int i = 0; i < a.length; i++) {
      out[i] = a[i] == null ? null : a[i].clone();
    }
    return out;
  }

  /** Every stored fragment's address, stripe by stripe. */
  public List<byte[]> allAddresses() {
    List<byte[]> all = new ArrayList<>();
    for (byte[][] stripe : addresses) {
      for (byte[] a : stripe) {
        if (a != null) {
          all.add(a.clone());
        }
      }
    }
    return all;
  }

  public byte[] encode() {
    List<int[]> runs = runs(layout.pieceBytes());
    if (runs.size() > MAX_RUNS) {
      throw new IllegalArgumentException("too many runs of piece lengths: " + runs.size());
    }
    int stored = 0;
    for (byte[][] stripe : addresses) {
      for (byte[] a : stripe) {
        stored += a == null ? 0 : 1;
      }
    }
    ByteBuffer out = ByteBuffer.allocate(HEADER_BYTES + runs.size() * RUN_BYTES + StorageKey.BYTES
        + stored * StripeCoder.ADDRESS_BYTES);
    out.put((byte) VERSION).put((byte) layout.redundancy().data()).put((byte) layout.redundancy().parity())
        .putInt(layout.fragmentBytes()).putShort((short) runs.size());
    for (int[] run : runs) {
      out.putInt(run[0]).putInt(run[1]);
    }
    byte[] k = key.bytes();
    out.put(k);
    Arrays.fill(k, (byte) 0);
    for (byte[][] stripe : addresses) {
      for (byte[] a : stripe) {
        if (a != null) {
          out.put(a);
        }
      }
    }
    return out.array();
  }

  /** Decodes a manifest, refusing anything but the exact layout above within its limits. */
  public static StorageManifest decode(byte[] bytes) throws ManifestException {
    ByteBuffer in = ByteBuffer.wrap(bytes);
    if (bytes.length < HEADER_BYTES) {
      throw new ManifestException("a manifest is at least " + HEADER_BYTES + " bytes, got " + bytes.length);
    }
    int version = in.get() & 0xff;
    if (version != VERSION) {
      throw new ManifestException("unknown manifest version " + version);
    }
    Redundancy redundancy;
    try {
      redundancy = new Redundancy(in.get() & 0xff, in.get() & 0xff);
    } catch (IllegalArgumentException e) {
      throw new ManifestException(e.getMessage());
    }
    int fragmentBytes = in.getInt();
    if (fragmentBytes < 1 || fragmentBytes > MAX_FRAGMENT_BYTES) {
      throw new ManifestException("fragment length " + fragmentBytes + " is not 1.." + MAX_FRAGMENT_BYTES);
    }
    int runs = in.getShort() & 0xffff;
    if (runs < 1 || runs > MAX_RUNS) {
      throw new ManifestException("runs " + runs + " is not 1.." + MAX_RUNS);
    }
    if (in.remaining() < runs * RUN_BYTES + StorageKey.BYTES) {
      throw new ManifestException("the manifest ends inside its runs or key");
    }
    long pieces = 0;
    int[][] runList = new int[runs][];
    for (int r = 0; r < runs; r++) {
      int count = in.getInt();
      int length = in.getInt();
      if (count < 1 || length < 1 || length > fragmentBytes) {
        throw new ManifestException("run " + r + " is " + Integer.toUnsignedString(count) + " pieces of "
            + Integer.toUnsignedString(length) + " bytes");
      }
      pieces += count;
      if (pieces > MAX_PIECES) {
        throw new ManifestException("more than " + MAX_PIECES + " pieces");
      }
      runList[r] = new int[] {count, length};
    }
    int[] pieceBytes = new int[(int) pieces];
    int at = 0;
    for (int[] run : runList) {
      Arrays.fill(pieceBytes, at, at + run[0], run[1]);
      at += run[0];
    }
    StripeLayout layout = new StripeLayout(pieceBytes, fragmentBytes, redundancy);
    byte[] key = new byte[StorageKey.BYTES];
    in.get(key);
    long stored = 0;
    for (int s = 0; s < layout.stripes(); s++) {
      stored += layout.storedFragments(s);
    }
    if (in.remaining() != stored * StripeCoder.ADDRESS_BYTES) {
      throw new ManifestException("expected " + stored + " addresses (" + stored * StripeCoder.ADDRESS_BYTES
          + " bytes), got " + in.remaining() + " bytes");
    }
    List<byte[][]> addresses = new ArrayList<>(layout.stripes());
    for (int s = 0; s < layout.stripes(); s++) {
      byte[][] stripe = new byte[redundancy.total()][];
      for (int i = 0; i < stripe.length; i++) {
        if (layout.stored(s, i)) {
          stripe[i] = new byte[StripeCoder.ADDRESS_BYTES];
          in.get(stripe[i]);
        }
      }
      addresses.add(stripe);
    }
    StorageKey storageKey = StorageKey.of(key);
    Arrays.fill(key, (byte) 0);
    return new StorageManifest(layout, storageKey, addresses);
  }

  /** Consecutive equal piece lengths as (count, length) pairs. */
  private static List<int[]> runs(int[] pieceBytes) {
    List<int[]> runs = new ArrayList<>();
    for (int length : pieceBytes) {
      int[] last = runs.isEmpty() ? null : runs.get(runs.size() - 1);
      if (last != null && last[1] == length) {
        last[0]++;
      } else {
        runs.add(new int[] {1, length});
      }
    }
    return runs;
  }

  @Override
  public String toString() {
    return "StorageManifest[" + layout + ", key redacted]";
  }
}
