package io.shroud.hidden;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.crypto.Ed25519;
import io.shroud.crypto.MlKem768;
import io.shroud.testutil.SeededRandom;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** ESTABLISH_INTRO (protocol §11.5): layout, signature over this hop's KH, FIPS 203 key check, worked example. */
class EstablishIntroTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final Ed25519.KeyPair AUTH = Ed25519.generate(SeededRandom.of(1));
  private static final byte[] EK = MlKem768.generate(SeededRandom.of(2)).publicKey();
  private static final byte[] KH = filled(32, 0x40);

  @Test
  void signedRequestVerifiesAndCarriesItsFields() throws Exception {
    byte[] data = EstablishIntro.sign(AUTH, KH, EK);
    assertEquals(1280, data.length);
    EstablishIntro request = EstablishIntro.verify(data, KH);
    assertArrayEquals(AUTH.publicKey(), request.authKey());
    assertArrayEquals(EK, request.encapsulationKey());
    assertArrayEquals(data, request.encode());
    assertArrayEquals(Arrays.copyOfRange(data, 0, 32), AUTH.publicKey(), "auth key first");
    assertArrayEquals(Arrays.copyOfRange(data, 32, 1216), EK, "then EK_s");
    assertTrue(Ed25519.verify(AUTH.publicKey(), EstablishIntro.signedMessage(KH, AUTH.publicKey(), EK),
        Arrays.copyOfRange(data, 1216, 1280)), "then the signature over label ‖ KH ‖ auth key ‖ EK_s");
  }

  @Test
  void aRequestSignedForAnotherHopIsRefused() {
    byte[] data = EstablishIntro.sign(AUTH, KH, EK);
    byte[] otherKh = KH.clone();
    otherKh[31] ^= 1;
    assertThrows(EstablishIntro.Invalid.class, () -> EstablishIntro.verify(data, otherKh));
  }

  @Test
  void everyFlippedByteIsRefused() {
    byte[] data = EstablishIntro.sign(AUTH, KH, EK);
    for (int at : new int[] {0, 31, 32, 700, 1215, 1216, 1279}) {
      byte[] bad = data.clone();
      bad[at] ^= 0x10;
      assertThrows(EstablishIntro.Invalid.class, () -> EstablishIntro.verify(bad, KH), "flipped byte " + at);
    }
  }

  @Test
  void wrongSizesAreRefused() {
    byte[] data = EstablishIntro.sign(AUTH, KH, EK);
    assertThrows(EstablishIntro.Invalid.class, () -> EstablishIntro.decode(Arrays.copyOf(data, 1279)));
    assertThrows(EstablishIntro.Invalid.class, () -> EstablishIntro.decode(Arrays.copyOf(data, 1281)));
    assertThrows(EstablishIntro.Invalid.class, () -> EstablishIntro.verify(null, KH));
    assertThrows(IllegalArgumentException.class, () -> EstablishIntro.sign(AUTH, new byte[31], EK));
    assertThrows(IllegalArgumentException.class, () -> EstablishIntro.sign(AUTH, KH, new byte[1183]));
  }

  /** A key whose first coefficient is 4095 (not below q = 3329), correctly signed: the FIPS 203 check refuses it. */
  @Test
  void anEncapsulationKeyFailingTheModulusCheckIsRefusedEvenWhenSigned() {
    byte[] bad = EK.clone();
    bad[0] = (byte) 0xFF;
    bad[1] = (byte) (bad[1] | 0x0F);
    byte[] data = EstablishIntro.sign(AUTH, KH, bad);
    EstablishIntro.Invalid refused = assertThrows(EstablishIntro.Invalid.class, () -> EstablishIntro.verify(data, KH));
    assertTrue(refused.getMessage().contains("ML-KEM"), refused.getMessage());
  }

  /** The worked example of protocol §11.5, rebuilt from fixed inputs (Ed25519 signatures are deterministic). */
  @Test
  void workedExampleOfTheProtocolDocument() throws Exception {
    Ed25519.KeyPair auth = Ed25519.fromPrivateKey(filled(32, 0x01));
    byte[] ekSeed = filled(64, 0x80);
    byte[] ek = MlKem768.fromSeed(ekSeed).publicKey();
    byte[] kh = filled(32, 0x40);
    byte[] data = EstablishIntro.sign(auth, kh, ek);
    EstablishIntro.verify(data, kh);
    String row = "%-22s%s%n";
    StringBuilder b = new StringBuilder("```text\n");
    b.append("auth key: Ed25519 private key 0102…20 (byte i is i + 1)\n");
    b.append("EK_s: ML-KEM-768 key from the 64-byte seed 8081…bf (byte i is 0x80 + i)\n");
    b.append("KH of the hop: 4041…5f (byte i is 0x40 + i)\n\n");
    b.append("ESTABLISH_INTRO data (1280 bytes):\n");
    b.append(String.format(row, "  auth key", HEX.formatHex(data, 0, 32)));
    b.append(String.format(row, "  EK_s", HEX.formatHex(data, 32, 40) + "…" + HEX.formatHex(data, 1208, 1216)));
    b.append(String.format(row, "  H(EK_s)", HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(ek))));
    b.append(String.format(row, "  signature", HEX.formatHex(data, 1216, 1248)));
    b.append(String.format(row, "", HEX.formatHex(data, 1248, 1280)));
    b.append(String.format(row, "SHA-256 of the 1280", HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(data))));
    b.append("```\n");
    checkDocument("wire-example:establish-intro", b.toString());
  }

  private static byte[] filled(int length, int first) {
    byte[] out = new byte[length];
    for (int i = 0; i < length; i++) {
      out[i] = (byte) (first + i);
    }
    return out;
  }

  /** As DirectoryCellsTest's: compares {@code block} with the document's; on a difference writes it to target/. */
  static void checkDocument(String marker, String block) throws Exception {
    String doc = Files.readString(Path.of("docs/protocol.md"), StandardCharsets.UTF_8);
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
}
