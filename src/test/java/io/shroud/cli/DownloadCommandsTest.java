package io.shroud.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** downloads, pause, resume and cancel against a fake management endpoint. */
class DownloadCommandsTest {
  static final String A = "3f2a0b1c2d3e4f50";
  static final String B = "3f2a99aa00bb11cc";
  static final String C = "c0ffee0011223344";

  static final String LISTING = "{\"downloads\":[" + view(A, "DOWNLOADING", "movie.bin", 25165824, 67108864, 2600000, null)
      + "," + view(B, "FAILED", "notes.txt", 0, 0, 0, "no providers found") + ","
      + view(C, "PAUSED", "song.flac", 1000, 4000, 0, null) + "]}";

  private FakeNode node;

  @BeforeEach
  void start() throws Exception {
    node = new FakeNode().answer("GET", "/shroud/v1/downloads", 200, LISTING);
  }

  @AfterEach
  void stop() {
    node.close();
  }

  /** One download shaped as docs/api.md shows it: two live sources and one banned. */
  static String view(String id, String state, String name, long done, long total, long rate, String error) {
    return """
        {"id":"%s","state":"%s","infoHash":"%s","name":"%s","bytesDone":%d,"bytesTotal":%d,
         "piecesDone":768,"piecesTotal":2048,"rate":%d,
         "sources":[{"nodeId":"aa","state":"ACTIVE","rate":1300000,"strikes":0,"banned":false},
                    {"nodeId":"bb","state":"ACTIVE","rate":1300000,"strikes":0,"banned":false},
                    {"nodeId":"cc","state":"BANNED","rate":0,"strikes":3,"banned":true}],
         "circuits":[{"circuitId":"f9903e6c","provider":"aa","path":["g","m","aa"]}],
         "refetchedBytes":0,"waitingForDiskBytes":0,"outputPath":"/tmp/%s","sha256":null,"error":%s}"""
        .formatted(id, state, "ab".repeat(32), name, done, total, rate, name, error == null ? "null" : "\"" + error + "\"");
  }

  @Test
  void downloadsPrintsOneRowEachWithStatePercentRateAndLiveSources() {
    FakeNode.Result r = node.run("downloads");
    assertEquals(0, r.code(), r.err());
    List<String> lines = r.out().lines().toList();
    assertEquals(4, lines.size(), r.out());
    assertEquals(DownloadsCommand.HEADER, lines.get(0));
    assertEquals(A + "  DOWNLOADING            37.5%    2.60 MB/s        2  movie.bin", lines.get(1));
    assertEquals(B + "  FAILED                     -    0.00 MB/s        2  notes.txt  (no providers found)", lines.get(2));
    assertTrue(lines.get(3).startsWith(C + "  PAUSED                 25.0%"), lines.get(3));
    assertEquals(List.of(new FakeNode.Request("GET", "/shroud/v1/downloads", "Bearer " + FakeNode.TOKEN)), node.requests);
  }

  @Test
  void downloadsJsonIsTheNodesJson() throws Exception {
    FakeNode.Result r = node.run("downloads", "--json");
    assertEquals(0, r.code(), r.err());
    var mapper = new ObjectMapper();
    assertEquals(mapper.readTree(LISTING), mapper.readTree(r.out()));
  }

  @Test
  void noDownloadsSaysSo() {
    node.answer("GET", "/shroud/v1/downloads", 200, "{\"downloads\":[]}");
    assertEquals("no downloads", node.run("downloads").out().strip());
  }

  @Test
  void pauseResumeAndCancelSendTheirMethodAndPathWithTheToken() {
    node.answer("POST", "/shroud/v1/downloads/" + A + "/pause", 200, view(A, "PAUSED", "movie.bin", 1, 2, 0, null))
        .answer("POST", "/shroud/v1/downloads/" + C + "/resume", 200, view(C, "DOWNLOADING", "song.flac", 1, 2, 0, null))
        .answer("DELETE", "/shroud/v1/downloads/" + A, 200, view(A, "CANCELLED", "movie.bin", 1, 2, 0, null));

    FakeNode.Result paused = node.run("pause", A);
    FakeNode.Result resumed = node.run("resume", C);
    FakeNode.Result cancelled = node.run("cancel", A);

    assertEquals(0, paused.code(), paused.err());
    assertEquals(A + "  PAUSED  movie.bin", paused.out().strip());
    assertEquals(0, resumed.code(), resumed.err());
    assertEquals(C + "  DOWNLOADING  song.flac", resumed.out().strip());
    assertEquals(0, cancelled.code(), cancelled.err());
    assertEquals(A + "  CANCELLED  movie.bin", cancelled.out().strip());
    assertEquals(List.of("POST /shroud/v1/downloads/" + A + "/pause", "POST /shroud/v1/downloads/" + C + "/resume",
        "DELETE /shroud/v1/downloads/" + A), node.changes());
    assertTrue(node.requests.stream().allMatch(q -> q.authorization().equals("Bearer " + FakeNode.TOKEN)));
  }

  @Test
  void aUniquePrefixStandsForItsDownload() {
    node.answer("DELETE", "/shroud/v1/downloads/" + C, 200, view(C, "CANCELLED", "song.flac", 1, 2, 0, null));
    FakeNode.Result r = node.run("cancel", "c0f");
    assertEquals(0, r.code(), r.err());
    assertEquals(C + "  CANCELLED  song.flac", r.out().strip());
    assertEquals(List.of("DELETE /shroud/v1/downloads/" + C), node.changes());
  }

  @Test
  void anAmbiguousPrefixIsRefusedAndNothingIsSent() {
    FakeNode.Result r = node.run("cancel", "3f2a");
    assertEquals(2, r.code());
    assertEquals("shroud: ambiguous download id 3f2a: 2 downloads start so (" + A + ", " + B + "); give more of it",
        r.err().strip());
    assertEquals(List.of(), node.changes());
  }

  @Test
  void anIdTheNodeDoesNotListIsNoSuchDownload() {
    FakeNode.Result r = node.run("pause", "beef");
    assertEquals(2, r.code());
    assertEquals("shroud: no such download: beef", r.err().strip());
    assertEquals("", r.out());
    assertEquals(List.of(), node.changes());
  }

  @Test
  void aDownloadGoneBeforeTheRequestIsNoSuchDownload() {
    // listed, but the node answers 404 to the pause: it went away in between
    FakeNode.Result r = node.run("pause", C);
    assertEquals(2, r.code());
    assertEquals("shroud: no such download: " + C, r.err().strip());
    assertEquals(List.of("POST /shroud/v1/downloads/" + C + "/pause"), node.changes());
  }

  @Test
  void anotherRefusalPrintsTheNodesMessage() {
    node.answer("POST", "/shroud/v1/downloads/" + B + "/resume", 409,
        "{\"status\":409,\"error\":\"a failed download cannot be resumed\"}");
    FakeNode.Result r = node.run("resume", B);
    assertEquals(2, r.code());
    assertEquals("shroud: POST /shroud/v1/downloads/" + B + "/resume failed (409): a failed download cannot be resumed",
        r.err().strip());
  }

  @Test
  void aWrongTokenIsRefusedByTheNodeAndSaysWhatToPass() {
    FakeNode.Result r = FakeNode.shroud("downloads", "--url", node.url(), "--token", "wrong");
    assertEquals(2, r.code());
    assertTrue(r.err().startsWith("shroud: GET /shroud/v1/downloads failed (401): missing or wrong token (pass the node's token"),
        r.err());
  }
}
