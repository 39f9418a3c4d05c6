package io.shroud.content;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A folder shared public against the real libtorrent 2.0.8: for a folder of six files (one
 * empty, one executable, one hidden, one in a subfolder, one longer than a piece) Shroud's
 * {@code info} bytes are libtorrent's, libtorrent loads Shroud's {@code .torrent} with the same
 * v2 info-hash and rechecks the folder to 100%, and libtorrent's own {@code .torrent} of the
 * folder gives Shroud the same folder and member links.
 */
class FolderInteropTest {
  @TempDir Path dir;

  @BeforeAll
  static void libtorrentIsThere() throws Exception {
    RealTools.requireLibtorrent();
  }

  /** Builds the folder as the share catalogue does: every non-empty file a public member share. */
  static Folder share(Path top, int pieceLength, Map<String, byte[]> layers) throws Exception {
    List<FolderScan.Found> found = FolderScan.scan(top);
    long total = found.stream().mapToLong(FolderScan.Found::length).sum();
    int pl = pieceLength != 0 ? pieceLength : PieceLengths.choose(total);
    List<Metainfo.FileEntry> entries = new ArrayList<>();
    ShareBuilder builder = new ShareBuilder(new SecureRandom());
    for (FolderScan.Found f : found) {
      byte[] root = null;
      if (f.length() > 0) {
        ShareMetadata m = builder.build(f.file(), ShareOptions.publicShare().withPieceLength(pl));
        root = m.piecesRoot().orElseThrow();
        layers.put(HexFormat.of().formatHex(root), m.tree().pieceLayerBytes());
      }
      entries.add(new Metainfo.FileEntry(f.path(), f.length(), root, f.executable() ? "x" : ""));
    }
    return Folder.build(top.getFileName().toString(), pl, entries);
  }

  static Path makeFolder(Path parent) throws Exception {
    Path top = parent.resolve("holiday photos");
    Files.createDirectories(top.resolve("sub"));
    Random r = new Random(7);
    byte[] big = new byte[300_000];
    r.nextBytes(big);
    Files.write(top.resolve("a.txt"), "hello\n".getBytes());
    Files.write(top.resolve("empty"), new byte[0]);
    Files.write(top.resolve("sub").resolve("big.bin"), big);
    Files.write(top.resolve(".hidden"), "x\n".getBytes());
    Path run = Files.write(top.resolve("run.sh"), "#!/bin/sh\n".getBytes());
    Files.setPosixFilePermissions(run, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.write(top.resolve("Zürich.txt"), "grüezi\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    return top;
  }

  @Test
  void aPublicFolderIsLibtorrentsTorrentAndRechecksTo100Percent() throws Exception {
    Path top = makeFolder(dir);
    Map<String, byte[]> layers = new HashMap<>();
    Folder folder = share(top, 16384, layers);
    JsonNode lt = RealTools.libtorrent("create", top.toString(), "16384", "v2", dir.resolve("lt.torrent").toString());
    assertEquals(lt.path("info").asText(), HexFormat.of().formatHex(folder.infoBytes()));
    assertEquals(lt.path("v2").asText(), folder.infoHashHex());

    Path ours = Files.write(dir.resolve("shroud.torrent"), folder.torrentFile(layers));
    JsonNode info = RealTools.libtorrent("info", ours.toString());
    assertEquals(folder.infoHashHex(), info.path("v2").asText());
    JsonNode recheck = RealTools.libtorrent("recheck", ours.toString(), dir.toString(), "30");
    assertEquals(1_000_000, recheck.path("progressPpm").asInt(), recheck.toString());
    assertTrue(recheck.path("error").isNull(), recheck.toString());

    // libtorrent's .torrent of the folder is the same folder, with the same members
    Folder theirs = Folder.of(Metainfo.parse(Files.readAllBytes(dir.resolve("lt.torrent"))));
    assertEquals(folder.infoHashHex(), theirs.infoHashHex());
    assertEquals(folder.memberLinks().stream().map(ShareLink::format).toList(),
        theirs.memberLinks().stream().map(ShareLink::format).toList());
    assertEquals(List.of(".hidden", "Zürich.txt", "a.txt", "empty", "run.sh", "sub/big.bin"),
        theirs.files().stream().map(Metainfo.FileEntry::pathText).toList());
    assertEquals("x", theirs.files().get(4).attr());
    assertTrue(theirs.memberLink(theirs.files().get(3)).isEmpty(), "an empty file has no member");
  }

  @Test
  void theAutomaticPieceLengthFollowsTheFoldersTotalSizeAsLibtorrentsDoes() throws Exception {
    Path top = makeFolder(dir);
    Folder folder = share(top, 0, new HashMap<>());
    JsonNode lt = RealTools.libtorrent("create", top.toString(), "0", "v2", dir.resolve("auto.torrent").toString());
    assertEquals(lt.path("pieceLength").asInt(), folder.pieceLength());
    assertEquals(lt.path("v2").asText(), folder.infoHashHex());
    // a member is the single-file share of that file with the folder's piece length
    ShareMetadata alone = new ShareBuilder(new SecureRandom()).build(top.resolve("sub/big.bin"),
        ShareOptions.publicShare().withPieceLength(folder.pieceLength()));
    assertEquals(alone.link().format(), folder.memberLink(folder.files().get(5)).orElseThrow().format());
    assertNull(Magnet.parse(folder.link()).shareLink().orElse(null), "a folder's link is a bare magnet");
    assertEquals(Magnet.parse(folder.link()).infoHashHex(), folder.infoHashHex());
  }
}
