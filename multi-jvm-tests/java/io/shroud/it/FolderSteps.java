package io.shroud.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shroud.cli.LocalNode;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * SwarmIT's folder step: a public folder (five files: one empty, two in subfolders, one of
 * several pieces) shared by one node; libtorrent loads the node's {@code .torrent} with the same
 * v2 info-hash and rechecks the folder to 100%; another node fetches the folder from its bare
 * link through 3-hop circuits (its dictionary by metadata exchange, then each file) and every
 * file is identical.
 */
final class FolderSteps {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private FolderSteps() {}

  /** The folder, under {@code base}: its files by path under the folder. */
  static Path makeFolder(Path base) throws Exception {
    Path top = Files.createDirectories(base.resolve("shared-folder").resolve("album"));
    Files.createDirectories(top.resolve("disc 1"));
    Files.createDirectories(top.resolve("extras").resolve("notes"));
    Random r = new Random(27);
    byte[] track = new byte[3 * 1024 * 1024 + 5];
    r.nextBytes(track);
    Files.write(top.resolve("disc 1").resolve("track.bin"), track);
    byte[] art = new byte[200_001];
    r.nextBytes(art);
    Files.write(top.resolve("cover.jpg"), art);
    Files.write(top.resolve("empty.txt"), new byte[0]);
    Files.write(top.resolve("extras").resolve("notes").resolve("readme.md"), "# notes\n".getBytes());
    Files.write(top.resolve("playlist.m3u"), "disc 1/track.bin\n".getBytes());
    return top;
  }

  static void sharedFolderIsLibtorrentsAndIsFetchedFileByFile(LocalNode sharer, LocalNode fetcher, Path base)
      throws Exception {
    Path top = makeFolder(base);
    HttpResponse<String> shared = send(sharer, "POST", "/shroud/v1/shares",
        JSON.createObjectNode().put("path", top.toString()).put("public", true).toString());
    assertEquals(201, shared.statusCode(), shared.body());
    JsonNode share = JSON.readTree(shared.body());
    assertEquals(5, share.path("files").asInt(), shared.body());
    String infoHash = share.path("infoHash").asText();
    String link = share.path("link").asText();
    assertTrue(link.matches("magnet:\\?xt=urn:btmh:1220" + infoHash + "&dn=album&xl=\\d+"), link);

    // libtorrent reads the node's .torrent with the same v2 info-hash and rechecks the folder to 100%
    HttpResponse<byte[]> torrent = HTTP.send(sharer.request("GET", "/shroud/v1/shares/" + infoHash + "/torrent", null)
        .build(), HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, torrent.statusCode());
    Path torrentFile = Files.write(base.resolve("album.torrent"), torrent.body());
    assertEquals(infoHash, LibtorrentDriver.run("info", torrentFile.toString()).path("v2").asText());
    JsonNode recheck = LibtorrentDriver.run("recheck", torrentFile.toString(), top.getParent().toString(), "30");
    assertEquals(1_000_000, recheck.path("progressPpm").asInt(), recheck.toString());

    // the other node fetches it from the bare link through 3-hop circuits
    Path out = base.resolve("out-album");
    HttpResponse<String> started = send(fetcher, "POST", "/shroud/v1/downloads", JSON.createObjectNode()
        .put("link", link).put("output", out.toString()).put("hops", 3).toString());
    assertEquals(201, started.statusCode(), started.body());
    String id = JSON.readTree(started.body()).path("id").asText();
    JsonNode done = SwarmIT.awaitState(id, "COMPLETE", Duration.ofMinutes(3));
    assertEquals(infoHash, done.path("infoHash").asText());
    List<String> paths = new ArrayList<>();
    for (JsonNode f : done.path("files")) {
      paths.add(f.path("path").asText());
      Path mine = out.resolve(f.path("path").asText());
      assertArrayEquals(Files.readAllBytes(top.resolve(f.path("path").asText())), Files.readAllBytes(mine),
          f.path("path").asText());
      if (f.path("length").asLong() > 0) {
        JsonNode file = SwarmIT.download(f.path("downloadId").asText());
        for (JsonNode c : file.path("circuits")) {
          assertEquals(3, c.path("path").size(), c.toString());
        }
      }
    }
    assertEquals(List.of("cover.jpg", "disc 1/track.bin", "empty.txt", "extras/notes/readme.md", "playlist.m3u"),
        paths);
    try (var walk = Files.walk(out)) {
      assertEquals(5, walk.filter(Files::isRegularFile).count(), "the five files and nothing else");
    }
  }

  private static HttpResponse<String> send(LocalNode n, String method, String path, String body) throws Exception {
    return HTTP.send(n.request(method, path, body).build(), HttpResponse.BodyHandlers.ofString());
  }
}
