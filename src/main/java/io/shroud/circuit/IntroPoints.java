package io.shroud.circuit;

import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

/**
 * The introduction points this relay is (protocol §11.5): each auth key maps to the seeder's
 * intro circuit that registered it last, with its {@code EK_s} and a token bucket for the
 * introductions it may receive (burst 32, then 16 a second). At most {@link #MAX_CIRCUITS}.
 * Nothing about an introduction is kept. Pure: time comes in as epoch milliseconds from the
 * caller's clock; {@link RendezvousActor} is the only caller.
 *
 * @param <R> how the caller names a circuit (its relay hop's actor)
 */
final class IntroPoints<R> {
  /** Intro circuits per relay; an ESTABLISH_INTRO beyond is refused with RESOURCE_LIMIT. */
  static final int MAX_CIRCUITS = 1024;
  /** Introductions an auth key may receive at once... */
  static final double BURST = 32;
  /** ...and per second after that. */
  static final double PER_SECOND = 16;

  /** INTRODUCE_ACK statuses (protocol §11.4). */
  static final int FORWARDED = 0;
  static final int UNKNOWN_AUTH_KEY = 1;
  static final int RATE_LIMITED = 2;

  private static final class Entry<R> {
    R circuit;
    byte[] encapsulationKey;
    double tokens = BURST;
    long refilledMillis;

    Entry(R circuit, byte[] encapsulationKey, long now) {
      this.circuit = circuit;
      this.encapsulationKey = encapsulationKey;
      this.refilledMillis = now;
    }
  }

  /** What became of an INTRODUCE1: its ACK status, and the seeder's circuit when it is to be forwarded. */
  record Introduction<R>(int status, R seeder) {}

  private final Map<String, Entry<R>> byAuthKey = new HashMap<>();
  private final Map<R, String> byCircuit = new HashMap<>();

  /**
   * Maps {@code authKey} to {@code circuit} (replacing an earlier circuit with this key, which
   * stays open but unregistered) and keeps {@code encapsulationKey}. False when the relay already
   * has {@link #MAX_CIRCUITS} intro circuits and this is a new key.
   */
  boolean establish(byte[] authKey, byte[] encapsulationKey, R circuit, long now) {
    String key = HexFormat.of().formatHex(authKey);
    Entry<R> entry = byAuthKey.get(key);
    if (entry == null) {
      if (byAuthKey.size() >= MAX_CIRCUITS) {
        return false;
      }
      byAuthKey.put(key, new Entry<>(circuit, encapsulationKey.clone(), now));
    } else {
      byCircuit.remove(entry.circuit);
      entry.circuit = circuit;
      entry.encapsulationKey = encapsulationKey.clone(); // the bucket stays: a new circuit is no new burst
    }
    byCircuit.put(circuit, key);
    return true;
  }

  /** The {@code EK_s} registered with {@code authKey}, for INTRO_KEY. */
  Optional<byte[]> encapsulationKey(byte[] authKey) {
    Entry<R> entry = byAuthKey.get(HexFormat.of().formatHex(authKey));
    return entry == null ? Optional.empty() : Optional.of(entry.encapsulationKey.clone());
  }

  /** INTRO_KEY's answer: {@code 0 ‖ EK_s} when the auth key is registered here, else {@code 1}. */
  static byte[] introKeyAnswer(Optional<byte[]> encapsulationKey) {
    if (encapsulationKey.isEmpty()) {
      return new byte[] {(byte) UNKNOWN_AUTH_KEY};
    }
    byte[] key = encapsulationKey.get();
    byte[] answer = new byte[1 + key.length];
    System.arraycopy(key, 0, answer, 1, key.length);
    return answer;
  }

  /** An INTRODUCE1 for {@code authKey} at {@code now}: unknown, rate-limited, or to forward to the seeder. */
  Introduction<R> introduce(byte[] authKey, long now) {
    Entry<R> entry = byAuthKey.get(HexFormat.of().formatHex(authKey));
    if (entry == null) {
      return new Introduction<>(UNKNOWN_AUTH_KEY, null);
    }
    long elapsed = Math.max(0, now - entry.refilledMillis);
    entry.tokens = Math.min(BURST, entry.tokens + elapsed * PER_SECOND / 1000.0);
    entry.refilledMillis = Math.max(entry.refilledMillis, now);
    if (entry.tokens < 1) {
      return new Introduction<>(RATE_LIMITED, null);
    }
    entry.tokens -= 1;
    return new Introduction<>(FORWARDED, entry.circuit);
  }

  /** {@code circuit} ended: the auth key it holds (if it still holds one) is forgotten. */
  void circuitEnded(R circuit) {
    String key = byCircuit.remove(circuit);
    if (key != null) {
      byAuthKey.remove(key);
    }
  }

  /** Intro circuits registered now. */
  int size() {
    return byAuthKey.size();
  }
}
