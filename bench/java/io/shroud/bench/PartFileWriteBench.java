package io.shroud.bench;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;

/**
 * What writing a part file costs, apart from the download: 128 MiB as 64 KiB pieces at their
 * offsets in random order (as the picker delivers them), from heap arrays through a
 * {@link FileChannel}, with or without a {@code force} every BATCH pieces (the downloader's
 * group commit forces each batch before journaling it). Prints wall time and process CPU for
 * four rounds. Usage: {@code java PartFileWriteBench DIR BATCH force|noforce}.
 */
public final class PartFileWriteBench {
  private PartFileWriteBench() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int batch = Integer.parseInt(args[1]);
    boolean force = args[2].equals("force");
    int pieces = 2048;
    byte[] piece = new byte[65536];
    new Random(1).nextBytes(piece);
    OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    for (int round = 0; round < 4; round++) {
      int[] order = new int[pieces];
      for (int i = 0; i < pieces; i++) {
        order[i] = i;
      }
      Random r = new Random(2 + round);
      for (int i = pieces - 1; i > 0; i--) {
        int j = r.nextInt(i + 1);
        int t = order[i];
        order[i] = order[j];
        order[j] = t;
      }
      Path part = dir.resolve("bench-" + round + ".part");
      Files.deleteIfExists(part);
      long cpu0 = os.getProcessCpuTime();
      long t0 = System.nanoTime();
      for (int i = 0; i < pieces; i += batch) {
        try (FileChannel ch = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
          for (int k = i; k < Math.min(pieces, i + batch); k++) {
            ByteBuffer b = ByteBuffer.wrap(piece);
            long at = (long) order[k] * piece.length;
            while (b.hasRemaining()) {
              ch.write(b, at + b.position());
            }
          }
          if (force) {
            ch.force(false);
          }
        }
      }
      double wall = (System.nanoTime() - t0) / 1e9;
      double cpu = (os.getProcessCpuTime() - cpu0) / 1e9;
      System.out.printf("128 MiB in 64 KiB pieces, batches of %d, %s: %.2f s wall, %.2f CPU-s%n",
          batch, force ? "forced" : "not forced", wall, cpu);
      Files.delete(part);
    }
  }
}
