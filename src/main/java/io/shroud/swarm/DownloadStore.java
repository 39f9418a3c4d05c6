package io.shroud.swarm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/**
 * A download's files under {@code <data-dir>/downloads/} (owner-only): {@code <id>.link}, the
 * share link as given (it holds an encrypted share's key, so it stays out of the journal), and
 * {@code <id>.part}, the share's bytes (ciphertext of an encrypted share) written piece by piece
 * at their offsets and forced before a piece is recorded as verified. Blocking I/O: call from the
 * blocking dispatcher.
 */
public final class DownloadStore {
  private final Path dir;

  public DownloadStore(Path dataDir) {
    this.dir = dataDir.resolve("downloads");
    try {
      Files.createDirectories(dir);
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create download directory " + dir, e);
    }
  }

  public Path partFile(String id) {
    return dir.resolve(id + ".part");
  }

  /** Writes the link file (owner-only) and forces it. */
  public void writeLink(String id, String link) throws IOException {
    Path tmp = dir.resolve(id + ".link.tmp");
    Files.deleteIfExists(tmp);
    Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(link.getBytes(StandardCharsets.UTF_8)));
      ch.force(true);
    }
    Files.move(tmp, dir.resolve(id + ".link"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  public Optional<String> readLink(String id) {
    Path file = dir.resolve(id + ".link");
    try {
      return Files.exists(file) ? Optional.of(Files.readString(file, StandardCharsets.UTF_8)) : Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read download link " + file, e);
    }
  }

  /** One verified piece to write: its index, its offset in the file, its bytes. */
  public record PieceData(int piece, long offset, byte[] data) {}

  /** Writes every piece at its offset of the part file, then forces the file once. */
  public void writePieces(String id, List<PieceData> pieces) throws IOException {
    try (FileChannel ch = FileChannel.open(partFile(id), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      for (PieceData p : pieces) {
        ByteBuffer buf = ByteBuffer.wrap(p.data());
        while (buf.hasRemaining()) {
          ch.write(buf, p.offset() + buf.position());
        }
      }
      ch.force(false);
    }
  }

  /** Reads {@code length} bytes at {@code offset} of the part file (fewer if it is shorter). */
  public byte[] readPiece(String id, long offset, int length) throws IOException {
    Path part = partFile(id);
    if (!Files.exists(part)) {
      return new byte[0];
    }
    try (FileChannel ch = FileChannel.open(part, StandardOpenOption.READ)) {
      ByteBuffer buf = ByteBuffer.allocate(length);
      while (buf.hasRemaining()) {
        if (ch.read(buf, offset + buf.position()) < 0) {
          break;
        }
      }
      return java.util.Arrays.copyOf(buf.array(), buf.position());
    }
  }

  /** Deletes the part and link files. */
  public void delete(String id) {
    try {
      Files.deleteIfExists(partFile(id));
      Files.deleteIfExists(dir.resolve(id + ".link"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Deletes the link file only (the download finished; the key must not linger). */
  public void forgetLink(String id) {
    try {
      Files.deleteIfExists(dir.resolve(id + ".link"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
