package io.shroud.swarm.fetch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.BitSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResumeCheckTest {

  @Test
  void damagedPiecesAreInvalidatedOneByOneAndRecoveredOnesVerifiedInOneEntry() {
    List<DownloadEvent> events = ResumeCheck.of(BitSet.valueOf(new long[] {0b1010}),
        BitSet.valueOf(new long[] {0b110000})).events();
    assertEquals(List.of(new DownloadEvent.PieceInvalidated(1), new DownloadEvent.PieceInvalidated(3)),
        events.subList(0, 2));
    assertEquals(3, events.size());
    assertArrayEquals(new int[] {4, 5}, assertInstanceOf(DownloadEvent.PiecesVerified.class, events.get(2)).indices());
  }

  @Test
  void theRecoveredPiecesOfALargeShareAreJournaledInEventsWithinTheSerializersBound() {
    BitSet recovered = new BitSet();
    recovered.set(0, 262_144); // every piece of a 1 TiB share of 4 MiB pieces
    List<DownloadEvent> events = ResumeCheck.of(new BitSet(), recovered).events();
    assertEquals(16, events.size());
    var serializer = new io.shroud.serialization.KryoSerializer();
    BitSet named = new BitSet();
    for (DownloadEvent e : events) {
      assertTrue(serializer.toBinary(e).length < io.shroud.serialization.KryoSerializer.MAX_BYTES);
      java.util.Arrays.stream(((DownloadEvent.PiecesVerified) e).indices()).forEach(named::set);
    }
    assertEquals(recovered, named);
  }

  @Test
  void aFailedCheckFindsNothingAndJournalsNothing() {
    ResumeCheck found = ResumeCheck.of(null, null);
    assertTrue(found.bad().isEmpty());
    assertTrue(found.recovered().isEmpty());
    assertTrue(found.events().isEmpty());
  }

  @Test
  void damagedPiecesAloneMakeNoVerifiedEntry() {
    BitSet bad = new BitSet();
    bad.set(7);
    assertEquals(List.of(new DownloadEvent.PieceInvalidated(7)), ResumeCheck.of(bad, new BitSet()).events());
  }
}
