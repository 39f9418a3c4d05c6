package io.shroud.swarm.fetch;

import io.shroud.content.DurableFiles;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;

/**
 * The plaintext of an encrypted share on its way to the output: {@code <output>.part}, beside the
 * output, where the user can see it. That directory belongs to the user, so the file is treated
 * as someone else's unless this download can prove it made it:
 *
 * <ul>
 *   <li>it is created exclusively ({@code O_CREAT|O_EXCL|O_NOFOLLOW}): a file or a planted
 *       symbolic link already at that name makes the creation fail, and is neither followed,
 *       truncated nor deleted;
 *   <li>right after creating it, the download records the file's identity (device and inode,
 *       {@link BasicFileAttributes#fileKey()}) in its owner-only marker file in the data
 *       directory, forced; a later incarnation deletes or replaces {@code <output>.part} only if
 *       what is there now is a regular file (not a link, looked at without following one) with
 *       that identity.
 * </ul>
 *
 * A crash between the creation and the marker leaves a file the download cannot prove is its
 * own: it is left alone and the download fails with a message naming it. Blocking I/O.
 */
final class OutputPart {
  /** A file or link this download did not create is at {@code <output>.part}; it was left untouched. */
  static final class NotOurs extends FileAlreadyExistsException {
    NotOurs(Path file) {
      super(file.toString(), null, "a file or link this download did not create is there; it was left untouched");
    }
  }

  private final Path file;
  private final Path marker;

  /** {@code marker}: the download's owner-only file in the data directory that names the part it made. */
  OutputPart(Path output, Path marker) {
    this.file = of(output);
    this.marker = marker;
  }

  /** {@code output}'s {@code .part} sibling. */
  static Path of(Path output) {
    return output.resolveSibling(output.getFileName() + ".part");
  }

  Path file() {
    return file;
  }

  /**
   * Creates the part file afresh and opens it for writing: a part file this download made
   * earlier is deleted first; anything else at that name is left alone and the creation fails.
   *
   * @throws NotOurs if anything else is at that name
   */
  FileChannel create() throws IOException {
    deleteIfOurs();
    FileChannel ch;
    try {
      ch = DurableFiles.createExclusive(file);
    } catch (FileAlreadyExistsException e) {
      throw new NotOurs(file);
    }
    try {
      Object key = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
      DurableFiles.writeAtomically(marker, String.valueOf(key).getBytes(StandardCharsets.UTF_8));
      DurableFiles.syncDirectory(file.toAbsolutePath().getParent());
    } catch (IOException | RuntimeException e) {
      ch.close();
      Files.deleteIfExists(file);
      throw e;
    }
    return ch;
  }

  /** True if {@code <output>.part} is a regular file (not a link) with the identity the marker recorded. */
  boolean ours() throws IOException {
    Optional<String> recorded = recorded();
    if (recorded.isEmpty()) {
      return false;
    }
    BasicFileAttributes a;
    try {
      a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return false;
    }
    return a.isRegularFile() && a.fileKey() != null && recorded.get().equals(String.valueOf(a.fileKey()));
  }

  /** Deletes {@code <output>.part} if this download made it ({@link #ours()}), and the marker. */
  void deleteIfOurs() throws IOException {
    if (ours()) {
      Files.deleteIfExists(file); // if-exists: a cancel and a discard may race to it
      DurableFiles.syncDirectory(file.toAbsolutePath().getParent());
    }
    Files.deleteIfExists(marker);
  }

  /** The marker is gone: the part file was committed to the output (or deleted). */
  void forget() throws IOException {
    Files.deleteIfExists(marker);
  }

  private Optional<String> recorded() throws IOException {
    try {
      String s = Files.readString(marker, StandardCharsets.UTF_8);
      return s.isEmpty() || s.equals("null") ? Optional.empty() : Optional.of(s);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }
}
