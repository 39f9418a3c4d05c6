package io.shroud.node.admission;

import io.shroud.admission.AdmissionException;
import io.shroud.admission.NetworkDefinition;
import io.shroud.admission.NetworkFiles;
import io.shroud.admission.Pem;
import io.shroud.admission.RelayCertificates;
import io.shroud.admission.TrustRootKey;
import io.shroud.crypto.Ed25519;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/** A network made with the real {@code shroud network init} code, and relays admitted to it, for tests. */
public final class TestNetwork {
  private static final SecureRandom RANDOM = new SecureRandom();

  public final Path dir;
  public final NetworkDefinition definition;
  public final TrustRootKey root;

  private TestNetwork(Path dir, NetworkDefinition definition, TrustRootKey root) {
    this.dir = dir;
    this.definition = definition;
    this.root = root;
  }

  /** A new network with one authority in {@code dir}, its trust root valid from {@code clock}'s now. */
  public static TestNetwork create(Path dir, String name, Clock clock) {
    try {
      NetworkDefinition def = NetworkFiles.init(dir, name, 1, clock, RANDOM);
      return new TestNetwork(dir, def, NetworkFiles.loadTrustRootKey(dir, def));
    } catch (AdmissionException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public Path conf() {
    return dir.resolve(NetworkFiles.CONF);
  }

  /** A certificate for {@code identity} valid from an hour before {@code from} for {@code validity}. */
  public X509Certificate issue(Ed25519.KeyPair identity, Instant from, Duration validity) {
    return RelayCertificates.issue(root, identity.publicKey(), from.minus(Duration.ofHours(1)), from.plus(validity),
        RANDOM);
  }

  /** Issues a 90-day certificate for {@code identity} and writes it to {@code file} (replacing any). */
  public Path admit(Ed25519.KeyPair identity, Instant now, Path file) {
    return write(issue(identity, now, Duration.ofDays(90)), file);
  }

  /** Writes {@code cert} as PEM to {@code file} by rename, as an operator replacing it would. */
  public static Path write(X509Certificate cert, Path file) {
    try {
      Files.createDirectories(file.getParent());
      Path tmp = file.resolveSibling(file.getFileName() + ".new");
      Files.writeString(tmp, Pem.certificate(cert));
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
