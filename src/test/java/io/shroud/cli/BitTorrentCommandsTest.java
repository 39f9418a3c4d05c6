package io.shroud.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.shroud.content.TorrentFixturesAccess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code shroud share --piece-length/--torrent/--hybrid} and {@code shroud fetch FILE.torrent} against a fake node. */
class BitTorrentCommandsTest {
  private static final String HASH = "3c".repeat(32);
  private static final String SHARED = "{\"infoHash\":\"" + HASH + "\",\"link\":\"magnet:?xt=urn:btmh:1220" + HASH
      + "\",\"name\":\"f.bin\",\"encrypted\":false,\"length\":5}";

  @TempDir Path dir;

  @Test
  void shareSendsThePieceLengthAndSavesTheHybridTorrent() throws Exception {
    Path out = dir.resolve("f.torrent");
    try (FakeNode node = new FakeNode().answer("POST", "/shroud/v1/shares", 201, SHARED)
        .answer("GET", "/shroud/v1/shares/" + HASH + "/torrent", 200, "d4:infod4:name5:f.binee")) {
      FakeNode.Result r = node.run("share", dir.resolve("f.bin").toString(), "--public", "--piece-length", "65536",
          "--torrent", out.toString(), "--hybrid");
      assertEquals(0, r.code(), r.err());
      var post = node.sent.get(0);
      assertEquals(65536, new ObjectMapper().readTree(post.body()).path("pieceLength").asInt());
      var get = node.sent.get(1);
      assertEquals("hybrid=true", get.query());
      assertArrayEquals("d4:infod4:name5:f.binee".getBytes(StandardCharsets.US_ASCII), Files.readAllBytes(out));
      assertTrue(r.err().contains("hybrid (v1+v2) .torrent"), r.err());
    }
  }

  @Test
  void shareWithStoreAsksTheNodeToStoreItWithTheRedundancy() throws Exception {
    try (FakeNode node = new FakeNode().answer("POST", "/shroud/v1/shares", 201, SHARED)
        .answer("POST", "/shroud/v1/shares/" + HASH + "/store", 200, "{\"stripes\":2,\"fragments\":11,"
            + "\"storers\":6,\"manifestChunks\":1,\"manifestCopies\":4,\"dhtNodes\":3}")) {
      FakeNode.Result r = node.run("share", dir.resolve("f.bin").toString(), "--store", "--redundancy", "6+3");
      assertEquals(0, r.code(), r.err());
      assertEquals("6+3", new ObjectMapper().readTree(node.sent.get(1).body()).path("redundancy").asText());
      assertTrue(r.err().contains("11 fragments in 2 stripes on 6 relays"), r.err());
    }
  }

  @Test
  void badShareOptionsAreRefusedBeforeAskingTheNode() throws Exception {
    try (FakeNode node = new FakeNode()) {
      FakeNode.Result r = node.run("share", "/x/f.bin", "--public", "--piece-length", "1000");
      assertNotEquals(0, r.code());
      assertTrue(r.err().contains("power of two"), r.err());
      r = node.run("share", "/x/f.bin", "--torrent", dir.resolve("t").toString());
      assertTrue(r.err().contains("only a public share has a .torrent"), r.err());
      r = node.run("share", "/x/f.bin", "--public", "--hybrid");
      assertTrue(r.err().contains("give --torrent"), r.err());
      r = node.run("share", "/x/f.bin", "--redundancy", "4+2");
      assertTrue(r.err().contains("give --store"), r.err());
      r = node.run("share", "/x/f.bin", "--store", "--redundancy", "4");
      assertTrue(r.err().contains("K+M"), r.err());
      assertTrue(node.requests.isEmpty(), node.requests.toString());
    }
  }

  @Test
  void fetchUploadsATorrentFileAndShowsTheNodesRefusalOnOneLine() throws Exception {
    Path torrent = Files.write(dir.resolve("folder.torrent"), TorrentFixturesAccess.folder(true));
    try (FakeNode node = new FakeNode().answer("POST", "/shroud/v1/downloads", 400,
        "{\"status\":400,\"error\":\"files: 9 is outside 1-4\"}")) {
      FakeNode.Result r = node.run("fetch", torrent.toString(), "-o", dir.resolve("out dir").toString(), "--hops", "2",
          "--files", "9");
      assertNotEquals(0, r.code());
      assertTrue(r.err().contains("files: 9 is outside 1-4"), r.err());
      assertEquals(1, r.err().strip().lines().count(), r.err());
      var post = node.sent.get(0);
      assertEquals("application/x-bittorrent", post.contentType());
      assertArrayEquals(Files.readAllBytes(torrent), post.body());
      assertEquals("output=" + java.net.URLEncoder.encode(dir.resolve("out dir").toString(), StandardCharsets.UTF_8)
          + "&hops=2&files=9", post.query());
    }
  }

  @Test
  void fetchWithNoSeedAsksTheNodeNotToShareTheFileOnceComplete() throws Exception {
    String bare = "magnet:?xt=urn:btmh:1220" + HASH + "&dn=f.bin";
    Path torrent = Files.write(dir.resolve("no-seed.torrent"), TorrentFixturesAccess.folder(true));
    try (FakeNode node = new FakeNode().answer("POST", "/shroud/v1/downloads", 400,
        "{\"status\":400,\"error\":\"nope\"}")) {
      node.run("fetch", bare, "-o", dir.resolve("f.bin").toString(), "--no-seed");
      var json = new ObjectMapper().readTree(node.sent.get(0).body());
      assertTrue(json.has("seed") && !json.path("seed").asBoolean(), json.toString());
      node.run("fetch", torrent.toString(), "-o", dir.resolve("d").toString(), "--no-seed");
      assertTrue(node.sent.get(1).query().endsWith("&seed=false"), node.sent.get(1).query());
      node.run("fetch", bare, "-o", dir.resolve("g.bin").toString());
      assertTrue(!new ObjectMapper().readTree(node.sent.get(2).body()).has("seed"), "seeding is the node's default");
    }
  }

  @Test
  void fetchOfABareMagnetPostsItToTheNode() throws Exception {
    String bare = "magnet:?xt=urn:btmh:1220" + HASH + "&dn=f.bin&tr=http://t/a";
    try (FakeNode node = new FakeNode().answer("POST", "/shroud/v1/downloads", 400,
        "{\"status\":400,\"error\":\"nope\"}")) {
      FakeNode.Result r = node.run("fetch", bare, "-o", dir.resolve("f.bin").toString());
      assertNotEquals(0, r.code());
      assertTrue(r.err().contains("nope"), r.err());
      assertTrue(new String(node.sent.get(0).body(), StandardCharsets.UTF_8).contains(HASH), "the magnet is posted");
    }
    try (FakeNode node = new FakeNode()) {
      FakeNode.Result r = node.run("fetch", dir.resolve("missing.torrent").toString(), "-o", dir.resolve("f.bin").toString());
      assertTrue(r.err().contains("neither a magnet link nor a .torrent file"), r.err());
      assertTrue(node.requests.isEmpty(), node.requests.toString());
    }
  }
}
