package io.shroud.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.shroud.store.FragmentStore;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What {@code GET /shroud/v1/fragments} shows an operator: addresses, sizes and times, nothing else. */
class FragmentsRouteTest {
  @Test
  void theViewListsAddressesSizesAndTimesWithTheTotals() {
    Instant t = Instant.parse("2026-12-08T12:00:00Z");
    Map<String, Object> view = ShroudRoutes.fragmentsView(List.of(
        new FragmentStore.Entry("aa".repeat(32), 100, t, t.plusSeconds(60)),
        new FragmentStore.Entry("bb".repeat(32), 50, t.plusSeconds(1), t.plusSeconds(120))));
    assertEquals(2, view.get("count"));
    assertEquals(150L, view.get("bytes"));
    assertEquals(Map.of("address", "aa".repeat(32), "bytes", 100L, "lastRequested", "2026-12-08T12:00:00Z",
        "leaseUntil", "2026-12-08T12:01:00Z"), ((List<?>) view.get("fragments")).get(0));
  }
}
