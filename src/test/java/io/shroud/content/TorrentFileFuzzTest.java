package io.shroud.content;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.shroud.content.BValue.BBytes;
import io.shroud.content.BValue.BDict;
import io.shroud.content.BValue.BInt;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzes a {@code .torrent} a user uploads ({@link TorrentFile#linkOf}) and the info-dictionary
 * parser under it ({@link InfoDict#parse}), on the input itself and on the {@code info} value the
 * input carries. Only {@link BencodeException} and {@link ShareLinkException} may escape; an
 * accepted torrent's link has the SHA-256 of the info dictionary exactly as the file encodes it
 * when that dictionary has Shroud's v2-only shape (else the hash of the same file's v2-only
 * dictionary: a hybrid torrent) and survives {@code format}/{@code parse}; an accepted info dictionary re-encodes to exactly its
 * bytes (what its info-hash is taken over). Seeds, from the real share builder:
 * {@code src/test/resources/io/shroud/content/TorrentFileFuzzTestInputs/torrentAndInfo/}.
 */
class TorrentFileFuzzTest {
  private static final Path SEEDS =
      Path.of("src/test/resources/io/shroud/content/TorrentFileFuzzTestInputs/torrentAndInfo");

  @TempDir Path dir;

  @FuzzTest(maxDuration = "2s")
  void torrentAndInfo(byte[] input) {
    try {
      ShareLink link = TorrentFile.linkOf(input);
      byte[] info = Bencode.encode(((BDict) Bencode.decode(input)).get("info"));
      if (plainV2(info)) {
        assertArrayEquals(Merkle.sha256().digest(info), link.infoHash(), "info-hash is not the file's");
      } else {
        // a hybrid or extended info dictionary names the file's v2-only share (TorrentFile)
        assertArrayEquals(link.infoDict().orElseThrow().infoHash(), link.infoHash());
      }
      assertEquals(link, ShareLink.parse(link.format()));
    } catch (BencodeException | ShareLinkException expected) {
      // refused with a message
    }
    for (byte[] candidate : infoCandidates(input)) {
      try {
        InfoDict dict = InfoDict.parse(candidate);
        assertArrayEquals(candidate, dict.encode(), "an accepted info dictionary does not re-encode to its bytes");
        assertEquals(dict, InfoDict.parse(dict.encode()));
      } catch (BencodeException expected) {
        // refused with a message
      }
    }
  }

  /** True when {@code info} has exactly the v2-only shape Shroud writes ({@link InfoDict}). */
  private static boolean plainV2(byte[] info) {
    try {
      InfoDict.parse(info);
      return true;
    } catch (BencodeException e) {
      return false;
    }
  }

  /** The input, and the {@code info} value of a dictionary input as its file encodes it. */
  private static List<byte[]> infoCandidates(byte[] input) {
    List<byte[]> out = new ArrayList<>();
    out.add(input);
    try {
      if (Bencode.decode(input) instanceof BDict top && top.get("info") != null) {
        out.add(Bencode.encode(top.get("info")));
      }
    } catch (BencodeException notBencode) {
      // the input alone
    }
    return out;
  }

  /** The seeds named {@code torrent-*} are torrents the node accepts. */
  @Test
  void theTorrentSeedsAreAccepted() throws IOException {
    List<Path> torrents;
    try (Stream<Path> files = Files.list(SEEDS)) {
      torrents = files.filter(p -> p.getFileName().toString().startsWith("torrent-")).toList();
    }
    assertEquals(3, torrents.size(), torrents.toString());
    for (Path p : torrents) {
      assertTrue(TorrentFile.linkOf(Files.readAllBytes(p)).displayName().isPresent(), p.toString());
    }
  }

  /** Writes the seed corpus from the share builder: {@code -Dshroud.fuzz.writeSeeds=true}. */
  @Test
  @EnabledIfSystemProperty(named = "shroud.fuzz.writeSeeds", matches = "true")
  void writeSeeds() throws Exception {
    Files.createDirectories(SEEDS);
    ShareMetadata small = share("one-block.bin", 1000, 16384);
    ShareMetadata pieces = share("film \u00e9t\u00e9.mkv", 70_000, 16384);
    ShareMetadata empty = share("empty", 0, 16384);
    Files.write(SEEDS.resolve("torrent-one-block"), small.torrentFile());
    Files.write(SEEDS.resolve("torrent-five-pieces"), pieces.torrentFile());
    Files.write(SEEDS.resolve("torrent-empty-file"), empty.torrentFile());
    Files.write(SEEDS.resolve("info-five-pieces"), pieces.info().encode());
    BDict info = pieces.info().toBValue();
    TreeMap<BBytes, BValue> hybrid = new TreeMap<>(info.entries());
    hybrid.put(BBytes.of("pieces"), BBytes.of(new byte[20]));
    Files.write(SEEDS.resolve("refused-hybrid"), Bencode.encode(BDict.of(Map.of("info", new BDict(hybrid)))));
    BDict tree = (BDict) info.get("file tree");
    TreeMap<BBytes, BValue> two = new TreeMap<>(tree.entries());
    two.put(BBytes.of("other.bin"), tree.entries().firstEntry().getValue());
    TreeMap<BBytes, BValue> multi = new TreeMap<>(info.entries());
    multi.put(BBytes.of("file tree"), new BDict(two));
    Files.write(SEEDS.resolve("refused-multi-file"), Bencode.encode(BDict.of(Map.of("info", new BDict(multi)))));
    TreeMap<BBytes, BValue> v1 = new TreeMap<>(info.entries());
    v1.remove(BBytes.of("meta version"));
    v1.put(BBytes.of("length"), new BInt(70_000));
    Files.write(SEEDS.resolve("refused-v1"), Bencode.encode(BDict.of(Map.of("info", new BDict(v1)))));
  }

  private ShareMetadata share(String name, int size, int pieceLength) throws Exception {
    Path file = TestFiles.write(dir, name, TestFiles.pattern(size));
    return new ShareBuilder(new SecureRandom()).build(file, ShareOptions.publicShare().withPieceLength(pieceLength));
  }
}
