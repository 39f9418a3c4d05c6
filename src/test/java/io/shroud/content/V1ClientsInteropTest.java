package io.shroud.content;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shroud's hybrid {@code .torrent} read by Debian's v1 tools: {@code aria2c -S} (aria2 1.36) and
 * {@code transmission-show} (Transmission 3.00), each compared with what the same tool makes of
 * libtorrent 2.0.8's hybrid torrent of the same file.
 *
 * <p>What these versions do with any BEP 52 hybrid torrent, libtorrent's included (found here,
 * and the reason the assertions compare with libtorrent rather than with the true v1 hash):
 * aria2 1.36 lists the name, size and pieces but hashes the info dictionary after dropping its
 * empty ({@code ""}) keys, so the "Info Hash" it prints is not the v1 info-hash; Transmission 3.00
 * refuses the file ("Error parsing .torrent file"). Transmission 4 reads hybrid torrents.
 */
class V1ClientsInteropTest {
  private static final int SIZE = 5 * 1024 * 1024 + 1;

  @TempDir Path dir;

  @BeforeAll
  static void toolsAreThere() throws Exception {
    RealTools.require("aria2c", "aria2");
    RealTools.require("transmission-show", "transmission-cli");
    RealTools.requireLibtorrent();
  }

  @Test
  void aria2AndTransmissionTreatShroudsHybridExactlyAsLibtorrents() throws Exception {
    Path file = TestFiles.write(dir, "kat.bin", TestFiles.pattern(SIZE));
    ShareMetadata m = new ShareBuilder(new SecureRandom()).build(file, ShareOptions.publicShare());
    Path shroud = Files.write(dir.resolve("shroud.torrent"), HybridTorrent.export(m, file));
    Path lt = dir.resolve("lt.torrent");
    RealTools.libtorrent("create", file.toString(), "0", "hybrid", lt.toString());

    String aria = listing(List.of("aria2c", "-S", shroud.toString()));
    assertEquals(listing(List.of("aria2c", "-S", lt.toString())), aria);
    assertTrue(aria.contains("Name: kat.bin"), aria);
    assertTrue(aria.contains("(5,242,881)"), aria);
    assertTrue(aria.contains("The Number of Pieces: " + (SIZE + m.pieceLength() - 1) / m.pieceLength()), aria);
    assertTrue(aria.contains("Mode: single"), aria);

    String transmission = listing(List.of("transmission-show", shroud.toString()));
    assertEquals(listing(List.of("transmission-show", lt.toString())), transmission);
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
