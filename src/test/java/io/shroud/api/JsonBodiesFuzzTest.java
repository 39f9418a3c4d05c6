package io.shroud.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shroud.dht.SignedRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes the JSON bodies the management API takes: the first input byte picks the route, the
 * rest is the body, decoded as UTF-8 as Pekko's string unmarshaller does.
 *
 * <ul>
 *   <li>0: {@code POST /shroud/v1/shares} ({@link SharesRoutes#parseAdd});
 *   <li>1: {@code POST /shroud/v1/downloads} ({@link DownloadsRoutes#parseStart});
 *   <li>2: {@code PUT /shroud/v1/dht/records/{key}} ({@link DhtRoutes#parseStore});
 *   <li>3: {@code POST /shroud/v1/circuits} ({@link NetworkRoutes#parseBuild}).
 * </ul>
 *
 * Any body gives either a request within the documented limits or a non-blank 400 reason, never
 * an exception (which would surface as a 500). Seeds:
 * {@code src/test/resources/io/shroud/api/JsonBodiesFuzzTestInputs/bodies/}.
 */
class JsonBodiesFuzzTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Path SEEDS = Path.of("src/test/resources/io/shroud/api/JsonBodiesFuzzTestInputs/bodies");

  @DictionaryEntries({"\"path\"", "\"public\"", "\"link\"", "\"output\"", "\"hops\"", "\"value\"",
      "\"valueBase64\"", "\"ttlSeconds\"", "\"pieceLength\"", "16384", "\"destination\"", "\"echoBytes\"", "true", "false", "null",
      "magnet:?xt=urn:btmh:1220", "1e3", "-0", "2147483648", "9223372036854775808", "\\u0000"})
  @FuzzTest(maxDuration = "2s")
  void bodies(byte[] input) {
    if (input.length == 0) {
      return;
    }
    String body = new String(input, 1, input.length - 1, StandardCharsets.UTF_8);
    JsonBody<?> outcome = check(input[0] & 0xff, body);
    if (outcome instanceof JsonBody.Invalid<?> invalid) {
      assertFalse(invalid.reason().isBlank());
    }
  }

  /** Runs the check of route {@code route % 4} on {@code body} and checks what a valid one asks for. */
  static JsonBody<?> check(int route, String body) {
    switch (route % 4) {
      case 0 -> {
        JsonBody<SharesRoutes.AddRequest> r = SharesRoutes.parseAdd(MAPPER, body);
        if (r instanceof JsonBody.Valid<SharesRoutes.AddRequest> v) {
          assertNotNull(v.request().path());
          int pl = v.request().pieceLength();
          assertTrue(pl == 0 || io.shroud.content.PieceLengths.problem(pl) == null, "pieceLength " + pl);
        }
        return r;
      }
      case 1 -> {
        JsonBody<DownloadsRoutes.StartRequest> r = DownloadsRoutes.parseStart(MAPPER, body);
        if (r instanceof JsonBody.Valid<DownloadsRoutes.StartRequest> v) {
          assertNotNull(v.request().link());
          assertNotNull(v.request().output());
          Integer hops = v.request().hops();
          assertTrue(hops == null || (hops >= 1 && hops <= 4), "hops " + hops);
        }
        return r;
      }
      case 2 -> {
        JsonBody<DhtRoutes.StoreRequest> r = DhtRoutes.parseStore(MAPPER, body);
        if (r instanceof JsonBody.Valid<DhtRoutes.StoreRequest> v) {
          assertTrue(v.request().value().length <= SignedRecord.MAX_VALUE_BYTES);
          assertTrue(v.request().ttl().compareTo(Duration.ofSeconds(1)) >= 0, "ttl " + v.request().ttl());
        }
        return r;
      }
      default -> {
        JsonBody<NetworkRoutes.BuildRequest> r = NetworkRoutes.parseBuild(MAPPER, body);
        if (r instanceof JsonBody.Valid<NetworkRoutes.BuildRequest> v) {
          assertNotNull(v.request().destination());
          assertTrue(v.request().hops() >= 1 && v.request().hops() <= 4, "hops " + v.request().hops());
          assertTrue(v.request().echoBytes() >= 0 && v.request().echoBytes() <= NetworkRoutes.MAX_ECHO_BYTES);
        }
        return r;
      }
    }
  }

  /** Seeds named {@code valid-*} are bodies their route accepts; the others are refused. */
  @Test
  void theSeedsAreAcceptedOrRefusedAsTheirNamesSay() throws IOException {
    List<Path> seeds;
    try (Stream<Path> files = Files.list(SEEDS)) {
      seeds = files.sorted().toList();
    }
    assertEquals(20, seeds.size(), seeds.toString());
    for (Path p : seeds) {
      byte[] seed = Files.readAllBytes(p);
      JsonBody<?> outcome = check(seed[0], new String(Arrays.copyOfRange(seed, 1, seed.length), StandardCharsets.UTF_8));
      if (p.getFileName().toString().contains("-valid-")) {
        assertInstanceOf(JsonBody.Valid.class, outcome, p.toString());
      } else {
        assertInstanceOf(JsonBody.Invalid.class, outcome, p.toString());
      }
    }
  }
}
