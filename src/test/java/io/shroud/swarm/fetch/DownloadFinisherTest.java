package io.shroud.swarm.fetch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.content.ShareMetadata;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Producing the output never replaces a file at the output path nor writes through a planted link. */
class DownloadFinisherTest {
  static final int PIECE = 16 * 1024;
  @TempDir Path dir;

  private Path part(ShareMetadata share) throws IOException {
    return Files.copy(share.dataFile(), dir.resolve("download.part"));
  }

  private OutputPart plain(Path output) {
    return new OutputPart(output, dir.resolve("marker"));
  }

  @Test
  void aPublicDownloadIsCommittedWhenTheOutputIsFree() throws Exception {
    ShareMetadata share = SwarmNet.publicShare(dir.resolve("src"), "p.bin", 100_000, PIECE, 1);
    Path part = part(share);
    Path output = dir.resolve("out.bin");
    DownloadFinisher.finish(share.link(), part, output, plain(output), false, null);
    assertArrayEquals(Files.readAllBytes(share.dataFile()), Files.readAllBytes(output));
    assertFalse(Files.exists(part));
  }

  @Test
  void anOutputThatAppearedMeanwhileIsNeverReplacedAndThePartFileIsKept() throws Exception {
    ShareMetadata share = SwarmNet.publicShare(dir.resolve("src"), "p.bin", 100_000, PIECE, 2);
    Path part = part(share);
    Path output = Files.writeString(dir.resolve("out.bin"), "written by someone else meanwhile");
    var e = assertThrows(IOException.class,
        () -> DownloadFinisher.finish(share.link(), part, output, plain(output), false, null));
    assertTrue(e.getMessage().contains("appeared meanwhile") && e.getMessage().contains(part.toString()),
        e.getMessage());
    assertEquals("written by someone else meanwhile", Files.readString(output));
    assertArrayEquals(Files.readAllBytes(share.dataFile()), Files.readAllBytes(part), "the part file is kept");
  }

  @Test
  void anEncryptedDownloadNeverReplacesAnOutputThatAppearedMeanwhile() throws Exception {
    ShareMetadata share = SwarmNet.encryptedShare(dir.resolve("src"), "e.bin", 100_000, PIECE, 3);
    Path part = part(share);
    Path output = Files.writeString(dir.resolve("out.bin"), "mine");
    assertThrows(IOException.class,
        () -> DownloadFinisher.finish(share.link(), part, output, plain(output), false, null));
    assertEquals("mine", Files.readString(output));
    assertTrue(Files.exists(part));
    assertFalse(Files.exists(dir.resolve("out.bin.part")), "no plaintext is left beside it");
  }

  @Test
  void anEncryptedDownloadRefusesALinkPlantedAtItsPartSibling() throws Exception {
    ShareMetadata share = SwarmNet.encryptedShare(dir.resolve("src"), "e.bin", 100_000, PIECE, 4);
    Path part = part(share);
    Path output = dir.resolve("out.bin");
    Path target = Files.writeString(dir.resolve(".bashrc"), "alias ls='ls -l'");
    Files.createSymbolicLink(dir.resolve("out.bin.part"), target);
    var e = assertThrows(OutputPart.NotOurs.class,
        () -> DownloadFinisher.finish(share.link(), part, output, plain(output), false, null));
    assertTrue(e.getMessage().contains("did not create"), e.getMessage());
    assertEquals("alias ls='ls -l'", Files.readString(target));
    assertFalse(Files.exists(output));
    assertTrue(Files.exists(part));
  }

  @Test
  void anEncryptedDownloadDecryptsIntoItsOwnPartAndCommitsIt() throws Exception {
    ShareMetadata share = SwarmNet.encryptedShare(dir.resolve("src"), "e.bin", 100_000, PIECE, 5);
    Path part = part(share);
    Path output = dir.resolve("out.bin");
    DownloadFinisher.finish(share.link(), part, output, plain(output), false, null);
    assertArrayEquals(Files.readAllBytes(dir.resolve("src").resolve("e.bin")), Files.readAllBytes(output));
    assertFalse(Files.exists(dir.resolve("out.bin.part")));
    assertFalse(Files.exists(dir.resolve("marker")));
  }

  @Test
  void theStreamedPlaintextIsNeverCommittedOverAnOutputThatAppearedMeanwhile() throws Exception {
    ShareMetadata share = SwarmNet.encryptedShare(dir.resolve("src"), "e.bin", 50_000, PIECE, 6);
    Path output = dir.resolve("out.bin");
    DecryptingOutput streamed = DecryptingOutput.create(share.link(), plain(output));
    streamed.accept(Files.readAllBytes(share.dataFile()));
    Files.writeString(output, "arrived between the check and the commit");
    assertThrows(FileAlreadyExistsException.class, () -> streamed.commit(output));
    assertEquals("arrived between the check and the commit", Files.readString(output));
    streamed.discard();
    assertFalse(Files.exists(dir.resolve("out.bin.part")), "its own plaintext is removed");
  }
}
