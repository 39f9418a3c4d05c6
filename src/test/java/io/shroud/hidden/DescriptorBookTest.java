package io.shroud.hidden;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.hidden.DescriptorBook.Added;
import io.shroud.hidden.DescriptorBook.Seeder;
import io.shroud.identity.NodeId;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DescriptorBookTest {
  static final HsLocation LOC = HsDescriptorExamples.location();
  static final HsLocation NEXT = HsLocation.of(HsDescriptorExamples.secret(), HsDescriptorExamples.PERIOD + 1);

  /** The relays of the three example intro points. */
  static final List<NodeId> RELAYS = List.of(HsDescriptorExamples.introPoint(1).relay(),
      HsDescriptorExamples.introPoint(2).relay(), HsDescriptorExamples.introPoint(3).relay());

  private static byte[] publisher(int i) {
    return HsPlans.filled(32, i);
  }

  private static byte[] value(HsLocation at, int publisher, int effort, int count) {
    return HsDescriptorExamples.descriptor(effort, count).seal(at, publisher(publisher), new SplittableRandom(publisher));
  }

  @Test
  void keepsOneEntryPerPublisherTheHighestSeq() {
    DescriptorBook book = new DescriptorBook(RELAYS, new SplittableRandom(1));
    assertEquals(Added.KEPT, book.add(LOC, publisher(1), 5, value(LOC, 1, 7, 3)));
    assertEquals(Added.STALE, book.add(LOC, publisher(1), 5, value(LOC, 1, 8, 3)));
    assertEquals(Added.STALE, book.add(LOC, publisher(1), 4, value(LOC, 1, 8, 3)));
    assertEquals(7, book.seeders().get(0).powEffort());
    assertEquals(Added.KEPT, book.add(LOC, publisher(1), 6, value(LOC, 1, 9, 3)));
    assertEquals(1, book.size());
    Seeder s = book.seeders().get(0);
    assertEquals(9, s.powEffort());
    assertEquals(6, s.seq());
    assertEquals(HsDescriptorExamples.PERIOD, s.period());
    assertArrayEquals(HsDescriptorExamples.descriptor(9, 3).powSeed(), s.powSeed());
    assertEquals(Added.KEPT, book.add(NEXT, publisher(2), 1, value(NEXT, 2, 0, 1)));
    assertEquals(2, book.size());
    assertTrue(book.holds(publisher(2)));
  }

  /**
   * Near a boundary one seeder publishes for two periods under two publisher keys the downloader
   * cannot link: only the current period's descriptors are taken while there are any.
   */
  @Test
  void theCurrentPeriodsSeedersAreTakenAloneAndTheNextOnlyWhenItHasNone() {
    DescriptorBook book = new DescriptorBook(RELAYS, new SplittableRandom(4));
    book.add(NEXT, publisher(1), 1, value(NEXT, 1, 0, 3));
    assertEquals(List.of(HsDescriptorExamples.PERIOD + 1),
        book.seeders(HsDescriptorExamples.PERIOD).stream().map(Seeder::period).toList(),
        "the next period's seeder when the current one has none");
    book.add(LOC, publisher(2), 1, value(LOC, 2, 0, 3));
    book.add(LOC, publisher(3), 1, value(LOC, 3, 0, 3));
    assertEquals(3, book.seeders().size());
    List<Seeder> current = book.seeders(HsDescriptorExamples.PERIOD);
    assertEquals(2, current.size(), "the current period's two, not the same seeders again under the next's keys");
    assertTrue(current.stream().allMatch(s -> s.period() == HsDescriptorExamples.PERIOD));
  }

  @Test
  void badRecordsAreSkippedAndCounted() {
    DescriptorBook book = new DescriptorBook(RELAYS, new SplittableRandom(2));
    assertEquals(Added.BAD, book.add(NEXT, publisher(1), 1, value(LOC, 1, 0, 2)), "another period's location");
    assertEquals(Added.BAD, book.add(LOC, publisher(2), 1, value(LOC, 1, 0, 2)), "another publisher");
    byte[] tampered = value(LOC, 3, 0, 2);
    tampered[100] ^= 1;
    assertEquals(Added.BAD, book.add(LOC, publisher(3), 1, tampered));
    assertEquals(Added.BAD, book.add(LOC, new byte[5], 1, value(LOC, 3, 0, 2)));
    assertEquals(4, book.bad());
    assertEquals(0, book.size());
    assertFalse(book.holds(publisher(1)));
  }

  @Test
  void introPointsOutsideTheConsensusAreDropped() {
    DescriptorBook book = new DescriptorBook(List.of(RELAYS.get(1)), new SplittableRandom(3));
    assertEquals(Added.KEPT, book.add(LOC, publisher(1), 1, value(LOC, 1, 0, 3)));
    assertEquals(List.of(RELAYS.get(1)), book.seeders().get(0).introRelays());
    assertEquals(Added.NO_LISTED_RELAY, book.add(LOC, publisher(2), 1, value(LOC, 2, 0, 1)));
    assertEquals(1, book.unlisted());
    assertEquals(1, book.size());
  }

  @Test
  void seedersAndTheirIntroPointsComeInRandomOrder() {
    Set<List<NodeId>> orders = new HashSet<>();
    Set<Integer> firstSeeders = new HashSet<>();
    for (int seed = 0; seed < 20; seed++) {
      DescriptorBook book = new DescriptorBook(RELAYS, new SplittableRandom(seed));
      for (int p = 1; p <= 3; p++) {
        book.add(LOC, publisher(p), 1, value(LOC, p, p, 3));
      }
      List<Seeder> seeders = book.seeders();
      assertEquals(3, seeders.size());
      firstSeeders.add(seeders.get(0).powEffort());
      List<NodeId> order = seeders.get(0).introRelays();
      assertEquals(Set.copyOf(RELAYS), Set.copyOf(order));
      orders.add(order);
    }
    assertEquals(3, firstSeeders.size(), "every seeder comes first sometimes");
    assertTrue(orders.size() >= 4, "intro points shuffled: " + orders.size() + " orders of 6");
  }
}
