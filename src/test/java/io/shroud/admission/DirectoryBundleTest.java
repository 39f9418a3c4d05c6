package io.shroud.admission;

import static io.shroud.admission.ConsensusFixtures.AUTHORITIES;
import static io.shroud.admission.ConsensusFixtures.FRESH_UNTIL;
import static io.shroud.admission.ConsensusFixtures.VALID_AFTER;
import static io.shroud.admission.ConsensusFixtures.VALID_UNTIL;
import static io.shroud.admission.RelayFixtures.NOW;
import static io.shroud.admission.RelayFixtures.SKEW;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.crypto.Ed25519;
import io.shroud.identity.NodeDescriptor;
import io.shroud.identity.SignedDescriptor;
import io.shroud.testutil.MutableClock;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class DirectoryBundleTest {
  private static final RelayFixtures.Net NET = RelayFixtures.network("bundlenet", 4);
  private static final List<RelayFixtures.Relay> RELAYS = sorted(List.of(RelayFixtures.relay(NET, 1),
      RelayFixtures.relay(NET, 2), RelayFixtures.relay(NET, 3)));
  private static final Consensus CONSENSUS = consensus(2);

  @Test
  void aBundleOfListedRelaysRoundTripsAndVerifies() throws Exception {
    DirectoryBundle bundle = new DirectoryBundle(CONSENSUS, descriptors(RELAYS));
    byte[] e = bundle.encode();
    DirectoryBundle back = DirectoryBundle.decode(e);
    assertArrayEquals(e, back.encode());
    DirectoryBundle.Verified v = back.verify(NET.definition(), new MutableClock(NOW), SKEW);
    assertEquals(CONSENSUS, v.consensus());
    assertEquals(3, v.descriptors().size());
    assertEquals(0, v.skipped());
    assertEquals(RELAYS.get(0).nodeId(), v.descriptors().get(0).nodeId());
    assertTrue(DirectoryBundle.MAX_BYTES < 32 * 1024 * 1024, "a bundle must fit the wire's bound");
  }

  @Test
  void theConsensusMustBeAcceptedFirst() throws Exception {
    DirectoryBundle oneOfThree = new DirectoryBundle(consensus(1), descriptors(RELAYS));
    assertTrue(refused(oneOfThree).contains("1 of"), refused(oneOfThree));
    DirectoryBundle expired = new DirectoryBundle(CONSENSUS, List.of());
    assertThrows(AdmissionException.class, () -> expired.verify(NET.definition(),
        new MutableClock(VALID_UNTIL.plus(Duration.ofMinutes(6))), SKEW));
  }

  @Test
  void descriptorsMustBeListedOrderedAndGenuine() throws Exception {
    RelayFixtures.Relay unlisted = RelayFixtures.relay(NET, 4);
    List<SignedDescriptor> withStranger = new ArrayList<>(descriptors(RELAYS.subList(0, 1)));
    withStranger.add(unlisted.descriptor());
    withStranger.sort(Comparator.comparing(d -> decode(d).nodeId()));
    assertTrue(refused(new DirectoryBundle(CONSENSUS, withStranger)).endsWith(", which the consensus does not list"));

    List<SignedDescriptor> reversed = new ArrayList<>(descriptors(RELAYS));
    java.util.Collections.reverse(reversed);
    assertEquals("descriptor 1 is out of node id order or repeated", refused(new DirectoryBundle(CONSENSUS, reversed)));
    SignedDescriptor first = RELAYS.get(0).descriptor();
    assertEquals("descriptor 1 is out of node id order or repeated",
        refused(new DirectoryBundle(CONSENSUS, List.of(first, first))));

    byte[] sig = first.signature();
    sig[0] ^= 1;
    assertTrue(refused(new DirectoryBundle(CONSENSUS, List.of(new SignedDescriptor(first.encoded(), sig))))
        .startsWith("descriptor 0 refused: signature does not verify"));
  }

  @Test
  void aDescriptorOutOfItsTimeIsSkippedNotFatal() throws Exception {
    RelayFixtures.Relay r = RELAYS.get(1);
    SignedDescriptor old = RelayFixtures.descriptor(r.identity(), r.linkKey().publicKey(), 2,
        NOW.minus(Duration.ofHours(5)), NOW.minus(Duration.ofHours(2)));
    List<SignedDescriptor> list = new ArrayList<>(descriptors(RELAYS));
    list.set(1, old);
    DirectoryBundle.Verified v = new DirectoryBundle(CONSENSUS, list).verify(NET.definition(), new MutableClock(NOW), SKEW);
    assertEquals(2, v.descriptors().size());
    assertEquals(1, v.skipped());
  }

  @Test
  void decodingIsStrict() throws Exception {
    byte[] e = new DirectoryBundle(CONSENSUS, descriptors(RELAYS)).encode();
    assertEquals("directory bundle has 1 trailing bytes", refusedDecode(Arrays.copyOf(e, e.length + 1)));
    assertTrue(refusedDecode(Arrays.copyOf(e, e.length - 1)).startsWith("directory bundle descriptor 2 length"));
    byte[] magic = e.clone();
    magic[0] = 'X';
    assertEquals("directory bundle has the wrong magic", refusedDecode(magic));
    byte[] version = e.clone();
    version[4] = 2;
    assertEquals("directory bundle version 2 is unsupported", refusedDecode(version));
    byte[] longConsensus = e.clone();
    ByteBuffer.wrap(longConsensus).putInt(5, e.length);
    assertEquals("directory bundle consensus length " + e.length + " does not fit", refusedDecode(longConsensus));
    int countAt = 9 + CONSENSUS.encode().length;
    byte[] lyingCount = e.clone();
    ByteBuffer.wrap(lyingCount).putShort(countAt, (short) 16384);
    assertTrue(refusedDecode(lyingCount).startsWith("directory bundle is truncated: 16384 descriptors in"));
    byte[] tooMany = e.clone();
    ByteBuffer.wrap(tooMany).putShort(countAt, (short) 16385);
    assertEquals("directory bundle has 16385 descriptors, more than 16384", refusedDecode(tooMany));
    assertEquals("directory bundle is not 9..32610381 bytes", refusedDecode(new byte[3]));
  }

  /** docs/protocol.md §4.10.6: §10.9's consensus in a bundle without descriptors. */
  @Test
  void workedExampleOfTheProtocolDocument() throws Exception {
    Ed25519.KeyPair authority = Ed25519.fromPrivateKey(RevocationListTest.filled(32, 0x11));
    Consensus example = Consensus.unsigned(RevocationListTest.filled(32, 0xab), VALID_AFTER, FRESH_UNTIL,
        VALID_UNTIL, List.of(ConsensusFixtures.relay(2, "10.1.2.3", 9001, 5000, RelayFlag.GUARD, RelayFlag.FAST,
            RelayFlag.STABLE))).sign(authority);
    byte[] e = new DirectoryBundle(example, List.of()).encode();
    HexFormat hex = HexFormat.of();
    String row = "%-20s%s%n";
    StringBuilder b = new StringBuilder("```text\n");
    b.append("the consensus of §10.9 (237 bytes), no descriptors\n\n");
    b.append(String.format(row, "magic \"SHDB\"", hex.formatHex(e, 0, 4)));
    b.append(String.format(row, "version", hex.formatHex(e, 4, 5)));
    b.append(String.format(row, "consensus length", hex.formatHex(e, 5, 9) + "  (237)"));
    for (int off = 9; off < 9 + 237; off += 32) {
      b.append(String.format(row, off == 9 ? "consensus" : "", hex.formatHex(e, off, Math.min(off + 32, 9 + 237))));
    }
    b.append(String.format(row, "descriptor count", hex.formatHex(e, 246, 248) + "  (0)"));
    b.append("\n(").append(e.length).append(" bytes; with descriptors, each follows the count as\n");
    b.append(" length (u16) || descriptor encoding || 64-byte signature, ascending by node id)\n");
    b.append("```\n");
    assertEquals(248, e.length);
    assertArrayEquals(example.encode(), Arrays.copyOfRange(e, 9, 246));
    String doc = Files.readString(Path.of("docs/protocol.md"));
    String begin = "<!-- admission-example:directory-bundle -->\n";
    String end = "<!-- /admission-example:directory-bundle -->";
    int from = doc.indexOf(begin);
    int to = doc.indexOf(end);
    String shown = from < 0 || to < from ? "(missing)" : doc.substring(from + begin.length(), to);
    if (!shown.equals(b.toString())) {
      Files.createDirectories(Path.of("target"));
      Files.writeString(Path.of("target/directory-bundle-example.md"), begin + b + end + "\n");
    }
    assertEquals(b.toString(), shown, "docs/protocol.md shows other bytes; see target/directory-bundle-example.md");
  }

  private static Consensus consensus(int signatures) {
    List<Consensus.Relay> relays = new ArrayList<>();
    for (int n = 1; n <= 3; n++) {
      relays.add(ConsensusFixtures.relay(n, "10.0.0." + n, 7400, 1000L * n, RelayFlag.GUARD));
    }
    relays.sort(Comparator.comparing(Consensus.Relay::id));
    Consensus c = Consensus.unsigned(NET.definition().id(), VALID_AFTER, FRESH_UNTIL, VALID_UNTIL, relays);
    for (int i = 0; i < signatures; i++) {
      c = c.sign(AUTHORITIES.get(i));
    }
    return c;
  }

  private static List<SignedDescriptor> descriptors(List<RelayFixtures.Relay> relays) {
    return relays.stream().map(RelayFixtures.Relay::descriptor).toList();
  }

  private static List<RelayFixtures.Relay> sorted(List<RelayFixtures.Relay> relays) {
    return relays.stream().sorted(Comparator.comparing(RelayFixtures.Relay::nodeId)).toList();
  }

  private static NodeDescriptor decode(SignedDescriptor d) {
    try {
      return io.shroud.identity.DescriptorCodec.decode(d.encoded());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String refused(DirectoryBundle bundle) {
    return assertThrows(AdmissionException.class, () -> bundle.verify(NET.definition(), new MutableClock(NOW), SKEW))
        .getMessage();
  }

  private static String refusedDecode(byte[] bytes) {
    return assertThrows(AdmissionException.class, () -> DirectoryBundle.decode(bytes)).getMessage();
  }
}
