package io.shroud.admission;

import static io.shroud.admission.Refusals.refused;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.crypto.Ed25519;
import io.shroud.identity.NodeId;
import io.shroud.testutil.SeededRandom;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RevocationListTest {
  static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");
  private final SecureRandom rnd = SeededRandom.of(11);
  private final List<Ed25519.KeyPair> keys = List.of(Ed25519.generate(rnd), Ed25519.generate(rnd), Ed25519.generate(rnd));
  private final NetworkDefinition net = network("devnet", keys, 2);
  private final NodeId a = NodeId.ofIdentityKey(Ed25519.generate(rnd).publicKey());
  private final NodeId b = NodeId.ofIdentityKey(Ed25519.generate(rnd).publicKey());
  private final RevocationList list = RevocationList.unsigned(net.id(), 1, NOW, List.of(b, a));

  private NetworkDefinition network(String name, List<Ed25519.KeyPair> authorities, int threshold) {
    TrustRootKey root = TrustRootKey.generate(name, NOW, TrustRootKey.DEFAULT_VALIDITY, rnd);
    List<NetworkDefinition.Authority> list = new ArrayList<>();
    for (int i = 0; i < authorities.size(); i++) {
      list.add(new NetworkDefinition.Authority("authority-" + (i + 1), authorities.get(i).publicKey()));
    }
    return NetworkDefinition.of(name, root.certificate(), list, threshold, Duration.ofMinutes(1));
  }

  @Test
  void twoOfThreeAuthoritiesAreEnough() throws Exception {
    RevocationList signed = list.sign(keys.get(0)).sign(keys.get(2));
    assertEquals(2, signed.verify(net));
    assertEquals(3, signed.sign(keys.get(1)).verify(net));
    assertEquals(Set.of(a, b), signed.revoked());
    assertEquals(a.compareTo(b) < 0 ? List.of(a, b) : List.of(b, a), List.copyOf(signed.revoked()));
    assertEquals(1, signed.serial());
    assertEquals(NOW, signed.issuedAt());
  }

  @Test
  void oneOfThreeIsRefused() {
    refused(() -> list.sign(keys.get(1)).verify(net), "signed by 1 of 3 authorities of devnet, 2 needed");
    refused(() -> list.verify(net), "signed by 0 of 3");
  }

  @Test
  void theSameAuthorityTwiceCountsOnce() throws Exception {
    RevocationList once = list.sign(keys.get(0));
    assertEquals(1, list.sign(keys.get(0)).sign(keys.get(0)).signatures().size(), "sign replaces");
    AuthoritySignature s = once.signatures().get(0);
    byte[] twice = RevocationCodec.encode(once.body(), List.of(s, s));
    RevocationList decoded = RevocationList.decode(twice);
    assertEquals(2, decoded.signatures().size());
    refused(() -> decoded.verify(net), "signed by 1 of 3");
  }

  @Test
  void signaturesOfStrangersDoNotCount() {
    RevocationList signed = list.sign(keys.get(0)).sign(Ed25519.generate(rnd));
    refused(() -> signed.verify(net), "signed by 1 of 3");
  }

  @Test
  void anAlteredBodyIsRefused() throws Exception {
    RevocationList signed = list.sign(keys.get(0)).sign(keys.get(1));
    byte[] bytes = signed.encode();
    ByteBuffer.wrap(bytes).putLong(4 + 1 + 32, 2); // serial 1 -> 2
    RevocationList altered = RevocationList.decode(bytes);
    assertEquals(2, altered.serial());
    refused(() -> altered.verify(net), "signed by 0 of 3");

    byte[] dropped = RevocationCodec.encode(RevocationList.unsigned(net.id(), 1, NOW, List.of(a)).body(),
        signed.signatures());
    refused(() -> RevocationList.decode(dropped).verify(net), "signed by 0 of 3");
  }

  @Test
  void aListOfAnotherNetworkIsRefused() {
    NetworkDefinition other = network("devnet", keys, 2); // same authorities, another trust root
    RevocationList signed = list.sign(keys.get(0)).sign(keys.get(1)).sign(keys.get(2));
    refused(() -> signed.verify(other), "revocation list is for network " + net.idHex() + ", not devnet");
  }

  @Test
  void encodingAndArmorRoundTrip() throws Exception {
    RevocationList signed = list.sign(keys.get(0)).sign(keys.get(1));
    assertEquals(signed, RevocationList.decode(signed.encode()));
    assertArrayEquals(signed.encode(), RevocationList.decode(signed.encode()).encode());
    String armor = signed.armor();
    assertTrue(armor.contains("-----BEGIN SHROUD REVOCATIONS-----\n"), armor);
    assertEquals(signed, RevocationList.dearmor(armor));
    assertEquals(signed, RevocationList.dearmor(armor.replace("\n", "\r\n")));
    assertEquals(2, RevocationList.dearmor(armor).verify(net));
    assertEquals(RevocationCodec.HEADER_BYTES + 2 * 32 + 1 + 2 * 96, signed.encode().length);
  }

  @Test
  void nextAddsIdsAndRaisesTheSerial() throws Exception {
    NodeId c = NodeId.ofIdentityKey(Ed25519.generate(rnd).publicKey());
    RevocationList next = list.sign(keys.get(0)).next(List.of(c, a), NOW.plusMillis(61_500));
    assertEquals(2, next.serial());
    assertEquals(Set.of(a, b, c), next.revoked());
    assertEquals(NOW.plusSeconds(61), next.issuedAt());
    assertTrue(next.signatures().isEmpty());
  }

  @Test
  void boundsAreEnforcedWhenBuilding() {
    assertThrows(IllegalArgumentException.class, () -> RevocationList.unsigned(new byte[31], 1, NOW, List.of()));
    assertThrows(IllegalArgumentException.class, () -> RevocationList.unsigned(net.id(), -1, NOW, List.of()));
    assertThrows(IllegalArgumentException.class,
        () -> RevocationList.unsigned(net.id(), 1, Instant.parse("+10000-01-01T00:00:00Z"), List.of()));
    List<NodeId> many = new ArrayList<>();
    for (int i = 0; i <= RevocationList.MAX_REVOKED; i++) {
      many.add(NodeId.of(ByteBuffer.allocate(32).putInt(i).array()));
    }
    assertThrows(IllegalArgumentException.class, () -> RevocationList.unsigned(net.id(), 1, NOW, many));
    RevocationList full = RevocationList.unsigned(net.id(), 1, NOW, many.subList(0, RevocationList.MAX_REVOKED));
    assertEquals(RevocationList.MAX_REVOKED, full.revoked().size());
  }

  /**
   * The worked example of docs/protocol.md, "Network admission": fixed keys, fixed bytes, and the
   * document shows exactly them (on a difference the expected block is written to
   * {@code target/revocation-example.md}).
   */
  @Test
  void workedExampleOfTheProtocolDocument() throws Exception {
    Ed25519.KeyPair authority = Ed25519.fromPrivateKey(filled(32, 0x11));
    RevocationList example = RevocationList.unsigned(filled(32, 0xab), 3, Instant.parse("2026-12-07T12:00:00Z"),
        List.of(NodeId.of(filled(32, 0x42)))).sign(authority);
    String hex = HexFormat.of().formatHex(example.encode());
    String expected = "53485256" + "01" + "ab".repeat(32) + "0000000000000003" + "000000006b169fc0" + "00000001"
        + "42".repeat(32)
        + "01" + "d04ab232742bb4ab3a1368bd4615e4e6d0224ab71a016baf8520a332c9778737" // authority key
        + "1b0bff27fb75b37cd1226a9092c3794825f2ea532ee7187f784d5935dcd2f3c5" // signature
        + "5c85f404d5ebb816373b949f8bfc59fc00de042a4ef6b60de3a54f57fb580804";
    assertEquals(expected, hex);

    String block = exampleBlock(example, authority);
    String doc = Files.readString(Path.of("docs/protocol.md"));
    String begin = "<!-- admission-example:revocation-list -->\n";
    String end = "<!-- /admission-example:revocation-list -->";
    int from = doc.indexOf(begin);
    int to = doc.indexOf(end);
    String shown = from < 0 || to < from ? "(missing)" : doc.substring(from + begin.length(), to);
    if (!shown.equals(block)) {
      Files.createDirectories(Path.of("target"));
      Files.writeString(Path.of("target/revocation-example.md"), begin + block + end + "\n");
    }
    assertEquals(block, shown, "docs/protocol.md shows other bytes; see target/revocation-example.md");
  }

  private static String exampleBlock(RevocationList r, Ed25519.KeyPair authority) {
    HexFormat hex = HexFormat.of();
    byte[] e = r.encode();
    int sigAt = RevocationCodec.HEADER_BYTES + 32 + 1;
    StringBuilder b = new StringBuilder("```text\n");
    b.append("private key of the one authority: 11 x 32; network id ab x 32; serial 3;\n");
    b.append("issued 2026-12-07T12:00:00Z; one revoked node id 42 x 32\n\n");
    b.append(String.format("%-18s%s%n", "magic \"SHRV\"", hex.formatHex(e, 0, 4)));
    b.append(String.format("%-18s%s%n", "version", hex.formatHex(e, 4, 5)));
    b.append(String.format("%-18s%s%n", "network id", hex.formatHex(e, 5, 37)));
    b.append(String.format("%-18s%s%n", "serial", hex.formatHex(e, 37, 45)));
    b.append(String.format("%-18s%s  (%d)%n", "issued-at", hex.formatHex(e, 45, 53), r.issuedAt().getEpochSecond()));
    b.append(String.format("%-18s%s%n", "count", hex.formatHex(e, 53, 57)));
    b.append(String.format("%-18s%s%n", "node id [0]", hex.formatHex(e, 57, 89)));
    b.append(String.format("%-18s%s%n", "signatures", hex.formatHex(e, 89, 90)));
    b.append(String.format("%-18s%s%n", "  authority key", hex.formatHex(e, sigAt, sigAt + 32)));
    b.append(String.format("%-18s%s%n", "  signature", hex.formatHex(e, sigAt + 32, sigAt + 64)));
    b.append(String.format("%-18s%s%n", "", hex.formatHex(e, sigAt + 64, sigAt + 96)));
    b.append(String.format("%n(%d bytes; the signature is Ed25519 over bytes 0..%d, the body)%n%n", e.length,
        sigAt - 2));
    b.append(r.armor());
    b.append("```\n");
    assertEquals(hex.formatHex(authority.publicKey()), hex.formatHex(e, sigAt, sigAt + 32));
    return b.toString();
  }

  static byte[] filled(int n, int value) {
    byte[] b = new byte[n];
    Arrays.fill(b, (byte) value);
    return b;
  }
}
