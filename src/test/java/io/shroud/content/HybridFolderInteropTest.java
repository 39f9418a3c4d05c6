package io.shroud.content;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.shroud.content.BValue.BBytes;
import io.shroud.content.BValue.BDict;
import io.shroud.content.BValue.BList;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hybrid (v1+v2) {@code .torrent} of a public folder against the real libtorrent 2.0.8 and
 * Debian's v1 tools: for a folder of nine files (two empty, one executable, several in
 * subfolders, one exactly two pieces long, one over a piece, the last non-empty one ending
 * mid-piece) Shroud's {@code info} bytes are libtorrent's hybrid {@code info}, libtorrent
 * rechecks the folder against Shroud's export to 100%, and {@code aria2c -S} and
 * {@code transmission-show} make of it exactly what they make of libtorrent's.
 *
 * <p>Transmission 3.00 (Debian 12) refuses every hybrid torrent, libtorrent's of a folder too
 * ("Error parsing .torrent file"); aria2 1.36 lists the files, pad files included.
 */
class HybridFolderInteropTest {
  private static final int PL = 16384;

  @TempDir Path dir;

  @BeforeAll
  static void toolsAreThere() throws Exception {
    RealTools.requireLibtorrent();
    RealTools.require("aria2c", "aria2");
    RealTools.require("transmission-show", "transmission-cli");
  }

  /** {@link FolderInteropTest#makeFolder}'s six files plus one of exactly two pieces and a last subfolder. */
  static Path makeFolder(Path parent) throws Exception {
    Path top = FolderInteropTest.makeFolder(parent);
    Random r = new Random(11);
    byte[] exact = new byte[2 * PL];
    r.nextBytes(exact);
    Files.write(top.resolve("sub").resolve("exact.bin"), exact);
    Files.createDirectories(top.resolve("zz"));
    Files.write(top.resolve("zz").resolve("tail.txt"), "the last piece is short\n".getBytes());
    Files.write(top.resolve("zz").resolve("zero"), new byte[0]);
    return top;
  }

  @Test
  void theHybridExportIsLibtorrentsAndRechecksTo100Percent() throws Exception {
    Path top = makeFolder(dir);
    Map<String, byte[]> layers = new HashMap<>();
    Folder folder = FolderInteropTest.share(top, PL, layers);
    Path ltFile = dir.resolve("lt.torrent");
    JsonNode lt = RealTools.libtorrent("create", top.toString(), Integer.toString(PL), "hybrid", ltFile.toString());
    byte[] ours = HybridFolderTorrent.export(folder, top, layers);
    BDict info = (BDict) ((BDict) Bencode.decode(ours)).get("info");
    assertEquals(lt.path("info").asText(), HexFormat.of().formatHex(Bencode.encode(info)));

    // where the pad files are: after every non-empty file ending mid-piece, the last one too
    assertEquals(List.of(".hidden", ".pad/16382", "Zürich.txt", ".pad/16376", "a.txt", ".pad/16378", "empty",
        "run.sh", ".pad/16374", "sub/big.bin", ".pad/11296", "sub/exact.bin", "zz/tail.txt", ".pad/16360",
        "zz/zero"), v1Paths(info));

    Path shroud = Files.write(dir.resolve("shroud.torrent"), ours);
    Metainfo parsed = Metainfo.parse(ours);
    assertTrue(parsed.hybrid());
    JsonNode read = RealTools.libtorrent("info", shroud.toString());
    assertEquals(lt.path("v1").asText(), read.path("v1").asText());
    assertEquals(lt.path("v2").asText(), read.path("v2").asText());
    assertEquals(15, read.path("files").asInt(), "nine files and six pad files: " + read);
    JsonNode recheck = RealTools.libtorrent("recheck", shroud.toString(), dir.toString(), "30");
    assertEquals(1_000_000, recheck.path("progressPpm").asInt(), recheck.toString());
    assertTrue(recheck.path("error").isNull(), recheck.toString());

    String aria = listing(List.of("aria2c", "-S", shroud.toString()));
    assertEquals(listing(List.of("aria2c", "-S", ltFile.toString())), aria);
    assertTrue(aria.contains("Mode: multi"), aria);
    for (String f : List.of("./holiday photos/sub/big.bin", "./holiday photos/run.sh", "./holiday photos/empty",
        "./holiday photos/zz/zero", "./holiday photos/.pad/16360")) {
      assertTrue(aria.contains(f), f + " in " + aria);
    }
    long pieces = parsed.files().stream().mapToLong(f -> (f.length() + PL - 1) / PL).sum();
    assertEquals(26, pieces);
    assertTrue(aria.contains("The Number of Pieces: " + pieces), aria);
    assertEquals(listing(List.of("transmission-show", ltFile.toString())),
        listing(List.of("transmission-show", shroud.toString())));
  }

  @Test
  void aChangedFileIsRefusedNotExported() throws Exception {
    Path top = makeFolder(dir);
    Map<String, byte[]> layers = new HashMap<>();
    Folder folder = FolderInteropTest.share(top, PL, layers);
    byte[] big = Files.readAllBytes(top.resolve("sub/big.bin"));
    big[200_000] ^= 1;
    Files.write(top.resolve("sub/big.bin"), big);
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> HybridFolderTorrent.export(folder, top, layers));
    assertTrue(e.getMessage().contains("sub/big.bin") && e.getMessage().contains("changed"), e.getMessage());
    // the same bytes again: exported; then an empty file that is empty no more
    big[200_000] ^= 1;
    Files.write(top.resolve("sub/big.bin"), big);
    Metainfo.parse(HybridFolderTorrent.export(folder, top, layers));
    Files.write(top.resolve("zz/zero"), new byte[1]);
    e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> HybridFolderTorrent.export(folder, top, layers));
    assertTrue(e.getMessage().contains("zz/zero"), e.getMessage());
    Files.delete(top.resolve("zz/zero"));
    Files.delete(top.resolve("a.txt"));
    e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> HybridFolderTorrent.export(folder, top, layers));
    assertTrue(e.getMessage().contains("a.txt is no longer"), e.getMessage());
  }

  private static List<String> v1Paths(BDict info) {
    return ((BList) info.get("files")).values().stream()
        .map(f -> ((BList) ((BDict) f).get("path")).values().stream()
            .map(c -> new String(((BBytes) c).bytes(), java.nio.charset.StandardCharsets.UTF_8))
            .collect(Collectors.joining("/")))
        .toList();
  }

  /** The tool's output without the lines that name the file or a creation date (Shroud writes none). */
  private static String listing(List<String> command) throws Exception {
    RealTools.Run r = RealTools.run(command, 30);
    String path = command.get(command.size() - 1);
    return (r.out() + r.err()).lines()
        .filter(l -> !l.startsWith("Creation Date") && !l.contains("Created by"))
        .map(l -> l.replace(path, "FILE"))
        .collect(Collectors.joining("\n"));
  }
}
