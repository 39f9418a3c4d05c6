package io.shroud.swarm.fetch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code <output>.part}: made exclusively, deleted or replaced only when this download made it. */
class OutputPartTest {
  @TempDir Path dir;

  private OutputPart part() {
    return new OutputPart(dir.resolve("out.bin"), dir.resolve("marker"));
  }

  @Test
  void aLinkPlantedAtThePartIsRefusedWithAClearErrorAndNotFollowed() throws Exception {
    Path target = Files.writeString(dir.resolve("authorized_keys"), "ssh-ed25519 AAAA owner");
    Files.createSymbolicLink(dir.resolve("out.bin.part"), target);
    OutputPart part = part();
    var e = assertThrows(OutputPart.NotOurs.class, () -> part.create().close());
    assertTrue(e.getMessage().contains("out.bin.part") && e.getMessage().contains("did not create"), e.getMessage());
    assertEquals("ssh-ed25519 AAAA owner", Files.readString(target), "the link's target is untouched");
    assertTrue(Files.isSymbolicLink(dir.resolve("out.bin.part")));
    part.deleteIfOurs();
    assertTrue(Files.isSymbolicLink(dir.resolve("out.bin.part")), "nor deleted");
  }

  @Test
  void aFileThisDownloadDidNotCreateIsNeitherTruncatedNorDeleted() throws Exception {
    Path theirs = Files.writeString(dir.resolve("out.bin.part"), "someone's half-finished work");
    OutputPart part = part();
    assertThrows(OutputPart.NotOurs.class, () -> part.create().close());
    assertFalse(part.ours());
    part.deleteIfOurs();
    assertEquals("someone's half-finished work", Files.readString(theirs));
  }

  @Test
  void itsOwnPartIsRecognisedReplacedOnResumeAndDeleted() throws Exception {
    OutputPart part = part();
    try (FileChannel ch = part.create()) {
      ch.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
    }
    assertTrue(part.ours());
    // a later incarnation of the download starts its output again: its own file is replaced
    OutputPart again = part();
    try (FileChannel ch = again.create()) {
      ch.write(ByteBuffer.wrap(new byte[] {9}));
    }
    assertArrayEquals(new byte[] {9}, Files.readAllBytes(part.file()));
    again.deleteIfOurs();
    assertFalse(Files.exists(part.file()));
    assertFalse(Files.exists(dir.resolve("marker")));
  }

  @Test
  void aFileSwappedInAfterTheDownloadMadeItsOwnIsNotItsOwn() throws Exception {
    OutputPart part = part();
    try (FileChannel ch = part.create()) {
      // while ours is still open (so its inode cannot be reused), someone puts another file there
      Files.delete(part.file());
      Files.writeString(part.file(), "another file, same name");
      assertFalse(part.ours());
      part.deleteIfOurs();
      assertEquals("another file, same name", Files.readString(part.file()));
    }
    // and a link swapped in is not ours either
    Files.delete(part.file());
    Files.createSymbolicLink(part.file(), dir.resolve("elsewhere"));
    assertFalse(part().ours());
  }
}
