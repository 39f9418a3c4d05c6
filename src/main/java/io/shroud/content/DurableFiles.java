package io.shroud.content;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * File operations that neither follow a link someone planted nor replace a file someone else
 * owns, and that survive a crash: exclusive creation ({@code O_CREAT|O_EXCL|O_NOFOLLOW}), a
 * commit that never replaces its target, atomic writes of small files, and the directory fsync
 * that makes a new name durable. Plain blocking I/O: call it off any actor's thread.
 */
public final class DurableFiles {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final FileAttribute<?> OWNER_ONLY =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

  private DurableFiles() {}

  /**
   * Creates {@code file} and opens it for writing; fails with {@link FileAlreadyExistsException}
   * if anything is at that name, a symbolic link included (even one pointing nowhere): the link
   * is never followed and its target never touched.
   */
  public static FileChannel createExclusive(Path file, FileAttribute<?>... attributes) throws IOException {
    return FileChannel.open(file, java.util.Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
        LinkOption.NOFOLLOW_LINKS), attributes);
  }

  /**
   * Makes {@code target} the file {@code source} is, without ever replacing a file already at
   * {@code target}, then removes the name {@code source}, and makes both names durable.
   *
   * <p>A hard link ({@code link(2)}) is atomic and fails if anything exists at {@code target}: a
   * true "rename without replace" on every POSIX file system that has hard links. Where there
   * are none (FAT, some network and FUSE file systems) or the two names are on different file
   * systems, it falls back to {@link Files#move} without {@code REPLACE_EXISTING}: within one file
   * system the JDK checks that the target is free and then renames, which leaves a window for a
   * file created in between to be replaced; across file systems it copies into an exclusively
   * created target and deletes the source, and the target is visible while it is copied.
   *
   * @throws FileAlreadyExistsException if something is at {@code target}; {@code source} is left
   *     as it was
   */
  public static void commitNoReplace(Path source, Path target) throws IOException {
    boolean linked;
    try {
      Files.createLink(target, source);
      linked = true;
    } catch (FileAlreadyExistsException e) {
      throw e;
    } catch (UnsupportedOperationException | FileSystemException e) {
      linked = false; // no hard links here (EPERM), or another file system (EXDEV)
    }
    if (linked) {
      Files.delete(source);
    } else {
      Files.move(source, target);
    }
    syncDirectory(target.toAbsolutePath().getParent());
    Path sourceDir = source.toAbsolutePath().getParent();
    if (!sourceDir.equals(target.toAbsolutePath().getParent())) {
      syncDirectory(sourceDir);
    }
  }

  /**
   * Writes {@code bytes} to {@code file} so that a crash leaves either the old file or the new
   * one, never a part: a temporary sibling with a random name is created exclusively (owner-only),
   * written and forced, renamed over {@code file} (a rename replaces a link at that name, it does
   * not follow it), and the directory is forced.
   */
  public static void writeAtomically(Path file, byte[] bytes) throws IOException {
    byte[] suffix = new byte[8];
    RANDOM.nextBytes(suffix);
    Path tmp = file.resolveSibling(file.getFileName() + "." + HexFormat.of().formatHex(suffix) + ".tmp");
    try {
      try (FileChannel ch = createExclusive(tmp, OWNER_ONLY)) {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
    syncDirectory(file.toAbsolutePath().getParent());
  }

  /**
   * Forces {@code dir} itself to disk, so that names created, renamed or removed in it survive a
   * power loss (a file's own fsync does not cover its directory entry on Linux).
   */
  public static void syncDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException notSupported) {
      // some platforms and file systems refuse to open or fsync a directory (Windows; some
      // network file systems): the rename or creation is still atomic, only its durability
      // after a power loss is left to the file system
    }
  }
}
