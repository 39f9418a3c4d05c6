package io.shroud.swarm.serve;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.swarm.transfer.TransferFrameDecoder;
import io.shroud.swarm.transfer.TransferMessage;
import io.shroud.swarm.transfer.TransferProtocolException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/** What a {@link ServingSession} asked of its actor, recorded; what it wrote, decoded. */
final class RecordingIo implements ServingIo {
  final TransferFrameDecoder decoder = new TransferFrameDecoder();
  final List<TransferMessage> sent = new ArrayList<>();
  final List<String> lookups = new ArrayList<>();
  final ArrayDeque<ReadTask> reads = new ArrayDeque<>();
  final List<Duration> retries = new ArrayList<>();
  int writes;
  boolean ended;

  @Override
  public void write(List<byte[]> chunks) {
    assertFalse(ended, "nothing is written after the end of the stream");
    writes++;
    try {
      for (byte[] chunk : chunks) {
        assertTrue(chunk.length <= ServingSessionTest.CHUNK);
        sent.addAll(decoder.feed(chunk));
      }
    } catch (TransferProtocolException e) {
      throw new AssertionError(e);
    }
  }

  @Override
  public void endStream() {
    assertFalse(ended, "the stream is ended once");
    ended = true;
  }

  @Override
  public void findShare(String infoHashHex) {
    lookups.add(infoHashHex);
  }

  @Override
  public void read(ReadTask task) {
    reads.add(task);
  }

  @Override
  public void retryIn(Duration wait) {
    retries.add(wait);
  }
}
