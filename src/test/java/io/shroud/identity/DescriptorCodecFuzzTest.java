package io.shroud.identity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.shroud.crypto.Ed25519;
import io.shroud.crypto.OnionKeyPair;
import io.shroud.crypto.X25519;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Fuzzes what a cluster member publishes about itself: {@link DescriptorCodec#decode} may only
 * throw {@link DescriptorCodec.MalformedDescriptorException}, an accepted descriptor re-encodes to
 * exactly its bytes, and {@link DescriptorVerifier#verify} never throws, only answers. Since the
 * fuzzer cannot forge signatures, an accepted descriptor is also re-signed with a key this test
 * holds, so the verifier's window, skew and member checks see the fuzzed field values. Seeds:
 * {@code src/test/resources/io/shroud/identity/DescriptorCodecFuzzTestInputs/decodeAndVerify/},
 * written by {@link #writeSeeds} from the real encoder.
 */
class DescriptorCodecFuzzTest {
  static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");
  static final String MEMBER = "127.1.0.1:25520";
  private static final Ed25519.KeyPair SIGNER = Ed25519.fromPrivateKey(filled(32, 7));
  private static final NodeId SIGNER_ID = NodeId.ofIdentityKey(SIGNER.publicKey());
  private static final DescriptorVerifier VERIFIER =
      new DescriptorVerifier(Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofMinutes(5));
  private static final Path SEEDS =
      Path.of("src/test/resources/io/shroud/identity/DescriptorCodecFuzzTestInputs/decodeAndVerify");

  @FuzzTest(maxDuration = "2s")
  void decodeAndVerify(byte[] input) {
    DescriptorVerifier.Result published = VERIFIER.verify(new SignedDescriptor(input, filled(64, 1)), MEMBER);
    NodeDescriptor d;
    try {
      d = DescriptorCodec.decode(input);
    } catch (DescriptorCodec.MalformedDescriptorException expected) {
      assertInstanceOf(DescriptorVerifier.Rejected.class, published);
      return;
    }
    assertArrayEquals(input, DescriptorCodec.encode(d), "decoding is not canonical");
    assertNotNull(d.onionPublicKey());
    assertNotNull(d.toString());
    NodeDescriptor mine = new NodeDescriptor(d.protocolVersion(), SIGNER_ID, SIGNER.publicKey(), d.linkKey(),
        d.onionKey(), d.clusterAddress(), d.dataAddress(), d.validFrom(), d.validUntil(),
        d.bandwidth());
    SignedDescriptor signed = SignedDescriptor.sign(mine, SIGNER);
    DescriptorVerifier.Result result = VERIFIER.verify(signed, d.clusterAddress());
    if (result instanceof DescriptorVerifier.Verified v) {
      assertEquals(mine, v.descriptor());
    }
    DescriptorVerifier.Result elsewhere = VERIFIER.verify(signed, d.clusterAddress() + "0");
    assertInstanceOf(DescriptorVerifier.Rejected.class, elsewhere);
  }

  /** The valid seeds are what they claim: they decode and, re-signed, verify. */
  @Test
  void theValidSeedsDecodeAndVerify() throws Exception {
    List<Path> valid;
    try (Stream<Path> files = Files.list(SEEDS)) {
      valid = files.filter(p -> p.getFileName().toString().startsWith("valid-")).toList();
    }
    assertEquals(4, valid.size(), valid.toString());
    for (Path p : valid) {
      NodeDescriptor d = DescriptorCodec.decode(Files.readAllBytes(p));
      NodeDescriptor mine = new NodeDescriptor(d.protocolVersion(), SIGNER_ID, SIGNER.publicKey(), d.linkKey(),
          d.onionKey(), d.clusterAddress(), d.dataAddress(), d.validFrom(), d.validUntil(),
          d.bandwidth());
      assertInstanceOf(DescriptorVerifier.Verified.class,
          VERIFIER.verify(SignedDescriptor.sign(mine, SIGNER), d.clusterAddress()), p.toString());
    }
  }

  /** Writes the seed corpus from the real encoder: {@code -Dshroud.fuzz.writeSeeds=true}. */
  @Test
  @EnabledIfSystemProperty(named = "shroud.fuzz.writeSeeds", matches = "true")
  void writeSeeds() throws IOException {
    Files.createDirectories(SEEDS);
    byte[] link = X25519.fromPrivateKey(filled(32, 3)).publicKey();
    byte[] onion = OnionKeyPair.fromPrivate(filled(32, 4), filled(64, 5), NOW.plusSeconds(86400))
        .publicKey().encode();
    NodeDescriptor v4 = new NodeDescriptor(NodeDescriptor.PROTOCOL_VERSION, SIGNER_ID, SIGNER.publicKey(), link,
        onion, MEMBER, "127.1.0.1:7400", NOW.minusSeconds(60), NOW.plusSeconds(3600));
    NodeDescriptor v6 = new NodeDescriptor(NodeDescriptor.PROTOCOL_VERSION, SIGNER_ID, SIGNER.publicKey(), link,
        onion, "[::1]:25520", "[fe80::1]:7400", NOW.minusSeconds(86400), NOW.plusSeconds(86400), 0);
    NodeDescriptor fast = new NodeDescriptor(NodeDescriptor.PROTOCOL_VERSION, SIGNER_ID, SIGNER.publicKey(), link,
        onion, "relay.example:25520", "", NOW.minusSeconds(1), NOW.plusSeconds(1), 0xffffffffL * 1024);
    NodeDescriptor unicode = new NodeDescriptor(1, SIGNER_ID, SIGNER.publicKey(), link, onion,
        "n\u00f8de-\u2603.example:1", "x".repeat(DescriptorCodec.MAX_ADDRESS_BYTES),
        NOW.minusSeconds(300), NOW.plusSeconds(300));
    write("valid-ipv4", DescriptorCodec.encode(v4));
    write("valid-ipv6", DescriptorCodec.encode(v6));
    write("valid-max-bandwidth", DescriptorCodec.encode(fast));
    write("valid-unicode-long-address", DescriptorCodec.encode(unicode));
    byte[] enc = DescriptorCodec.encode(v4);
    write("truncated", Arrays.copyOf(enc, enc.length - 3));
    write("empty-window", withWindow(enc, NOW.plusSeconds(3600).getEpochSecond(), NOW.plusSeconds(3600).getEpochSecond()));
    // the two findings of the first fuzz run (valid-until past 9999-12-31, past Instant.MAX), in this format
    write("regression-until-after-9999", withWindow(enc, 0x6b169f84L, 0x3afff44180L));
    write("regression-until-past-instant-max", withWindow(enc, 0x6b169fbfL, 0x010000006b169fc1L));
    // "retired-format-1" is a real format-1 descriptor (with a management address), kept as it was written
  }

  /** {@code encoded} with valid-from and valid-until replaced (they sit before the u32 bandwidth). */
  private static byte[] withWindow(byte[] encoded, long from, long until) {
    byte[] out = encoded.clone();
    java.nio.ByteBuffer.wrap(out).putLong(out.length - 20, from).putLong(out.length - 12, until);
    return out;
  }

  private static void write(String name, byte[] bytes) throws IOException {
    Files.write(SEEDS.resolve(name), bytes);
  }

  private static byte[] filled(int n, int value) {
    byte[] b = new byte[n];
    Arrays.fill(b, (byte) value);
    return b;
  }
}
