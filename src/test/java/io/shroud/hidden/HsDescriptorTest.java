package io.shroud.hidden;

import static io.shroud.hidden.HsDescriptorExamples.HEX;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.shroud.testutil.SeededRandom;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class HsDescriptorTest {
  static final HsLocation LOC = HsDescriptorExamples.location();
  static final byte[] PUBLISHER = HsDescriptorExamples.publisher().publicKey();

  @Test
  void sealedDescriptorOpensToItself() throws Exception {
    for (int count = 1; count <= 3; count++) {
      HsDescriptor d = HsDescriptorExamples.descriptor(count * 7, count);
      byte[] value = d.seal(LOC, PUBLISHER, SeededRandom.of(count));
      assertEquals(540, value.length);
      assertEquals(d, HsDescriptor.open(value, LOC, PUBLISHER));
      assertEquals(d, HsDescriptor.decodePlaintext(d.encodePlaintext()));
    }
  }

  /** The layout of §11.3, checked by sealing hand-written bytes with the JDK's AES-GCM. */
  @Test
  void layoutIsTheDesigns() throws Exception {
    HsDescriptor d = HsDescriptorExamples.descriptor(0x0102, 1);
    HsDescriptor.IntroPoint p = d.introPoints().get(0);
    ByteBuffer plain = ByteBuffer.allocate(512).put((byte) 1).putInt(0x0102).put(d.powSeed()).put((byte) 1)
        .put(p.relay().toBytes()).put(p.authKey()).put(p.b()).put(p.ekHash());
    assertArrayEquals(plain.array(), d.encodePlaintext());
    byte[] value = d.seal(LOC, PUBLISHER, HsDescriptorExamples.fixed(HsDescriptorExamples.NONCE));
    assertArrayEquals(sealRaw(plain.array(), LOC.location(), PUBLISHER), value);
  }

  @Test
  void refusalsSayWhy() throws Exception {
    byte[] good = HsDescriptorExamples.descriptor(5, 2).encodePlaintext();
    assertEquals("descriptor value is 539 bytes, not 540", refused(new byte[539]));
    assertEquals("descriptor value is 541 bytes, not 540", refused(new byte[541]));
    byte[] value = sealRaw(good, LOC.location(), PUBLISHER);
    byte[] flipped = value.clone();
    flipped[100] ^= 1;
    String notOpen = "descriptor does not open under this period's key for this location and publisher";
    assertEquals(notOpen, refused(flipped));
    assertEquals(notOpen, assertThrows(HsDescriptorException.class,
        () -> HsDescriptor.open(value, HsLocation.of(HsDescriptorExamples.secret(), 20455), PUBLISHER)).getMessage());
    byte[] otherPublisher = PUBLISHER.clone();
    otherPublisher[0] ^= 1;
    assertEquals(notOpen, assertThrows(HsDescriptorException.class,
        () -> HsDescriptor.open(value, LOC, otherPublisher)).getMessage());
    assertEquals(notOpen, assertThrows(HsDescriptorException.class, () -> HsDescriptor.open(value,
        LOC.descriptorKey(), HsLocation.of(ShareSecret.ofPublic(new byte[32]), 20454).location(), PUBLISHER)).getMessage());

    assertEquals("descriptor version 2 is unknown", refused(sealRaw(with(good, 0, 2), LOC.location(), PUBLISHER)));
    assertEquals("descriptor pow effort 10001 is above 10000",
        refused(sealRaw(withInt(good, 1, 10_001), LOC.location(), PUBLISHER)));
    assertEquals("descriptor pow effort 4294967295 is above 10000",
        refused(sealRaw(withInt(good, 1, -1), LOC.location(), PUBLISHER)));
    assertEquals("descriptor intro point count 0 is not 1..3", refused(sealRaw(with(good, 37, 0), LOC.location(), PUBLISHER)));
    assertEquals("descriptor intro point count 4 is not 1..3", refused(sealRaw(with(good, 37, 4), LOC.location(), PUBLISHER)));
    assertEquals("descriptor padding is not zero at 511", refused(sealRaw(with(good, 511, 1), LOC.location(), PUBLISHER)));
    // count 1 while a second intro point follows: its bytes are padding that is not zero
    assertEquals("descriptor padding is not zero at 166", refused(sealRaw(with(good, 37, 1), LOC.location(), PUBLISHER)));
    byte[] twice = good.clone();
    System.arraycopy(good, 38, twice, 38 + 128, 32); // intro point 2 on intro point 1's relay
    assertEquals("descriptor names relay " + HsDescriptorExamples.introPoint(1).relay().shortHex()
        + " for two intro points", refused(sealRaw(twice, LOC.location(), PUBLISHER)));
    byte[] sameAuth = good.clone();
    System.arraycopy(good, 70, sameAuth, 70 + 128, 32);
    assertEquals("descriptor names one auth key for two intro points", refused(sealRaw(sameAuth, LOC.location(), PUBLISHER)));
    assertEquals("descriptor plaintext is 511 bytes, not 512", assertThrows(HsDescriptorException.class,
        () -> HsDescriptor.decodePlaintext(new byte[511])).getMessage());
  }

  @Test
  void constructorRefusesWhatCannotBeWritten() {
    byte[] seed = new byte[32];
    List<HsDescriptor.IntroPoint> one = List.of(HsDescriptorExamples.introPoint(1));
    assertThrows(IllegalArgumentException.class, () -> new HsDescriptor(10_001, seed, one));
    assertThrows(IllegalArgumentException.class, () -> new HsDescriptor(-1, seed, one));
    assertThrows(IllegalArgumentException.class, () -> new HsDescriptor(0, new byte[31], one));
    assertThrows(IllegalArgumentException.class, () -> new HsDescriptor(0, seed, List.of()));
    assertThrows(IllegalArgumentException.class, () -> new HsDescriptor(0, seed,
        List.of(HsDescriptorExamples.introPoint(1), HsDescriptorExamples.introPoint(2),
            HsDescriptorExamples.introPoint(3), HsDescriptorExamples.introPoint(4))));
    assertThrows(IllegalArgumentException.class, () -> new HsDescriptor(0, seed,
        List.of(HsDescriptorExamples.introPoint(1), HsDescriptorExamples.introPoint(1))));
    HsDescriptor.IntroPoint p = HsDescriptorExamples.introPoint(1);
    assertThrows(IllegalArgumentException.class, () -> new HsDescriptor.IntroPoint(p.relay(), new byte[33], p.b(), p.ekHash()));
  }

  /** docs/protocol.md §11.3 shows these bytes; the test rebuilds them. */
  @Test
  void workedExampleOfTheProtocolDocument() throws Exception {
    HsLocation loc = HsDescriptorExamples.location();
    HsDescriptor d = HsDescriptorExamples.descriptor(5, 2);
    byte[] value = d.seal(loc, PUBLISHER, HsDescriptorExamples.fixed(HsDescriptorExamples.NONCE));
    byte[] p = d.encodePlaintext();
    String row = "%-16s%s%n";
    StringBuilder b = new StringBuilder("```text\n");
    b.append("inputs (keys: private key or ML-KEM seed = SHA-256 or SHA-512 of the quoted label)\n");
    b.append(String.format(row, "  info-hash", HEX.formatHex(HsDescriptorExamples.INFO_HASH)));
    b.append(String.format(row, "  share key", HEX.formatHex(HsDescriptorExamples.SHARE_KEY.bytes())));
    b.append(String.format(row, "  period n", HsDescriptorExamples.PERIOD + " (2026-01-01, u64 "
        + HEX.formatHex(ByteBuffer.allocate(8).putLong(HsDescriptorExamples.PERIOD).array()) + ")"));
    b.append(String.format(row, "  publisher", HEX.formatHex(PUBLISHER) + "  (\"shroud example: hs publisher\")"));
    b.append(String.format(row, "  nonce", HEX.formatHex(HsDescriptorExamples.NONCE)));
    b.append(String.format(row, "S", HEX.formatHex(HsDescriptorExamples.secret().bytes())));
    b.append(String.format(row, "L_n", HEX.formatHex(loc.location())));
    b.append(String.format(row, "D_n", HEX.formatHex(loc.descriptorKey())));
    b.append("plaintext (512 bytes):\n");
    b.append(String.format(row, "  version", HEX.formatHex(p, 0, 1)));
    b.append(String.format(row, "  pow effort", HEX.formatHex(p, 1, 5) + "  (5)"));
    b.append(String.format(row, "  pow seed", HEX.formatHex(p, 5, 37) + "  (\"shroud example: pow seed\")"));
    b.append(String.format(row, "  count", HEX.formatHex(p, 37, 38)));
    for (int i = 0; i < 2; i++) {
      int at = 38 + 128 * i;
      String n = " " + (i + 1);
      b.append(String.format(row, "  relay" + n, HEX.formatHex(p, at, at + 32) + "  (node id of \"…: relay" + n + "\")"));
      b.append(String.format(row, "  auth key" + n, HEX.formatHex(p, at + 32, at + 64) + "  (\"…: auth key" + n + "\")"));
      b.append(String.format(row, "  B" + n, HEX.formatHex(p, at + 64, at + 96) + "  (\"…: B" + n + "\")"));
      b.append(String.format(row, "  H(EK_s)" + n, HEX.formatHex(p, at + 96, at + 128) + "  (\"…: EK_s" + n + "\")"));
    }
    b.append(String.format(row, "  zeros", (512 - 38 - 256) + " bytes"));
    b.append("value (540 bytes: nonce ‖ ciphertext ‖ tag):\n");
    for (int i = 0; i < value.length; i += 32) {
      b.append("  ").append(HEX.formatHex(value, i, Math.min(value.length, i + 32))).append('\n');
    }
    b.append("```\n");
    assertEquals(d, HsDescriptor.open(value, loc, PUBLISHER));
    assertArrayEquals(HsDescriptorExamples.NONCE, Arrays.copyOf(value, 12));
    checkDocument("wire-example:hs-descriptor", b.toString());
  }

  /** Compares {@code block} with the document's; on a difference writes it to target/ for pasting. */
  static void checkDocument(String marker, String block) throws Exception {
    String doc = Files.readString(Path.of("docs/protocol.md"));
    String begin = "<!-- " + marker + " -->\n";
    String end = "<!-- /" + marker + " -->";
    int from = doc.indexOf(begin);
    int to = doc.indexOf(end);
    String shown = from < 0 || to < from ? "(missing)" : doc.substring(from + begin.length(), to);
    if (!shown.equals(block)) {
      Files.createDirectories(Path.of("target"));
      Files.writeString(Path.of("target/" + marker.replace(':', '-') + ".md"), begin + block + end + "\n");
    }
    assertEquals(block, shown, "docs/protocol.md shows other bytes; see target/" + marker.replace(':', '-') + ".md");
  }

  static String refused(byte[] value) {
    return assertThrows(HsDescriptorException.class, () -> HsDescriptor.open(value, LOC, PUBLISHER)).getMessage();
  }

  static byte[] with(byte[] a, int at, int b) {
    byte[] c = a.clone();
    c[at] = (byte) b;
    return c;
  }

  static byte[] withInt(byte[] a, int at, int v) {
    byte[] c = a.clone();
    ByteBuffer.wrap(c).putInt(at, v);
    return c;
  }

  /** AES-256-GCM of §11.3 written out with the JDK, nonce {@link HsDescriptorExamples#NONCE}. */
  static byte[] sealRaw(byte[] plaintext, byte[] location, byte[] publisher) throws Exception {
    Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
    gcm.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(LOC.descriptorKey(), "AES"),
        new GCMParameterSpec(128, HsDescriptorExamples.NONCE));
    gcm.updateAAD("shroud-hs-desc-v1".getBytes(StandardCharsets.US_ASCII));
    gcm.updateAAD(location);
    gcm.updateAAD(publisher);
    byte[] ct = gcm.doFinal(plaintext);
    return ByteBuffer.allocate(12 + ct.length).put(HsDescriptorExamples.NONCE).put(ct).array();
  }
}
