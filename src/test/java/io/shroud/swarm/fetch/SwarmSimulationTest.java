package io.shroud.swarm.fetch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.swarm.ShareFixture;
import io.shroud.swarm.pick.BlockRef;
import io.shroud.swarm.pick.BlockResult;
import io.shroud.swarm.pick.PickerConfig;
import io.shroud.swarm.pick.PiecePicker;
import io.shroud.swarm.pick.SourceStats;
import io.shroud.swarm.transfer.TransferCodec;
import io.shroud.swarm.transfer.TransferFrameDecoder;
import io.shroud.swarm.transfer.TransferMessage;
import io.shroud.swarm.transfer.TransferMessage.Block;
import io.shroud.swarm.transfer.TransferMessage.BlockRequest;
import io.shroud.swarm.transfer.TransferMessage.HashRequest;
import io.shroud.swarm.transfer.TransferProtocolException;
import io.shroud.testutil.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Pure end-to-end: one downloader, four providers (two honest seeds, one honest partial, one
 * that corrupts every block), every message through the codec and frame decoder, replies
 * delivered in a seeded random order. The download must complete with the right bytes, the
 * corrupting provider must be banned, and verified pieces are never requested again.
 */
class SwarmSimulationTest {
  private final ShareFixture share = new ShareFixture(11, 40 * 65536 - 1000, 65536);
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

  @Test
  void downloadCompletesAroundACorruptingProvider() throws Exception {
    for (long seed = 1; seed <= 5; seed++) {
      run(seed);
    }
  }

  private void run(long seed) throws Exception {
    Random random = new Random(seed);
    PiecePicker<String> picker = new PiecePicker<>(share.geometry, new BitSet(),
        PickerConfig.DEFAULT, new Random(seed));
    SourceStats<String> stats = SourceStats.tenSeconds(clock);

    PieceLayerAssembler layer = new PieceLayerAssembler(share.geometry, share.tree.root());
    for (HashRequest r : layer.nextRequests(4)) {
      layer.accept((TransferMessage.Hashes) wire(share.serve((HashRequest) wire(r))));
    }
    PieceVerifier verifier = layer.verifier();

    picker.sourceHasAll("seed1");
    picker.sourceHasAll("seed2");
    picker.sourceHasAll("evil");
    BitSet half = new BitSet();
    half.set(0, 20);
    picker.sourceHas("partial", half);

    byte[] out = new byte[share.content.length];
    Map<Integer, Integer> pieceWrites = new HashMap<>();
    int badBlocks = 0;
    for (int round = 0; round < 10_000 && !picker.isComplete(); round++) {
      List<Object[]> replies = new ArrayList<>();
      List<String> order = new ArrayList<>(List.of("seed1", "seed2", "evil", "partial"));
      order.sort((a, b) -> stats.ranked().indexOf(a) - stats.ranked().indexOf(b));
      for (String s : order) {
        int depth = stats.pipelineDepth(s, Duration.ofSeconds(1), 2, 8);
        for (BlockRef b : picker.pick(s, depth)) {
          BlockRequest req = (BlockRequest) wire(b.toRequest());
          Block reply = share.serve(req.piece(), req.offset(), req.length());
          if (s.equals("evil")) {
            byte[] data = reply.data();
            data[0] ^= 1;
            reply = new Block(reply.piece(), reply.offset(), reply.proof(), data);
          }
          replies.add(new Object[] {s, wire(reply)});
        }
      }
      Collections.shuffle(replies, random);
      for (Object[] r : replies) {
        String from = (String) r[0];
        Block block = (Block) r[1];
        int index = block.offset() / 16384;
        if (!verifier.verifyBlock(block)) {
          badBlocks++;
          picker.requestReleased(from, block.piece(), index);
          picker.reportBadBlock(from);
          continue;
        }
        BlockResult<String> result = picker.blockReceived(from, block.piece(), index);
        if (!result.accepted()) {
          continue;
        }
        stats.record(from, block.length());
        System.arraycopy(block.data(), 0, out,
            (int) share.geometry.pieceOffset(block.piece()) + block.offset(), block.length());
        if (result.pieceComplete()) {
          int p = block.piece();
          int from0 = (int) share.geometry.pieceOffset(p);
          byte[] piece = java.util.Arrays.copyOfRange(out, from0, from0 + share.geometry.pieceSize(p));
          assertTrue(verifier.verifyPiece(p, piece));
          pieceWrites.merge(p, 1, Integer::sum);
          picker.pieceVerified(p);
        }
      }
      clock.advance(Duration.ofMillis(200));
    }
    assertTrue(picker.isComplete(), "seed " + seed);
    assertArrayEquals(share.content, out);
    assertTrue(picker.isBanned("evil"));
    assertEquals(PickerConfig.DEFAULT.maxStrikes(), picker.strikes("evil"));
    assertTrue(badBlocks >= PickerConfig.DEFAULT.maxStrikes());
    assertFalse(picker.isBanned("seed1") || picker.isBanned("seed2") || picker.isBanned("partial"));
    assertEquals(share.geometry.pieceCount(), pieceWrites.size());
    assertTrue(pieceWrites.values().stream().allMatch(n -> n == 1), "each piece written once");
  }

  private static TransferMessage wire(TransferMessage m) throws TransferProtocolException {
    List<TransferMessage> got = new TransferFrameDecoder().feed(TransferCodec.encode(m));
    assertEquals(List.of(m), got);
    return got.get(0);
  }
}
