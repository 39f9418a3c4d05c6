package io.shroud.swarm.transfer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.swarm.ShareFixture;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Frames cut into stream chunks: sizes, credit, and that the bytes decode back in order. */
class OutboundChunksTest {
  @Test
  void framesArePackedIntoChunksReleasedOnlyAgainstCredit() throws Exception {
    ShareFixture f = new ShareFixture(5, 4 * 16384, 16384);
    OutboundChunks out = new OutboundChunks(4052);
    List<TransferMessage> sent = new ArrayList<>();
    sent.add(TransferMessage.Have.allPieces());
    for (int p = 0; p < 4; p++) {
      sent.add(f.serve(p, 0, 16384));
      sent.add(new TransferMessage.Reject(p, 0, TransferMessage.RejectReason.BUSY));
    }
    sent.forEach(out::add);
    assertTrue(out.drain().isEmpty(), "no credit, nothing goes");
    int total = sent.stream().mapToInt(m -> TransferCodec.encode(m).length).sum();
    assertEquals((total + 4051) / 4052, out.backlog(), "chunks are packed full");
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    out.credit(3);
    List<byte[]> first = out.drain();
    assertEquals(3, first.size());
    first.forEach(c -> assertEquals(4052, c.length));
    first.forEach(wire::writeBytes);
    out.credit(1000);
    for (byte[] c : out.drain()) {
      assertTrue(c.length <= 4052);
      wire.writeBytes(c);
    }
    assertEquals(0, out.backlog());
    assertEquals(sent, new TransferFrameDecoder().feed(wire.toByteArray()));
  }
}
