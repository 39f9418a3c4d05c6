package io.shroud.circuit;

import io.shroud.crypto.HopKeys;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * An origin and its relays wired together in memory, with hooks to tamper with, capture, drop
 * or inject bodies on any link. Link {@code k} forward is the link into relay {@code k}; link
 * {@code k} backward is the link out of relay {@code k} towards the origin.
 */
final class CircuitSim {
  /** Called with the link index and the body on it; may change the body in place. */
  interface Tap {
    Tap NONE = (link, body) -> { };

    void on(int link, byte[] body);
  }

  /** Where a forward cell ended: recognized by {@code hop}, or destroyed at {@code hop}. */
  record Result(int hop, RelayCell cell, CircuitProtocolException error) {
    boolean delivered() {
      return cell != null;
    }
  }

  final OnionLayers origin = new OnionLayers();
  final List<RelayLayer> relays = new ArrayList<>();

  CircuitSim(int hops, long seed) {
    Random random = new Random(seed);
    for (int i = 0; i < hops; i++) {
      byte[] material = new byte[HopKeys.BYTES];
      random.nextBytes(material);
      origin.addHop(HopKeys.fromBytes(material));
      relays.add(new RelayLayer(HopKeys.fromBytes(material)));
    }
  }

  Result sendForward(int hop, RelayCell cell, Tap tap) {
    return deliverForward(origin.encrypt(hop, cell), 0, tap);
  }

  /** Runs {@code body} through relays from {@code fromLink} on. */
  Result deliverForward(byte[] body, int fromLink, Tap tap) {
    for (int k = fromLink; k < relays.size(); k++) {
      tap.on(k, body);
      try {
        RelayLayer.Outcome outcome = relays.get(k).forward(body, k < relays.size() - 1);
        if (outcome instanceof RelayLayer.Recognized recognized) {
          return new Result(k, recognized.cell(), null);
        }
        body = ((RelayLayer.Forward) outcome).body();
      } catch (CircuitProtocolException e) {
        return new Result(k, null, e);
      }
    }
    throw new AssertionError("the last hop neither recognized nor refused the cell");
  }

  /** A backward cell from relay {@code fromHop}; returns what the origin made of it. */
  Result sendBackward(int fromHop, RelayCell cell, Tap tap) {
    return deliverBackward(relays.get(fromHop).originate(cell), fromHop, tap);
  }

  /** Runs {@code body}, which left relay {@code fromLink}, through the earlier relays to the origin. */
  Result deliverBackward(byte[] body, int fromLink, Tap tap) {
    tap.on(fromLink, body);
    for (int k = fromLink - 1; k >= 0; k--) {
      try {
        body = relays.get(k).backward(body);
      } catch (CircuitProtocolException e) {
        throw new AssertionError(e);
      }
      tap.on(k, body);
    }
    try {
      OnionLayers.Inbound inbound = origin.decrypt(body);
      return new Result(inbound.hop(), inbound.cell(), null);
    } catch (CircuitProtocolException e) {
      return new Result(-1, null, e);
    }
  }
}
