package io.shroud.admission;

import static io.shroud.admission.ConsensusFixtures.FRESH_UNTIL;
import static io.shroud.admission.ConsensusFixtures.VALID_AFTER;
import static io.shroud.admission.ConsensusFixtures.VALID_UNTIL;
import static io.shroud.admission.ConsensusFixtures.relay;
import static io.shroud.admission.Refusals.refused;
import static io.shroud.admission.RevocationListTest.filled;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.shroud.crypto.Ed25519;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The decoder's bounds: every malformed shape is one {@link AdmissionException}, nothing else. */
class ConsensusCodecTest {
  private static final int COUNT_AT = ConsensusCodec.HEADER_BYTES - 4;
  private static final int RELAYS_AT = ConsensusCodec.HEADER_BYTES;
  private static final int R = ConsensusCodec.RELAY_BYTES;
  private final Consensus.Relay first = relay(1, "10.1.0.1", 9001, 5000, RelayFlag.GUARD);
  private final Consensus.Relay second = relay(2, "10.2.0.1", 9002, 300);
  private final Consensus consensus = Consensus.unsigned(filled(32, 0xab), VALID_AFTER, FRESH_UNTIL, VALID_UNTIL,
      List.of(first, second)).sign(Ed25519.fromPrivateKey(filled(32, 0x11)));
  private final byte[] good = consensus.encode();

  private byte[] with(int offset, byte... patch) {
    byte[] b = good.clone();
    System.arraycopy(patch, 0, b, offset, patch.length);
    return b;
  }

  private byte[] withLong(int offset, long value) {
    byte[] b = good.clone();
    ByteBuffer.wrap(b).putLong(offset, value);
    return b;
  }

  /** The relay sorted at {@code index} in the encoding. */
  private Consensus.Relay at(int index) {
    return consensus.relays().get(index);
  }

  @Test
  void theGoodEncodingDecodes() throws Exception {
    assertEquals(consensus, Consensus.decode(good));
  }

  @Test
  void refusesTruncationAndTrailingBytes() {
    refused(() -> Consensus.decode(new byte[0]), "truncated");
    refused(() -> Consensus.decode(null), "truncated");
    refused(() -> Consensus.decode(Arrays.copyOf(good, good.length - 1)), "truncated or trailing bytes");
    refused(() -> Consensus.decode(Arrays.copyOf(good, good.length + 1)), "truncated or trailing bytes");
    refused(() -> Consensus.decode(Arrays.copyOf(good, RELAYS_AT + R)), "claims 2 relays but is truncated");
    refused(() -> Consensus.decode(Arrays.copyOf(good, RELAYS_AT + 2 * R)), "truncated");
  }

  @Test
  void refusesBadHeaderFields() {
    refused(() -> Consensus.decode(with(0, (byte) 'X')), "not a consensus");
    refused(() -> Consensus.decode(with(4, (byte) 2)), "consensus version 2 is not supported");
    refused(() -> Consensus.decode(with(37, (byte) 0x80)), "valid-after 9223372038651420608 is outside 1970..9999");
    refused(() -> Consensus.decode(withLong(45, ConsensusCodec.MAX_EPOCH_SECOND + 1)), "fresh-until");
    refused(() -> Consensus.decode(withLong(53, -1)), "valid-until 18446744073709551615 is outside");
    refused(() -> Consensus.decode(withLong(45, VALID_AFTER.getEpochSecond())), "valid-after < fresh-until");
    refused(() -> Consensus.decode(withLong(53, FRESH_UNTIL.getEpochSecond() - 1)), "fresh-until <= valid-until");
    refused(() -> Consensus.decode(withLong(53, VALID_AFTER.plus(Consensus.MAX_VALIDITY).getEpochSecond() + 1)),
        "more than 7 days");
  }

  @Test
  void refusesLyingCountsBeforeAllocating() {
    refused(() -> Consensus.decode(with(COUNT_AT, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff)),
        "claims 4294967295 relays, more than 16384");
    refused(() -> Consensus.decode(with(COUNT_AT, (byte) 0, (byte) 0, (byte) 0x40, (byte) 0)),
        "claims 16384 relays but is truncated");
    refused(() -> Consensus.decode(with(RELAYS_AT + 2 * R, (byte) 65)), "claims 65 signatures, more than 64");
    refused(() -> Consensus.decode(with(RELAYS_AT + 2 * R, (byte) 2)), "truncated or trailing bytes");
    refused(() -> Consensus.decode(new byte[ConsensusCodec.MAX_BYTES + 1]), "more than");
  }

  @Test
  void refusesRelaysOutOfOrderOrDuplicated() {
    byte[] swapped = good.clone();
    System.arraycopy(good, RELAYS_AT, swapped, RELAYS_AT + R, R);
    System.arraycopy(good, RELAYS_AT + R, swapped, RELAYS_AT, R);
    refused(() -> Consensus.decode(swapped), "not strictly ascending by node id at index 1");
    byte[] twice = good.clone();
    System.arraycopy(good, RELAYS_AT, twice, RELAYS_AT + R, R);
    refused(() -> Consensus.decode(twice), "not strictly ascending by node id at index 1");
  }

  @Test
  void refusesBadRelayFields() {
    int key = RELAYS_AT + 32;
    int port = key + 32 + 4;
    int flags = port + 2;
    int weight = flags + 1;
    byte[] otherKey = ConsensusFixtures.identityKey(7);
    byte[] wrongKey = good.clone();
    System.arraycopy(otherKey, 0, wrongKey, key, 32);
    refused(() -> Consensus.decode(wrongKey), "consensus relay 0 is invalid: node id " + at(0).id().shortHex()
        + " is not H(identity key)");
    refused(() -> Consensus.decode(with(port, (byte) 0, (byte) 0)), "relay 0 is invalid: port 0 is outside 1..65535");
    refused(() -> Consensus.decode(with(flags, (byte) 0x08)), "consensus relay 0 has unknown flag bits 8");
    refused(() -> Consensus.decode(with(weight, (byte) 0, (byte) 0, (byte) 0, (byte) 0)), "weight 0 is outside");
    refused(() -> Consensus.decode(with(weight, (byte) 0x40, (byte) 0, (byte) 0, (byte) 1)),
        "weight 1073741825 is outside 1..1073741824");
  }

  @Test
  void refusesBadArmor() throws Exception {
    String armor = consensus.armor();
    assertEquals(consensus, Consensus.dearmor("some words before\n" + armor + "and after\n"));
    refused(() -> Consensus.dearmor("hello"), "no -----BEGIN SHROUD CONSENSUS-----");
    refused(() -> Consensus.dearmor(armor.replace("-----END SHROUD CONSENSUS-----", "")), "no -----BEGIN");
    refused(() -> Consensus.dearmor(armor + armor), "more than one consensus block");
    refused(() -> Consensus.dearmor(armor.replaceFirst("\n[A-Za-z0-9+/]", "\n*")), "consensus armor holds a character");
    refused(() -> Consensus.dearmor("x".repeat(ConsensusCodec.MAX_ARMOR_CHARS + 1)), "longer than");
    refused(() -> Consensus.dearmor(armor.replace("-----BEGIN SHROUD CONSENSUS-----\n",
        "-----BEGIN SHROUD CONSENSUS-----\nU0hDTg==\n")), "");
    refused(() -> Consensus.dearmor(consensus.armor().replace("SHROUD CONSENSUS", "SHROUD REVOCATIONS")),
        "no -----BEGIN SHROUD CONSENSUS-----");
  }
}
