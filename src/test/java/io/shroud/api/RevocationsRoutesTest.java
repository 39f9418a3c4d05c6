package io.shroud.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.shroud.admission.RevocationList;
import io.shroud.identity.NodeId;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RevocationsRoutesTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  @Test
  void aPostBodyNeedsTheArmoredListAsAString() {
    String armored = "-----BEGIN SHROUD REVOCATIONS-----\nU0hSVgE=\n-----END SHROUD REVOCATIONS-----\n";
    JsonBody<String> ok = RevocationsRoutes.parseSubmit(MAPPER,
        MAPPER.createObjectNode().put("revocations", armored).toString());
    assertEquals(armored, assertInstanceOf(JsonBody.Valid.class, ok).request());
    for (String bad : List.of("", "not json", "[]", "{}", "{\"revocations\": 5}", "{\"revocations\": null}")) {
      JsonBody<String> r = RevocationsRoutes.parseSubmit(MAPPER, bad);
      assertTrue(assertInstanceOf(JsonBody.Invalid.class, r, bad).reason().contains("revocations"), bad);
    }
  }

  @Test
  void theViewNamesSerialTimeAndRevokedIdsOrNothing() {
    NodeId id = NodeId.ofIdentityKey(new byte[32]);
    RevocationList list = RevocationList.unsigned(new byte[32], 7, Instant.parse("2026-12-07T12:00:00Z"), Set.of(id));
    Map<String, Object> v = RevocationsRoutes.view(Optional.of(list));
    assertEquals(7L, v.get("serial"));
    assertEquals("2026-12-07T12:00:00Z", v.get("issuedAt"));
    assertEquals(List.of(id.toHex()), v.get("revoked"));
    Map<String, Object> none = RevocationsRoutes.view(Optional.empty());
    assertEquals(null, none.get("serial"));
    assertEquals(List.of(), none.get("revoked"));
  }
}
