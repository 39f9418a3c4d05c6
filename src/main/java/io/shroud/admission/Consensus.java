package io.shroud.admission;

import io.shroud.crypto.Ed25519;
import io.shroud.identity.NodeId;
import java.net.Inet4Address;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The relays of one network as a majority of its authorities agree on them for a time: per relay
 * its node id, identity key, data-port address, flags and measured weight, sorted by node id.
 * The body (magic, version, network id, valid-after, fresh-until, valid-until, the relays) is what
 * each authority signs with Ed25519; {@link #verify} accepts the document only when a majority of
 * the network's distinct authorities signed exactly this body and the clock is inside its
 * validity. Encoding and armor: {@link ConsensusCodec}, docs/protocol.md §10.8. Immutable.
 */
public final class Consensus {
  /** The most relays one consensus lists. */
  public static final int MAX_RELAYS = 16_384;
  /** The most signatures one consensus carries. */
  public static final int MAX_SIGNATURES = NetworkDefinition.MAX_AUTHORITIES;
  /** The highest measured weight, KiB/s (1 TiB/s): far above any relay, small enough to sum. */
  public static final long MAX_WEIGHT = 1L << 30;
  /** The longest span from valid-after to valid-until. */
  public static final Duration MAX_VALIDITY = Duration.ofDays(7);
  /** How far a reader's clock may be off: accepted from valid-after − skew to valid-until + skew. */
  public static final Duration DEFAULT_SKEW = Duration.ofMinutes(5);

  /**
   * One listed relay. {@code id} is {@code H(identityKey)}; {@code address}:{@code port} is its
   * data port as the authorities reached it; {@code weight} is in KiB/s, 1..{@link #MAX_WEIGHT}.
   */
  public record Relay(NodeId id, byte[] identityKey, Inet4Address address, int port, Set<RelayFlag> flags,
      long weight) {
    public Relay {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(address, "address");
      if (identityKey == null || identityKey.length != Ed25519.PUBLIC_KEY_BYTES) {
        throw new IllegalArgumentException("identity key must be 32 bytes");
      }
      if (!NodeId.ofIdentityKey(identityKey).equals(id)) {
        throw new IllegalArgumentException("node id " + id.shortHex() + " is not H(identity key)");
      }
      if (port < 1 || port > 65_535) {
        throw new IllegalArgumentException("port " + port + " is outside 1..65535");
      }
      if (weight < 1 || weight > MAX_WEIGHT) {
        throw new IllegalArgumentException("weight " + weight + " is outside 1.." + MAX_WEIGHT);
      }
      identityKey = identityKey.clone();
      flags = flags.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(flags));
    }

    @Override
    public byte[] identityKey() {
      return identityKey.clone();
    }

    public boolean has(RelayFlag flag) {
      return flags.contains(flag);
    }

    /** {@code a.b.c.d:port}. */
    public String dataAddress() {
      return address.getHostAddress() + ":" + port;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Relay r && r.id.equals(id) && Arrays.equals(r.identityKey, identityKey)
          && r.address.equals(address) && r.port == port && r.flags.equals(flags) && r.weight == weight;
    }

    @Override
    public int hashCode() {
      return Objects.hash(id, address, port, flags, weight);
    }

    @Override
    public String toString() {
      return "Relay[" + id.shortHex() + " " + dataAddress() + " " + flags + " " + weight + " KiB/s]";
    }
  }

  private final byte[] networkId;
  private final Instant validAfter;
  private final Instant freshUntil;
  private final Instant validUntil;
  private final List<Relay> relays;
  private final Map<NodeId, Relay> byId;
  private final List<AuthoritySignature> signatures;
  private final byte[] body;

  Consensus(byte[] networkId, Instant validAfter, Instant freshUntil, Instant validUntil, Collection<Relay> relays,
      List<AuthoritySignature> signatures) {
    if (networkId == null || networkId.length != 32) {
      throw new IllegalArgumentException("network id must be 32 bytes");
    }
    for (Instant t : List.of(validAfter, freshUntil, validUntil)) {
      if (t.getEpochSecond() < 0 || t.getEpochSecond() > ConsensusCodec.MAX_EPOCH_SECOND || t.getNano() != 0) {
        throw new IllegalArgumentException("times must be whole seconds from 1970 to 9999");
      }
    }
    if (!validAfter.isBefore(freshUntil) || freshUntil.isAfter(validUntil)) {
      throw new IllegalArgumentException("need valid-after < fresh-until <= valid-until");
    }
    if (Duration.between(validAfter, validUntil).compareTo(MAX_VALIDITY) > 0) {
      throw new IllegalArgumentException("valid-after to valid-until is more than " + MAX_VALIDITY.toDays() + " days");
    }
    if (relays.size() > MAX_RELAYS) {
      throw new IllegalArgumentException("a consensus lists at most " + MAX_RELAYS + " relays, not " + relays.size());
    }
    if (signatures.size() > MAX_SIGNATURES) {
      throw new IllegalArgumentException("a consensus carries at most " + MAX_SIGNATURES + " signatures");
    }
    List<Relay> sorted = new ArrayList<>(relays);
    sorted.sort(Comparator.comparing(Relay::id));
    Map<NodeId, Relay> map = new LinkedHashMap<>();
    for (Relay r : sorted) {
      if (map.putIfAbsent(r.id(), r) != null) {
        throw new IllegalArgumentException("relay " + r.id().shortHex() + " is listed twice");
      }
    }
    this.networkId = networkId.clone();
    this.validAfter = validAfter;
    this.freshUntil = freshUntil;
    this.validUntil = validUntil;
    this.relays = List.copyOf(sorted);
    this.byId = map;
    this.signatures = List.copyOf(signatures);
    this.body = ConsensusCodec.body(this.networkId, validAfter, freshUntil, validUntil, this.relays);
  }

  /** A consensus with no signatures yet; the times are truncated to the second. */
  public static Consensus unsigned(byte[] networkId, Instant validAfter, Instant freshUntil, Instant validUntil,
      Collection<Relay> relays) {
    return new Consensus(networkId, second(validAfter), second(freshUntil), second(validUntil), relays, List.of());
  }

  /** This consensus with {@code authority}'s signature added (replacing an earlier one by the same key). */
  public Consensus sign(Ed25519.KeyPair authority) {
    byte[] key = authority.publicKey();
    List<AuthoritySignature> next = new ArrayList<>();
    for (AuthoritySignature s : signatures) {
      if (!Arrays.equals(s.authorityKey(), key)) {
        next.add(s);
      }
    }
    next.add(AuthoritySignature.sign(authority, body));
    return new Consensus(networkId, validAfter, freshUntil, validUntil, relays, next);
  }

  /** {@link #verify(NetworkDefinition, Clock, Duration)} with {@link #DEFAULT_SKEW}. */
  public int verify(NetworkDefinition network, Clock clock) throws AdmissionException {
    return verify(network, clock, DEFAULT_SKEW);
  }

  /**
   * Accepts this consensus for {@code network} at {@code clock}'s instant only if it names that
   * network, the instant is within [valid-after − skew, valid-until + skew], and a majority
   * ({@code n/2 + 1} of {@code n}) of the network's distinct authorities signed exactly this body.
   *
   * @return the number of distinct authorities whose signature verified
   */
  public int verify(NetworkDefinition network, Clock clock, Duration skew) throws AdmissionException {
    if (!Arrays.equals(networkId, network.id())) {
      throw new AdmissionException("consensus is for network " + HexFormat.of().formatHex(networkId) + ", not "
          + network.name() + " (" + network.idHex() + ")");
    }
    Instant now = clock.instant();
    if (now.isBefore(validAfter.minus(skew))) {
      throw new AdmissionException("consensus is not valid yet: valid after " + validAfter + ", now " + now);
    }
    if (now.isAfter(validUntil.plus(skew))) {
      throw new AdmissionException("consensus expired: valid until " + validUntil + ", now " + now);
    }
    int counted = AuthoritySignature.countDistinct(network, body, signatures);
    int needed = NetworkDefinition.majority(network.authorities().size());
    if (counted < needed) {
      throw new AdmissionException("consensus valid after " + validAfter + " is signed by " + counted + " of "
          + network.authorities().size() + " authorities of " + network.name() + ", " + needed + " needed");
    }
    return counted;
  }

  public byte[] networkId() {
    return networkId.clone();
  }

  public Instant validAfter() {
    return validAfter;
  }

  /** When the authorities will have published the next consensus: fetch again after it. */
  public Instant freshUntil() {
    return freshUntil;
  }

  public Instant validUntil() {
    return validUntil;
  }

  /** The relays, ascending by node id. */
  public List<Relay> relays() {
    return relays;
  }

  public Optional<Relay> relay(NodeId id) {
    return Optional.ofNullable(byId.get(id));
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
    return ConsensusCodec.encode(body, signatures);
  }

  /** Decodes {@link #encode}'s bytes strictly; any other input is an {@link AdmissionException}. */
  public static Consensus decode(byte[] bytes) throws AdmissionException {
    return ConsensusCodec.decode(bytes);
  }

  /** The encoding in ASCII armor ({@code -----BEGIN SHROUD CONSENSUS-----}), for files and HTTP. */
  public String armor() {
    return ConsensusCodec.armor(this);
  }

  /** Reads {@link #armor}'s text. */
  public static Consensus dearmor(String text) throws AdmissionException {
    return decode(ConsensusCodec.dearmor(text));
  }

  private static Instant second(Instant t) {
    return Instant.ofEpochSecond(t.getEpochSecond());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Consensus c && Arrays.equals(c.body, body) && c.signatures.equals(signatures);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(body);
  }

  @Override
  public String toString() {
    return "Consensus[valid " + validAfter + " to " + validUntil + ", " + relays.size() + " relays, "
        + signatures.size() + " signatures]";
  }
}
