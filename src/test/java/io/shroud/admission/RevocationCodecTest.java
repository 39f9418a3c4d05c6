package io.shroud.admission;

import static io.shroud.admission.Refusals.refused;
import static io.shroud.admission.RevocationListTest.filled;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.shroud.crypto.Ed25519;
import io.shroud.identity.NodeId;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The decoder's bounds: every malformed shape is one {@link AdmissionException}, nothing else. */
class RevocationCodecTest {
  private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");
  private final Ed25519.KeyPair authority = Ed25519.fromPrivateKey(filled(32, 0x11));
  private final RevocationList list = RevocationList.unsigned(filled(32, 0xab), 3, NOW,
      List.of(NodeId.of(filled(32, 1)), NodeId.of(filled(32, 2)))).sign(authority);
  private final byte[] good = list.encode();
  private static final int COUNT_AT = 4 + 1 + 32 + 8 + 8;

  private byte[] with(int offset, byte... patch) {
    byte[] b = good.clone();
    System.arraycopy(patch, 0, b, offset, patch.length);
    return b;
  }

  @Test
  void theGoodEncodingDecodes() throws Exception {
    assertEquals(list, RevocationList.decode(good));
  }

  @Test
  void refusesTruncationAndTrailingBytes() {
    refused(() -> RevocationList.decode(new byte[0]), "truncated");
    refused(() -> RevocationList.decode(null), "truncated");
    refused(() -> RevocationList.decode(Arrays.copyOf(good, good.length - 1)), "truncated or trailing bytes");
    refused(() -> RevocationList.decode(Arrays.copyOf(good, good.length + 1)), "truncated or trailing bytes");
    refused(() -> RevocationList.decode(Arrays.copyOf(good, COUNT_AT + 4 + 32)), "claims 2 ids but is truncated");
    refused(() -> RevocationList.decode(Arrays.copyOf(good, COUNT_AT + 4 + 64)), "truncated");
  }

  @Test
  void refusesBadHeaderFields() {
    refused(() -> RevocationList.decode(with(0, (byte) 'X')), "not a revocation list");
    refused(() -> RevocationList.decode(with(4, (byte) 2)), "version 2 is not supported");
    refused(() -> RevocationList.decode(with(4 + 1 + 32, (byte) 0x80)), "serial is negative");
    refused(() -> RevocationList.decode(with(4 + 1 + 32 + 8, (byte) 0x80)), "outside 1970..9999");
    byte[] year10000 = good.clone();
    ByteBuffer.wrap(year10000).putLong(4 + 1 + 32 + 8, RevocationCodec.MAX_EPOCH_SECOND + 1);
    refused(() -> RevocationList.decode(year10000), "outside 1970..9999");
  }

  @Test
  void refusesLyingCountsBeforeAllocating() {
    refused(() -> RevocationList.decode(with(COUNT_AT, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff)),
        "claims 4294967295 ids, more than 65536");
    refused(() -> RevocationList.decode(with(COUNT_AT, (byte) 0, (byte) 1, (byte) 0, (byte) 0)),
        "claims 65536 ids but is truncated");
    refused(() -> RevocationList.decode(with(COUNT_AT + 4 + 64, (byte) 65)), "claims 65 signatures, more than 64");
    refused(() -> RevocationList.decode(with(COUNT_AT + 4 + 64, (byte) 2)), "truncated or trailing bytes");
    refused(() -> RevocationList.decode(new byte[RevocationCodec.MAX_BYTES + 1]), "more than");
  }

  @Test
  void refusesIdsThatAreNotStrictlyAscending() {
    byte[] swapped = good.clone();
    System.arraycopy(filled(32, 2), 0, swapped, COUNT_AT + 4, 32);
    System.arraycopy(filled(32, 1), 0, swapped, COUNT_AT + 4 + 32, 32);
    refused(() -> RevocationList.decode(swapped), "not strictly ascending at index 1");
    byte[] duplicate = good.clone();
    System.arraycopy(filled(32, 1), 0, duplicate, COUNT_AT + 4 + 32, 32);
    refused(() -> RevocationList.decode(duplicate), "not strictly ascending at index 1");
  }

  @Test
  void refusesBadArmor() throws Exception {
    String armor = list.armor();
    assertEquals(list, RevocationList.dearmor("some words before\n" + armor + "and after\n"));
    refused(() -> RevocationList.dearmor("hello"), "no -----BEGIN SHROUD REVOCATIONS-----");
    refused(() -> RevocationList.dearmor(armor.replace("-----END SHROUD REVOCATIONS-----", "")), "no -----BEGIN");
    refused(() -> RevocationList.dearmor(armor + armor), "more than one");
    refused(() -> RevocationList.dearmor(armor.replaceFirst("\n[A-Za-z0-9+/]", "\n*")), "not base64");
    refused(() -> RevocationList.dearmor(armor.replace("=\n", "\n")), "");
    refused(() -> RevocationList.dearmor("x".repeat(RevocationCodec.MAX_ARMOR_CHARS + 1)), "longer than");
    refused(() -> RevocationList.dearmor(armor.replace("-----BEGIN SHROUD REVOCATIONS-----\n",
        "-----BEGIN SHROUD REVOCATIONS-----\nU0hSVg==\n")), "");
  }
}
