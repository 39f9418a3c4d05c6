package io.shroud.admission;

import io.shroud.crypto.Ed25519;
import io.shroud.identity.NodeId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The node ids a network's authorities have revoked, signed by them. The body (magic, version,
 * network id, serial, issued-at, the sorted ids) is what each authority signs with Ed25519; a
 * list counts only when {@link #verify} finds signatures of at least the network's threshold of
 * distinct authorities over exactly this body. Encoding and armor: {@link RevocationCodec},
 * docs/protocol.md "Network admission". Immutable.
 */
public final class RevocationList {
  /** The most ids one list may carry. */
  public static final int MAX_REVOKED = 65_536;
  /** The most signatures one list may carry. */
  public static final int MAX_SIGNATURES = NetworkDefinition.MAX_AUTHORITIES;

  private final byte[] networkId;
  private final long serial;
  private final Instant issuedAt;
  private final SortedSet<NodeId> revoked;
  private final List<AuthoritySignature> signatures;
  private final byte[] body;

  RevocationList(byte[] networkId, long serial, Instant issuedAt, Collection<NodeId> revoked,
      List<AuthoritySignature> signatures) {
    if (networkId == null || networkId.length != 32) {
      throw new IllegalArgumentException("network id must be 32 bytes");
    }
    if (serial < 0) {
      throw new IllegalArgumentException("serial must not be negative");
    }
    if (issuedAt.getEpochSecond() < 0 || issuedAt.getEpochSecond() > RevocationCodec.MAX_EPOCH_SECOND
        || issuedAt.getNano() != 0) {
      throw new IllegalArgumentException("issued-at must be a whole second from 1970 to 9999");
    }
    TreeSet<NodeId> ids = new TreeSet<>(revoked);
    if (ids.size() > MAX_REVOKED) {
      throw new IllegalArgumentException("a revocation list holds at most " + MAX_REVOKED + " ids, not " + ids.size());
    }
    if (signatures.size() > MAX_SIGNATURES) {
      throw new IllegalArgumentException("a revocation list holds at most " + MAX_SIGNATURES + " signatures");
    }
    this.networkId = networkId.clone();
    this.serial = serial;
    this.issuedAt = issuedAt;
    this.revoked = Collections.unmodifiableSortedSet(ids);
    this.signatures = List.copyOf(signatures);
    this.body = RevocationCodec.body(this.networkId, serial, issuedAt, this.revoked);
  }

  /** A list with no signatures yet; {@code issuedAt} is truncated to the second. */
  public static RevocationList unsigned(byte[] networkId, long serial, Instant issuedAt, Collection<NodeId> revoked) {
    return new RevocationList(networkId, serial, Instant.ofEpochSecond(issuedAt.getEpochSecond()), revoked, List.of());
  }

  /** The next list: serial + 1, these ids and {@code more}, issued at {@code now}, unsigned. */
  public RevocationList next(Collection<NodeId> more, Instant now) {
    if (serial == Long.MAX_VALUE) {
      throw new IllegalArgumentException("serial cannot grow past " + Long.MAX_VALUE);
    }
    Set<NodeId> all = new HashSet<>(revoked);
    all.addAll(more);
    return unsigned(networkId, serial + 1, now, all);
  }

  /**
   * This list with {@code authority}'s signature over the body added (replacing an earlier one
   * by the same key).
   */
  public RevocationList sign(Ed25519.KeyPair authority) {
    byte[] key = authority.publicKey();
    List<AuthoritySignature> next = new ArrayList<>();
    for (AuthoritySignature s : signatures) {
      if (!Arrays.equals(s.authorityKey(), key)) {
        next.add(s);
      }
    }
    next.add(AuthoritySignature.sign(authority, body));
    return new RevocationList(networkId, serial, issuedAt, revoked, next);
  }

  /**
   * Accepts this list for {@code network} only if it names that network and at least
   * {@code network.revocationThreshold()} distinct authorities of it signed exactly this body.
   * Signatures by keys that are not the network's authorities, and repeated or bad ones, do not
   * count.
   *
   * @return the number of distinct authorities whose signature verified
   */
  public int verify(NetworkDefinition network) throws AdmissionException {
    if (!Arrays.equals(networkId, network.id())) {
      throw new AdmissionException("revocation list is for network " + HexFormat.of().formatHex(networkId)
          + ", not " + network.name() + " (" + network.idHex() + ")");
    }
    int counted = AuthoritySignature.countDistinct(network, body, signatures);
    if (counted < network.revocationThreshold()) {
      throw new AdmissionException("revocation list serial " + serial + " is signed by " + counted + " of "
          + network.authorities().size() + " authorities of " + network.name() + ", "
          + network.revocationThreshold() + " needed");
    }
    return counted;
  }

  public byte[] networkId() {
    return networkId.clone();
  }

  public long serial() {
    return serial;
  }

  public Instant issuedAt() {
    return issuedAt;
  }

  /** The revoked ids, ascending. */
  public SortedSet<NodeId> revoked() {
    return revoked;
  }

  public List<AuthoritySignature> signatures() {
    return signatures;
  }

  /** The signed part: the canonical body. */
  public byte[] body() {
    return body.clone();
  }

  /** The canonical binary encoding: body then signatures. */
  public byte[] encode() {
    return RevocationCodec.encode(body, signatures);
  }

  /** Decodes {@link #encode}'s bytes strictly; any other input is an {@link AdmissionException}. */
  public static RevocationList decode(byte[] bytes) throws AdmissionException {
    return RevocationCodec.decode(bytes);
  }

  /** The encoding in ASCII armor ({@code -----BEGIN SHROUD REVOCATIONS-----}), for files and HTTP. */
  public String armor() {
    return RevocationCodec.armor(encode(), serial, revoked.size());
  }

  /** Reads {@link #armor}'s text. */
  public static RevocationList dearmor(String text) throws AdmissionException {
    return decode(RevocationCodec.dearmor(text));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RevocationList r && Arrays.equals(r.body, body) && r.signatures.equals(signatures);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(body);
  }

  @Override
  public String toString() {
    return "RevocationList[serial " + serial + ", " + revoked.size() + " revoked, " + signatures.size()
        + " signatures, issued " + issuedAt + "]";
  }
}
