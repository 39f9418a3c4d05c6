package io.shroud.circuit;

import io.shroud.crypto.HopKeys;
import io.shroud.wire.Cell;
import io.shroud.wire.CellCommand;
import java.util.ArrayList;
import java.util.List;

/**
 * The relay cells of one circuit at its origin: the real hops' {@link OnionLayers}, the
 * {@link EndToEndLayer} once the circuit is joined to a far end (protocol §11.8), and the
 * {@link ControlRules} of its control cells. It seals what the origin sends and decides, for
 * each backward body, where the cell goes ({@link Route}) or that it is a violation
 * ({@link CircuitProtocolException}: the circuit must be destroyed). Pure: the circuit's actor
 * owns it, and makes a new one for each build attempt.
 */
final class OriginCells {
  /** Where a backward cell goes. */
  enum Route {
    /** EXTENDED from the last hop: the build continues (the actor checks it asked for it). */
    EXTENDED,
    /** A stream cell for the origin's streams (from the last hop, or from the far end at a downloader). */
    STREAMS,
    /** A stream cell from the far end for the streams a seeder serves. */
    SERVED,
    /** A control cell (§11.4), already checked by {@link ControlRules}. */
    CONTROL,
    /** DROP: discarded. */
    DISCARD
  }

  /** A backward cell and where it goes. */
  record In(Route route, RelayCell cell) {}

  private final OnionLayers layers = new OnionLayers();
  private final ControlRules control = new ControlRules();
  private final byte[] rest = new byte[RelayCellFormat.BODY_BYTES];
  private EndToEndLayer endToEnd;
  /** A stream cell went to or came from the last hop. */
  private boolean streamsUsed;

  /** Keys the next real hop. */
  void addHop(HopKeys keys) {
    layers.addHop(keys);
  }

  /** Real hops keyed so far. */
  int hopCount() {
    return layers.hopCount();
  }

  /** The end-to-end role of this origin, or null before the circuit is joined. */
  EndToEndLayer.Role endToEnd() {
    return endToEnd == null ? null : endToEnd.role();
  }

  /**
   * Adds the end-to-end layer: from now on streams run with the far end. Null when done, else
   * why not (the keys are then destroyed): the circuit is not {@code ready}, already has the
   * layer, or has carried stream cells (their SENDME window was the last hop's).
   */
  String joinEndToEnd(EndToEndLayer.Role role, HopKeys keys, boolean ready) {
    String refusal = !ready ? "the circuit is not ready" : endToEnd != null ? "the circuit already has one"
        : streamsUsed ? "the circuit has carried streams" : null;
    if (refusal != null) {
      keys.destroy();
      return refusal;
    }
    endToEnd = new EndToEndLayer(role, keys);
    return null;
  }

  /** The body of {@code cell} addressed to real hop {@code hop} (0 = first). */
  byte[] toHop(int hop, RelayCell cell) {
    return layers.encrypt(hop, cell);
  }

  /**
   * The body of a cell of the origin's streams: for the far end when this is a downloader's
   * joined circuit (the virtual hop, layered innermost), else for the last hop.
   */
  byte[] toStreams(RelayCell cell) throws CircuitProtocolException {
    if (endToEnd != null && endToEnd.role() == EndToEndLayer.Role.DOWNLOADER) {
      return layers.wrap(endToEnd.seal(cell));
    }
    streamsUsed = true;
    return toHop(layers.hopCount() - 1, cell);
  }

  /**
   * The RELAY link cells of circuit {@code circuitId} for cells of the origin's streams, or of the
   * streams a seeder serves ({@code served}), each counted in {@code counters}.
   */
  List<Cell> streamCells(List<RelayCell> cells, boolean served, int circuitId, CircuitCounters counters) {
    List<Cell> out = new ArrayList<>(cells.size());
    try {
      for (RelayCell cell : cells) {
        counters.sent(cell);
        out.add(Cell.adopt(circuitId, CellCommand.RELAY, served ? fromServed(cell) : toStreams(cell)));
      }
    } catch (CircuitProtocolException e) {
      throw new IllegalStateException(e); // the layers only ever see bodies they made
    }
    return out;
  }

  /** The body of a cell a seeder's served streams send to the far end: no tag for any real hop. */
  byte[] fromServed(RelayCell cell) throws CircuitProtocolException {
    if (endToEnd == null || endToEnd.role() != EndToEndLayer.Role.SEEDER) {
      throw new IllegalStateException("this circuit serves no far end");
    }
    return layers.wrap(endToEnd.seal(cell));
  }

  /** Null when the control cell may go to the last hop now (it is then counted), else why not. */
  String sendControl(RelayCommand command, byte[] data) {
    if (command == RelayCommand.DROP && endToEnd != null) {
      return "DROP to the rendezvous point of a joined circuit is a violation there";
    }
    return control.send(command, data);
  }

  /**
   * Peels a backward body and routes its cell. {@code ready}: the circuit is built (stream cells
   * before that are violations). Throws when no hop (nor the far end) recognizes the body, or
   * when its cell is not one the origin accepts from where it came.
   */
  In in(byte[] body, boolean ready) throws CircuitProtocolException {
    OnionLayers.Inbound inbound = layers.peel(body, rest);
    if (inbound == null) {
      if (endToEnd == null) {
        throw new CircuitProtocolException("backward relay cell recognized by no hop: tampered, replayed or out of order");
      }
      return fromFarEnd(endToEnd.open(rest));
    }
    RelayCell cell = inbound.cell();
    boolean fromLast = inbound.hop() == layers.hopCount() - 1;
    switch (cell.command()) {
      case DROP -> {
        return new In(Route.DISCARD, cell);
      }
      case EXTENDED -> {
        require(fromLast, cell, inbound.hop());
        return new In(Route.EXTENDED, cell);
      }
      case BEGIN, CONNECTED, DATA, END, SENDME -> {
        require(ready && fromLast && endToEnd == null, cell, inbound.hop());
        streamsUsed = true;
        return new In(Route.STREAMS, cell);
      }
      default -> {
        require(fromLast, cell, inbound.hop());
        control.receive(cell.command(), cell.sharedData());
        return new In(Route.CONTROL, cell);
      }
    }
  }

  /** A cell from beyond the last hop: only stream cells and DROP travel end to end. */
  private In fromFarEnd(RelayCell cell) throws CircuitProtocolException {
    boolean seeder = endToEnd.role() == EndToEndLayer.Role.SEEDER;
    return switch (cell.command()) {
      case DROP -> new In(Route.DISCARD, cell);
      case BEGIN, DATA, END, SENDME -> new In(seeder ? Route.SERVED : Route.STREAMS, cell);
      case CONNECTED -> {
        if (seeder) {
          throw new CircuitProtocolException("CONNECTED from the downloader at a seeder");
        }
        yield new In(Route.STREAMS, cell);
      }
      default -> throw new CircuitProtocolException("unexpected " + cell.command() + " from the far end");
    };
  }

  private static void require(boolean condition, RelayCell cell, int hop) throws CircuitProtocolException {
    if (!condition) {
      throw new CircuitProtocolException("unexpected " + cell.command() + " from hop " + hop + " at the origin");
    }
  }

  @Override
  public String toString() {
    return "OriginCells[" + layers.hopCount() + " hops" + (endToEnd == null ? "" : ", end to end") + "]";
  }
}
