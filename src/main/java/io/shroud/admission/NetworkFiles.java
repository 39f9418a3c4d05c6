package io.shroud.admission;

import io.shroud.content.DurableFiles;
import io.shroud.crypto.Ed25519;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A network directory as the operator who created the network keeps it: {@code network.conf}
 * (public: give it to every node), {@code secret/trust-root.key} (PKCS#8 PEM, signs relay
 * certificates), {@code secret/authority-N.key} (PKCS#8 PEM Ed25519, sign revocation lists) and
 * {@code revocations.pem} (the current signed revocation list). The secret directory and its
 * files are readable by the owner only; a key file that others can read is refused.
 */
public final class NetworkFiles {
  public static final String CONF = "network.conf";
  public static final String SECRET = "secret";
  public static final String TRUST_ROOT_KEY = "trust-root.key";
  public static final String REVOCATIONS = "revocations.pem";
  private static final Pattern AUTHORITY_FILE = Pattern.compile("authority-(\\d{1,3})\\.key");
  private static final Set<PosixFilePermission> OWNER_DIR = PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");
  private static final long MAX_KEY_FILE_BYTES = 16 * 1024;

  private NetworkFiles() {}

  /**
   * Creates a network in {@code dir}: a trust root valid for {@link TrustRootKey#DEFAULT_VALIDITY},
   * {@code authorities} authority keys, a majority threshold, the default check interval. Refuses
   * when {@code dir} already holds a network (a {@code network.conf} or a {@code secret} directory).
   */
  public static NetworkDefinition init(Path dir, String name, int authorities, Clock clock, SecureRandom rnd)
      throws AdmissionException, IOException {
    NetworkDefinition.checkName("network name", name);
    if (authorities < 1 || authorities > NetworkDefinition.MAX_AUTHORITIES) {
      throw new AdmissionException("authorities must be 1.." + NetworkDefinition.MAX_AUTHORITIES + ", got "
          + authorities);
    }
    Path conf = dir.resolve(CONF);
    Path secret = dir.resolve(SECRET);
    if (Files.exists(conf, LinkOption.NOFOLLOW_LINKS) || Files.exists(secret, LinkOption.NOFOLLOW_LINKS)) {
      throw new AdmissionException(dir + " already holds a network (" + CONF + " or " + SECRET
          + "/); refusing to overwrite it");
    }
    Files.createDirectories(dir);
    try {
      Files.createDirectory(secret, PosixFilePermissions.asFileAttribute(OWNER_DIR));
    } catch (FileAlreadyExistsException e) {
      throw new AdmissionException(dir + " already holds a network (" + SECRET + "/); refusing to overwrite it");
    }
    Files.setPosixFilePermissions(secret, OWNER_DIR); // the umask may have narrowed it; never widened
    TrustRootKey root = TrustRootKey.generate(name, clock.instant(), TrustRootKey.DEFAULT_VALIDITY, rnd);
    writeNew(secret.resolve(TRUST_ROOT_KEY), Pem.privateKey(root.privateKey()));
    List<NetworkDefinition.Authority> list = new ArrayList<>();
    for (int i = 1; i <= authorities; i++) {
      Ed25519.KeyPair key = Ed25519.generate(rnd);
      writeNew(secret.resolve("authority-" + i + ".key"), Pem.privateKey(key));
      list.add(new NetworkDefinition.Authority("authority-" + i, key.publicKey()));
    }
    DurableFiles.syncDirectory(secret);
    NetworkDefinition def = NetworkDefinition.of(name, root.certificate(), list,
        NetworkDefinition.majority(authorities), NetworkDefinition.DEFAULT_CHECK_INTERVAL);
    writeNew(conf, def.render()); // last: a network.conf means the directory is complete
    Files.setPosixFilePermissions(conf, PosixFilePermissions.fromString("rw-r--r--"));
    DurableFiles.syncDirectory(dir);
    return def;
  }

  /** The network definition of the directory {@code dir}. */
  public static NetworkDefinition loadDefinition(Path dir) throws AdmissionException {
    return NetworkDefinition.load(dir.resolve(CONF));
  }

  /** The trust root key of {@code dir}, checked to belong to {@code def}'s trust root. */
  public static TrustRootKey loadTrustRootKey(Path dir, NetworkDefinition def) throws AdmissionException {
    Path file = dir.resolve(SECRET).resolve(TRUST_ROOT_KEY);
    String pem = readSecret(file);
    PrivateKey key;
    Ed25519.KeyPair pair;
    try {
      key = Pem.readPrivateKey(pem);
      pair = Pem.readEd25519KeyPair(pem);
    } catch (AdmissionException e) {
      throw new AdmissionException(file + ": " + e.getMessage());
    }
    byte[] rootKey = RelayCertificates.rawEd25519(def.trustRoot().getPublicKey());
    if (!Arrays.equals(pair.publicKey(), rootKey)) {
      throw new AdmissionException(file + " is not the key of this network's trust root");
    }
    return new TrustRootKey(def.trustRoot(), key);
  }

  /** Every {@code authority-N.key} in {@code dir/secret}, in N order (none: an empty list). */
  public static List<Ed25519.KeyPair> loadAuthorityKeys(Path dir) throws AdmissionException {
    Path secret = dir.resolve(SECRET);
    if (!Files.isDirectory(secret)) {
      return List.of();
    }
    List<Path> files = new ArrayList<>();
    try (Stream<Path> s = Files.list(secret)) {
      s.filter(p -> AUTHORITY_FILE.matcher(p.getFileName().toString()).matches()).forEach(files::add);
    } catch (IOException e) {
      throw new AdmissionException("cannot list " + secret + ": " + e.getMessage());
    }
    files.sort((a, b) -> Integer.compare(number(a), number(b)));
    List<Ed25519.KeyPair> keys = new ArrayList<>();
    for (Path f : files) {
      keys.add(readAuthorityKey(f));
    }
    return keys;
  }

  /** One authority key file (PKCS#8 PEM Ed25519, owner-only). */
  public static Ed25519.KeyPair readAuthorityKey(Path file) throws AdmissionException {
    try {
      return Pem.readEd25519KeyPair(readSecret(file));
    } catch (AdmissionException e) {
      throw new AdmissionException(file + ": " + e.getMessage());
    }
  }

  /**
   * Writes {@code text} to the new file {@code file}, owner-only; fails if anything is at that name
   * (a link included).
   */
  static void writeNew(Path file, String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
    try (FileChannel ch = DurableFiles.createExclusive(file, PosixFilePermissions.asFileAttribute(OWNER_FILE))) {
      ByteBuffer buf = ByteBuffer.wrap(bytes);
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      ch.force(true);
    }
  }

  /** Reads a key file, refusing one that is too large or that the group or others may read. */
  static String readSecret(Path file) throws AdmissionException {
    try {
      if (!Files.isRegularFile(file)) {
        throw new AdmissionException(file + ": no such key file");
      }
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
      for (PosixFilePermission p : perms) {
        if (!OWNER_FILE.contains(p) && p != PosixFilePermission.OWNER_EXECUTE) {
          throw new AdmissionException(file + " is readable or writable by others (" + PosixFilePermissions.toString(perms)
              + "); chmod 600 it");
        }
      }
      if (Files.size(file) > MAX_KEY_FILE_BYTES) {
        throw new AdmissionException(file + ": larger than a key file can be");
      }
      return Files.readString(file, StandardCharsets.US_ASCII);
    } catch (UnsupportedOperationException e) {
      throw new AdmissionException(file + ": this file system has no POSIX permissions to protect a key");
    } catch (IOException e) {
      throw new AdmissionException("cannot read " + file + ": " + e.getMessage());
    }
  }

  private static int number(Path p) {
    Matcher m = AUTHORITY_FILE.matcher(p.getFileName().toString());
    return m.matches() ? Integer.parseInt(m.group(1)) : Integer.MAX_VALUE;
  }

  /** The time a certificate issued at {@code now} starts being valid (allowing for slow clocks). */
  public static Instant notBefore(Instant now) {
    return now.minus(TrustRootKey.CLOCK_SKEW);
  }
}
