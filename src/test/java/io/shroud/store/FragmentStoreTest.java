package io.shroud.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.testutil.MutableClock;
import io.shroud.testutil.SeededRandom;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A relay's fragment store: only bytes that match their address, a quota kept by evicting the
 * least recently requested, leases that end, rotten files never served, and nothing on disk but
 * fragments under their addresses, in an order that survives a restart.
 */
class FragmentStoreTest {
  private static final Instant T0 = Instant.parse("2026-12-08T12:00:00Z");
  private static final Instant LEASE = T0.plus(Duration.ofDays(7));
  private final Random random = SeededRandom.of(2905);
  private final MutableClock clock = new MutableClock(T0);

  @TempDir
  Path dir;

  private byte[] fragment(int size) {
    byte[] bytes = new byte[size];
    random.nextBytes(bytes);
    return bytes;
  }

  private static String hex(byte[] fragment) {
    return HexFormat.of().formatHex(StripeCoder.address(fragment));
  }

  private FragmentStore open(long quota) throws Exception {
    return FragmentStore.open(dir, quota, 1000, LEASE, clock);
  }

  @Test
  void keepsOnlyFragmentsThatMatchTheirAddressUnderThatAddress() throws Exception {
    FragmentStore store = open(10_000);
    byte[] f = fragment(500);
    assertEquals(new FragmentStore.Accepted(List.of()), store.put(StripeCoder.address(f), f, LEASE));
    byte[] other = fragment(500);
    FragmentStore.Refused wrong = assertInstanceOf(FragmentStore.Refused.class,
        store.put(StripeCoder.address(f), other, LEASE));
    assertEquals("the fragment does not match its address", wrong.reason());
    byte[] big = fragment(1001);
    assertInstanceOf(FragmentStore.Refused.class, store.put(StripeCoder.address(big), big, LEASE));
    assertArrayEquals(f, store.get(StripeCoder.address(f)).orElseThrow());
    assertTrue(store.get(StripeCoder.address(other)).isEmpty());
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(List.of(hex(f) + ".frag"), files.map(p -> p.getFileName().toString()).toList(),
          "one file, named by its address: no key, no share, no uploader");
    }
    assertEquals(500, store.usedBytes());
  }

  @Test
  void theQuotaEvictsTheLeastRecentlyRequestedAndTheOrderSurvivesARestart() throws Exception {
    FragmentStore store = open(1000);
    byte[] a = fragment(400);
    byte[] b = fragment(400);
    byte[] c = fragment(400);
    store.put(StripeCoder.address(a), a, LEASE);
    clock.advance(Duration.ofSeconds(1));
    store.put(StripeCoder.address(b), b, LEASE);
    clock.advance(Duration.ofSeconds(1));
    assertTrue(store.get(StripeCoder.address(a)).isPresent(), "a is now the most recently requested");
    clock.advance(Duration.ofSeconds(1));
    assertTrue(store.renew(StripeCoder.address(b), LEASE.plusSeconds(1)), "a renewal is no request");
    assertEquals(new FragmentStore.Accepted(List.of(hex(b))), store.put(StripeCoder.address(c), c, LEASE));
    assertEquals(800, store.usedBytes());
    assertEquals(List.of(hex(a), hex(c)), store.list().stream().map(FragmentStore.Entry::address).toList());

    clock.advance(Duration.ofSeconds(1));
    FragmentStore again = open(1000);
    assertEquals(List.of(hex(a), hex(c)), again.list().stream().map(FragmentStore.Entry::address).toList(),
        "the order of last requests is the files' times");
    byte[] d = fragment(300);
    assertEquals(new FragmentStore.Accepted(List.of(hex(a))), again.put(StripeCoder.address(d), d, LEASE));
    byte[] huge = fragment(1000);
    assertInstanceOf(FragmentStore.Refused.class, FragmentStore.open(dir, 999, 1000, LEASE, clock)
        .put(StripeCoder.address(huge), huge, LEASE), "larger than the whole quota");
  }

  @Test
  void leasesEndAndOnlyGrow() throws Exception {
    FragmentStore store = open(10_000);
    byte[] a = fragment(100);
    byte[] b = fragment(100);
    store.put(StripeCoder.address(a), a, T0.plus(Duration.ofHours(1)));
    store.put(StripeCoder.address(b), b, T0.plus(Duration.ofHours(1)));
    assertTrue(store.renew(StripeCoder.address(b), T0.plus(Duration.ofHours(3))));
    assertTrue(store.renew(StripeCoder.address(b), T0.plus(Duration.ofHours(2))), "held: true, lease unchanged");
    store.put(StripeCoder.address(a), a, T0.plus(Duration.ofMinutes(30)));
    assertFalse(store.renew(StripeCoder.address(fragment(10)), LEASE));
    clock.advance(Duration.ofHours(2));
    assertEquals(List.of(hex(a)), store.expire());
    assertEquals(List.of(hex(b)), store.list().stream().map(FragmentStore.Entry::address).toList());
    assertEquals(T0.plus(Duration.ofHours(3)), store.list().get(0).leaseUntil());
    assertFalse(Files.exists(dir.resolve(hex(a) + ".frag")));
  }

  @Test
  void aRottenOrMissingFileIsNeverServedAndHalfWrittenFilesGoAtOpen() throws Exception {
    FragmentStore store = open(10_000);
    byte[] a = fragment(200);
    byte[] b = fragment(200);
    store.put(StripeCoder.address(a), a, LEASE);
    store.put(StripeCoder.address(b), b, LEASE);
    byte[] rotten = a.clone();
    rotten[7] ^= 1;
    Files.write(dir.resolve(hex(a) + ".frag"), rotten);
    Files.delete(dir.resolve(hex(b) + ".frag"));
    assertTrue(store.get(StripeCoder.address(a)).isEmpty());
    assertTrue(store.get(StripeCoder.address(b)).isEmpty());
    assertEquals(0, store.usedBytes());
    assertTrue(store.list().isEmpty());

    Files.write(dir.resolve(hex(a) + ".tmp"), a);
    Files.write(dir.resolve("not-a-fragment.txt"), a);
    FragmentStore again = open(10_000);
    assertTrue(again.list().isEmpty(), "only <address>.frag files are fragments");
    assertFalse(Files.exists(dir.resolve(hex(a) + ".tmp")), "a half-written fragment is removed");
  }
}
