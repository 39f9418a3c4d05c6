package io.shroud.admission;

import io.shroud.crypto.Ed25519;
import io.shroud.crypto.OnionKeyPair;
import io.shroud.crypto.X25519;
import io.shroud.identity.NodeDescriptor;
import io.shroud.identity.NodeId;
import io.shroud.identity.SignedDescriptor;
import io.shroud.testutil.SeededRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Networks with a trust root, and relays with a certificate, a link key and a signed descriptor. */
public final class RelayFixtures {
  /** Half an hour into the fixtures' consensus ({@link ConsensusFixtures#VALID_AFTER}). */
  public static final Instant NOW = ConsensusFixtures.VALID_AFTER.plus(Duration.ofMinutes(30));
  public static final Duration SKEW = Duration.ofMinutes(5);

  private RelayFixtures() {}

  /** A network and the key of its trust root. */
  public record Net(TrustRootKey root, NetworkDefinition definition) {}

  /** A relay as the network admitted it. */
  public record Relay(Ed25519.KeyPair identity, X25519.KeyPair linkKey, X509Certificate certificate,
      SignedDescriptor descriptor) {
    public NodeId nodeId() {
      return NodeId.ofIdentityKey(identity.publicKey());
    }

    public RelayProof proof() {
      return RelayProof.of(certificate, descriptor);
    }
  }

  /** A network named {@code name} whose authorities are {@link ConsensusFixtures#AUTHORITIES}. */
  public static Net network(String name, long seed) {
    TrustRootKey root = TrustRootKey.generate(name, NOW.minus(Duration.ofDays(1)), TrustRootKey.DEFAULT_VALIDITY,
        SeededRandom.of(seed));
    List<NetworkDefinition.Authority> list = new ArrayList<>();
    for (int i = 0; i < ConsensusFixtures.AUTHORITIES.size(); i++) {
      list.add(new NetworkDefinition.Authority("authority-" + (i + 1), ConsensusFixtures.AUTHORITIES.get(i).publicKey()));
    }
    return new Net(root, NetworkDefinition.of(name, root.certificate(), list, 1, Duration.ofMinutes(1)));
  }

  /** Relay {@code n} of {@code net}: identity key as {@link ConsensusFixtures#identityKey}, all current. */
  public static Relay relay(Net net, int n) {
    return relay(net, n, NOW.minus(Duration.ofHours(1)), NOW.plus(Duration.ofDays(90)), null);
  }

  /** Relay {@code n} with a certificate valid over [certFrom, certUntil] and a descriptor naming {@code claimedLinkKey} (null: its own). */
  public static Relay relay(Net net, int n, Instant certFrom, Instant certUntil, byte[] claimedLinkKey) {
    Ed25519.KeyPair identity = Ed25519.fromPrivateKey(filled(32, 0x40 + n));
    X25519.KeyPair link = X25519.fromPrivateKey(filled(32, 0x60 + n));
    X509Certificate cert = RelayCertificates.issue(net.root(), identity.publicKey(), certFrom, certUntil,
        SeededRandom.of(100 + n));
    return new Relay(identity, link, cert, descriptor(identity, claimedLinkKey == null ? link.publicKey() : claimedLinkKey,
        n, NOW.minusSeconds(60), NOW.plus(Duration.ofHours(3))));
  }

  /** A descriptor signed by {@code identity}, valid over [from, until]. */
  public static SignedDescriptor descriptor(Ed25519.KeyPair identity, byte[] linkKey, int n, Instant from, Instant until) {
    NodeDescriptor d = new NodeDescriptor(NodeDescriptor.PROTOCOL_VERSION, NodeId.ofIdentityKey(identity.publicKey()),
        identity.publicKey(), linkKey,
        OnionKeyPair.generate(SeededRandom.of(200 + n), NOW.plus(Duration.ofDays(7))).publicKey().encode(),
        "10.0.0." + n + ":25520", "10.0.0." + n + ":7400", from, until);
    return SignedDescriptor.sign(d, identity);
  }

  public static byte[] filled(int n, int value) {
    byte[] b = new byte[n];
    Arrays.fill(b, (byte) value);
    return b;
  }
}
