package io.shroud.admission;

import static io.shroud.admission.RevocationListTest.filled;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.shroud.crypto.Ed25519;
import io.shroud.identity.NodeId;
import io.shroud.testutil.SeededRandom;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Fuzzes the revocation list a node fetches from anywhere: {@link RevocationList#decode} and
 * {@link RevocationList#dearmor} may only throw {@link AdmissionException}; an accepted list
 * re-encodes to exactly its bytes and survives its armor; {@link RevocationList#verify} only
 * answers. Since the fuzzer cannot forge signatures, the decoded body is re-signed by two of this
 * test's three authorities and must then verify. Seeds:
 * {@code src/test/resources/io/shroud/admission/RevocationListFuzzTestInputs/decodeAndVerify/},
 * written by {@link #writeSeeds} from the real encoder.
 */
class RevocationListFuzzTest {
  static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");
  private static final List<Ed25519.KeyPair> KEYS =
      List.of(Ed25519.fromPrivateKey(filled(32, 1)), Ed25519.fromPrivateKey(filled(32, 2)),
          Ed25519.fromPrivateKey(filled(32, 3)));
  private static final NetworkDefinition NET = network();
  private static final Path SEEDS =
      Path.of("src/test/resources/io/shroud/admission/RevocationListFuzzTestInputs/decodeAndVerify");

  @FuzzTest(maxDuration = "2s")
  void decodeAndVerify(byte[] input) throws AdmissionException {
    try {
      RevocationList.dearmor(new String(input, StandardCharsets.ISO_8859_1));
    } catch (AdmissionException expected) {
      // only this may escape
    }
    RevocationList r;
    try {
      r = RevocationList.decode(input);
    } catch (AdmissionException expected) {
      return;
    }
    assertArrayEquals(input, r.encode(), "decoding is not canonical");
    assertEquals(r, RevocationList.dearmor(r.armor()));
    try {
      r.verify(NET);
    } catch (AdmissionException expected) {
      // a fuzzed list rarely carries real signatures
    }
    RevocationList mine = RevocationList.unsigned(NET.id(), r.serial(), r.issuedAt(), r.revoked())
        .sign(KEYS.get(0)).sign(KEYS.get(2));
    assertEquals(2, mine.verify(NET));
  }

  /** The valid seeds are what they claim: they decode and verify. */
  @Test
  void theValidSeedsDecodeAndVerify() throws Exception {
    List<Path> valid;
    try (Stream<Path> files = Files.list(SEEDS)) {
      valid = files.filter(p -> p.getFileName().toString().startsWith("valid-")).toList();
    }
    assertEquals(3, valid.size(), valid.toString());
    for (Path p : valid) {
      RevocationList.decode(Files.readAllBytes(p)).verify(NET);
    }
  }

  /** Writes the seed corpus from the real encoder: {@code -Dshroud.fuzz.writeSeeds=true}. */
  @Test
  @EnabledIfSystemProperty(named = "shroud.fuzz.writeSeeds", matches = "true")
  void writeSeeds() throws IOException {
    Files.createDirectories(SEEDS);
    List<NodeId> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      ids.add(NodeId.of(ByteBuffer.allocate(32).putInt(i * 0x01020304).array()));
    }
    RevocationList empty = RevocationList.unsigned(NET.id(), 0, NOW, List.of()).sign(KEYS.get(0)).sign(KEYS.get(1));
    RevocationList five = RevocationList.unsigned(NET.id(), 7, NOW, ids).sign(KEYS.get(1)).sign(KEYS.get(2));
    RevocationList all = RevocationList.unsigned(NET.id(), Long.MAX_VALUE, Instant.ofEpochSecond(0), ids.subList(0, 1));
    for (Ed25519.KeyPair k : KEYS) {
      all = all.sign(k);
    }
    write("valid-empty", empty.encode());
    write("valid-five", five.encode());
    write("valid-three-signatures", all.encode());
    byte[] enc = five.encode();
    write("truncated", Arrays.copyOf(enc, enc.length - 3));
    byte[] lying = enc.clone();
    ByteBuffer.wrap(lying).putInt(RevocationCodec.HEADER_BYTES - 4, 0x7fffffff);
    write("lying-count", lying);
    write("armored", five.armor().getBytes(StandardCharsets.US_ASCII));
  }

  private static NetworkDefinition network() {
    TrustRootKey root = TrustRootKey.generate("fuzznet", NOW, TrustRootKey.DEFAULT_VALIDITY, SeededRandom.of(1));
    List<NetworkDefinition.Authority> list = new ArrayList<>();
    for (int i = 0; i < KEYS.size(); i++) {
      list.add(new NetworkDefinition.Authority("authority-" + (i + 1), KEYS.get(i).publicKey()));
    }
    return NetworkDefinition.of("fuzznet", root.certificate(), list, 2, Duration.ofMinutes(1));
  }

  private static void write(String name, byte[] bytes) throws IOException {
    Files.write(SEEDS.resolve(name), bytes);
  }
}
