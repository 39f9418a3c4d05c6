package io.shroud.docs;

import io.shroud.testutil.ExampleRandom;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.shroud.circuit.HandshakeFraming;
import io.shroud.circuit.OnionLayers;
import io.shroud.circuit.RelayCell;
import io.shroud.circuit.RelayCellFormat;
import io.shroud.circuit.RelayCommand;
import io.shroud.circuit.RelayLayer;
import io.shroud.crypto.CircuitHandshakeClient;
import io.shroud.crypto.CircuitHandshakeRelay;
import io.shroud.crypto.Ed25519;
import io.shroud.crypto.HopKeys;
import io.shroud.crypto.MlKem768;
import io.shroud.crypto.OnionKeyPair;
import io.shroud.crypto.OnionPublicKey;
import io.shroud.crypto.ReplayCache;
import io.shroud.crypto.X25519;
import io.shroud.identity.NodeId;
import io.shroud.wire.Cell;
import io.shroud.wire.CellCodec;
import io.shroud.wire.CellFormat;
import io.shroud.wire.LinkCipher;
import io.shroud.wire.LinkFrameDecoder;
import io.shroud.wire.LinkHandshake;
import io.shroud.wire.RekeyPolicy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.junit.jupiter.api.Test;

/**
 * Builds the worked examples of {@code docs/protocol.md} ("Worked examples") with the project's
 * own handshake, cell and onion-layer classes, from fixed keys and a deterministic random stream,
 * and checks that the document shows exactly these bytes. Change the code's bytes and this test
 * fails until the document is regenerated; change the document's bytes and it fails too.
 *
 * <p>Each example sits in the document between {@code <!-- example:NAME -->} and
 * {@code <!-- /example:NAME -->}. When they differ, the expected text of every example is written
 * to {@code target/protocol-examples.md} to paste in.
 *
 * <p>Randomness: {@link ExampleRandom}, the stream {@code SHA-256(label ‖ u64 counter)} for
 * counter = 0, 1, …, so another implementation can rebuild the private keys shown.
 */
class ProtocolExamplesTest {
  private static final Path DOC = Path.of("docs/protocol.md");
  private static final Path EXPECTED_OUT = Path.of("target/protocol-examples.md");
  private static final HexFormat HEX = HexFormat.of();
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
  private static final int LINE_BYTES = 32;

  @Test
  void documentShowsTheBytesTheCodeProduces() throws Exception {
    Map<String, String> expected = new LinkedHashMap<>();
    HopKeys[] keys = new HopKeys[2];
    expected.put("link-handshake", linkHandshake());
    expected.put("circuit-handshake", circuitHandshake(keys));
    expected.put("relay-cell", relayCell(keys[0], keys[1]));
    expected.put("descriptor", DescriptorExample.render());

    String doc = Files.readString(DOC, StandardCharsets.UTF_8);
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, String> e : expected.entrySet()) {
      String shown = shownExample(doc, e.getKey());
      if (shown == null) {
        problems.add("docs/protocol.md has no example block '" + e.getKey() + "'");
      } else if (!shown.equals(e.getValue())) {
        problems.add("docs/protocol.md example '" + e.getKey() + "' differs from what the code produces"
            + firstDifference(shown, e.getValue()));
      }
    }
    Matcher any = Pattern.compile("<!-- example:([a-z-]+) -->").matcher(doc);
    while (any.find()) {
      if (!expected.containsKey(any.group(1))) {
        problems.add("docs/protocol.md has an example block '" + any.group(1) + "' this test does not generate");
      }
    }
    if (!problems.isEmpty()) {
      StringBuilder out = new StringBuilder();
      for (Map.Entry<String, String> e : expected.entrySet()) {
        out.append("<!-- example:").append(e.getKey()).append(" -->\n").append(e.getValue())
            .append("<!-- /example:").append(e.getKey()).append(" -->\n\n");
      }
      Files.createDirectories(EXPECTED_OUT.getParent());
      Files.writeString(EXPECTED_OUT, out.toString(), StandardCharsets.UTF_8);
      fail(String.join("\n", problems) + "\nexpected blocks written to " + EXPECTED_OUT.toAbsolutePath());
    }
  }

  @Test
  void exampleRandomIsDeterministic() {
    byte[] a = new byte[100];
    byte[] b = new byte[100];
    new ExampleRandom("x").nextBytes(a);
    ExampleRandom split = new ExampleRandom("x");
    byte[] head = new byte[7];
    byte[] tail = new byte[93];
    split.nextBytes(head);
    split.nextBytes(tail);
    System.arraycopy(head, 0, b, 0, 7);
    System.arraycopy(tail, 0, b, 7, 93);
    assertArrayEquals(a, b, "the stream does not depend on how it is read");
    assertArrayEquals(sha256(bytes("x"), new byte[8]), Arrays.copyOf(a, 32));
  }

  // ---- link handshake: Noise_XK_25519_AESGCM_SHA256, prologue "shroud/link/1" -------------------

  private static String linkHandshake() throws Exception {
    X25519.KeyPair initiatorStatic = X25519.fromPrivateKey(stream("shroud example: initiator static", 32));
    X25519.KeyPair responderStatic = X25519.fromPrivateKey(stream("shroud example: responder static", 32));
    String initiatorEphemeralLabel = "shroud example: initiator ephemeral";
    String responderEphemeralLabel = "shroud example: responder ephemeral";
    LinkHandshake initiator = LinkHandshake.initiator(initiatorStatic, responderStatic.publicKey(),
        new ExampleRandom(initiatorEphemeralLabel));
    LinkHandshake responder = LinkHandshake.responder(responderStatic, new ExampleRandom(responderEphemeralLabel));

    byte[] frame1 = initiator.writeFrame();
    responder.readFrame(body(frame1));
    byte[] frame2 = responder.writeFrame();
    initiator.readFrame(body(frame2));
    byte[] frame3 = initiator.writeFrame();
    // the responder reads message 3 through the real frame decoder, as a link does
    LinkFrameDecoder decoder = new LinkFrameDecoder(CellFormat.DEFAULT_MAX_BUFFERED_BYTES);
    decoder.feed(frame3);
    responder.readFrame(decoder.next());
    assertTrue(initiator.isComplete() && responder.isComplete());
    assertArrayEquals(initiator.handshakeHash(), responder.handshakeHash());
    assertArrayEquals(initiatorStatic.publicKey(), responder.remoteStaticPublicKey());
    assertEquals(50, frame1.length);
    assertEquals(52, frame2.length);
    assertEquals(68, frame3.length);

    X25519.KeyPair initiatorEphemeral = X25519.generate(new ExampleRandom(initiatorEphemeralLabel));
    X25519.KeyPair responderEphemeral = X25519.generate(new ExampleRandom(responderEphemeralLabel));
    assertArrayEquals(initiatorEphemeral.publicKey(), Arrays.copyOfRange(frame1, 2, 34));
    assertArrayEquals(responderEphemeral.publicKey(), Arrays.copyOfRange(frame2, 2, 34));

    LinkCipher send = initiator.finish(RekeyPolicy.DEFAULT, CLOCK);
    LinkCipher receive = responder.finish(RekeyPolicy.DEFAULT, CLOCK);
    Cell padding = Cell.padding();
    byte[] record = send.seal(padding);
    assertEquals(CellFormat.RECORD_BYTES, record.length);
    assertEquals(padding.command(), receive.open(record).command());

    Block b = new Block();
    b.line("Noise_XK_25519_AESGCM_SHA256, prologue \"" + CellFormat.PROLOGUE + "\" = " + hex(CellFormat.prologue()));
    b.line("");
    b.field("initiator static private", initiatorStatic.privateKeyBytes());
    b.field("initiator static public", initiatorStatic.publicKey());
    b.field("responder static private", responderStatic.privateKeyBytes());
    b.field("responder static public", responderStatic.publicKey());
    b.field("initiator ephemeral private", initiatorEphemeral.privateKeyBytes());
    b.field("responder ephemeral private", responderEphemeral.privateKeyBytes());
    b.line("");
    b.field("message 1 frame, I -> R (u16 length 48, e, tag of empty payload)", frame1);
    b.field("message 2 frame, R -> I (u16 length 50, e, encrypted version 0001, tag)", frame2);
    b.field("message 3 frame, I -> R (u16 length 66, encrypted s + tag, encrypted version 0001, tag)", frame3);
    b.field("handshake hash h (both ends)", initiator.handshakeHash());
    b.line("");
    b.line("first record I -> R: a PADDING cell (circuit id 0, command 00, 4075 zero bytes)");
    b.line("sealed with the initiator's sending key, nonce 0, empty associated data:");
    b.field("record bytes 0..31", Arrays.copyOf(record, 32));
    b.field("record bytes 4080..4095 (tag)", Arrays.copyOfRange(record, 4080, 4096));
    b.field("SHA-256 of the 4096-byte record", sha256(record));
    return b.fenced();
  }

  private static byte[] body(byte[] frame) {
    int length = ((frame[0] & 0xff) << 8) | (frame[1] & 0xff);
    assertEquals(frame.length - 2, length);
    return Arrays.copyOfRange(frame, 2, frame.length);
  }

  // ---- circuit handshake: shroud-circuit-hybrid-v1 ---------------------------------------------

  private static String circuitHandshake(HopKeys[] out) throws Exception {
    Ed25519.KeyPair identity = Ed25519.fromPrivateKey(stream("shroud example: relay identity", 32));
    NodeId relayId = NodeId.ofIdentityKey(identity.publicKey());
    byte[] onionX25519 = stream("shroud example: relay onion x25519", 32);
    byte[] onionSeed = stream("shroud example: relay onion ml-kem seed", 64);
    OnionKeyPair onion = OnionKeyPair.fromPrivate(onionX25519, onionSeed, Instant.parse("2027-01-01T00:00:00Z"));
    OnionPublicKey onionPublic = onion.publicKey();
    String originLabel = "shroud example: origin";
    String relayLabel = "shroud example: relay";

    CircuitHandshakeClient client = CircuitHandshakeClient.start(relayId.toBytes(), onionPublic, new ExampleRandom(originLabel));
    CircuitHandshakeRelay relay = new CircuitHandshakeRelay(relayId.toBytes(), onion, null, CLOCK,
        new ExampleRandom(relayLabel), new ReplayCache(CLOCK, 16));
    byte[] create = client.createMessage();
    byte[] createPayload = HandshakeFraming.createCellPayload(create);
    CircuitHandshakeRelay.Response response = relay.respond(HandshakeFraming.parseCreateCellPayload(createPayload));
    byte[] created = response.created();
    byte[] createdPayload = HandshakeFraming.createdCellPayload(created);
    HopKeys originKeys = client.finish(HandshakeFraming.parseCreatedCellPayload(createdPayload));
    assertTrue(originKeys.sameMaterial(response.keys()));
    assertEquals(2368, create.length);
    assertEquals(1152, created.length);

    // The origin's ephemeral keys are the first draws from its stream, in this order: X25519,
    // then the ML-KEM-768 key pair. Rebuilding them shows which private keys the example used.
    ExampleRandom replay = new ExampleRandom(originLabel);
    X25519.KeyPair x = X25519.generate(replay);
    MlKem768.KeyPair ephemeralKem = MlKem768.generate(replay);
    byte[] id = slice(create, 0, 32);
    byte[] keyId = slice(create, 32, 64);
    byte[] bigX = slice(create, 64, 96);
    byte[] ekE = slice(create, 96, 1280);
    byte[] ctS = slice(create, 1280, 2368);
    byte[] bigY = slice(created, 0, 32);
    byte[] ctE = slice(created, 32, 1120);
    byte[] auth = slice(created, 1120, 1152);
    assertArrayEquals(x.publicKey(), bigX);
    assertArrayEquals(ephemeralKem.publicKey(), ekE);
    assertArrayEquals(relayId.toBytes(), id);
    assertArrayEquals(onionPublic.id(), keyId);
    assertArrayEquals(sha256(bytes("shroud-onion-key-id-v1"), onionPublic.x25519(), onionPublic.mlKem()), keyId);

    // The key schedule of the protocol text, computed here independently of the code's.
    byte[] sXy = x.agree(bigY);
    byte[] sXb = X25519.fromPrivateKey(onionX25519).agree(bigX);
    byte[] sKs = MlKem768.fromSeed(onionSeed).decapsulate(ctS);
    byte[] sKe = ephemeralKem.decapsulate(ctE);
    byte[] protoId = bytes("shroud-circuit-hybrid-v1");
    byte[] th = sha256(new byte[] {(byte) protoId.length}, protoId, id, onionPublic.x25519(),
        sha256(onionPublic.mlKem()), bigX, ekE, ctS, bigY, ctE);
    byte[] ikm = concat(sXy, sXb, sKs, sKe);
    byte[] expectedAuth = hkdf(ikm, th, bytes("shroud-circuit-hybrid-v1:auth"), 32);
    byte[] keys = hkdf(ikm, th, bytes("shroud-circuit-hybrid-v1:keys"), 160);
    assertArrayEquals(expectedAuth, auth, "AUTH as protocol.md derives it");
    assertTrue(HopKeys.fromBytes(keys).sameMaterial(originKeys), "KEYS as protocol.md derives them");

    out[0] = originKeys;
    out[1] = response.keys();

    Block b = new Block();
    b.line("relay (the hop being created)");
    b.field("identity private (Ed25519)", identity.privateKeyBytes());
    b.field("identity public", identity.publicKey());
    b.field("node id ID = SHA-256(identity public)", relayId.toBytes());
    b.field("onion X25519 private b", onionX25519);
    b.field("onion X25519 public B", onionPublic.x25519());
    b.field("onion ML-KEM-768 seed (d || z) of DK_s", onionSeed);
    b.big("onion ML-KEM-768 encapsulation key EK_s", onionPublic.mlKem());
    b.field("KEYID = SHA-256(\"shroud-onion-key-id-v1\" || B || EK_s)", keyId);
    b.line("origin (ephemeral keys, stream \"" + originLabel + "\")");
    b.field("x (X25519 private)", x.privateKeyBytes());
    b.field("ML-KEM-768 seed (d || z) of DK_e", ephemeralKem.seed());
    b.line("");
    b.line("CREATE (2368 bytes) = ID || KEYID || X || EK_e || CT_s");
    b.field("ID", id);
    b.field("KEYID", keyId);
    b.field("X", bigX);
    b.big("EK_e", ekE);
    b.big("CT_s", ctS);
    b.field("SHA-256 of CREATE", sha256(create));
    b.field("link CREATE cell payload bytes 0..3 (HTYPE 0001, HLEN 0x0940 = 2368)", slice(createPayload, 0, 4));
    b.field("SHA-256 of the 4075-byte link CREATE cell payload", sha256(createPayload));
    b.line("");
    b.line("CREATED (1152 bytes) = Y || CT_e || AUTH (relay randomness: stream \"" + relayLabel + "\")");
    b.field("Y", bigY);
    b.big("CT_e", ctE);
    b.field("AUTH", auth);
    b.field("SHA-256 of CREATED", sha256(created));
    b.field("link CREATED cell payload bytes 0..1 (HLEN 0x0480 = 1152)", slice(createdPayload, 0, 2));
    b.field("SHA-256 of the 4075-byte link CREATED cell payload", sha256(createdPayload));
    b.line("");
    b.line("key schedule");
    b.field("S_xy = X25519(x, Y)", sXy);
    b.field("S_xb = X25519(x, B)", sXb);
    b.field("S_ks = ML-KEM.Decaps(DK_s, CT_s)", sKs);
    b.field("S_ke = ML-KEM.Decaps(DK_e, CT_e)", sKe);
    b.field("TH", th);
    b.field("KEYS = Kf || Kb || Mf || Mb || IVf || IVb", keys);
    return b.fenced();
  }

  // ---- one relay cell each way on a one-hop circuit keyed by the handshake above ----------------

  private static String relayCell(HopKeys originKeys, HopKeys relayKeys) throws Exception {
    OnionLayers origin = new OnionLayers();
    byte[] kf = originKeys.forwardKey();
    byte[] ivf = originKeys.forwardIv();
    byte[] mf = originKeys.forwardMacKey();
    byte[] kb = originKeys.backwardKey();
    byte[] ivb = originKeys.backwardIv();
    origin.addHop(originKeys);
    RelayLayer relay = new RelayLayer(relayKeys);

    RelayCell begin = new RelayCell(RelayCommand.BEGIN, 1, bytes("echo"));
    byte[] forwardWire = origin.encrypt(0, begin);
    byte[] forwardPlain = ctr(kf, ivf, forwardWire);
    RelayLayer.Outcome outcome = relay.forward(forwardWire, false);
    assertEquals(begin, assertInstanceOf(RelayLayer.Recognized.class, outcome).cell());
    // the tag as the protocol defines it: GMAC under Mf, nonce 0^4 || u64(0), body with tag zeroed
    byte[] zeroedTag = forwardPlain.clone();
    Arrays.fill(zeroedTag, RelayCellFormat.TAG_OFFSET, RelayCellFormat.TAG_OFFSET + RelayCellFormat.TAG_BYTES, (byte) 0);
    assertArrayEquals(gmac(mf, 0, zeroedTag), slice(forwardPlain, 5, 21));
    assertEquals(begin, RelayCellFormat.decode(zeroedTag));

    RelayCell connected = new RelayCell(RelayCommand.CONNECTED, 1, new byte[0]);
    byte[] backwardWire = relay.originate(connected);
    byte[] backwardPlain = ctr(kb, ivb, backwardWire);
    OnionLayers.Inbound inbound = origin.decrypt(backwardWire);
    assertEquals(0, inbound.hop());
    assertEquals(connected, inbound.cell());

    Cell linkCell = Cell.adopt(1, io.shroud.wire.CellCommand.RELAY, forwardWire.clone());
    byte[] encodedCell = CellCodec.encode(linkCell);

    Block b = new Block();
    b.line("forward, origin -> hop 1: BEGIN, stream id 1, data \"echo\" (first cell of the forward keystream)");
    b.field("plaintext body bytes 0..26 (command 01, recognized 0000, stream 0001, tag, length 0004, \"echo\")",
        slice(forwardPlain, 0, 27));
    b.line("  (bytes 27..4074 are zero)");
    b.field("tag = GMAC(Mf, nonce 000000000000000000000000, body with tag zeroed)", slice(forwardPlain, 5, 21));
    b.field("body on the wire = plaintext XOR AES-256-CTR(Kf, IVf) bytes 0..31", slice(forwardWire, 0, 32));
    b.field("SHA-256 of the 4075-byte body on the wire", sha256(forwardWire));
    b.field("link cell header (circuit id 00000001, command 12 RELAY)", slice(encodedCell, 0, 5));
    b.line("");
    b.line("backward, hop 1 -> origin: CONNECTED, stream id 1, no data (first cell of the backward keystream)");
    b.field("plaintext body bytes 0..22", slice(backwardPlain, 0, 23));
    b.field("body on the wire bytes 0..31", slice(backwardWire, 0, 32));
    b.field("SHA-256 of the 4075-byte body on the wire", sha256(backwardWire));
    return b.fenced();
  }

  // ---- rendering ---------------------------------------------------------------------------------

  /** A fenced text block: labels on their own line, hex below in lines of 32 bytes. */
  static final class Block {
    private final StringBuilder text = new StringBuilder();

    void line(String s) {
      text.append(s).append('\n');
    }

    void field(String label, byte[] value) {
      line(label + " (" + value.length + " bytes)");
      for (int i = 0; i < value.length; i += LINE_BYTES) {
        line("  " + HEX.formatHex(value, i, Math.min(value.length, i + LINE_BYTES)));
      }
    }

    /** A long value: its first and last 32 bytes and the SHA-256 of all of it. */
    void big(String label, byte[] value) {
      line(label + " (" + value.length + " bytes: first 32, last 32, SHA-256 of all)");
      line("  " + HEX.formatHex(value, 0, LINE_BYTES));
      line("  " + HEX.formatHex(value, value.length - LINE_BYTES, value.length));
      line("  sha256 " + hex(sha256(value)));
    }

    String fenced() {
      return "```text\n" + text + "```\n";
    }
  }

  private static String shownExample(String doc, String name) {
    String open = "<!-- example:" + name + " -->\n";
    String close = "<!-- /example:" + name + " -->";
    int start = doc.indexOf(open);
    if (start < 0) {
      return null;
    }
    int end = doc.indexOf(close, start);
    if (end < 0 || doc.indexOf(open, start + 1) >= 0) {
      return null;
    }
    return doc.substring(start + open.length(), end);
  }

  private static String firstDifference(String shown, String expected) {
    String[] a = shown.split("\n", -1);
    String[] e = expected.split("\n", -1);
    for (int i = 0; i < Math.max(a.length, e.length); i++) {
      String x = i < a.length ? a[i] : "<none>";
      String y = i < e.length ? e[i] : "<none>";
      if (!x.equals(y)) {
        return " at line " + (i + 1) + " of the block:\n  doc:  " + x + "\n  code: " + y;
      }
    }
    return "";
  }

  // ---- primitives used to check the protocol text independently ---------------------------------

  private static byte[] ctr(byte[] key, byte[] iv, byte[] in) throws Exception {
    Cipher c = Cipher.getInstance("AES/CTR/NoPadding");
    c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(iv));
    return c.doFinal(in);
  }

  private static byte[] gmac(byte[] key, long counter, byte[] aad) throws Exception {
    byte[] nonce = new byte[12];
    for (int i = 0; i < 8; i++) {
      nonce[11 - i] = (byte) (counter >>> (8 * i));
    }
    Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
    c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
    c.updateAAD(aad);
    return c.doFinal();
  }

  private static byte[] hkdf(byte[] ikm, byte[] salt, byte[] info, int length) {
    HKDFBytesGenerator generator = new HKDFBytesGenerator(new SHA256Digest());
    generator.init(new HKDFParameters(ikm, salt, info));
    byte[] out = new byte[length];
    generator.generateBytes(out, 0, length);
    return out;
  }

  static byte[] stream(String label, int length) {
    byte[] out = new byte[length];
    new ExampleRandom(label).nextBytes(out);
    return out;
  }

  static byte[] sha256(byte[]... parts) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      for (byte[] part : parts) {
        digest.update(part);
      }
      return digest.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] concat(byte[]... parts) {
    int length = 0;
    for (byte[] p : parts) {
      length += p.length;
    }
    byte[] out = new byte[length];
    int at = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }

  private static byte[] slice(byte[] b, int from, int to) {
    return Arrays.copyOfRange(b, from, to);
  }

  static byte[] bytes(String ascii) {
    return ascii.getBytes(StandardCharsets.US_ASCII);
  }

  static String hex(byte[] b) {
    return HEX.formatHex(b);
  }

}
