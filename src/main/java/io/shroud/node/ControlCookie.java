package io.shroud.node;

import io.shroud.content.DurableFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The management endpoint's token in an owner-only cookie file, {@code <data-dir>/control.token}
 * (Tor's CookieAuthentication): a fresh random 32-byte value, hex, written on every start, so
 * whoever can read the node's data directory — its owner, the {@code shroud} commands, the
 * dashboard — can call the API and nobody else can. A configured {@code shroud.management.token}
 * replaces it; then no cookie is written and a stale one is removed.
 *
 * <p>The file is written as Tor writes its cookie: a new temporary file created exclusively
 * ({@code O_EXCL}: never through a planted link) with mode 0600, forced, then renamed over the
 * old one (a rename replaces a link, it does not follow it).
 */
public final class ControlCookie {
  /** File name inside the data directory. */
  public static final String FILE = "control.token";
  static final int TOKEN_BYTES = 32;

  private ControlCookie() {}

  /**
   * Returns the token the node accepts: {@code configured} when it is not empty (removing any
   * stale cookie), otherwise a new random token written to the cookie file.
   */
  public static String install(Path dataDir, String configured, SecureRandom random) throws IOException {
    Path file = dataDir.resolve(FILE);
    if (!configured.isEmpty()) {
      Files.deleteIfExists(file);
      DurableFiles.syncDirectory(dataDir);
      return configured;
    }
    byte[] raw = new byte[TOKEN_BYTES];
    random.nextBytes(raw);
    String token = HexFormat.of().formatHex(raw);
    byte[] suffix = new byte[8];
    random.nextBytes(suffix);
    Path tmp = dataDir.resolve(FILE + "." + HexFormat.of().formatHex(suffix) + ".tmp");
    try {
      Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
        ch.write(ByteBuffer.wrap(token.getBytes(StandardCharsets.US_ASCII)));
        ch.force(true);
      }
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
    DurableFiles.syncDirectory(dataDir); // the rename survives a power loss (ignored where refused)
    return token;
  }

  /** The token in {@code dataDir}'s cookie file, or empty when there is none (or it is unreadable). */
  public static Optional<String> read(Path dataDir) {
    try {
      String s = Files.readString(dataDir.resolve(FILE), StandardCharsets.US_ASCII).trim();
      return s.isEmpty() ? Optional.empty() : Optional.of(s);
    } catch (NoSuchFileException | java.nio.file.AccessDeniedException e) {
      return Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
