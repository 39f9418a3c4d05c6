package io.shroud.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Replays the shared Noise test vectors ({@code ../shared/vectors/noise-25519-sha256.json}, or
 * the directory in system property {@code shroud.vectors.dir}): every handshake message's
 * ciphertext, the handshake hash, and the transport messages after Split, both directions.
 */
class NoiseVectorsTest {
  private static final String FILE = "noise-25519-sha256.json";
  private static final Pattern NAME =
      Pattern.compile("Noise_([A-Z]+)_25519_(ChaChaPoly|AESGCM)_SHA256");
  private static final HexFormat HEX = HexFormat.of();

  static Path vectorsFile() {
    String dir = System.getProperty("shroud.vectors.dir");
    Path base = dir != null ? Path.of(dir) : Path.of("..", "shared", "vectors");
    return base.resolve(FILE).toAbsolutePath().normalize();
  }

  private static JsonNode loadOrSkip() throws IOException {
    Path file = vectorsFile();
    if (!Files.isRegularFile(file)) {
      String msg = "SKIPPED: Noise test vectors not found at " + file
          + " (set -Dshroud.vectors.dir=... to point at them)";
      System.out.println(msg);
      Assumptions.abort(msg);
    }
    return new ObjectMapper().readTree(file.toFile());
  }

  @Test
  void fileHasXkVectorsForBothCiphers() throws IOException {
    Set<String> names = new TreeSet<>();
    for (JsonNode v : loadOrSkip().get("vectors")) {
      names.add(v.get("protocol_name").asText());
    }
    assertTrue(names.contains("Noise_XK_25519_ChaChaPoly_SHA256"), names.toString());
    assertTrue(names.contains("Noise_XK_25519_AESGCM_SHA256"), names.toString());
  }

  @TestFactory
  List<DynamicTest> everySupportedVector() throws IOException {
    List<DynamicTest> tests = new ArrayList<>();
    int index = 0;
    for (JsonNode v : loadOrSkip().get("vectors")) {
      String name = v.get("protocol_name").asText();
      Matcher m = NAME.matcher(name);
      if (!m.matches() || v.has("init_psks") || !isSupported(m.group(1))) {
        System.out.println("Noise vector not replayed (unsupported here): " + name);
        continue;
      }
      HandshakePattern pattern = HandshakePattern.valueOf(m.group(1));
      NoiseCipher cipher = NoiseCipher.fromNoiseName(m.group(2));
      tests.add(DynamicTest.dynamicTest("#" + index++ + " " + name,
          () -> replay(v, pattern, cipher)));
    }
    return tests;
  }

  private static boolean isSupported(String pattern) {
    for (HandshakePattern p : HandshakePattern.values()) {
      if (p.name().equals(pattern)) {
        return true;
      }
    }
    return false;
  }

  private static void replay(JsonNode v, HandshakePattern pattern, NoiseCipher cipher)
      throws NoiseException {
    NoiseHandshake init = NoiseHandshake.create(pattern, cipher, true,
        key(v, "init_static"), bytes(v, "init_remote_static"), bytes(v, "init_prologue"),
        fixed(key(v, "init_ephemeral")));
    NoiseHandshake resp = NoiseHandshake.create(pattern, cipher, false,
        key(v, "resp_static"), bytes(v, "resp_remote_static"), bytes(v, "resp_prologue"),
        fixed(key(v, "resp_ephemeral")));
    JsonNode messages = v.get("messages");
    int i = 0;
    NoiseTransport initT = null;
    NoiseTransport respT = null;
    for (; i < messages.size(); i++) {
      boolean fromInitiator = i % 2 == 0;
      NoiseHandshake writer = fromInitiator ? init : resp;
      NoiseHandshake reader = fromInitiator ? resp : init;
      byte[] payload = bytes(messages.get(i), "payload");
      byte[] expected = bytes(messages.get(i), "ciphertext");
      if (!init.isComplete()) {
        byte[] wire = writer.writeMessage(payload);
        assertEquals(HEX.formatHex(expected), HEX.formatHex(wire), "handshake message " + i);
        assertArrayEquals(payload, reader.readMessage(wire), "payload of message " + i);
        if (init.isComplete()) {
          assertTrue(resp.isComplete());
          assertEquals(v.get("handshake_hash").asText(), HEX.formatHex(init.handshakeHash()));
          assertArrayEquals(init.handshakeHash(), resp.handshakeHash());
          initT = init.split();
          respT = resp.split();
          assertArrayEquals(key(v, "resp_static").publicKey(), initT.remoteStaticPublicKey());
          assertArrayEquals(key(v, "init_static").publicKey(), respT.remoteStaticPublicKey());
        }
      } else {
        NoiseTransport w = fromInitiator ? initT : respT;
        NoiseTransport r = fromInitiator ? respT : initT;
        byte[] wire = w.send().encryptWithAd(new byte[0], payload);
        assertEquals(HEX.formatHex(expected), HEX.formatHex(wire), "transport message " + i);
        assertArrayEquals(payload, r.receive().decryptWithAd(new byte[0], wire));
      }
    }
    assertTrue(init.isComplete(), "vector ended before the handshake completed");
  }

  private static java.util.function.Supplier<X25519.KeyPair> fixed(X25519.KeyPair pair) {
    return () -> pair;
  }

  private static X25519.KeyPair key(JsonNode v, String field) {
    byte[] b = bytes(v, field);
    return b == null ? null : X25519.fromPrivateKey(b);
  }

  private static byte[] bytes(JsonNode v, String field) {
    JsonNode n = v.get(field);
    return n == null || n.isNull() ? null : HEX.parseHex(n.asText());
  }
}
