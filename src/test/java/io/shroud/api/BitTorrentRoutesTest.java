package io.shroud.api;

import static io.shroud.api.ManagementApiTest.assertError;
import static io.shroud.api.ManagementApiTest.host;
import static io.shroud.api.ManagementApiTest.post;
import static io.shroud.api.ManagementApiTest.raw;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.shroud.content.HybridTorrent;
import io.shroud.content.Metainfo;
import io.shroud.content.ShareBuilder;
import io.shroud.content.ShareMetadata;
import io.shroud.content.ShareOptions;
import io.shroud.content.TorrentFile;
import io.shroud.swarm.fetch.DownloadsActor;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The BitTorrent side of the API (issue 27): {@code pieceLength} on a share, the hybrid export,
 * and what a download from a bare magnet, a hybrid, a multi-file or a path-escaping
 * {@code .torrent} answers. Runs on {@link ManagementApiTest}'s server.
 */
class BitTorrentRoutesTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @BeforeAll
  static void serve() throws Exception {
    ManagementApiTest.serve();
  }

  @AfterAll
  static void stop() throws Exception {
    ManagementApiTest.stop();
  }

  private static String body(Path p, Object pieceLength) {
    return "{\"path\":\"" + p + "\",\"public\":true,\"pieceLength\":" + pieceLength + "}";
  }

  @Test
  void aShareTakesAChosenPieceLengthAndRefusesABadOne() throws Exception {
    Path f = Files.write(ManagementApiTest.home.resolve("chosen.bin"), new byte[300_000]);
    for (String bad : new String[] {"3000", "24576", "33554432", "\"65536\"", "65536.5", "99999999999999999999"}) {
      assertError(post("/shroud/v1/shares", body(f, bad)), 400, "piece");
    }
    var created = post("/shroud/v1/shares", body(f, 65536));
    assertEquals(201, created.status(), created.body());
    assertEquals(65536, created.json().path("pieceLength").asInt());
  }

  @Test
  void theHybridExportIsBep52sHybridAndRefusesAChangedFile() throws Exception {
    Path f = Files.write(ManagementApiTest.home.resolve("hybrid.bin"), new byte[100_000]);
    var created = post("/shroud/v1/shares", body(f, 16384));
    assertEquals(201, created.status(), created.body());
    String infoHash = created.json().path("infoHash").asText();
    HttpResponse<byte[]> r = getBytes("/shroud/v1/shares/" + infoHash + "/torrent?hybrid=true");
    assertEquals(200, r.statusCode());
    Metainfo t = Metainfo.parse(r.body());
    assertTrue(t.hybrid());
    ShareMetadata m = new ShareBuilder(new SecureRandom())
        .build(f, ShareOptions.publicShare().withPieceLength(16384));
    assertArrayEquals(HybridTorrent.export(m, f), r.body());
    assertFalse(Metainfo.parse(getBytes("/shroud/v1/shares/" + infoHash + "/torrent").body()).hybrid());
    assertError(raw("GET", "/shroud/v1/shares/" + infoHash + "/torrent?hybrid=yes", host(), null,
        "Bearer " + ManagementApiTest.token, null, (String) null), 400, "hybrid must be true or false");
    byte[] changed = new byte[100_000];
    changed[5] = 1;
    Files.write(f, changed);
    // the node notices a changed file (404: no current share); the export's own check is
    // HybridTorrentTest's
    HttpResponse<byte[]> refused = getBytes("/shroud/v1/shares/" + infoHash + "/torrent?hybrid=true");
    assertTrue(refused.statusCode() == 404 || refused.statusCode() == 409, new String(refused.body()));
  }

  @Test
  void aPublicFoldersHybridExportIsBep52sHybridAndRefusesAChangedFile() throws Exception {
    Path dir = Files.createDirectories(ManagementApiTest.home.resolve("hybrid folder/sub"));
    Files.write(dir.resolve("big.bin"), new byte[40_000]);
    Files.write(dir.getParent().resolve("a.txt"), "hello\n".getBytes());
    Files.write(dir.getParent().resolve("empty"), new byte[0]);
    Path run = Files.write(dir.getParent().resolve("run.sh"), "#!/bin/sh\n".getBytes());
    Files.setPosixFilePermissions(run, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.write(dir.getParent().resolve("z.txt"), new byte[20_000]);
    var created = post("/shroud/v1/shares", body(dir.getParent(), 16384));
    assertEquals(201, created.status(), created.body());
    String infoHash = created.json().path("infoHash").asText();
    HttpResponse<byte[]> r = getBytes("/shroud/v1/shares/" + infoHash + "/torrent?hybrid=true");
    assertEquals(200, r.statusCode(), new String(r.body()));
    Metainfo t = Metainfo.parse(r.body());
    assertTrue(t.hybrid());
    assertFalse(t.singleFile());
    assertEquals(java.util.List.of("a.txt", "empty", "run.sh", "sub/big.bin", "z.txt"),
        t.files().stream().map(Metainfo.FileEntry::pathText).toList());
    Metainfo v2 = Metainfo.parse(getBytes("/shroud/v1/shares/" + infoHash + "/torrent").body());
    assertFalse(v2.hybrid());
    assertArrayEquals(io.shroud.content.HybridFolderTorrent.export(io.shroud.content.Folder.of(v2), dir.getParent(),
        v2.pieceLayers()), r.body());

    // handed back to a node, the hybrid starts the download of the folder as shared (its v2-only dictionary)
    Path output = ManagementApiTest.home.resolve("downloads/hybrid-folder");
    CompletableFuture<ManagementApiTest.Response> answer = CompletableFuture.supplyAsync(() -> {
      try {
        return upload(output, r.body());
      } catch (IOException e) {
        throw new RuntimeException(e);
      }
    });
    var start = ManagementApiTest.downloads.expectMessageClass(DownloadsActor.StartDownload.class);
    assertEquals(io.shroud.content.Folder.of(v2).link(), start.link());
    assertTrue(start.link().contains(infoHash), start.link());
    assertArrayEquals(v2.infoBytes(), start.metadata());
    start.replyTo().tell(new DownloadsActor.Rejected(409, "taken"));
    assertError(answer.get(), 409, "taken");

    // same size and modification time, other bytes: the node sees no change, the export does
    java.nio.file.attribute.FileTime mtime = Files.getLastModifiedTime(dir.resolve("big.bin"));
    byte[] changed = new byte[40_000];
    changed[39_999] = 1;
    Files.write(dir.resolve("big.bin"), changed);
    Files.setLastModifiedTime(dir.resolve("big.bin"), mtime);
    assertError(raw("GET", "/shroud/v1/shares/" + infoHash + "/torrent?hybrid=true", host(), null,
        "Bearer " + ManagementApiTest.token, null, (String) null), 409, "a file changed since it was shared");
  }

  @Test
  void aBareMagnetStartsADownloadThatFetchesItsMetadata() throws Exception {
    String output = ManagementApiTest.home.resolve("downloads/bare.bin").toString();
    String bare = "magnet:?xt=urn:btmh:1220" + "ab".repeat(32) + "&dn=x.bin&tr=udp%3A%2F%2Ft%3A1";
    CompletableFuture<ManagementApiTest.Response> answer = CompletableFuture.supplyAsync(() -> {
      try {
        return post("/shroud/v1/downloads", JSON.createObjectNode().put("link", bare).put("output", output).toString());
      } catch (Exception e) {
        throw new RuntimeException(e);
      }
    });
    var start = ManagementApiTest.downloads.expectMessageClass(DownloadsActor.StartDownload.class);
    assertEquals(bare, start.link(), "the bare magnet reaches the downloads as given");
    start.replyTo().tell(new DownloadsActor.Rejected(409, "taken"));
    assertError(answer.get(), 409, "taken");
  }

  @Test
  void aHybridTorrentStartsTheDownloadOfTheSameFilesShare() throws Exception {
    Path file = Files.write(ManagementApiTest.tmp.resolve("hy.bin"), new byte[50_000]);
    ShareMetadata m = new ShareBuilder(new SecureRandom()).build(file, ShareOptions.publicShare());
    byte[] hybrid = HybridTorrent.export(m, file);
    Path output = ManagementApiTest.home.resolve("downloads/hy.bin");
    CompletableFuture<ManagementApiTest.Response> answer = CompletableFuture.supplyAsync(() -> {
      try {
        return raw("POST", "/shroud/v1/downloads?output=" + output, host(), null,
            "Bearer " + ManagementApiTest.token, "application/x-bittorrent", hybrid, false);
      } catch (IOException e) {
        throw new RuntimeException(e);
      }
    });
    var start = ManagementApiTest.downloads.expectMessageClass(DownloadsActor.StartDownload.class);
    assertEquals(m.link().format(), start.link());
    start.replyTo().tell(new DownloadsActor.Rejected(409, "taken"));
    assertError(answer.get(), 409, "taken");
  }

  @Test
  void aFoldersTorrentStartsAFolderDownloadWithItsDictionaryAndSelection() throws Exception {
    byte[] torrent = io.shroud.content.TorrentFixturesAccess.folder(false);
    io.shroud.content.Folder folder = io.shroud.content.Folder.of(Metainfo.parse(torrent));
    Path output = ManagementApiTest.home.resolve("downloads/folder");
    CompletableFuture<ManagementApiTest.Response> answer = CompletableFuture.supplyAsync(() -> {
      try {
        return raw("POST", "/shroud/v1/downloads?output=" + output + "&files=1,3-4", host(), null,
            "Bearer " + ManagementApiTest.token, "application/x-bittorrent", torrent, false);
      } catch (IOException e) {
        throw new RuntimeException(e);
      }
    });
    var start = ManagementApiTest.downloads.expectMessageClass(DownloadsActor.StartDownload.class);
    assertEquals(folder.link(), start.link());
    assertArrayEquals(folder.infoBytes(), start.metadata());
    assertEquals("1,3-4", start.files());
    start.replyTo().tell(new DownloadsActor.Rejected(409, "taken"));
    assertError(answer.get(), 409, "taken");
  }

  @Test
  void pathEscapingTorrentsAreRefusedAndWriteNothing() throws Exception {
    Path output = ManagementApiTest.home.resolve("downloads/folder");
    assertError(upload(output, io.shroud.content.TorrentFixturesAccess.escaping()), 400, "unsafe path 'sub/..'");
    ManagementApiTest.downloads.expectNoMessage(Duration.ofMillis(200));
    assertFalse(Files.exists(output));
  }

  private static ManagementApiTest.Response upload(Path output, byte[] torrent) throws IOException {
    return raw("POST", "/shroud/v1/downloads?output=" + output, host(), null,
        "Bearer " + ManagementApiTest.token, "application/x-bittorrent", torrent, false);
  }

  private static HttpResponse<byte[]> getBytes(String path) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://" + host() + path))
        .header("Authorization", "Bearer " + ManagementApiTest.token).build(), HttpResponse.BodyHandlers.ofByteArray());
  }
}
