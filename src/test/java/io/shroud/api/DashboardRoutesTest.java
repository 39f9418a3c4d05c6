package io.shroud.api;

import static io.shroud.api.ManagementApiTest.assertError;
import static io.shroud.api.ManagementApiTest.get;
import static io.shroud.api.ManagementApiTest.host;
import static io.shroud.api.ManagementApiTest.raw;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.content.ShareBuilder;
import io.shroud.content.ShareMetadata;
import io.shroud.content.ShareOptions;
import io.shroud.swarm.fetch.DownloadsActor;
import io.shroud.swarm.fetch.PieceMap;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.BitSet;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The routes the dashboard adds, on {@link ManagementApiTest}'s server (started and stopped
 * here for this class): its static files (Host-checked, no token, a strict
 * Content-Security-Policy), the piece map and {@code .torrent} uploads.
 */
class DashboardRoutesTest {
  @BeforeAll
  static void serve() throws Exception {
    ManagementApiTest.serve();
  }

  @AfterAll
  static void stop() throws Exception {
    ManagementApiTest.stop();
  }

  static String token() {
    return "Bearer " + ManagementApiTest.token;
  }

  @Test
  void theDashboardsFilesNeedNoTokenButTheirOwnHostAndComeWithAStrictPolicy() throws IOException {
    var page = raw("GET", "/ui/", host(), null, null, null, (String) null);
    assertEquals(200, page.status(), page.body());
    assertTrue(page.body().contains("<script src=\"app.js\""), page.body());
    assertTrue(page.head().contains("Content-Security-Policy: default-src 'none'; script-src 'self'"), page.head());
    assertTrue(page.head().contains("frame-ancestors 'none'") && page.head().contains("X-Frame-Options: DENY"), page.head());
    assertTrue(page.head().contains("text/html"), page.head());
    var script = raw("GET", "/ui/app.js", host(), null, null, null, (String) null);
    assertEquals(200, script.status());
    assertTrue(script.head().contains("javascript"), script.head());
    assertTrue(script.body().contains("Authorization"), "the script sends the token itself");
    assertEquals(302, raw("GET", "/ui", host(), null, null, null, (String) null).status());
    // DNS rebinding: a page that resolved its own name to this address cannot load the dashboard
    assertError(raw("GET", "/ui/", "evil.example:" + ManagementApiTest.port, null, null, null, (String) null), 403, "Host");
    assertError(raw("GET", "/ui/app.js", host(), "http://evil.example", null, null, (String) null), 403, "Origin");
    // only the three files: no path into the jar or the disk
    assertEquals(404, raw("GET", "/ui/..%2Fapplication.conf", host(), null, null, null, (String) null).status());
    assertEquals(404, raw("GET", "/ui/logback.xml", host(), null, null, null, (String) null).status());
    assertEquals(404, raw("GET", "/ui/io/shroud/ui/app.js", host(), null, null, null, (String) null).status());
    // and the data behind it still needs the token
    assertError(raw("GET", "/shroud/v1/downloads", host(), null, null, null, (String) null), 401, "token");
  }

  @Test
  void thePieceMapIsABep3Bitfield() throws Exception {
    CompletableFuture<ManagementApiTest.Response> answer = CompletableFuture.supplyAsync(() -> {
      try {
        return get("/shroud/v1/downloads/abc/pieces");
      } catch (IOException e) {
        throw new RuntimeException(e);
      }
    });
    var ask = ManagementApiTest.downloads.expectMessageClass(DownloadsActor.GetPieces.class);
    assertEquals("abc", ask.id());
    BitSet done = new BitSet();
    done.set(0);
    done.set(9);
    ask.replyTo().tell(Optional.of(PieceMap.of("abc", 10, done)));
    var r = answer.get();
    assertEquals(200, r.status(), r.body());
    var json = r.json();
    assertEquals(10, json.path("piecesTotal").asInt());
    assertEquals(2, json.path("piecesDone").asInt());
    // 10000000 01000000: piece 0 is the high bit of the first byte
    assertEquals("gEA=", json.path("bitfield").asText());

    CompletableFuture<ManagementApiTest.Response> missing = CompletableFuture.supplyAsync(() -> {
      try {
        return get("/shroud/v1/downloads/nope/pieces");
      } catch (IOException e) {
        throw new RuntimeException(e);
      }
    });
    ManagementApiTest.downloads.expectMessageClass(DownloadsActor.GetPieces.class).replyTo().tell(Optional.empty());
    assertError(missing.get(), 404, "no download");
  }

  @Test
  void aTorrentUploadStartsTheDownloadOfItsLink() throws Exception {
    Path file = Files.write(ManagementApiTest.tmp.resolve("film.bin"), new byte[50_000]);
    ShareMetadata m = new ShareBuilder(new SecureRandom()).build(file, ShareOptions.publicShare());
    Path output = ManagementApiTest.home.resolve("downloads/film.bin");
    CompletableFuture<ManagementApiTest.Response> answer = CompletableFuture.supplyAsync(() -> {
      try {
        return raw("POST", "/shroud/v1/downloads?output=" + output + "&hops=2", host(), null, token(),
            "application/x-bittorrent", m.torrentFile(), false);
      } catch (IOException e) {
        throw new RuntimeException(e);
      }
    });
    var start = ManagementApiTest.downloads.expectMessageClass(DownloadsActor.StartDownload.class);
    assertEquals(m.link().format(), start.link());
    assertEquals(output.toString(), start.outputPath());
    assertEquals(2, start.hops());
    start.replyTo().tell(new DownloadsActor.Rejected(409, "taken"));
    assertError(answer.get(), 409, "taken");
  }

  @Test
  void aBadTorrentUploadIsRefusedAndStartsNothing() throws Exception {
    String output = "?output=" + ManagementApiTest.home.resolve("downloads/x.bin");
    assertError(raw("POST", "/shroud/v1/downloads" + output, host(), null, token(), "application/x-bittorrent",
        "d4:infod3:fooi1eee".getBytes(StandardCharsets.US_ASCII), false), 400, "not a usable .torrent");
    assertError(raw("POST", "/shroud/v1/downloads" + output, host(), null, token(), "application/x-bittorrent",
        "garbage".getBytes(StandardCharsets.US_ASCII), false), 400, "not a usable .torrent");
    Path file = Files.write(ManagementApiTest.tmp.resolve("film2.bin"), new byte[1000]);
    byte[] torrent = new ShareBuilder(new SecureRandom()).build(file, ShareOptions.publicShare()).torrentFile();
    assertError(raw("POST", "/shroud/v1/downloads", host(), null, token(), "application/x-bittorrent", torrent, false),
        400, "?output=");
    assertError(raw("POST", "/shroud/v1/downloads?output=/etc/x.bin", host(), null, token(), "application/x-bittorrent",
        torrent, false), 403, "outside");
    // the larger bound is for .torrent bodies only
    assertError(raw("POST", "/shroud/v1/downloads" + output, host(), null, token(), "application/x-bittorrent",
        new byte[ShroudRoutes.MAX_TORRENT_BYTES + 1], false), 413, "bound");
    assertError(raw("POST", "/shroud/v1/downloads", host(), null, token(), "application/json",
        new byte[ShroudRoutes.MAX_BODY_BYTES + 1], false), 413, "bound");
    // and a cross-site form's content type is still refused
    assertError(raw("POST", "/shroud/v1/downloads" + output, host(), null, token(), "text/plain", torrent, false),
        415, "application/json");
    ManagementApiTest.downloads.expectNoMessage(java.time.Duration.ofMillis(200));
    assertFalse(Files.exists(ManagementApiTest.home.resolve("downloads/x.bin")));
  }
}
