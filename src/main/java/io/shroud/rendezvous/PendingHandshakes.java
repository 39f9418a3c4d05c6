package io.shroud.rendezvous;

import io.shroud.crypto.HandshakeException;
import io.shroud.crypto.HopKeys;
import io.shroud.hidden.E2eHandshake;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;
import java.util.Optional;

/**
 * A downloader's end-to-end handshakes waiting on one rendezvous cookie (protocol §11.6, §11.7),
 * pure. Every retry of an introduction is a new handshake (a fresh {@code X}) under the same
 * cookie, and the seeder may answer an earlier one late; the RP forwards one RENDEZVOUS1 per
 * cookie only, so the RENDEZVOUS2 that comes is tried against the handshakes newest first and
 * the first whose AUTH verifies gives the keys. Afterwards every handshake is spent (its secrets
 * erased: {@link E2eHandshake.Client#finish} erases them whatever the outcome). Not thread-safe.
 */
public final class PendingHandshakes {
  private final Deque<E2eHandshake.Client> clients = new ArrayDeque<>();

  /** A handshake whose INTRODUCE1 is about to leave. */
  public void add(E2eHandshake.Client client) {
    clients.addFirst(Objects.requireNonNull(client, "client"));
  }

  public int size() {
    return clients.size();
  }

  /**
   * The end-to-end keys of the handshake that {@code rendezvous2} answers (newest tried first),
   * empty when none verifies. Every handshake is spent either way.
   */
  public Optional<HopKeys> finish(byte[] rendezvous2) {
    Optional<HopKeys> keys = Optional.empty();
    while (!clients.isEmpty()) {
      E2eHandshake.Client client = clients.pollFirst();
      if (keys.isPresent()) {
        erase(client);
        continue;
      }
      try {
        keys = Optional.of(client.finish(rendezvous2));
      } catch (HandshakeException e) {
        // not this one's answer; its secrets are erased
      }
    }
    return keys;
  }

  /** Erases every pending handshake (the attempt ended without a rendezvous). */
  public void discard() {
    while (!clients.isEmpty()) {
      erase(clients.pollFirst());
    }
  }

  /** A client has no discard: a finish on nothing refuses and erases its secrets. */
  private static void erase(E2eHandshake.Client client) {
    try {
      client.finish(new byte[0]);
    } catch (HandshakeException expected) {
      // erased
    }
  }
}
