package io.shroud.bench;

import io.shroud.content.ShareBuilder;
import io.shroud.content.ShareMetadata;
import io.shroud.content.ShareOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;

/**
 * Throughput of share building on one file: public (BEP 52 hashing only) and encrypted
 * (AES-256-CTR + tree over the ciphertext + plaintext SHA-256 + writing the ciphertext).
 * Not a test: run by hand, see docs/benchmarks.md.
 *
 * <p>Usage: {@code java -cp target/classes:<bcprov.jar>:bench/classes io.shroud.bench.ContentBench
 * <file> [runs] [public|encrypted|both]}
 */
public final class ContentBench {
  public static void main(String[] args) throws Exception {
    Path file = Path.of(args[0]);
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    String mode = args.length > 2 ? args[2] : "both";
    long size = Files.size(file);
    Path out = file.resolveSibling(file.getFileName() + ".bench.enc");
    ShareBuilder builder = new ShareBuilder(new SecureRandom());
    try {
      for (String m : new String[] {"public", "encrypted"}) {
        if (!mode.equals("both") && !mode.equals(m)) {
          continue;
        }
        ShareOptions opts = m.equals("public")
            ? ShareOptions.publicShare() : ShareOptions.encrypted(out);
        builder.build(file, opts); // warm-up (JIT, page cache)
        double[] mbps = new double[runs];
        for (int i = 0; i < runs; i++) {
          long t0 = System.nanoTime();
          ShareMetadata meta = builder.build(file, opts);
          long ns = System.nanoTime() - t0;
          mbps[i] = size / 1e6 / (ns / 1e9);
          System.out.printf("%s run %d: %.0f MB/s (%s)%n", m, i + 1, mbps[i], meta.infoHashHex());
        }
        java.util.Arrays.sort(mbps);
        System.out.printf("%s median: %.0f MB/s over %d runs of %d bytes%n",
            m, mbps[runs / 2], runs, size);
      }
    } finally {
      Files.deleteIfExists(out);
    }
  }
}
