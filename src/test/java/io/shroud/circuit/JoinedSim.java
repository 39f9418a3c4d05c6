package io.shroud.circuit;

import io.shroud.crypto.HopKeys;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Test fixture: a downloader's and a seeder's circuits joined at a rendezvous point (protocol
 * §11.7, §11.8) in memory, with {@link OriginCells} at both ends and {@link RelayLayer}s at the
 * relays; the RP's layer of each circuit is its last relay. Bodies can be tampered with on the
 * way ({@link CircuitSim.Tap}: link index on the downloader's side, then on the seeder's).
 */
final class JoinedSim {
  final OriginCells downloader = new OriginCells();
  final OriginCells seeder = new OriginCells();
  final List<RelayLayer> downloaderHops = new ArrayList<>();
  final List<RelayLayer> seederHops = new ArrayList<>();
  final byte[] endToEnd;

  JoinedSim(int downloaderHops, int seederHops, long seed) {
    Random random = new Random(seed);
    for (int i = 0; i < downloaderHops; i++) {
      byte[] material = material(random);
      downloader.addHop(HopKeys.fromBytes(material));
      this.downloaderHops.add(new RelayLayer(HopKeys.fromBytes(material)));
    }
    for (int i = 0; i < seederHops; i++) {
      byte[] material = material(random);
      seeder.addHop(HopKeys.fromBytes(material));
      this.seederHops.add(new RelayLayer(HopKeys.fromBytes(material)));
    }
    endToEnd = material(random);
  }

  /** Both ends add the end-to-end layer of the same keys. */
  JoinedSim joined() {
    downloader.joinEndToEnd(EndToEndLayer.Role.DOWNLOADER, HopKeys.fromBytes(endToEnd), true);
    seeder.joinEndToEnd(EndToEndLayer.Role.SEEDER, HopKeys.fromBytes(endToEnd), true);
    return this;
  }

  static byte[] material(Random random) {
    byte[] material = new byte[HopKeys.BYTES];
    random.nextBytes(material);
    return material;
  }

  /** A stream cell from the downloader's streams through both circuits to the seeder. */
  OriginCells.In toSeeder(RelayCell cell, CircuitSim.Tap tap) throws CircuitProtocolException {
    byte[] body = throughRp(downloader.toStreams(cell), downloaderHops, seederHops, tap, 0);
    return seeder.in(body, true);
  }

  /** A cell from the seeder's served streams through both circuits to the downloader. */
  OriginCells.In toDownloader(RelayCell cell, CircuitSim.Tap tap) throws CircuitProtocolException {
    byte[] body = throughRp(seeder.fromServed(cell), seederHops, downloaderHops, tap, 100);
    return downloader.in(body, true);
  }

  /**
   * Forward along {@code from}'s relays, unrecognized at each (the RP, joined, too), then
   * backward along {@code to}'s relays, each adding its layer as the RP's join does (§11.7).
   */
  private static byte[] throughRp(byte[] body, List<RelayLayer> from, List<RelayLayer> to, CircuitSim.Tap tap,
      int linkBase) throws CircuitProtocolException {
    int link = linkBase;
    for (RelayLayer hop : from) {
      tap.on(link++, body);
      RelayLayer.Outcome outcome = hop.forward(body, true);
      if (outcome instanceof RelayLayer.Recognized recognized) {
        throw new CircuitProtocolException("recognized by a relay: " + recognized.cell());
      }
      body = ((RelayLayer.Forward) outcome).body();
    }
    for (int k = to.size() - 1; k >= 0; k--) {
      tap.on(link++, body);
      body = to.get(k).backward(body);
    }
    tap.on(link, body);
    return body;
  }

  /** A cell the RP (last relay of {@code side}) originates back to that side's origin. */
  static byte[] fromRp(List<RelayLayer> side, RelayCell cell) throws CircuitProtocolException {
    byte[] body = side.get(side.size() - 1).originate(cell);
    for (int k = side.size() - 2; k >= 0; k--) {
      body = side.get(k).backward(body);
    }
    return body;
  }

  /** What the RP makes of a cell its origin sent it: recognized there, or not. */
  static RelayLayer.Outcome atRp(List<RelayLayer> side, byte[] body) throws CircuitProtocolException {
    for (int k = 0; k < side.size() - 1; k++) {
      body = ((RelayLayer.Forward) side.get(k).forward(body, true)).body();
    }
    return side.get(side.size() - 1).forward(body, true);
  }
}
