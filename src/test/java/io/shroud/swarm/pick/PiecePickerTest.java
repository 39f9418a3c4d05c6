package io.shroud.swarm.pick;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.swarm.pick.PiecePicker.BlockState;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PiecePickerTest {
  private static final String ALL7 = "*******";

  @Test
  void picksTheRarestPieceFirst() {
    PickerFixture f = PickerFixture.setup("3213333", 1).source("A", ALL7);
    assertEquals("2.0", f.pick("A", 1));
    assertEquals("1.0", f.pick("A", 2));
    assertEquals(".pp....", f.states());
  }

  @Test
  void onlyPicksPiecesTheSourceHas() {
    PickerFixture f = PickerFixture.setup("1222222", 1).source("A", "   * * ");
    assertEquals("3.0 5.0", sorted(f.pick("A", 5)));
  }

  @Test
  void inOrderTiesFollowPieceIndexButRarityStillComesFirst() {
    PickerConfig inOrder = new PickerConfig(3, 2, PickerConfig.Ties.IN_ORDER);
    for (long seed = 0; seed < 5; seed++) {
      assertEquals("0.0 1.0 2.0 3.0 4.0",
          PickerFixture.setup("2222222", " ".repeat(7), 1, inOrder, seed).source("A", ALL7).pick("A", 5),
          "equal availability: index order whatever the seed");
    }
    assertEquals("4.0 6.0 0.0 1.0",
        PickerFixture.setup("3333232", " ".repeat(7), 1, inOrder, 1).source("A", ALL7).pick("A", 4),
        "the rarer pieces 4 and 6 first, then the rest from the start");
    assertEquals("2.0 3.0 5.0",
        PickerFixture.setup("1111111", "vv  v  ", 1, inOrder, 1).source("A", ALL7).pick("A", 3),
        "verified pieces are skipped");
  }

  @Test
  void tiesAreBrokenBySeededRandom() {
    Set<String> firsts = new HashSet<>();
    for (long seed = 0; seed < 20; seed++) {
      String a = PickerFixture.setup("2223333", " ".repeat(7), 1, PickerConfig.DEFAULT, seed)
          .source("A", ALL7).pick("A", 3);
      String again = PickerFixture.setup("2223333", " ".repeat(7), 1, PickerConfig.DEFAULT, seed)
          .source("A", ALL7).pick("A", 3);
      assertEquals(a, again, "same seed, same picks");
      assertEquals("0.0 1.0 2.0", sorted(a), "the three rarest, in some order");
      firsts.add(a.substring(0, 3));
    }
    assertEquals(Set.of("0.0", "1.0", "2.0"), firsts, "different seeds spread the first pick");
  }

  @Test
  void prefersFinishingPartialPieces() {
    PickerFixture f = PickerFixture.setup("3313", 4).source("A", "****");
    assertEquals("2.0 2.1", f.pick("A", 2));
    // piece 2 becomes the most common piece, yet B finishes it before starting a rarer one
    f.source("D", "  * ").source("E", "  * ").source("F", "  * ");
    assertEquals("4454", f.availability());
    f.source("B", "****");
    String b = f.pick("B", 3);
    assertTrue(b.startsWith("2.2 2.3 "), b);
    assertFalse(b.endsWith("2.0") || b.endsWith("2.1"), b);
    assertEquals(0, f.picker.requesters(2, 3).indexOf("B"));
  }

  @Test
  void partialWithMostProgressGoesFirst() {
    PickerFixture f = PickerFixture.setup("1111", 4).source("A", "****").source("B", "****");
    String a = f.pick("A", 4); // one whole piece for A
    String b = f.pick("B", 2); // half a piece for B
    int pieceA = a.charAt(0) - '0';
    int pieceB = b.charAt(0) - '0';
    f.picker.requestReleased("A", pieceA, 3); // A's piece now has 3 of 4 blocks touched
    f.picker.requestReleased("B", pieceB, 1); // B's piece has 1 of 4
    f.source("C", "****");
    assertEquals(pieceA + ".3 " + pieceB + ".1", f.pick("C", 2));
  }

  @Test
  void pipeliningLimitCapsBlocksInFlight() {
    PickerFixture f = PickerFixture.setup("1111", 4).source("A", "****");
    assertEquals(3, f.picker.pick("A", 3).size());
    assertEquals("", f.pick("A", 3));
    BlockRef first = f.picker.pick("A", 4).get(0);
    assertEquals(4, f.picker.inFlight("A"));
    f.picker.blockReceived("A", first.piece(), first.index());
    assertEquals(1, f.picker.pick("A", 4).size());
    assertEquals(4, f.picker.inFlight("A"));
  }

  @Test
  void endgameDuplicatesRequestsAndCancelsTheRest() {
    PickerFixture f = PickerFixture.setup("11", 2).source("A", "**").source("B", "**")
        .source("C", "**");
    assertEquals(4, f.picker.pick("A", 8).size());
    assertTrue(f.picker.isEndgame());
    assertEquals("0.0 0.1 1.0 1.1", f.pick("B", 8));
    assertEquals("", f.pick("C", 8), "cap of two requesters per block reached");
    assertEquals(List.of("A", "B"), f.picker.requesters(0, 0));
    assertTrue(f.picker.isRequestedFrom("A", 0, 0));
    assertTrue(f.picker.isRequestedFrom("B", 0, 0));
    assertFalse(f.picker.isRequestedFrom("C", 0, 0));

    BlockResult<String> r = f.picker.blockReceived("B", 0, 0);
    assertTrue(r.accepted());
    assertEquals(List.of("A"), r.cancelFrom());
    assertFalse(f.picker.isRequestedFrom("A", 0, 0), "cancelled with the duplicate's arrival");
    assertFalse(f.picker.isRequestedFrom("B", 0, 0), "received");
    assertEquals(3, f.picker.inFlight("A"));
    assertFalse(f.picker.blockReceived("A", 0, 0).accepted(), "late duplicate is dropped");
    assertEquals(1, f.picker.receivedBlocks());
  }

  @Test
  void endgameStartsOnlyWhenNothingIsUnrequested() {
    PickerFixture f = PickerFixture.setup("11", 2).source("A", "**").source("B", "**");
    assertEquals(3, f.picker.pick("A", 3).size());
    assertFalse(f.picker.isEndgame());
    assertEquals(1, f.picker.pick("B", 1).size(), "B gets the last fresh block, no duplicate");
    assertEquals(f.picker.requesters(1, 1).size() + f.picker.requesters(0, 0).size(), 2);
  }

  @Test
  void strikesBanASourceAndItsBlocksGoToOthers() {
    PickerFixture f = PickerFixture.setup("1111", 2, new PickerConfig(2, 2));
    f.source("A", "****").source("B", "****");
    String a = f.pick("A", 4);
    assertFalse(f.picker.reportBadBlock("A"));
    assertEquals(1, f.picker.strikes("A"));
    assertTrue(f.picker.reportBadBlock("A"));
    assertTrue(f.picker.isBanned("A"));
    assertEquals(0, f.picker.inFlight("A"));
    assertEquals("", f.pick("A", 4));
    assertEquals(sorted(a), sorted(f.pick("B", 4)), "A's released blocks went to B");
    f.source("A", "****");
    assertEquals("2222", f.availability(), "a banned source counts for nothing");
  }

  @Test
  void failedPieceIsRefetchedAndItsSoleContributorBanned() {
    PickerFixture f = PickerFixture.setup("1", 2, PickerConfig.DEFAULT).source("A", "*")
        .source("B", "*");
    assertEquals("0.0 0.1", f.pick("A", 2));
    f.deliverPiece("A", 0);
    assertEquals("w", f.states());
    assertEquals(Set.of("A"), f.picker.pieceFailed(0));
    assertTrue(f.picker.isBanned("A"));
    assertEquals(".", f.states());
    assertEquals("0.0 0.1", f.pick("B", 2));
  }

  @Test
  void failedPieceWithSeveralContributorsStrikesEachOnce() {
    PickerFixture f = PickerFixture.setup("1", 2, PickerConfig.DEFAULT).source("A", "*")
        .source("B", "*");
    assertEquals("0.0", f.pick("A", 1));
    assertEquals("0.1", f.pick("B", 1));
    f.picker.blockReceived("A", 0, 0);
    assertTrue(f.picker.blockReceived("B", 0, 1).pieceComplete());
    assertEquals(Set.of("A", "B"), f.picker.contributors(0));
    assertEquals(Set.of(), f.picker.pieceFailed(0));
    assertEquals(1, f.picker.strikes("A"));
    assertEquals(1, f.picker.strikes("B"));
    assertEquals(2, f.picker.unrequestedBlocks());
  }

  @Test
  void reportBadPieceStrikesTheNamedSources() {
    PickerFixture f = PickerFixture.setup("11", 1, new PickerConfig(1, 2)).source("A", "**");
    assertEquals(Set.of("A"), f.picker.reportBadPiece(0, List.of("A")));
    assertTrue(f.picker.isBanned("A"));
  }

  @Test
  void sourceGoneReleasesItsRequests() {
    PickerFixture f = PickerFixture.setup("111", 2).source("A", "***").source("B", "***");
    String a = f.pick("A", 2);
    assertEquals(1, f.states().chars().filter(c -> c == 'p').count());
    f.picker.sourceGone("A");
    assertEquals("...", f.states());
    assertEquals("222", f.availability());
    assertEquals(a, f.pick("B", 2), "B gets the same rarest piece A had");
    assertEquals(6 - 2, f.picker.unrequestedBlocks());
  }

  @Test
  void resumeNeverRequestsVerifiedPieces() {
    PickerFixture f = PickerFixture.setup("1111111", " v v  v", 2, PickerConfig.DEFAULT, 7)
        .source("A", ALL7);
    assertEquals(".v.v..v", f.states());
    assertEquals(8, f.picker.unrequestedBlocks());
    while (!f.picker.isComplete()) {
      List<BlockRef> picked = f.picker.pick("A", 3);
      for (BlockRef b : picked) {
        assertFalse(Set.of(1, 3, 6).contains(b.piece()), "re-requested verified " + b);
        if (f.picker.blockReceived("A", b.piece(), b.index()).pieceComplete()) {
          f.picker.pieceVerified(b.piece());
        }
      }
    }
    assertEquals("vvvvvvv", f.states());
    assertEquals(14, f.picker.receivedBlocks());
  }

  @Test
  void writingPieceMovesToVerifiedOnlyFromWriting() {
    PickerFixture f = PickerFixture.setup("11", 1).source("A", "**");
    BlockRef b = f.picker.pick("A", 1).get(0);
    assertThrows(IllegalStateException.class, () -> f.picker.pieceVerified(b.piece()));
    assertTrue(f.picker.blockReceived("A", b.piece(), 0).pieceComplete());
    f.picker.pieceVerified(b.piece());
    assertEquals(1, f.picker.verifiedPieces());
    assertEquals(BlockState.RECEIVED, f.picker.blockState(b.piece(), 0));
    assertFalse(f.picker.isComplete());
  }

  @Test
  void unsolicitedBlocksAreNotAccepted() {
    PickerFixture f = PickerFixture.setup("11", 1).source("A", "**").source("B", "**");
    BlockRef b = f.picker.pick("A", 1).get(0);
    assertFalse(f.picker.blockReceived("B", b.piece(), 0).accepted());
    assertEquals(BlockState.REQUESTED, f.picker.blockState(b.piece(), 0));
    assertThrows(IllegalArgumentException.class, () -> f.picker.blockReceived("A", 2, 0));
  }

  @Test
  void shortLastPieceHasFewerBlocks() {
    io.shroud.content.PieceGeometry g = new io.shroud.content.PieceGeometry(65536 + 20000, 65536);
    PiecePicker<String> p = new PiecePicker<>(g, new java.util.BitSet(), PickerConfig.DEFAULT,
        new java.util.SplittableRandom(1));
    p.sourceHasAll("A");
    assertEquals(2, p.blocksIn(1));
    assertEquals(6, p.unrequestedBlocks());
    List<BlockRef> all = p.pick("A", 10);
    assertEquals(6, all.size());
    assertTrue(all.contains(new BlockRef(1, 1, 20000 - 16384)));
    assertEquals(new BlockRef(1, 1, 3616), p.block(1, 16384));
  }

  private static String sorted(String blocks) {
    return String.join(" ", java.util.Arrays.stream(blocks.split(" ")).sorted().toList());
  }
}
