package io.shroud.link;

import io.shroud.wire.CellCommand;
import java.util.EnumMap;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * Where a link delivers its inbound cells, by command: to a per-cell handler ({@link Links.Route})
 * or to a batch handler ({@link Links.RouteCells}); never both for one command. Immutable, so
 * {@code LinksActor} can hand the same table to every {@code PeerActor}.
 */
record Routes(Map<CellCommand, ActorRef<Links.Inbound>> perCell,
    Map<CellCommand, ActorRef<Links.InboundCells>> batched) {

  static final Routes NONE = new Routes(Map.of(), Map.of());

  Routes {
    perCell = Map.copyOf(perCell);
    batched = Map.copyOf(batched);
  }

  Routes withPerCell(CellCommand command, ActorRef<Links.Inbound> handler) {
    Map<CellCommand, ActorRef<Links.Inbound>> p = new EnumMap<>(CellCommand.class);
    p.putAll(perCell);
    p.put(command, handler);
    Map<CellCommand, ActorRef<Links.InboundCells>> b = new EnumMap<>(CellCommand.class);
    b.putAll(batched);
    b.remove(command);
    return new Routes(p, b);
  }

  Routes withBatched(CellCommand command, ActorRef<Links.InboundCells> handler) {
    Map<CellCommand, ActorRef<Links.Inbound>> p = new EnumMap<>(CellCommand.class);
    p.putAll(perCell);
    p.remove(command);
    Map<CellCommand, ActorRef<Links.InboundCells>> b = new EnumMap<>(CellCommand.class);
    b.putAll(batched);
    b.put(command, handler);
    return new Routes(p, b);
  }
}
