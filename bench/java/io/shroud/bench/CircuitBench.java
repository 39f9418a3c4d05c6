package io.shroud.bench;

import io.shroud.circuit.CircuitProtocolException;
import io.shroud.circuit.OnionLayers;
import io.shroud.circuit.RelayCell;
import io.shroud.circuit.RelayCellFormat;
import io.shroud.circuit.RelayCommand;
import io.shroud.circuit.RelayLayer;
import io.shroud.crypto.CircuitHandshakeClient;
import io.shroud.crypto.CircuitHandshakeRelay;
import io.shroud.crypto.Ed25519;
import io.shroud.crypto.HandshakeException;
import io.shroud.crypto.HopKeys;
import io.shroud.crypto.OnionKeyPair;
import io.shroud.crypto.ReplayCache;
import io.shroud.identity.NodeId;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;

/**
 * Circuit crypto benchmark: handshakes per second and relay-cell layer throughput in MB/s of
 * 4075-byte cell body. Plain main; prints medians of {@code rounds} timed rounds.
 * Usage: {@code java -cp target/classes:target/bench-classes:<bcprov> io.shroud.bench.CircuitBench [rounds]}
 */
public final class CircuitBench {
  private CircuitBench() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    baseline(rounds);
    handshakes(rounds);
    layers(rounds);
  }

  /** Raw JDK AES-256-CTR and HMAC-SHA256 over 4075-byte bodies, to read the others against. */
  private static void baseline(int rounds) throws Exception {
    byte[] body = new byte[RelayCellFormat.BODY_BYTES];
    javax.crypto.Cipher ctr = javax.crypto.Cipher.getInstance("AES/CTR/NoPadding");
    ctr.init(javax.crypto.Cipher.ENCRYPT_MODE, new javax.crypto.spec.SecretKeySpec(new byte[32], "AES"),
        new javax.crypto.spec.IvParameterSpec(new byte[16]));
    javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
    mac.init(new javax.crypto.spec.SecretKeySpec(new byte[32], "HmacSHA256"));
    int cells = 100_000;
    double[] aes = new double[rounds];
    double[] hmac = new double[rounds];
    for (int r = -1; r < rounds; r++) {
      long t0 = System.nanoTime();
      for (int i = 0; i < cells; i++) {
        ctr.update(body, 0, body.length, body, 0);
      }
      long t1 = System.nanoTime();
      for (int i = 0; i < cells; i++) {
        mac.update(body);
        mac.doFinal();
      }
      long t2 = System.nanoTime();
      if (r >= 0) {
        aes[r] = mbps(cells, t1 - t0);
        hmac[r] = mbps(cells, t2 - t1);
      }
    }
    System.out.printf("baseline JDK AES-256-CTR, 4075 B per call: %.0f MB/s%n", median(aes));
    System.out.printf("baseline JDK HMAC-SHA256, 4075 B per call: %.0f MB/s%n", median(hmac));
  }

  private static void handshakes(int rounds) throws HandshakeException {
    SecureRandom random = new SecureRandom();
    Clock clock = Clock.systemUTC();
    NodeId id = NodeId.ofIdentityKey(Ed25519.generate(random).publicKey());
    OnionKeyPair key = OnionKeyPair.generate(random, clock.instant().plus(Duration.ofDays(1)));
    CircuitHandshakeRelay relay = new CircuitHandshakeRelay(id.toBytes(), key, null, clock, random, new ReplayCache(clock, 10_000_000));
    int n = 1000;
    for (int i = 0; i < 300; i++) {
      oneHandshake(id, key, relay, random, new long[3]);
    }
    double[] full = new double[rounds];
    double[] client = new double[rounds];
    double[] relaySide = new double[rounds];
    for (int r = 0; r < rounds; r++) {
      long[] split = new long[3];
      long start = System.nanoTime();
      for (int i = 0; i < n; i++) {
        oneHandshake(id, key, relay, random, split);
      }
      long total = System.nanoTime() - start;
      full[r] = n / (total / 1e9);
      client[r] = n / ((split[0] + split[2]) / 1e9);
      relaySide[r] = n / (split[1] / 1e9);
    }
    System.out.printf("handshake full round (client start + relay respond + client finish): %.0f /s%n", median(full));
    System.out.printf("handshake client side (start + finish): %.0f /s%n", median(client));
    System.out.printf("handshake relay side (respond): %.0f /s%n", median(relaySide));
  }

  private static void oneHandshake(NodeId id, OnionKeyPair key, CircuitHandshakeRelay relay, SecureRandom random,
      long[] split) throws HandshakeException {
    long t0 = System.nanoTime();
    CircuitHandshakeClient client = CircuitHandshakeClient.start(id.toBytes(), key.publicKey(), random);
    byte[] create = client.createMessage();
    long t1 = System.nanoTime();
    CircuitHandshakeRelay.Response response = relay.respond(create);
    long t2 = System.nanoTime();
    client.finish(response.created());
    long t3 = System.nanoTime();
    split[0] += t1 - t0;
    split[1] += t2 - t1;
    split[2] += t3 - t2;
  }

  private static void layers(int rounds) throws CircuitProtocolException {
    Random random = new Random(1);
    OnionLayers origin = new OnionLayers();
    RelayLayer[] relays = new RelayLayer[3];
    for (int i = 0; i < 3; i++) {
      byte[] material = new byte[HopKeys.BYTES];
      random.nextBytes(material);
      origin.addHop(HopKeys.fromBytes(material));
      relays[i] = new RelayLayer(HopKeys.fromBytes(material));
    }
    byte[] data = new byte[RelayCellFormat.MAX_DATA];
    random.nextBytes(data);
    RelayCell cell = new RelayCell(RelayCommand.DATA, 1, data);
    int cells = 100_000;
    double[] originFwd = new double[rounds];
    double[] relayPass = new double[rounds];
    double[] relayLast = new double[rounds];
    double[] relayBack = new double[rounds];
    double[] originBack = new double[rounds];
    byte[][] batch = new byte[cells][];
    for (int r = -1; r < rounds; r++) { // round -1 warms up
      long t0 = System.nanoTime();
      for (int i = 0; i < cells; i++) {
        batch[i] = origin.encrypt(2, cell);
      }
      long t1 = System.nanoTime();
      for (int i = 0; i < cells; i++) {
        batch[i] = ((RelayLayer.Forward) relays[0].forward(batch[i], true)).body();
      }
      long t2 = System.nanoTime();
      for (int i = 0; i < cells; i++) {
        batch[i] = ((RelayLayer.Forward) relays[1].forward(batch[i], true)).body();
      }
      long t3 = System.nanoTime();
      for (int i = 0; i < cells; i++) {
        if (!(relays[2].forward(batch[i], false) instanceof RelayLayer.Recognized)) {
          throw new IllegalStateException("not recognized");
        }
      }
      long t4 = System.nanoTime();
      for (int i = 0; i < cells; i++) {
        batch[i] = relays[1].backward(relays[2].originate(cell));
      }
      long t5 = System.nanoTime();
      for (int i = 0; i < cells; i++) {
        batch[i] = relays[0].backward(batch[i]);
      }
      long t6 = System.nanoTime();
      for (int i = 0; i < cells; i++) {
        if (origin.decrypt(batch[i]).hop() != 2) {
          throw new IllegalStateException("wrong hop");
        }
      }
      long t7 = System.nanoTime();
      if (r >= 0) {
        originFwd[r] = mbps(cells, t1 - t0);
        relayPass[r] = mbps(2L * cells, (t2 - t1) + (t3 - t2));
        relayLast[r] = mbps(cells, t4 - t3);
        relayBack[r] = mbps(cells, t6 - t5);
        originBack[r] = mbps(cells, t7 - t6);
      }
    }
    System.out.printf("origin encrypt for hop 3 (3 layers + tag): %.0f MB/s%n", median(originFwd));
    System.out.printf("relay forward, not addressed (1 layer): %.0f MB/s%n", median(relayPass));
    System.out.printf("relay forward, addressed (1 layer + tag check + decode): %.0f MB/s%n", median(relayLast));
    System.out.printf("relay backward, add a layer (1 layer): %.0f MB/s%n", median(relayBack));
    System.out.printf("origin decrypt from hop 3 (3 layers + tag check + decode): %.0f MB/s%n", median(originBack));
  }

  private static double mbps(long cells, long nanos) {
    return cells * (double) RelayCellFormat.BODY_BYTES / 1e6 / (nanos / 1e9);
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
