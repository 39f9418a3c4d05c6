package io.shroud.admission;

import static io.shroud.admission.ConsensusFixtures.AUTHORITIES;
import static io.shroud.admission.ConsensusFixtures.FRESH_UNTIL;
import static io.shroud.admission.ConsensusFixtures.VALID_AFTER;
import static io.shroud.admission.ConsensusFixtures.VALID_UNTIL;
import static io.shroud.admission.ConsensusFixtures.network;
import static io.shroud.admission.ConsensusFixtures.relay;
import static io.shroud.admission.Refusals.refused;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.crypto.Ed25519;
import io.shroud.identity.NodeId;
import io.shroud.testutil.MutableClock;
import io.shroud.testutil.SeededRandom;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ConsensusTest {
  private final NetworkDefinition net = network("devnet", AUTHORITIES, 21);
  private final MutableClock clock = new MutableClock(VALID_AFTER.plus(Duration.ofMinutes(10)));
  private final Consensus.Relay a = relay(1, "10.1.0.1", 9001, 5000, RelayFlag.GUARD, RelayFlag.FAST, RelayFlag.STABLE);
  private final Consensus.Relay b = relay(2, "10.2.0.1", 9002, 300, RelayFlag.FAST);
  private final Consensus.Relay c = relay(3, "10.3.0.1", 443, 1);
  private final Consensus consensus = Consensus.unsigned(net.id(), VALID_AFTER, FRESH_UNTIL, VALID_UNTIL,
      List.of(c, a, b));

  @Test
  void twoOfThreeAuthoritiesAreAMajority() throws Exception {
    Consensus signed = consensus.sign(AUTHORITIES.get(0)).sign(AUTHORITIES.get(2));
    assertEquals(2, signed.verify(net, clock));
    assertEquals(3, signed.sign(AUTHORITIES.get(1)).verify(net, clock));
    List<NodeId> ids = signed.relays().stream().map(Consensus.Relay::id).toList();
    assertEquals(ids.stream().sorted().toList(), ids, "relays are sorted by node id");
    assertEquals(Set.of(a, b, c), Set.copyOf(signed.relays()));
    assertEquals(b, signed.relay(b.id()).orElseThrow());
  }

  @Test
  void oneOfThreeIsRefused() {
    refused(() -> consensus.sign(AUTHORITIES.get(1)).verify(net, clock),
        "signed by 1 of 3 authorities of devnet, 2 needed");
    refused(() -> consensus.verify(net, clock), "signed by 0 of 3");
  }

  @Test
  void theMajorityIsOfTheAuthoritiesNotTheRevocationThreshold() throws Exception {
    List<Ed25519.KeyPair> five = new ArrayList<>(AUTHORITIES);
    five.add(Ed25519.fromPrivateKey(RevocationListTest.filled(32, 4)));
    five.add(Ed25519.fromPrivateKey(RevocationListTest.filled(32, 5)));
    NetworkDefinition fiveNet = network("five", five, 22); // revocation threshold 1
    Consensus forFive = Consensus.unsigned(fiveNet.id(), VALID_AFTER, FRESH_UNTIL, VALID_UNTIL, List.of(a));
    refused(() -> forFive.sign(five.get(0)).sign(five.get(4)).verify(fiveNet, clock), "2 of 5 authorities of five, 3 needed");
    assertEquals(3, forFive.sign(five.get(0)).sign(five.get(4)).sign(five.get(2)).verify(fiveNet, clock));
  }

  @Test
  void theSameAuthorityTwiceCountsOnce() throws Exception {
    Consensus once = consensus.sign(AUTHORITIES.get(0));
    assertEquals(1, once.sign(AUTHORITIES.get(0)).signatures().size(), "sign replaces");
    AuthoritySignature s = once.signatures().get(0);
    Consensus twice = Consensus.decode(ConsensusCodec.encode(once.body(), List.of(s, s)));
    assertEquals(2, twice.signatures().size());
    refused(() -> twice.verify(net, clock), "signed by 1 of 3");
  }

  @Test
  void signaturesOfStrangersAreIgnored() throws Exception {
    Ed25519.KeyPair stranger = Ed25519.generate(SeededRandom.of(23));
    refused(() -> consensus.sign(AUTHORITIES.get(0)).sign(stranger).verify(net, clock), "signed by 1 of 3");
    assertEquals(2, consensus.sign(stranger).sign(AUTHORITIES.get(0)).sign(AUTHORITIES.get(1)).verify(net, clock));
  }

  @Test
  void validOnlyInsideItsWindowWithSkew() throws Exception {
    Consensus signed = consensus.sign(AUTHORITIES.get(0)).sign(AUTHORITIES.get(1));
    MutableClock early = new MutableClock(VALID_AFTER.minus(Consensus.DEFAULT_SKEW));
    assertEquals(2, signed.verify(net, early), "a clock 5 minutes fast is tolerated");
    early.advance(Duration.ofSeconds(-1));
    refused(() -> signed.verify(net, early), "consensus is not valid yet: valid after 2026-12-07T12:00:00Z");
    MutableClock late = new MutableClock(VALID_UNTIL.plus(Consensus.DEFAULT_SKEW));
    assertEquals(2, signed.verify(net, late));
    late.advance(Duration.ofSeconds(1));
    refused(() -> signed.verify(net, late), "consensus expired: valid until 2026-12-07T15:00:00Z");
    MutableClock stale = new MutableClock(FRESH_UNTIL.plus(Duration.ofMinutes(30)));
    assertEquals(2, signed.verify(net, stale), "past fresh-until but valid: still accepted");
    refused(() -> signed.verify(net, new MutableClock(VALID_UNTIL.plusSeconds(1)), Duration.ZERO), "expired");
  }

  @Test
  void anyAlteredByteIsRefused() throws Exception {
    Consensus signed = consensus.sign(AUTHORITIES.get(0)).sign(AUTHORITIES.get(1));
    byte[] good = signed.encode();
    int bodyLength = signed.body().length;
    int decoded = 0;
    for (int i = 0; i < good.length; i++) {
      byte[] bad = good.clone();
      bad[i] ^= 0x01;
      Consensus altered;
      try {
        altered = Consensus.decode(bad);
      } catch (AdmissionException e) {
        continue; // the decoder refused it already
      }
      decoded++;
      try {
        int n = altered.verify(net, clock);
        // a flipped signature byte leaves the other authority's: one of two remains
        throw new AssertionError("byte " + i + " altered and still " + n + " signatures verify");
      } catch (AdmissionException expected) {
        assertTrue(i >= bodyLength || expected.getMessage().contains("signed by 0 of 3")
            || expected.getMessage().contains("network") || expected.getMessage().contains("valid"),
            "byte " + i + ": " + expected.getMessage());
      }
    }
    assertTrue(decoded > good.length / 2, "most single-bit changes decode and must be refused by the signatures");
    ByteBuffer.wrap(good).putInt(ConsensusCodec.HEADER_BYTES + 32 + 32 + 4 + 2 + 1, 4999); // a's weight
    assertNotEquals(signed, Consensus.decode(good));
    refused(() -> Consensus.decode(good).verify(net, clock), "signed by 0 of 3");
  }

  @Test
  void aConsensusOfAnotherNetworkIsRefused() {
    NetworkDefinition other = network("devnet", AUTHORITIES, 24); // same authorities, another trust root
    Consensus signed = consensus.sign(AUTHORITIES.get(0)).sign(AUTHORITIES.get(1)).sign(AUTHORITIES.get(2));
    refused(() -> signed.verify(other, clock), "consensus is for network " + net.idHex() + ", not devnet");
  }

  @Test
  void encodingAndArmorRoundTrip() throws Exception {
    Consensus signed = consensus.sign(AUTHORITIES.get(0)).sign(AUTHORITIES.get(1));
    assertEquals(signed, Consensus.decode(signed.encode()));
    assertArrayEquals(signed.encode(), Consensus.decode(signed.encode()).encode());
    String armor = signed.armor();
    assertTrue(armor.contains("\n-----BEGIN SHROUD CONSENSUS-----\n"), armor);
    assertEquals(signed, Consensus.dearmor(armor));
    assertEquals(signed, Consensus.dearmor(armor.replace("\n", "\r\n")));
    assertEquals(2, Consensus.dearmor(armor).verify(net, clock));
    assertEquals(ConsensusCodec.HEADER_BYTES + 3 * ConsensusCodec.RELAY_BYTES + 1 + 2 * 96, signed.encode().length);
    assertEquals(Set.of(RelayFlag.GUARD, RelayFlag.FAST, RelayFlag.STABLE),
        Consensus.decode(signed.encode()).relay(a.id()).orElseThrow().flags());
  }

  @Test
  void boundsAreEnforcedWhenBuilding() {
    assertThrows(IllegalArgumentException.class,
        () -> Consensus.unsigned(new byte[31], VALID_AFTER, FRESH_UNTIL, VALID_UNTIL, List.of()));
    assertThrows(IllegalArgumentException.class,
        () -> Consensus.unsigned(net.id(), FRESH_UNTIL, FRESH_UNTIL, VALID_UNTIL, List.of()));
    assertThrows(IllegalArgumentException.class,
        () -> Consensus.unsigned(net.id(), VALID_AFTER, VALID_UNTIL.plusSeconds(1), VALID_UNTIL, List.of()));
    assertThrows(IllegalArgumentException.class, () -> Consensus.unsigned(net.id(), VALID_AFTER, FRESH_UNTIL,
        VALID_AFTER.plus(Consensus.MAX_VALIDITY).plusSeconds(1), List.of()));
    assertThrows(IllegalArgumentException.class,
        () -> Consensus.unsigned(net.id(), VALID_AFTER, FRESH_UNTIL, VALID_UNTIL, List.of(a, a)));
    assertThrows(IllegalArgumentException.class, () -> relay(1, "10.1.0.1", 0, 5));
    assertThrows(IllegalArgumentException.class, () -> relay(1, "10.1.0.1", 1, 0));
    assertThrows(IllegalArgumentException.class, () -> relay(1, "10.1.0.1", 1, Consensus.MAX_WEIGHT + 1));
    assertThrows(IllegalArgumentException.class, () -> new Consensus.Relay(a.id(), ConsensusFixtures.identityKey(2),
        a.address(), 1, Set.of(), 1));
  }

  /**
   * The worked example of docs/protocol.md §10.9: fixed keys, fixed bytes, and the document shows
   * exactly them (on a difference the expected block is written to {@code target/consensus-example.md}).
   */
  @Test
  void workedExampleOfTheProtocolDocument() throws Exception {
    Ed25519.KeyPair authority = Ed25519.fromPrivateKey(RevocationListTest.filled(32, 0x11));
    Consensus example = Consensus.unsigned(RevocationListTest.filled(32, 0xab), VALID_AFTER, FRESH_UNTIL,
        VALID_UNTIL, List.of(relay(2, "10.1.2.3", 9001, 5000, RelayFlag.GUARD, RelayFlag.FAST, RelayFlag.STABLE)))
        .sign(authority);
    HexFormat hex = HexFormat.of();
    byte[] e = example.encode();
    String expected = "5348434e" + "01" + "ab".repeat(32) + "000000006b169fc0" + "000000006b16add0"
        + "000000006b16c9f0" + "00000001" + hex.formatHex(NodeId.ofIdentityKey(ConsensusFixtures.identityKey(2))
        .toBytes()) + hex.formatHex(ConsensusFixtures.identityKey(2)) + "0a010203" + "2329" + "07" + "00001388"
        + "01" + hex.formatHex(authority.publicKey());
    assertEquals(expected, hex.formatHex(e, 0, e.length - 64));
    assertTrue(Ed25519.verify(authority.publicKey(), example.body(), Arrays.copyOfRange(e, e.length - 64, e.length)));

    String block = exampleBlock(example);
    String doc = Files.readString(Path.of("docs/protocol.md"));
    String begin = "<!-- admission-example:consensus -->\n";
    String end = "<!-- /admission-example:consensus -->";
    int from = doc.indexOf(begin);
    int to = doc.indexOf(end);
    String shown = from < 0 || to < from ? "(missing)" : doc.substring(from + begin.length(), to);
    if (!shown.equals(block)) {
      Files.createDirectories(Path.of("target"));
      Files.writeString(Path.of("target/consensus-example.md"), begin + block + end + "\n");
    }
    assertEquals(block, shown, "docs/protocol.md shows other bytes; see target/consensus-example.md");
  }

  private static String exampleBlock(Consensus c) {
    HexFormat hex = HexFormat.of();
    byte[] e = c.encode();
    int r = ConsensusCodec.HEADER_BYTES;
    int s = r + ConsensusCodec.RELAY_BYTES + 1;
    StringBuilder b = new StringBuilder("```text\n");
    b.append("private key of the one authority: 11 x 32; network id ab x 32;\n");
    b.append("valid 2026-12-07T12:00:00Z, fresh until 13:00:00Z, valid until 15:00:00Z;\n");
    b.append("one relay: identity private key 42 x 32, 10.1.2.3:9001, Guard Fast Stable, 5000 KiB/s\n\n");
    String row = "%-18s%s%n";
    b.append(String.format(row, "magic \"SHCN\"", hex.formatHex(e, 0, 4)));
    b.append(String.format(row, "version", hex.formatHex(e, 4, 5)));
    b.append(String.format(row, "network id", hex.formatHex(e, 5, 37)));
    b.append(String.format("%-18s%s  (%d)%n", "valid-after", hex.formatHex(e, 37, 45), c.validAfter().getEpochSecond()));
    b.append(String.format("%-18s%s  (%d)%n", "fresh-until", hex.formatHex(e, 45, 53), c.freshUntil().getEpochSecond()));
    b.append(String.format("%-18s%s  (%d)%n", "valid-until", hex.formatHex(e, 53, 61), c.validUntil().getEpochSecond()));
    b.append(String.format(row, "count", hex.formatHex(e, 61, 65)));
    b.append(String.format(row, "relay [0] node id", hex.formatHex(e, r, r + 32)));
    b.append(String.format(row, "  identity key", hex.formatHex(e, r + 32, r + 64)));
    b.append(String.format("%-18s%s  (10.1.2.3)%n", "  IPv4", hex.formatHex(e, r + 64, r + 68)));
    b.append(String.format("%-18s%s  (9001)%n", "  port", hex.formatHex(e, r + 68, r + 70)));
    b.append(String.format("%-18s%s  (Guard | Fast | Stable)%n", "  flags", hex.formatHex(e, r + 70, r + 71)));
    b.append(String.format("%-18s%s  (5000 KiB/s)%n", "  weight", hex.formatHex(e, r + 71, r + 75)));
    b.append(String.format(row, "signatures", hex.formatHex(e, s - 1, s)));
    b.append(String.format(row, "  authority key", hex.formatHex(e, s, s + 32)));
    b.append(String.format(row, "  signature", hex.formatHex(e, s + 32, s + 64)));
    b.append(String.format(row, "", hex.formatHex(e, s + 64, s + 96)));
    b.append(String.format("%n(%d bytes; the signature is Ed25519 over bytes 0..%d, the body)%n%n", e.length, s - 2));
    b.append(c.armor());
    b.append("```\n");
    return b.toString();
  }
}
