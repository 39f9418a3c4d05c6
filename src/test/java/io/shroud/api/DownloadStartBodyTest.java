package io.shroud.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** {@code "seed"} in {@code POST /shroud/v1/downloads}: on unless the body says false; anything else is a 400. */
class DownloadStartBodyTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String BASE = "{\"link\":\"magnet:?xt=urn:btmh:1220" + "ab".repeat(32) + "\",\"output\":\"/tmp/o\"";

  private static JsonBody<DownloadsRoutes.StartRequest> parse(String rest) {
    return DownloadsRoutes.parseStart(MAPPER, BASE + rest + "}");
  }

  @Test
  void seedingIsOnUnlessTheBodyTurnsItOff() {
    assertTrue(assertInstanceOf(JsonBody.Valid.class, parse("")).request() instanceof DownloadsRoutes.StartRequest r
        && r.seed());
    assertTrue(((DownloadsRoutes.StartRequest) assertInstanceOf(JsonBody.Valid.class, parse(",\"seed\":true"))
        .request()).seed());
    assertFalse(((DownloadsRoutes.StartRequest) assertInstanceOf(JsonBody.Valid.class, parse(",\"seed\":false"))
        .request()).seed());
  }

  @Test
  void aSeedThatIsNotABooleanIsRefusedWithTheReason() {
    JsonBody.Invalid<?> invalid = assertInstanceOf(JsonBody.Invalid.class, parse(",\"seed\":\"no\""));
    assertEquals("seed must be true or false (whether to share the file once it is complete)", invalid.reason());
  }
}
