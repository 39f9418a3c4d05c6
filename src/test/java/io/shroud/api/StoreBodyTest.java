package io.shroud.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.shroud.store.Redundancy;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The body of {@code POST /shares/{infoHash}/store}: defaults, and a 400 reason for anything else. */
class StoreBodyTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  @Test
  void anEmptyObjectTakesTheDefaultsAndGivenValuesAreKept() {
    assertEquals(new SharesRoutes.StoreRequest(Redundancy.DEFAULT, 3),
        ((JsonBody.Valid<SharesRoutes.StoreRequest>) SharesRoutes.parseStore(MAPPER, "{}")).request());
    JsonBody<SharesRoutes.StoreRequest> given = SharesRoutes.parseStore(MAPPER, "{\"redundancy\": \"6+3\", \"hops\": 1}");
    assertEquals(new SharesRoutes.StoreRequest(new Redundancy(6, 3), 1),
        ((JsonBody.Valid<SharesRoutes.StoreRequest>) given).request());
  }

  @Test
  void badBodiesGetAReason() {
    for (String bad : List.of("", "nope", "[]", "{\"redundancy\": 42}", "{\"redundancy\": \"4-2\"}",
        "{\"redundancy\": \"0+2\"}", "{\"hops\": 0}", "{\"hops\": 5}", "{\"hops\": \"3\"}")) {
      JsonBody<SharesRoutes.StoreRequest> r = SharesRoutes.parseStore(MAPPER, bad);
      assertTrue(!assertInstanceOf(JsonBody.Invalid.class, r, bad).reason().isBlank(), bad);
    }
  }
}
