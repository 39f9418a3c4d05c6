package io.shroud.api;

import static io.shroud.api.ManagementApiTest.assertError;
import static io.shroud.api.ManagementApiTest.host;
import static io.shroud.api.ManagementApiTest.raw;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.content.BValue;
import io.shroud.content.BValue.BBytes;
import io.shroud.content.BValue.BDict;
import io.shroud.content.BValue.BInt;
import io.shroud.content.BValue.BList;
import io.shroud.content.Bencode;
import io.shroud.content.Bep52Hasher;
import io.shroud.content.Metainfo;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Crafted multi-file {@code .torrent} uploads to {@code POST /shroud/v1/downloads} whose paths
 * try to leave the output directory or name what a file system cannot hold (issue 27): each is
 * refused with 400 naming the path and the rule it breaks, no download starts, and nothing at all
 * appears under the download directory. The torrents are valid in every other way (v2 file tree
 * with real pieces roots, and for the v1 case a hybrid's pad files and SHA-1 count), so it is the
 * path check that refuses them. Runs on {@link ManagementApiTest}'s server.
 */
class TorrentPathEscapeRoutesTest {
  private static final int PL = 16384;
  private static final List<List<String>> GOOD = List.of(List.of("a.txt"), List.of("sub", "b.txt"));

  @BeforeAll
  static void serve() throws Exception {
    ManagementApiTest.serve();
  }

  @AfterAll
  static void stop() throws Exception {
    ManagementApiTest.stop();
  }

  /**
   * One attempt: the torrent's name, its extra v2 file, or (hybrid) its v1 paths; the path the
   * error must show (a v2 path up to the refused component, a v1 path whole) and the rule.
   */
  record Attempt(String name, List<String> v2Extra, List<List<String>> v1Paths, String shown, String rule) {}

  private static Attempt v2(List<String> extra, String shown, String rule) {
    return new Attempt("folder", extra, null, shown, rule);
  }

  private static final List<Attempt> ATTEMPTS = List.of(
      v2(List.of("sub", "..", "..", "etc", "passwd"), "sub/..", "'..' is not allowed"),
      v2(List.of(".."), "..", "'..' is not allowed"),
      v2(List.of("/etc/x"), "/etc/x", "a component may not contain a path separator"),
      v2(List.of("sub", "/etc/passwd"), "sub//etc/passwd", "a component may not contain a path separator"),
      v2(List.of("..\\..\\win.ini"), "..\\..\\win.ini", "a component may not contain a path separator"),
      v2(List.of("C:evil"), "C:evil", "a component may not contain ':'"),
      v2(List.of(""), "", "an empty component is not allowed"),
      v2(List.of("a".repeat(300)), "a".repeat(120) + "…", "a component may be at most 255 bytes"),
      v2(List.of("sub", "é".repeat(150)), "sub/" + "é".repeat(116) + "…", "a component may be at most 255 bytes"),
      v2(List.of("CON"), "CON", "'CON' is a Windows device name"),
      v2(List.of("sub", "nul.txt"), "sub/nul.txt", "'nul' is a Windows device name"),
      v2(List.of("notes."), "notes.", "a component may not end in a space or a dot"),
      new Attempt("..", null, null, "..", "'..' is not allowed"),
      new Attempt("/etc", null, null, "/etc", "a component may not contain a path separator"),
      // a hybrid whose v2 tree is clean but whose v1 list, which v1 clients write by, is not
      new Attempt("folder", null, List.of(List.of("a.txt"), List.of("sub", "", "b.txt")), "sub//b.txt",
          "an empty component is not allowed"),
      new Attempt("folder", null, List.of(List.of("a.txt"), List.of("sub", "..", "..", "b.txt")), "sub/../../b.txt",
          "'..' is not allowed"));

  @Test
  void theCleanTorrentsTheAttemptsStartFromAreValid() throws Exception {
    assertEquals(2, Metainfo.parse(torrent("folder", GOOD, null)).files().size());
    Metainfo hybrid = Metainfo.parse(torrent("folder", GOOD, GOOD));
    assertEquals(List.of("a.txt", "sub/b.txt"), hybrid.files().stream().map(Metainfo.FileEntry::pathText).toList());
    assertTrue(hybrid.hybrid());
  }

  @Test
  void pathEscapesAndUnholdableNamesAreRefusedWith400AndWriteNothing() throws Exception {
    Path root = Files.createDirectories(ManagementApiTest.home.resolve("downloads/escapes"));
    for (int i = 0; i < ATTEMPTS.size(); i++) {
      Attempt a = ATTEMPTS.get(i);
      List<List<String>> v2 = new ArrayList<>(GOOD);
      if (a.v2Extra() != null) {
        v2.add(a.v2Extra());
      }
      byte[] t = torrent(a.name(), v2, a.v1Paths());
      ManagementApiTest.Response r = upload(root.resolve("out-" + i), t);
      assertEquals(400, r.status(), "attempt " + i + ": " + r.body());
      assertError(r, 400, "unsafe path '" + a.shown() + "': " + a.rule());
      assertError(r, 400, a.rule());
    }
    ManagementApiTest.downloads.expectNoMessage(Duration.ofMillis(200));
    try (Stream<Path> all = Files.walk(root)) {
      assertEquals(List.of(root), all.toList(), "nothing is written under the download directory");
    }
  }

  private static ManagementApiTest.Response upload(Path output, byte[] torrent) throws IOException {
    return raw("POST", "/shroud/v1/downloads?output=" + output + "&hops=3", host(), null,
        "Bearer " + ManagementApiTest.token, "application/x-bittorrent", torrent, false);
  }

  /** 100 bytes per file, so every file is one piece and needs no piece layer. */
  private static byte[] content(List<String> path) {
    byte[] b = new byte[100];
    Arrays.fill(b, (byte) path.hashCode());
    return b;
  }

  /**
   * A v2 multi-file torrent of {@code files} (in file-tree order when hybrid); with
   * {@code v1Paths} a hybrid whose v1 {@code files} list names those paths, pad files between.
   */
  static byte[] torrent(String name, List<List<String>> files, List<List<String>> v1Paths) throws IOException {
    TreeMap<BBytes, BValue> tree = new TreeMap<>();
    for (List<String> path : files) {
      byte[] data = content(path);
      byte[] root = Bep52Hasher.hash(new ByteArrayInputStream(data), PL).root();
      BDict leaf = BDict.of(Map.of("", BDict.of(Map.of(
          "length", new BInt(data.length), "pieces root", BBytes.of(root)))));
      put(tree, path, 0, leaf);
    }
    TreeMap<BBytes, BValue> info = new TreeMap<>();
    info.put(BBytes.of("file tree"), new BDict(tree));
    info.put(BBytes.of("meta version"), new BInt(2));
    info.put(BBytes.of("name"), BBytes.of(name));
    info.put(BBytes.of("piece length"), new BInt(PL));
    if (v1Paths != null) {
      List<BValue> v1 = new ArrayList<>();
      for (int i = 0; i < v1Paths.size(); i++) {
        if (i > 0) {
          v1.add(BDict.of(Map.of("attr", BBytes.of("p"), "length", new BInt(PL - 100),
              "path", strings(List.of(".pad", Integer.toString(PL - 100))))));
        }
        v1.add(BDict.of(Map.of("length", new BInt(100), "path", strings(v1Paths.get(i)))));
      }
      info.put(BBytes.of("files"), new BList(v1));
      info.put(BBytes.of("pieces"), BBytes.of(new byte[20 * v1Paths.size()]));
    }
    return Bencode.encode(BDict.of(Map.of("info", new BDict(info), "piece layers", BDict.of(Map.of()))));
  }

  private static BList strings(List<String> parts) {
    return new BList(parts.stream().<BValue>map(BBytes::of).toList());
  }

  private static void put(TreeMap<BBytes, BValue> dir, List<String> path, int depth, BDict leaf) {
    BBytes key = BBytes.of(path.get(depth));
    if (depth == path.size() - 1) {
      dir.put(key, leaf);
      return;
    }
    BValue sub = dir.get(key);
    TreeMap<BBytes, BValue> next = sub == null ? new TreeMap<>() : new TreeMap<>(((BDict) sub).entries());
    put(next, path, depth + 1, leaf);
    dir.put(key, new BDict(next));
  }
}
