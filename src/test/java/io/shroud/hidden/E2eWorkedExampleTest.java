package io.shroud.hidden;

import io.shroud.testutil.ExampleRandom;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.crypto.Ed25519;
import io.shroud.crypto.HopKeys;
import io.shroud.crypto.MlKem768;
import io.shroud.crypto.X25519;
import io.shroud.identity.NodeId;
import io.shroud.testutil.MutableClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.junit.jupiter.api.Test;

/**
 * docs/protocol.md §11.6 shows an introduction and an end-to-end handshake made from fixed keys
 * and the example streams of §9 ({@code SHA-256(label ‖ u64 counter)}); this test rebuilds them
 * with the code, recomputes {@code TH_i}, {@code K_i}, the sealed introduction, {@code AUTH} and
 * {@code KEYS} independently from the protocol text (JDK SHA-256 and AES-GCM, Bouncy Castle
 * HKDF), and checks the document shows exactly these bytes.
 */
class E2eWorkedExampleTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final String MARKER = "hidden-example:e2e-handshake";

  @Test
  void workedExampleOfTheProtocolDocument() throws Exception {
    byte[] authPrivate = stream("shroud example: hs auth key", 32);
    byte[] bPrivate = stream("shroud example: hs b", 32);
    byte[] kemSeed = stream("shroud example: hs ml-kem seed", 64);
    ServiceKeys seeder = ServiceKeys.fromPrivate(authPrivate, bPrivate, kemSeed);
    byte[] rp = NodeId.ofIdentityKey(Ed25519.fromPrivateKey(stream("shroud example: relay identity", 32)).publicKey())
        .toBytes();
    byte[] cookie = stream("shroud example: hs cookie", 20);
    Introduction intro = new Introduction(rp, cookie, new byte[16], 0);
    String downloaderLabel = "shroud example: hs downloader";
    String seederLabel = "shroud example: hs seeder";

    E2eHandshake.Client client = E2eHandshake.start(seeder.authKey(), seeder.b(), seeder.ekS(), intro,
        new ExampleRandom(downloaderLabel));
    byte[] introduce1 = client.introduce1();
    E2eHandshake.Opened opened = E2eHandshake.open(introduce1, seeder,
        new ReplayFilter(seeder.authKey(), new MutableClock()));
    assertEquals(intro, opened.introduction());
    E2eHandshake.Response response = opened.respond(new ExampleRandom(seederLabel));
    byte[] r1 = response.rendezvous1();
    HopKeys downloaderKeys = client.finish(Arrays.copyOfRange(r1, 20, r1.length));
    assertTrue(downloaderKeys.sameMaterial(response.keys()));

    // The downloader draws x, then (DK_e, EK_e) from its stream: rebuild them to show the private keys.
    ExampleRandom replay = new ExampleRandom(downloaderLabel);
    X25519.KeyPair x = X25519.generate(replay);
    MlKem768.KeyPair dkE = MlKem768.generate(replay);
    byte[] authKey = slice(introduce1, 0, 32);
    byte[] bigX = slice(introduce1, 32, 64);
    byte[] ekE = slice(introduce1, 64, 1248);
    byte[] ctS = slice(introduce1, 1248, 2336);
    byte[] sealed = slice(introduce1, 2336, 2480);
    assertArrayEquals(x.publicKey(), bigX);
    assertArrayEquals(dkE.publicKey(), ekE);
    assertArrayEquals(seeder.authKey(), authKey);

    // §11.6 computed here from the text, not with the code's functions.
    byte[] protoId = "shroud-hs-e2e-v1".getBytes(StandardCharsets.US_ASCII);
    byte[] sXb = X25519.fromPrivateKey(bPrivate).agree(bigX);
    byte[] sKs = MlKem768.fromSeed(kemSeed).decapsulate(ctS);
    byte[] thI = sha256(new byte[] {16}, protoId, authKey, seeder.b(), sha256(seeder.ekS()), bigX, ekE, ctS);
    byte[] kI = hkdf(concat(sXb, sKs), thI, ascii("shroud-hs-e2e-v1:intro"), 32);
    Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
    gcm.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(kI, "AES"), new GCMParameterSpec(128, new byte[12]));
    assertArrayEquals(gcm.doFinal(intro.encode()), sealed, "the sealed introduction as protocol.md derives it");
    byte[] bigY = slice(r1, 20, 52);
    byte[] ctE = slice(r1, 52, 1140);
    byte[] auth = slice(r1, 1140, 1172);
    byte[] sXy = x.agree(bigY);
    byte[] sKe = dkE.decapsulate(ctE);
    byte[] th = sha256(new byte[] {16}, protoId, authKey, seeder.b(), sha256(seeder.ekS()), bigX, ekE, ctS, bigY, ctE);
    byte[] ikm = concat(sXy, sXb, sKs, sKe);
    assertArrayEquals(hkdf(ikm, th, ascii("shroud-hs-e2e-v1:auth"), 32), auth, "AUTH as protocol.md derives it");
    byte[] keys = hkdf(ikm, th, ascii("shroud-hs-e2e-v1:keys"), 160);
    assertTrue(HopKeys.fromBytes(keys).sameMaterial(downloaderKeys), "KEYS as protocol.md derives them");
    assertArrayEquals(cookie, slice(r1, 0, 20));

    Block b = new Block();
    b.line("seeder: keys of one intro point");
    b.field("auth key private (Ed25519, stream \"shroud example: hs auth key\")", authPrivate);
    b.field("auth key (public) = ID", seeder.authKey());
    b.field("b (X25519 private, stream \"shroud example: hs b\")", bPrivate);
    b.field("B", seeder.b());
    b.field("ML-KEM-768 seed (d || z) of DK_s (stream \"shroud example: hs ml-kem seed\")", kemSeed);
    b.big("EK_s", seeder.ekS());
    b.field("H(EK_s)", seeder.ekSHash());
    b.line("");
    b.line("introduction (128 bytes): RP = the relay of §9.3, cookie from stream \"shroud example: hs cookie\",");
    b.line("no work attached (nonce zero, effort 0)");
    byte[] plain = intro.encode();
    b.field("version", slice(plain, 0, 1));
    b.field("RP node id", slice(plain, 1, 33));
    b.field("cookie", slice(plain, 33, 53));
    b.field("pow nonce", slice(plain, 53, 69));
    b.field("pow effort", slice(plain, 69, 73));
    b.line("zero padding (55 bytes)");
    b.line("");
    b.line("downloader (ephemeral keys, stream \"" + downloaderLabel + "\": x, then DK_e, then CT_s's randomness)");
    b.field("x (X25519 private)", x.privateKeyBytes());
    b.field("ML-KEM-768 seed (d || z) of DK_e", dkE.seed());
    b.line("");
    b.line("INTRODUCE1 (2480 bytes) = auth key || X || EK_e || CT_s || sealed");
    b.field("auth key", authKey);
    b.field("X", bigX);
    b.big("EK_e", ekE);
    b.big("CT_s", ctS);
    b.field("sealed = AES-256-GCM(K_i, 0^12, introduction) || tag", sealed);
    b.field("SHA-256 of INTRODUCE1", sha256(introduce1));
    b.line("");
    b.line("introduction key");
    b.field("S_xb = X25519(x, B)", sXb);
    b.field("S_ks = ML-KEM.Decaps(DK_s, CT_s)", sKs);
    b.field("TH_i", thI);
    b.field("K_i", kI);
    b.line("");
    b.line("RENDEZVOUS1 (1172 bytes) = cookie || Y || CT_e || AUTH (seeder randomness: stream \"" + seederLabel + "\")");
    b.field("cookie", cookie);
    b.field("Y", bigY);
    b.big("CT_e", ctE);
    b.field("AUTH", auth);
    b.line("RENDEZVOUS2 (1152 bytes) = RENDEZVOUS1 without the cookie");
    b.line("");
    b.line("key schedule (§6.3.3 with PROTOID \"shroud-hs-e2e-v1\", ID = auth key)");
    b.field("S_xy = X25519(x, Y)", sXy);
    b.field("S_ke = ML-KEM.Decaps(DK_e, CT_e)", sKe);
    b.field("TH", th);
    b.field("KEYS = Kf || Kb || Mf || Mb || IVf || IVb", keys);
    checkDocument(b.fenced());
  }

  /** Compares {@code block} with the document's; on a difference writes it to target/ for pasting. */
  private static void checkDocument(String block) throws Exception {
    String doc = Files.readString(Path.of("docs/protocol.md"));
    String begin = "<!-- " + MARKER + " -->\n";
    String end = "<!-- /" + MARKER + " -->";
    int from = doc.indexOf(begin);
    int to = doc.indexOf(end);
    String shown = from < 0 || to < from ? "(missing)" : doc.substring(from + begin.length(), to);
    String out = "target/" + MARKER.replace(':', '-') + ".md";
    if (!shown.equals(block)) {
      Files.createDirectories(Path.of("target"));
      Files.writeString(Path.of(out), begin + block + end + "\n");
    }
    assertEquals(block, shown, "docs/protocol.md shows other bytes; see " + out);
  }

  private static final class Block {
    private final StringBuilder text = new StringBuilder();

    void line(String s) {
      text.append(s).append('\n');
    }

    void field(String label, byte[] value) {
      line(label + " (" + value.length + " bytes)");
      for (int i = 0; i < value.length; i += 32) {
        line("  " + HEX.formatHex(value, i, Math.min(value.length, i + 32)));
      }
    }

    void big(String label, byte[] value) {
      line(label + " (" + value.length + " bytes: first 32, last 32, SHA-256 of all)");
      line("  " + HEX.formatHex(value, 0, 32));
      line("  " + HEX.formatHex(value, value.length - 32, value.length));
      line("  sha256 " + HEX.formatHex(sha256(value)));
    }

    String fenced() {
      return "```text\n" + text + "```\n";
    }
  }

  static byte[] stream(String label, int length) {
    byte[] out = new byte[length];
    new ExampleRandom(label).nextBytes(out);
    return out;
  }

  private static byte[] hkdf(byte[] ikm, byte[] salt, byte[] info, int length) {
    HKDFBytesGenerator generator = new HKDFBytesGenerator(new SHA256Digest());
    generator.init(new HKDFParameters(ikm, salt, info));
    byte[] out = new byte[length];
    generator.generateBytes(out, 0, length);
    return out;
  }

  static byte[] sha256(byte[]... parts) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      for (byte[] part : parts) {
        digest.update(part);
      }
      return digest.digest();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] concat(byte[]... parts) {
    byte[] out = new byte[0];
    for (byte[] p : parts) {
      byte[] next = Arrays.copyOf(out, out.length + p.length);
      System.arraycopy(p, 0, next, out.length, p.length);
      out = next;
    }
    return out;
  }

  private static byte[] slice(byte[] b, int from, int to) {
    return Arrays.copyOfRange(b, from, to);
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
