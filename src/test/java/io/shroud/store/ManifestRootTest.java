package io.shroud.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.dht.SignedRecord;
import io.shroud.hidden.ShareSecret;
import io.shroud.testutil.SeededRandom;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The manifest's root record: a sealed manifest cut into chunks and joined back only from chunks
 * that match, a root that fits a DHT record even at its largest, sealed for the link's holders,
 * and one publisher key per link.
 */
class ManifestRootTest {
  private final SecureRandom random = SeededRandom.of(2911);

  private ShareSecret secret(int first) {
    byte[] infoHash = new byte[32];
    infoHash[0] = (byte) first;
    return ShareSecret.ofPublic(infoHash);
  }

  @Test
  void aSealedManifestIsCutIntoChunksAndJoinedOnlyFromTheRightOnes() throws Exception {
    byte[] sealed = new byte[3 * ManifestRoot.CHUNK_BYTES + 5];
    random.nextBytes(sealed);
    ManifestRoot root = ManifestRoot.of(sealed);
    List<byte[]> chunks = ManifestRoot.split(sealed);
    assertEquals(4, chunks.size());
    assertEquals(5, chunks.get(3).length);
    assertArrayEquals(sealed, root.join(chunks));
    List<byte[]> swapped = new ArrayList<>(chunks);
    swapped.set(0, chunks.get(1));
    swapped.set(1, chunks.get(0));
    assertThrows(ManifestException.class, () -> root.join(swapped));
    byte[] flipped = chunks.get(2).clone();
    flipped[0] ^= 1;
    List<byte[]> bad = new ArrayList<>(chunks);
    bad.set(2, flipped);
    assertTrue(assertThrows(ManifestException.class, () -> root.join(bad)).getMessage().contains("chunk 2"));
    assertThrows(ManifestException.class, () -> root.join(chunks.subList(0, 3)));
    assertThrows(IllegalArgumentException.class, () -> ManifestRoot.split(new byte[31 * ManifestRoot.CHUNK_BYTES]));
  }

  @Test
  void theRootFitsADhtRecordAndOpensOnlyForTheLink() throws Exception {
    List<byte[]> most = new ArrayList<>();
    for (int i = 0; i < ManifestRoot.MAX_CHUNKS; i++) {
      byte[] a = new byte[32];
      random.nextBytes(a);
      most.add(a);
    }
    ManifestRoot largest = new ManifestRoot(ManifestRoot.MAX_CHUNKS * ManifestRoot.CHUNK_BYTES, most);
    byte[] value = largest.seal(secret(1), random);
    assertTrue(value.length <= SignedRecord.MAX_VALUE_BYTES, "sealed root of 30 chunks: " + value.length + " bytes");
    ManifestRoot opened = ManifestRoot.open(secret(1), value);
    assertEquals(largest.sealedLength(), opened.sealedLength());
    for (int i = 0; i < most.size(); i++) {
      assertArrayEquals(most.get(i), opened.chunks().get(i));
    }
    assertThrows(ManifestException.class, () -> ManifestRoot.open(secret(2), value));
    byte[] tampered = value.clone();
    tampered[20] ^= 1;
    assertThrows(ManifestException.class, () -> ManifestRoot.open(secret(1), tampered));
    byte[] encoded = largest.encode();
    assertThrows(ManifestException.class, () -> ManifestRoot.decode(Arrays.copyOf(encoded, encoded.length - 1)));
    byte[] version = encoded.clone();
    version[0] = 2;
    assertThrows(ManifestException.class, () -> ManifestRoot.decode(version));
    assertThrows(IllegalArgumentException.class, () -> new ManifestRoot(ManifestRoot.CHUNK_BYTES, most.subList(0, 2)),
        "a length that two chunks would not hold");
  }

  @Test
  void aManifestGoesThroughItsRootAndChunksAndEveryHolderOfTheLinkPublishesWithOneKey() throws Exception {
    StorageManifest manifest = StoreNet.randomManifest(StripeLayout.ofFile(100L * 4096, 4096, Redundancy.DEFAULT),
        random);
    byte[] sealed = ManifestSeal.seal(secret(3), manifest, random);
    ManifestRoot root = ManifestRoot.open(secret(3), ManifestRoot.of(sealed).seal(secret(3), random));
    StorageManifest back = ManifestSeal.open(secret(3), root.join(ManifestRoot.split(sealed)));
    assertArrayEquals(manifest.key().bytes(), back.key().bytes());
    assertEquals(150, back.allAddresses().size());

    assertArrayEquals(ManifestRoot.publisher(secret(3)).publicKey(), ManifestRoot.publisher(secret(3)).publicKey());
    assertFalse(Arrays.equals(ManifestRoot.publisher(secret(3)).publicKey(),
        ManifestRoot.publisher(secret(4)).publicKey()), "one publisher key per link");
  }
}
