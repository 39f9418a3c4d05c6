package io.shroud.content;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EncryptedShareTest {
  @TempDir Path dir;

  /** Deterministic "randomness" so runs repeat; the class under test only needs a SecureRandom. */
  static SecureRandom seeded(long seed) throws Exception {
    SecureRandom r = SecureRandom.getInstance("SHA1PRNG");
    r.setSeed(seed);
    return r;
  }

  private ShareMetadata share(byte[] plain, int pieceLength) throws Exception {
    Path file = TestFiles.write(dir, "report.pdf", plain);
    return new ShareBuilder(seeded(7)).build(file,
        ShareOptions.encrypted(dir.resolve("report.enc")).withPieceLength(pieceLength)
            .withMediaType("application/pdf"));
  }

  @Test
  void ciphertextVerifiesFromTheLinkAloneAndDecryptsToTheOriginal() throws Exception {
    byte[] plain = TestFiles.pattern(5 * 65536 + 1000);
    ShareMetadata m = share(plain, 65536);
    byte[] cipher = Files.readAllBytes(m.dataFile());
    assertEquals(plain.length, cipher.length);
    assertFalse(Arrays.equals(plain, cipher));
    // the network sees no name
    assertEquals(ShareLink.ENCRYPTED_NAME, m.info().name());
    assertFalse(m.link().format().contains("report"));

    // a downloader with only the link text
    ShareLink link = ShareLink.parse(m.link().format());
    PieceGeometry g = link.geometry();
    byte[] root = link.piecesRoot().orElseThrow();
    MerkleTree fromNetwork = Bep52Hasher.hash(new ByteArrayInputStream(cipher), g.pieceLength());
    List<byte[]> layer = fromNetwork.pieceLayer(); // as a peer would send it
    assertTrue(Merkle.verifyPieceLayer(g, root, layer));
    MerkleTree rebuilt = MerkleTree.fromPieceLayerBytes(g, fromNetwork.pieceLayerBytes(), root);
    assertArrayEquals(root, rebuilt.root());
    byte[] badLayer = fromNetwork.pieceLayerBytes();
    badLayer[5] ^= 1;
    assertThrows(IllegalArgumentException.class,
        () -> MerkleTree.fromPieceLayerBytes(g, badLayer, root));
    for (int p = 0; p < g.pieceCount(); p++) {
      byte[] piece = MerkleProofTest.slice(cipher, g.pieceOffset(p), g.pieceSize(p));
      assertTrue(Merkle.verifyPiece(g, layer.get(p), p, piece));
      // each verified piece decrypts on its own at its offset
      byte[] clear = new ContentCipher(link.key().orElseThrow(), g.pieceOffset(p)).apply(piece);
      assertArrayEquals(MerkleProofTest.slice(plain, g.pieceOffset(p), g.pieceSize(p)), clear);
    }
    // the link rebuilds the info dict whose hash is the info-hash
    assertArrayEquals(m.infoHash(), link.infoDict().orElseThrow().infoHash());

    Manifest manifest = ShareDecryptor.decrypt(link, m.dataFile(), dir.resolve("out.pdf"));
    assertEquals("report.pdf", manifest.name());
    assertEquals("application/pdf", manifest.mediaType());
    assertEquals(plain.length, manifest.length());
    assertArrayEquals(plain, Files.readAllBytes(dir.resolve("out.pdf")));
  }

  @Test
  void wrongKeyFailsLoudlyAndLeavesNoOutput() throws Exception {
    ShareMetadata m = share(TestFiles.pattern(40_000), 16384);
    ShareLink good = m.link();
    ShareKey wrong = ShareKey.random(seeded(99));
    assertNotEquals(good.key().orElseThrow(), wrong);
    ShareLink bad = ShareLink.forEncrypted(m.info(), wrong);
    ContentDecryptionException e = assertThrows(ContentDecryptionException.class,
        () -> ShareDecryptor.decrypt(bad, m.dataFile(), dir.resolve("out")));
    assertTrue(e.getMessage().contains("authentication failed"));
    assertFalse(Files.exists(dir.resolve("out")));
    assertFalse(Files.exists(dir.resolve("out.part")));
  }

  @Test
  void tamperedCiphertextIsCaughtByTreeAndByTheManifestHash() throws Exception {
    byte[] plain = TestFiles.pattern(70_000);
    ShareMetadata m = share(plain, 16384);
    byte[] cipher = Files.readAllBytes(m.dataFile());
    cipher[12345] ^= 1;
    Path tampered = Files.write(dir.resolve("tampered.enc"), cipher);
    PieceGeometry g = m.link().geometry();
    byte[] piece0 = MerkleProofTest.slice(cipher, 0, g.pieceSize(0));
    assertFalse(Merkle.verifyPiece(g, m.tree().pieceHash(0), 0, piece0));
    ContentDecryptionException e = assertThrows(ContentDecryptionException.class,
        () -> ShareDecryptor.decrypt(m.link(), tampered, dir.resolve("out")));
    assertTrue(e.getMessage().contains("SHA-256"));
    assertFalse(Files.exists(dir.resolve("out")));
  }

  @Test
  void manifestIsBoundToItsContent() throws Exception {
    ShareMetadata a = share(TestFiles.pattern(20_000), 16384);
    byte[] sealed = a.info().sealedManifest().orElseThrow();
    ShareKey key = a.link().key().orElseThrow();
    byte[] otherRoot = new byte[32];
    assertThrows(ContentDecryptionException.class, () -> Manifest.open(key,
        Manifest.associatedData(a.info().geometry(), otherRoot), sealed));
    assertThrows(ContentDecryptionException.class, () -> Manifest.open(key,
        Manifest.associatedData(new PieceGeometry(20_001, 16384),
            a.piecesRoot().orElseThrow()), sealed));
    assertEquals(a.manifest().orElseThrow(), a.link().openManifest());
  }

  @Test
  void emptyFileSharesAndDecrypts() throws Exception {
    ShareMetadata m = share(new byte[0], 16384);
    assertFalse(m.piecesRoot().isPresent());
    ShareLink link = ShareLink.parse(m.link().format());
    assertEquals(0, link.openManifest().length());
    ShareDecryptor.decrypt(link, m.dataFile(), dir.resolve("empty.out"));
    assertEquals(0, Files.size(dir.resolve("empty.out")));
  }

  @Test
  void cipherIsRandomAccessAtAnyOffset() throws Exception {
    ShareKey key = ShareKey.random(seeded(3));
    byte[] plain = new byte[200_000];
    new Random(1).nextBytes(plain);
    byte[] whole = new ContentCipher(key, 0).apply(plain);
    for (int off : new int[] {0, 1, 15, 16, 17, 65535, 65536, 131073, 199_999}) {
      byte[] part = new ContentCipher(key, off).apply(Arrays.copyOfRange(plain, off, plain.length));
      assertArrayEquals(Arrays.copyOfRange(whole, off, whole.length), part, "offset " + off);
    }
    assertArrayEquals(plain, new ContentCipher(key, 0).apply(whole));
  }

  @Test
  void keyDerivationIsPinned() {
    // HKDF-SHA256(ikm = 32 zero bytes, salt = none, info = label); expected values computed
    // outside Java, see KdfVectors for how.
    ShareKey k = ShareKey.of(new byte[32]);
    assertEquals(KdfVectors.CONTENT_KEY, java.util.HexFormat.of().formatHex(k.contentKey()));
    assertEquals(KdfVectors.CONTENT_IV, java.util.HexFormat.of().formatHex(k.contentIv()));
    assertEquals(KdfVectors.MANIFEST_KEY, java.util.HexFormat.of().formatHex(k.manifestKey()));
    assertEquals(KdfVectors.KEYSTREAM_48,
        java.util.HexFormat.of().formatHex(new ContentCipher(k, 0).apply(new byte[48])));
    // positioned mid-block: bytes 20..47 of the same keystream
    assertEquals(KdfVectors.KEYSTREAM_48.substring(40),
        java.util.HexFormat.of().formatHex(new ContentCipher(k, 20).apply(new byte[28])));
  }

  @Test
  void secretsStayOutOfToString() throws Exception {
    ShareMetadata m = share(TestFiles.pattern(1000), 16384);
    String key = m.link().key().orElseThrow().toBase64Url();
    assertFalse(m.toString().contains(key));
    assertFalse(m.link().toString().contains(key));
    assertFalse(m.link().key().orElseThrow().toString().contains(key));
    assertFalse(m.manifest().orElseThrow().toString().contains("report"));
  }
}
