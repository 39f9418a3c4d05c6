package io.shroud.hidden;

import io.shroud.identity.NodeId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/** Relays, keys and locations for the tests of the hidden-seeding plans. */
final class HsPlans {
  private HsPlans() {}

  static NodeId id(int i) {
    byte[] b = new byte[32];
    b[0] = (byte) (i >> 8);
    b[1] = (byte) i;
    b[31] = 0x5a;
    return NodeId.of(b);
  }

  /** Relay {@code i} in /16 {@code net}. */
  static HsRelay relay(int i, int net, long weight, boolean flagged) {
    return new HsRelay(id(i), net, weight, flagged, flagged);
  }

  /** {@code n} flagged relays, each in a /16 of its own (relay i in /16 1000 + i). */
  static List<HsRelay> relays(int n) {
    List<HsRelay> out = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      out.add(relay(i, 1000 + i, 100, true));
    }
    return out;
  }

  /** Distinct service keys from fixed private keys (cheap and deterministic). */
  static Supplier<ServiceKeys> keys() {
    AtomicInteger n = new AtomicInteger();
    return () -> {
      int k = n.incrementAndGet();
      return ServiceKeys.fromPrivate(filled(32, k), filled(32, 100 + k), filled(64, 200 + k));
    };
  }

  static byte[] filled(int size, int value) {
    byte[] b = new byte[size];
    java.util.Arrays.fill(b, (byte) value);
    return b;
  }
}
