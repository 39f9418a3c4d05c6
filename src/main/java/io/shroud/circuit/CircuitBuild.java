package io.shroud.circuit;

import io.shroud.crypto.CircuitHandshakeClient;
import io.shroud.crypto.HandshakeException;
import io.shroud.crypto.HopKeys;
import io.shroud.identity.NodeId;
import io.shroud.metrics.NodeMetrics.CircuitFailure;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The build of one circuit (protocol §6.3–§6.5, §6.7): its attempts, each on a fresh path that
 * avoids the relays blamed for earlier failures (never the destination), and for the current
 * attempt its path, the handshake with the hop being added and the {@link OriginCells} keyed hop
 * by hop. The origin sends {@link #createPayload()} to the first hop, then for each CREATED or
 * EXTENDED gets the EXTEND for the next hop, until the path is complete. Each keyed hop's
 * {@code KH} (§6.3.3, the binding a seeder signs in ESTABLISH_INTRO, §11.5) is kept until the
 * attempt ends or {@link #erase()}. Pure; the circuit's actor owns it.
 */
final class CircuitBuild {
  private final RelayDirectory directory;
  private final List<NodeId> guards;
  private final NodeId destination;
  private final int hops;
  private final NodeId self;
  private final int retries;
  private final SecureRandom random;
  private final Set<NodeId> avoid = new HashSet<>();
  /** What a build that gives up is counted as: the cause of the last failure. */
  private CircuitFailure failure = CircuitFailure.CLOSED;
  private int attempt = -1;
  private List<RelayInfo> path = List.of();
  private OriginCells cells = new OriginCells();
  private CircuitHandshakeClient handshake;
  /** The current attempt's {@code KH} of each keyed hop, in path order. */
  private final List<byte[]> bindings = new ArrayList<>();

  /** {@code destination} may be null (any); {@code retries}: attempts after the first. */
  CircuitBuild(RelayDirectory directory, List<NodeId> guards, NodeId destination, int hops, NodeId self, int retries,
      SecureRandom random) {
    this.directory = directory;
    this.guards = List.copyOf(guards);
    this.destination = destination;
    this.hops = hops;
    this.self = self;
    this.retries = retries;
    this.random = random;
  }

  /** Starts the next attempt: picks a path ({@link PathSelector}) and starts the first hop's handshake. */
  void nextAttempt() throws PathSelectionException {
    attempt++;
    cells = new OriginCells();
    handshake = null;
    erase();
    Set<NodeId> exclude = new HashSet<>(avoid);
    // never a hop of its own, but it may be the destination of a circuit of three hops or more
    // (a relay never extends a circuit back to the hop it came from): a relay seeder meets a
    // downloader who drew its relay as the rendezvous point (protocol §11.7) through guard,
    // middle and back to itself
    if (!(self != null && self.equals(destination) && hops > 2)) {
      exclude.add(self);
    }
    path = List.copyOf(new PathSelector(random).select(directory.relays(), guards, destination, hops, exclude,
        directory.guardRule()));
    handshake = startHandshake(path.get(0));
  }

  /**
   * The current attempt failed, {@code culprit} (may be null) blamed, {@code cause} what the
   * build counts as if it gives up. True when another attempt may start.
   */
  boolean failed(NodeId culprit, CircuitFailure cause) {
    failure = cause;
    if (culprit != null && !culprit.equals(destination)) {
      avoid.add(culprit);
    }
    return attempt < retries;
  }

  /** The current attempt, 0 for the first. */
  int attempt() {
    return attempt;
  }

  CircuitFailure failure() {
    return failure;
  }

  void failure(CircuitFailure cause) {
    failure = cause;
  }

  List<RelayInfo> path() {
    return path;
  }

  NodeId firstHop() {
    return path.get(0).id();
  }

  OriginCells cells() {
    return cells;
  }

  /** The CREATE cell payload for the first hop. */
  byte[] createPayload() {
    return HandshakeFraming.createCellPayload(handshake.createMessage());
  }

  /**
   * The first hop's CREATED: keys it; returns the EXTEND for the next hop, or null when the path
   * is complete. {@code building}: the circuit expects one (else it is a violation).
   */
  RelayCell created(byte[] payload, boolean building) throws CircuitProtocolException, HandshakeException {
    if (!building || cells.hopCount() != 0 || handshake == null) {
      throw new CircuitProtocolException("unexpected CREATED");
    }
    return keyed(handshake.finishWithBinding(HandshakeFraming.parseCreatedCellPayload(payload)));
  }

  /** A later hop's EXTENDED data, as {@link #created}. */
  RelayCell extended(byte[] data, boolean building) throws CircuitProtocolException, HandshakeException {
    if (!building || handshake == null || cells.hopCount() == 0) {
      throw new CircuitProtocolException("unexpected EXTENDED");
    }
    return keyed(handshake.finishWithBinding(HandshakeFraming.parseExtendedData(data)));
  }

  boolean complete() {
    return cells.hopCount() == path.size();
  }

  /** The hop whose answer the build waits for (blamed for a timeout or a DESTROY), or null once complete. */
  NodeId pending() {
    return complete() ? null : path.get(cells.hopCount()).id();
  }

  /** A copy of the last hop's {@code KH} once the path is complete, else null. */
  byte[] lastHopBinding() {
    return complete() && !bindings.isEmpty() ? bindings.get(bindings.size() - 1).clone() : null;
  }

  /** Overwrites and forgets every kept {@code KH}. */
  void erase() {
    bindings.forEach(kh -> Arrays.fill(kh, (byte) 0));
    bindings.clear();
  }

  private RelayCell keyed(CircuitHandshakeClient.Finished finished) {
    HopKeys keys = finished.keys();
    cells.addHop(keys);
    keys.destroy();
    bindings.add(finished.kh());
    handshake = null;
    if (complete()) {
      return null;
    }
    RelayInfo next = path.get(cells.hopCount());
    handshake = startHandshake(next);
    ExtendRequest extend = new ExtendRequest(next.id(), next.address(), directory.entry(next.id()).orElseThrow().port(),
        handshake.createMessage());
    return new RelayCell(RelayCommand.EXTEND, 0, extend.encode());
  }

  private CircuitHandshakeClient startHandshake(RelayInfo hop) {
    return CircuitHandshakeClient.start(hop.id().toBytes(), directory.entry(hop.id()).orElseThrow().onionKey(), random);
  }

  @Override
  public String toString() {
    return "CircuitBuild[" + cells.hopCount() + "/" + path.size() + " hops]";
  }
}
