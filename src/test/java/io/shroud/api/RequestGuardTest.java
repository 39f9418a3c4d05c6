package io.shroud.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RequestGuardTest {
  static final String TOKEN = "9f".repeat(32);
  final RequestGuard guard = RequestGuard.forBinding("127.3.0.1", 8558, TOKEN);

  private Optional<RequestGuard.Refusal> check(String host, String origin, String auth, boolean mutating, String type) {
    return guard.check(Optional.ofNullable(host), Optional.ofNullable(origin), Optional.ofNullable(auth), mutating,
        Optional.ofNullable(type));
  }

  private static void refused(Optional<RequestGuard.Refusal> r, int status, String part) {
    assertTrue(r.isPresent(), "expected " + status);
    assertEquals(status, r.get().status(), r.get().message());
    assertTrue(r.get().message().contains(part), r.get().message());
    assertFalse(r.get().message().contains(TOKEN), "never echo the token");
  }

  @Test
  void theRightTokenOnTheBoundHostPasses() {
    assertEquals(Optional.empty(), check("127.3.0.1:8558", null, "Bearer " + TOKEN, false, null));
    assertEquals(Optional.empty(), check("localhost:8558", "http://localhost:8558", "Bearer " + TOKEN, true, "application/json"));
    assertEquals(Optional.empty(), check("[::1]:8558", null, "bearer " + TOKEN, false, null));
  }

  @Test
  void aMissingOrWrongTokenIs401() {
    refused(check("127.3.0.1:8558", null, null, false, null), 401, "missing token");
    refused(check("127.3.0.1:8558", null, "Bearer " + TOKEN.substring(1), false, null), 401, "wrong token");
    refused(check("127.3.0.1:8558", null, TOKEN, false, null), 401, "wrong token");
    refused(check("127.3.0.1:8558", null, "Basic " + TOKEN, false, null), 401, "wrong token");
  }

  @Test
  void aForeignHostIs403EvenWithTheToken() {
    refused(check("evil.example:8558", null, "Bearer " + TOKEN, false, null), 403, "not an address");
    refused(check("127.3.0.1:9999", null, "Bearer " + TOKEN, false, null), 403, "not an address");
    refused(check(null, null, "Bearer " + TOKEN, false, null), 403, "Host header missing");
  }

  @Test
  void aForeignOriginIs403() {
    refused(check("127.3.0.1:8558", "http://evil.example", "Bearer " + TOKEN, true, "application/json"), 403, "Origin");
    refused(check("127.3.0.1:8558", "null", "Bearer " + TOKEN, false, null), 403, "Origin");
    refused(check("127.3.0.1:8558", "https://127.3.0.1:8558", "Bearer " + TOKEN, false, null), 403, "Origin");
  }

  @Test
  void aMutatingRequestNeedsJson() {
    refused(check("127.3.0.1:8558", null, "Bearer " + TOKEN, true, "text/plain"), 415, "application/json");
    refused(check("127.3.0.1:8558", null, "Bearer " + TOKEN, true, "application/x-www-form-urlencoded"), 415, "got");
    refused(check("127.3.0.1:8558", null, "Bearer " + TOKEN, true, null), 415, "none");
  }

  @Test
  void hostsOfABinding() throws Exception {
    assertEquals(Set.of("10.0.0.5:8558"), RequestGuard.hostsFor("10.0.0.5", 8558, Set.of()));
    assertEquals(Set.of("127.0.0.1:80", "127.0.0.1", "localhost:80", "localhost", "[::1]:80", "[::1]"),
        RequestGuard.hostsFor("127.0.0.1", 80, Set.of()));
    assertTrue(RequestGuard.hostsFor("0.0.0.0", 8558, Set.of(InetAddress.getByName("192.168.1.7")))
        .containsAll(Set.of("192.168.1.7:8558", "localhost:8558")));
    assertTrue(RequestGuard.hostsFor("::1", 8558, Set.of()).contains("[::1]:8558"));
  }
}
