package io.shroud.content;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DurableFilesTest {
  @TempDir Path dir;

  @Test
  void exclusiveCreationRefusesAPlantedLinkAndLeavesItsTargetAlone() throws Exception {
    Path target = Files.writeString(dir.resolve("precious.txt"), "precious");
    Path link = Files.createSymbolicLink(dir.resolve("out.part"), target);
    assertThrows(FileAlreadyExistsException.class, () -> DurableFiles.createExclusive(link).close());
    assertEquals("precious", Files.readString(target));
    assertTrue(Files.isSymbolicLink(link));
    // a link to nowhere is refused as well: nothing is created at its target
    Path dangling = Files.createSymbolicLink(dir.resolve("other.part"), dir.resolve("nowhere"));
    assertThrows(FileAlreadyExistsException.class, () -> DurableFiles.createExclusive(dangling).close());
    assertFalse(Files.exists(dir.resolve("nowhere")));
  }

  @Test
  void exclusiveCreationMakesANewFile() throws Exception {
    Path file = dir.resolve("new.part");
    try (FileChannel ch = DurableFiles.createExclusive(file)) {
      ch.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
    }
    assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(file));
    assertThrows(FileAlreadyExistsException.class, () -> DurableFiles.createExclusive(file).close());
  }

  @Test
  void aCommitNeverReplacesAFileAtItsTarget() throws Exception {
    Path source = Files.writeString(dir.resolve("download.part"), "downloaded");
    Path target = Files.writeString(dir.resolve("out.bin"), "the user's own file");
    assertThrows(FileAlreadyExistsException.class, () -> DurableFiles.commitNoReplace(source, target));
    assertEquals("the user's own file", Files.readString(target));
    assertEquals("downloaded", Files.readString(source), "the source is kept");
  }

  @Test
  void aCommitNeverReplacesALinkAtItsTargetNorWritesThroughIt() throws Exception {
    Path source = Files.writeString(dir.resolve("download.part"), "downloaded");
    Path elsewhere = Files.writeString(dir.resolve("elsewhere"), "elsewhere");
    Path target = Files.createSymbolicLink(dir.resolve("out.bin"), elsewhere);
    assertThrows(FileAlreadyExistsException.class, () -> DurableFiles.commitNoReplace(source, target));
    assertTrue(Files.isSymbolicLink(target));
    assertEquals("elsewhere", Files.readString(elsewhere));
    Path dangling = Files.createSymbolicLink(dir.resolve("out2.bin"), dir.resolve("nowhere"));
    assertThrows(FileAlreadyExistsException.class, () -> DurableFiles.commitNoReplace(source, dangling));
    assertFalse(Files.exists(dir.resolve("nowhere")));
  }

  @Test
  void aCommitToAFreeNameMovesTheFile() throws Exception {
    Path source = Files.writeString(dir.resolve("download.part"), "downloaded");
    Files.createDirectories(dir.resolve("out"));
    Path target = dir.resolve("out").resolve("file.bin");
    DurableFiles.commitNoReplace(source, target);
    assertEquals("downloaded", Files.readString(target));
    assertFalse(Files.exists(source, LinkOption.NOFOLLOW_LINKS));
  }

  @Test
  void anAtomicWriteReplacesALinkWithoutFollowingIt() throws Exception {
    Path elsewhere = Files.writeString(dir.resolve("elsewhere"), "elsewhere");
    Path file = Files.createSymbolicLink(dir.resolve("cookie"), elsewhere);
    DurableFiles.writeAtomically(file, "new".getBytes(StandardCharsets.UTF_8));
    assertFalse(Files.isSymbolicLink(file));
    assertEquals("new", Files.readString(file));
    assertEquals("elsewhere", Files.readString(elsewhere));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    try (var left = Files.list(dir)) {
      assertEquals(2, left.count(), "no temporary file is left");
    }
  }

  @Test
  void aDirectoryCanBeSynced() {
    DurableFiles.syncDirectory(dir); // no exception, here or where directories cannot be opened
    DurableFiles.syncDirectory(dir.resolve("missing"));
  }
}
