package io.shroud.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.hidden.ShareSecret;
import io.shroud.testutil.SeededRandom;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * The storage manifest: its codec round-trips exactly and refuses anything else, and sealed it
 * opens only with the link's secret, at its location, untampered.
 */
class StorageManifestTest {
  private final SecureRandom random = SeededRandom.of(2906);

  private StorageManifest manifest(StripeLayout layout) {
    return StoreNet.randomManifest(layout, random);
  }

  private static void assertSame(StorageManifest expected, StorageManifest actual) {
    assertEquals(expected.layout(), actual.layout());
    assertArrayEquals(expected.key().bytes(), actual.key().bytes());
    for (int s = 0; s < expected.layout().stripes(); s++) {
      byte[][] a = expected.addresses(s);
      byte[][] b = actual.addresses(s);
      for (int i = 0; i < a.length; i++) {
        assertArrayEquals(a[i], b[i], "stripe " + s + " fragment " + i);
      }
    }
  }

  @Test
  void aManifestRoundTripsWithItsRunsOfPieceLengths() throws Exception {
    // a two-file share: 5 pieces of 4096 and one of 100, then 3 of 4096 and one of 7
    int[] pieces = {4096, 4096, 4096, 4096, 4096, 100, 4096, 4096, 4096, 7};
    StorageManifest m = manifest(new StripeLayout(pieces, 4096, new Redundancy(3, 2)));
    byte[] encoded = m.encode();
    // header 9, 4 runs of 8, key 32, stripes of 3, 3, 3, 1 pieces: (5 + 5 + 5 + 3) addresses of 32
    assertEquals(9 + 4 * 8 + 32 + 18 * 32, encoded.length);
    assertEquals("01030200001000" + "0004", HexFormat.of().formatHex(encoded, 0, 9));
    assertSame(m, StorageManifest.decode(encoded));
    assertEquals(18, m.allAddresses().size());
    assertFalse(m.toString().contains(HexFormat.of().formatHex(m.key().bytes())), "the key is never shown");
  }

  @Test
  void anythingButTheExactLayoutIsRefusedWithAReason() throws Exception {
    byte[] good = manifest(StripeLayout.ofFile(10L * 4096 - 5, 4096, Redundancy.DEFAULT)).encode();
    for (int cut = 0; cut < good.length; cut += 7) {
      byte[] shorter = Arrays.copyOf(good, cut);
      assertThrows(ManifestException.class, () -> StorageManifest.decode(shorter), "cut at " + cut);
    }
    byte[] longer = Arrays.copyOf(good, good.length + 32);
    assertTrue(assertThrows(ManifestException.class, () -> StorageManifest.decode(longer)).getMessage()
        .contains("addresses"));
    byte[][] bad = {
        set(good, 0, 2), // version
        set(good, 1, 0), // K = 0
        set(good, 2, 40), // K + M > 32
        ByteBuffer.wrap(good.clone()).putInt(3, 0).array(), // fragment length 0
        ByteBuffer.wrap(good.clone()).putInt(3, 64 * 1024 * 1024).array(), // over 16 MiB
        ByteBuffer.wrap(good.clone()).putShort(7, (short) 0).array(), // no runs
        ByteBuffer.wrap(good.clone()).putInt(9, 0).array(), // a run of 0 pieces
        ByteBuffer.wrap(good.clone()).putInt(13, 4097).array(), // a piece longer than a fragment
        ByteBuffer.wrap(good.clone()).putInt(9, 1 << 21).array(), // too many pieces
    };
    for (int i = 0; i < bad.length; i++) {
      byte[] b = bad[i];
      assertThrows(ManifestException.class, () -> StorageManifest.decode(b), "case " + i);
    }
  }

  private static byte[] set(byte[] bytes, int at, int value) {
    byte[] copy = bytes.clone();
    copy[at] = (byte) value;
    return copy;
  }

  @Test
  void sealedItOpensOnlyWithTheLinksSecretAndUntampered() throws Exception {
    byte[] infoHash = new byte[32];
    random.nextBytes(infoHash);
    ShareSecret secret = ShareSecret.ofPublic(infoHash);
    StorageManifest m = manifest(StripeLayout.ofFile(5L * 4096, 4096, Redundancy.DEFAULT));
    byte[] sealed = ManifestSeal.seal(secret, m, random);
    assertEquals(12 + m.encode().length + 16, sealed.length);
    assertSame(m, ManifestSeal.open(secret, sealed));
    assertFalse(HexFormat.of().formatHex(sealed).contains(HexFormat.of().formatHex(m.allAddresses().get(0))),
        "no address in the clear");
    assertFalse(Arrays.equals(sealed, ManifestSeal.seal(secret, m, random)), "a fresh nonce each time");

    byte[] other = infoHash.clone();
    other[0] ^= 1;
    ManifestException wrong = assertThrows(ManifestException.class,
        () -> ManifestSeal.open(ShareSecret.ofPublic(other), sealed));
    assertTrue(wrong.getMessage().contains("does not open"), wrong::getMessage);
    for (int at : new int[] {0, 11, 12, sealed.length / 2, sealed.length - 1}) {
      byte[] tampered = sealed.clone();
      tampered[at] ^= 0x20;
      assertThrows(ManifestException.class, () -> ManifestSeal.open(secret, tampered), "byte " + at);
    }
    assertThrows(ManifestException.class, () -> ManifestSeal.open(secret, new byte[27]));
    assertEquals(32, ManifestSeal.location(secret).length);
    assertArrayEquals(ManifestSeal.location(secret), ManifestSeal.location(ShareSecret.ofPublic(infoHash)));
    assertFalse(Arrays.equals(ManifestSeal.location(secret), ManifestSeal.location(ShareSecret.ofPublic(other))));
  }
}
