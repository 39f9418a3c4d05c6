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
    return new Routes(with(perCell, command, handler), with(batched, command, null));
  }

  Routes withBatched(CellCommand command, ActorRef<Links.InboundCells> handler) {
    return new Routes(with(perCell, command, null), with(batched, command, handler));
  }

  /** {@code map} with {@code command} bound to {@code handler}, or unbound when it is null. */
  private static <H> Map<CellCommand, H> with(Map<CellCommand, H> map, CellCommand command, H handler) {
    Map<CellCommand, H> copy = new EnumMap<>(CellCommand.class);
    copy.putAll(map);
    if (handler == null) {
      copy.remove(command);
    } else {
      copy.put(command, handler);
    }
    return copy;
  }
}
