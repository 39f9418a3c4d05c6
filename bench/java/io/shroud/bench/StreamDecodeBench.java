package io.shroud.bench;

import io.shroud.circuit.Streams;
import io.shroud.swarm.transfer.TransferCodec;
import io.shroud.swarm.transfer.TransferFrameDecoder;
import io.shroud.swarm.transfer.TransferMessage;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * What a downloader's transfer stream costs to decode once the cells' layers are off: 4 MiB of
 * BLOCK frames (16 KiB of data and a two-hash proof each) as the cells bring them, 4052 bytes of
 * data per cell, in batches of 64 cells (one {@code StreamData}). {@code joined} is how the mux
 * delivered a batch until the twelfth session: its cells' data joined into one array (as
 * {@code StreamData.data()} still does), decoded from there (a block's data copied out of it). {@code parts} is how it is delivered now: the
 * cells' arrays as they are, a block's data gathered from them straight into the array it keeps.
 * Prints ns and bytes allocated per stream byte for each, one line per round; the last rounds
 * are the steady ones. Usage (after {@code mvn -DskipTests package}):
 * {@code javac -cp target/classes -d /tmp/sdb bench/java/io/shroud/bench/StreamDecodeBench.java &&
 * java -cp /tmp/sdb:target/classes io.shroud.bench.StreamDecodeBench [ROUNDS]}.
 */
public final class StreamDecodeBench {
  private StreamDecodeBench() {}

  private static final int CELL_DATA = Streams.MAX_CHUNK;
  private static final int CELLS_PER_BATCH = 64;

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 12;
    Random random = new Random(3);
    ByteArrayOutputStream frames = new ByteArrayOutputStream();
    for (int i = 0; i < 256; i++) {
      byte[] data = new byte[16384];
      random.nextBytes(data);
      byte[] proof = new byte[64];
      random.nextBytes(proof);
      frames.writeBytes(TransferCodec.encode(TransferMessage.Block.adopt(i, 0, proof, data)));
    }
    byte[] stream = frames.toByteArray();
    List<byte[]> cells = new ArrayList<>();
    for (int off = 0; off < stream.length; off += CELL_DATA) {
      cells.add(Arrays.copyOfRange(stream, off, Math.min(stream.length, off + CELL_DATA)));
    }
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long self = Thread.currentThread().getId();
    int repeats = 16;
    double bytes = (double) repeats * stream.length;
    for (int round = 1; round <= rounds; round++) {
      for (boolean joined : new boolean[] {true, false}) {
        long allocated = threads.getThreadAllocatedBytes(self);
        long start = System.nanoTime();
        long blocks = 0;
        for (int r = 0; r < repeats; r++) {
          TransferFrameDecoder decoder = new TransferFrameDecoder();
          for (int i = 0; i < cells.size(); i += CELLS_PER_BATCH) {
            List<byte[]> batch = cells.subList(i, Math.min(cells.size(), i + CELLS_PER_BATCH));
            Streams.StreamData data = new Streams.StreamData(1, batch);
            blocks += (joined ? decoder.feed(data.data()) : decoder.feed(data.parts())).size();
          }
        }
        long took = System.nanoTime() - start;
        allocated = threads.getThreadAllocatedBytes(self) - allocated;
        if (blocks != 256L * repeats) {
          throw new IllegalStateException("decoded " + blocks + " blocks, not " + 256L * repeats);
        }
        System.out.printf("round %d %-6s %.3f ns/B, %.2f bytes allocated per byte%n", round,
            joined ? "joined" : "parts", took / bytes, allocated / bytes);
      }
    }
  }
}
