package io.shroud.admission;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigUtil;
import io.shroud.crypto.Ed25519;
import io.shroud.identity.NodeId;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A network's public definition, the file {@code network.conf} every node of it points at
 * ({@code shroud.network}): its name, its id (SHA-256 of the trust root certificate's DER), the
 * trust root certificate inline, the authorities' Ed25519 keys and how many of them must sign a
 * revocation list. The layout is in docs/protocol.md, "Network admission".
 */
public record NetworkDefinition(String name, byte[] id, X509Certificate trustRoot, List<Authority> authorities,
    int revocationThreshold, Duration revocationCheckInterval) {
  /** The most authorities a network may name. */
  public static final int MAX_AUTHORITIES = 64;
  public static final Duration DEFAULT_CHECK_INTERVAL = Duration.ofMinutes(1);
  public static final Duration MIN_CHECK_INTERVAL = Duration.ofSeconds(1);
  public static final Duration MAX_CHECK_INTERVAL = Duration.ofDays(1);
  private static final long MAX_FILE_BYTES = 1 << 20;
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  private static final String ROOT = "shroud-network";

  /** One authority: a name for people and the Ed25519 key its signatures verify under. */
  public record Authority(String name, byte[] publicKey) {
    public Authority {
      checkName("authority name", name);
      if (publicKey == null || publicKey.length != Ed25519.PUBLIC_KEY_BYTES) {
        throw new IllegalArgumentException("authority " + name + ": key must be 32 bytes");
      }
      publicKey = publicKey.clone();
    }

    @Override
    public byte[] publicKey() {
      return publicKey.clone();
    }

    public String keyHex() {
      return HexFormat.of().formatHex(publicKey);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Authority a && a.name.equals(name) && Arrays.equals(a.publicKey, publicKey);
    }

    @Override
    public int hashCode() {
      return name.hashCode() * 31 + Arrays.hashCode(publicKey);
    }

    @Override
    public String toString() {
      return "Authority[" + name + ", " + keyHex() + "]";
    }
  }

  /** Checks every invariant; the messages name the {@code network.conf} field at fault. */
  public NetworkDefinition {
    checkName(ROOT + ".name", name);
    Objects.requireNonNull(trustRoot, "trustRoot");
    Objects.requireNonNull(revocationCheckInterval, "revocationCheckInterval");
    if (id == null || id.length != 32) {
      throw new IllegalArgumentException(ROOT + ".id must be 32 bytes (64 hex characters)");
    }
    if (!Arrays.equals(id, idOf(trustRoot))) {
      throw new IllegalArgumentException(ROOT + ".id does not match the trust root: it must be "
          + HexFormat.of().formatHex(idOf(trustRoot)) + " (SHA-256 of the certificate's DER)");
    }
    checkTrustRoot(name, trustRoot);
    authorities = List.copyOf(authorities);
    if (authorities.isEmpty() || authorities.size() > MAX_AUTHORITIES) {
      throw new IllegalArgumentException(ROOT + ".authorities must list 1 to " + MAX_AUTHORITIES
          + " authorities, found " + authorities.size());
    }
    Set<String> names = new HashSet<>();
    Set<NodeId> keys = new HashSet<>();
    for (Authority a : authorities) {
      if (!names.add(a.name())) {
        throw new IllegalArgumentException(ROOT + ".authorities: name " + a.name() + " appears twice");
      }
      if (!keys.add(NodeId.of(a.publicKey()))) {
        throw new IllegalArgumentException(ROOT + ".authorities: the key of " + a.name() + " appears twice");
      }
    }
    if (revocationThreshold < 1 || revocationThreshold > authorities.size()) {
      throw new IllegalArgumentException(ROOT + ".revocations.threshold must be 1.." + authorities.size()
          + " (the number of authorities), got " + revocationThreshold);
    }
    if (revocationCheckInterval.compareTo(MIN_CHECK_INTERVAL) < 0
        || revocationCheckInterval.compareTo(MAX_CHECK_INTERVAL) > 0) {
      throw new IllegalArgumentException(ROOT + ".revocations.check-interval must be between 1s and 1d, got "
          + revocationCheckInterval);
    }
    id = id.clone();
  }

  /** A definition for {@code root} whose id is computed from it. */
  public static NetworkDefinition of(String name, X509Certificate trustRoot, List<Authority> authorities,
      int revocationThreshold, Duration revocationCheckInterval) {
    return new NetworkDefinition(name, idOf(trustRoot), trustRoot, authorities, revocationThreshold,
        revocationCheckInterval);
  }

  /** The default threshold for {@code n} authorities: a majority. */
  public static int majority(int n) {
    return n / 2 + 1;
  }

  @Override
  public byte[] id() {
    return id.clone();
  }

  public String idHex() {
    return HexFormat.of().formatHex(id);
  }

  /** The authority whose key is {@code publicKey}, if this network has one. */
  public Optional<Authority> authority(byte[] publicKey) {
    return authorities.stream().filter(a -> Arrays.equals(a.publicKey, publicKey)).findFirst();
  }

  /** The network id of a trust root: SHA-256 of its DER encoding. */
  public static byte[] idOf(X509Certificate trustRoot) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(trustRoot.getEncoded());
    } catch (CertificateEncodingException e) {
      throw new IllegalArgumentException("trust root certificate cannot be encoded", e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /** Reads and checks {@code file}. */
  public static NetworkDefinition load(Path file) throws AdmissionException {
    String text;
    try {
      if (Files.size(file) > MAX_FILE_BYTES) {
        throw new AdmissionException(file + ": larger than " + MAX_FILE_BYTES + " bytes");
      }
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new AdmissionException("cannot read network definition " + file + ": " + e.getMessage());
    }
    return parse(text, file.toString());
  }

  /** Parses and checks the text of a {@code network.conf}; errors start with {@code origin}. */
  public static NetworkDefinition parse(String text, String origin) throws AdmissionException {
    try {
      Config c = ConfigFactory.parseString(text,
          ConfigParseOptions.defaults().setSyntax(ConfigSyntax.CONF).setOriginDescription(origin)).resolve();
      if (!c.hasPath(ROOT)) {
        throw new IllegalArgumentException("no " + ROOT + " block");
      }
      Config n = c.getConfig(ROOT);
      String name = n.getString("name");
      byte[] id = hex(n.getString("id"), ROOT + ".id");
      X509Certificate root;
      try {
        root = Pem.readCertificate(n.getString("trust-root"));
      } catch (AdmissionException e) {
        throw new IllegalArgumentException(ROOT + ".trust-root: " + e.getMessage());
      }
      List<Authority> authorities = new ArrayList<>();
      List<? extends Config> list = n.getConfigList("authorities");
      for (int i = 0; i < list.size(); i++) {
        Config a = list.get(i);
        String field = ROOT + ".authorities[" + i + "]";
        String aname = a.getString("name");
        byte[] key = hex(a.getString("key"), field + ".key");
        if (key.length != Ed25519.PUBLIC_KEY_BYTES) {
          throw new IllegalArgumentException(field + ".key must be 64 hex characters");
        }
        try {
          authorities.add(new Authority(aname, key));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(field + ": " + e.getMessage());
        }
      }
      int threshold = n.hasPath("revocations.threshold") ? n.getInt("revocations.threshold")
          : majority(authorities.size());
      Duration interval = n.hasPath("revocations.check-interval") ? n.getDuration("revocations.check-interval")
          : DEFAULT_CHECK_INTERVAL;
      return new NetworkDefinition(name, id, root, authorities, threshold, interval);
    } catch (ConfigException e) {
      throw new AdmissionException(origin + ": " + oneLine(e.getMessage()));
    } catch (IllegalArgumentException e) {
      throw new AdmissionException(origin + ": " + e.getMessage());
    }
  }

  /** This definition as {@code network.conf} text, which {@link #parse} reads back equal. */
  public String render() {
    StringBuilder b = new StringBuilder();
    b.append("# Shroud network definition: public. Every node of the network points at it (shroud.network).\n");
    b.append(ROOT).append(" {\n");
    b.append("  name = ").append(ConfigUtil.quoteString(name)).append('\n');
    b.append("  id = \"").append(idHex()).append("\"\n");
    b.append("  trust-root = \"\"\"").append(Pem.certificate(trustRoot).replace("\r\n", "\n")).append("\"\"\"\n");
    b.append("  authorities = [\n");
    for (Authority a : authorities) {
      b.append("    { name = ").append(ConfigUtil.quoteString(a.name())).append(", key = \"")
          .append(a.keyHex()).append("\" }\n");
    }
    b.append("  ]\n");
    b.append("  revocations {\n");
    b.append("    # how many distinct authorities must sign a revocation list (default: a majority)\n");
    b.append("    threshold = ").append(revocationThreshold).append('\n');
    b.append("    # how often a node fetches the list again\n");
    b.append("    check-interval = ").append(duration(revocationCheckInterval)).append('\n');
    b.append("  }\n");
    b.append("}\n");
    return b.toString();
  }

  /** Letters, digits, '.', '_' and '-', starting with a letter or digit, at most 64 characters. */
  public static void checkName(String what, String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(what + " must be 1-64 letters, digits, '.', '_' or '-' (starting with a"
          + " letter or digit)");
    }
  }

  private static void checkTrustRoot(String name, X509Certificate root) {
    String field = ROOT + ".trust-root";
    if (!root.getSubjectX500Principal().equals(root.getIssuerX500Principal())) {
      throw new IllegalArgumentException(field + " is not self-signed (issuer differs from subject)");
    }
    try {
      RelayCertificates.rawEd25519(root.getPublicKey());
      root.verify(root.getPublicKey());
    } catch (AdmissionException e) {
      throw new IllegalArgumentException(field + ": " + e.getMessage());
    } catch (Exception e) {
      throw new IllegalArgumentException(field + ": its self-signature does not verify");
    }
    if (root.getBasicConstraints() < 0) {
      throw new IllegalArgumentException(field + " is not a CA certificate (BasicConstraints CA=false)");
    }
    if (!root.getSubjectX500Principal().equals(
        new javax.security.auth.x500.X500Principal(encoded(TrustRootKey.subject(name))))) {
      throw new IllegalArgumentException(field + " subject " + root.getSubjectX500Principal().getName()
          + " is not CN=Shroud trust root,O=" + name);
    }
  }

  private static byte[] encoded(org.bouncycastle.asn1.x500.X500Name name) {
    try {
      return name.getEncoded();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] hex(String s, String field) {
    try {
      return HexFormat.of().parseHex(s);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(field + " is not hex");
    }
  }

  private static String duration(Duration d) {
    if (d.toMillis() % 60_000 == 0) {
      return d.toMinutes() + "m";
    }
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
  }

  private static String oneLine(String s) {
    return s == null ? "invalid" : s.replace('\n', ' ');
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NetworkDefinition d && d.name.equals(name) && Arrays.equals(d.id, id)
        && d.authorities.equals(authorities) && d.revocationThreshold == revocationThreshold
        && d.revocationCheckInterval.equals(revocationCheckInterval);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(id);
  }

  @Override
  public String toString() {
    return "NetworkDefinition[" + name + ", id=" + idHex() + ", " + authorities.size() + " authorities, threshold "
        + revocationThreshold + "]";
  }
}
