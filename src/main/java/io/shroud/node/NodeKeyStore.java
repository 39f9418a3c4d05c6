package io.shroud.node;

import io.shroud.content.DurableFiles;
import io.shroud.crypto.Ed25519;
import io.shroud.crypto.MlKem768;
import io.shroud.crypto.OnionKeyPair;
import io.shroud.crypto.X25519;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The node's private keys on disk, under {@code <data-dir>/keys/}: {@code identity.key}
 * (Ed25519, 32 raw bytes), {@code link.key} (X25519 static key of the Noise link handshake, 32
 * raw bytes) and {@code onion-<serial>.key} (X25519 private key ‖ ML-KEM-768 seed, 96 bytes);
 * directory and files readable by the owner only. Files are written to a temporary name created
 * exclusively (never through a planted link), forced to disk and renamed, and the directory is
 * forced after, so a crash never leaves half a key nor loses a new one. Key bytes never reach
 * logs or exceptions.
 */
public final class NodeKeyStore {
  private static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> OWNER_DIR = PosixFilePermissions.fromString("rwx------");
  private static final Pattern ONION_FILE = Pattern.compile("onion-(\\d+)\\.key");

  private final Path dir;
  private final SecureRandom random;

  public NodeKeyStore(Path dataDir, SecureRandom random) {
    this.dir = dataDir.resolve("keys");
    this.random = random;
    try {
      Files.createDirectories(dir);
      Files.setPosixFilePermissions(dir, OWNER_DIR);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create key directory " + dir, e);
    }
  }

  public Path directory() {
    return dir;
  }

  /** The identity key, made and saved on first use. */
  public Ed25519.KeyPair loadOrCreateIdentity() {
    Path file = dir.resolve("identity.key");
    if (Files.exists(file)) {
      return Ed25519.fromPrivateKey(read(file, 32));
    }
    Ed25519.KeyPair identity = Ed25519.generate(random);
    write(file, identity.privateKeyBytes());
    return identity;
  }

  /** The long-term static key of peer-link handshakes, made and saved on first use. */
  public X25519.KeyPair loadOrCreateLinkKey() {
    Path file = dir.resolve("link.key");
    if (Files.exists(file)) {
      return X25519.fromPrivateKey(read(file, 32));
    }
    X25519.KeyPair key = X25519.generate(random);
    write(file, key.privateKeyBytes());
    return key;
  }

  /** Makes a new onion key bundle and saves it as {@code serial} before returning it. */
  public OnionKeyPair createOnionKey(long serial, Instant expires) {
    OnionKeyPair key = OnionKeyPair.generate(random, expires);
    byte[] x = key.x25519PrivateKey();
    byte[] seed = key.mlKemSeed();
    byte[] both = Arrays.copyOf(x, x.length + seed.length);
    System.arraycopy(seed, 0, both, x.length, seed.length);
    write(onionFile(serial), both);
    Arrays.fill(both, (byte) 0);
    return key;
  }

  /** Reads onion key {@code serial}; {@link UncheckedIOException} if it is not on disk. */
  public OnionKeyPair readOnionKey(long serial, Instant expires) {
    byte[] both = read(onionFile(serial), X25519.KEY_BYTES + MlKem768.SEED_BYTES);
    try {
      return OnionKeyPair.fromPrivate(Arrays.copyOf(both, X25519.KEY_BYTES),
          Arrays.copyOfRange(both, X25519.KEY_BYTES, both.length), expires);
    } finally {
      Arrays.fill(both, (byte) 0);
    }
  }

  public boolean hasOnionKey(long serial) {
    return Files.exists(onionFile(serial));
  }

  /** Deletes every onion key file with a serial below {@code serial}. */
  public void deleteOnionKeysBelow(long serial) {
    try (Stream<Path> files = Files.list(dir)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Matcher m = ONION_FILE.matcher(p.getFileName().toString());
        if (m.matches() && Long.parseLong(m.group(1)) < serial) {
          Files.deleteIfExists(p);
        }
      }
      DurableFiles.syncDirectory(dir); // a rotated-out key stays gone after a power loss
    } catch (IOException e) {
      throw new UncheckedIOException("cannot clean old onion keys in " + dir, e);
    }
  }

  private Path onionFile(long serial) {
    return dir.resolve("onion-" + serial + ".key");
  }

  private static byte[] read(Path file, int length) {
    try {
      byte[] bytes = Files.readAllBytes(file);
      if (bytes.length != length) {
        throw new IllegalStateException("key file " + file + " is damaged: expected " + length + " bytes");
      }
      return bytes;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read key file " + file, e);
    }
  }

  private static void write(Path file, byte[] key) {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try {
      Files.deleteIfExists(tmp);
      try (FileChannel ch = DurableFiles.createExclusive(tmp, PosixFilePermissions.asFileAttribute(OWNER_FILE))) {
        ch.write(ByteBuffer.wrap(key));
        ch.force(true);
      } catch (FileAlreadyExistsException e) {
        throw new IllegalStateException("key file " + tmp + " appeared while writing", e);
      }
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      DurableFiles.syncDirectory(file.getParent()); // the new name survives a power loss too
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write key file " + file, e);
    }
  }
}
