package io.shroud.link;

import io.shroud.identity.NodeId;
import io.shroud.wire.Cell;
import io.shroud.wire.CellCommand;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The messages through which the rest of the node uses peer links. {@code LinksActor}
 * implements them over real TCP; tests may implement them in memory. Nothing here promises
 * delivery: a cell to a node that cannot be reached, or to a link whose bounded outbound queue
 * is full, is dropped and counted. Protocols above keep their own acknowledgements (DHT
 * transaction timeouts, circuit flow-control windows).
 */
public final class Links {
  private Links() {}

  /** Everything the links actor accepts. */
  public interface Command {}

  /**
   * Sends {@code cell} to node {@code to}, dialing it (Noise XK initiator; address and static
   * key from its verified descriptor) when no link is open. Cells to one node leave in the
   * order they were sent.
   */
  public record Send(NodeId to, Cell cell) implements Command {}

  /**
   * Sends {@code cells} to node {@code to}, in order: the same as one {@link Send} per cell, in
   * one message. Relays forward what one TCP read brought this way, so the per-message cost of
   * the actors on the path is paid per read rather than per cell.
   */
  public record SendAll(NodeId to, List<Cell> cells) implements Command {
    public SendAll {
      cells = List.copyOf(cells);
    }
  }

  /**
   * Routes every inbound cell whose command is {@code command} to {@code handler}. One handler
   * per command; a later registration replaces an earlier one. Cells without a handler are
   * dropped and counted. The handler takes each cell with {@link Inbound#cell()} as it handles
   * the message; a link whose handlers leave {@code max-inbound-cells} cells untaken stops
   * reading its peer until they take some (back-pressure), and closes after the idle timeout.
   */
  public record Route(CellCommand command, ActorRef<Inbound> handler) implements Command {}

  /**
   * Like {@link Route}, but {@code handler} receives the cells as {@link InboundCells}: every
   * cell for it that one TCP read brought, in order, in one message. A command has either a
   * per-cell or a batch handler; a later registration of either kind replaces an earlier one.
   * The handler takes the cells with {@link InboundCells#cells()}, as for {@link Route}.
   */
  public record RouteCells(CellCommand command, ActorRef<InboundCells> handler) implements Command {}

  /**
   * An inbound cell and the authenticated node it came from. Taking the cell ({@link #cell()},
   * the first time) gives its link the credit back: a link holds at most
   * {@code shroud.links.max-inbound-cells} cells its handlers have not taken, and reads nothing
   * from its socket while at that bound. Equal when both fields are.
   */
  public static final class Inbound {
    private final NodeId from;
    private final Cell cell;
    private final Taken taken;

    public Inbound(NodeId from, Cell cell) {
      this(from, cell, null);
    }

    Inbound(NodeId from, Cell cell, InboundCredit credit) {
      this.from = from;
      this.cell = cell;
      this.taken = new Taken(credit, 1);
    }

    public NodeId from() {
      return from;
    }

    /** The cell; the first call returns the link's credit for it. */
    public Cell cell() {
      taken.once();
      return cell;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Inbound other && from.equals(other.from) && cell().equals(other.cell());
    }

    @Override
    public int hashCode() {
      return 31 * from.hashCode() + cell.hashCode();
    }

    @Override
    public String toString() {
      return "Inbound[from=" + from + ", command=" + cell.command() + "]";
    }
  }

  /**
   * Inbound cells from one authenticated node, in the order they arrived (never empty). Taking
   * them ({@link #cells()}, the first time) gives their link the credit back, as for
   * {@link Inbound}. {@link #client()}: they came over a client link (docs/protocol.md §4.10.3),
   * and {@link #from()} is that link's local label, not a node id. Equal when all fields are.
   */
  public static final class InboundCells {
    private final NodeId from;
    private final List<Cell> cells;
    private final boolean client;
    private final Taken taken;

    public InboundCells(NodeId from, List<Cell> cells) {
      this(from, cells, false);
    }

    public InboundCells(NodeId from, List<Cell> cells, boolean client) {
      this(from, cells, null, client);
    }

    InboundCells(NodeId from, List<Cell> cells, InboundCredit credit, boolean client) {
      this.from = from;
      this.cells = cells;
      this.client = client;
      this.taken = new Taken(credit, cells.size());
    }

    public NodeId from() {
      return from;
    }

    /** Whether they came over a client link ({@link #from()} is then the link's label). */
    public boolean client() {
      return client;
    }

    /** The cells; the first call returns the link's credit for them. */
    public List<Cell> cells() {
      taken.once();
      return cells;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof InboundCells other && from.equals(other.from) && client == other.client
          && cells().equals(other.cells());
    }

    @Override
    public int hashCode() {
      return 31 * from.hashCode() + cells.hashCode() + (client ? 1 : 0);
    }

    @Override
    public String toString() {
      return "InboundCells[from=" + from + ", " + cells.size() + " cells" + (client ? ", client" : "") + "]";
    }
  }

  /** Returns {@code cells} credits to a link once, when a handler first takes what it carried. */
  private static final class Taken {
    private static final AtomicReferenceFieldUpdater<Taken, InboundCredit> CREDIT =
        AtomicReferenceFieldUpdater.newUpdater(Taken.class, InboundCredit.class, "credit");
    private volatile InboundCredit credit;
    private final int cells;

    Taken(InboundCredit credit, int cells) {
      this.credit = credit;
      this.cells = cells;
    }

    void once() {
      InboundCredit c = credit;
      if (c != null && CREDIT.compareAndSet(this, c, null)) {
        c.release(cells);
      }
    }
  }

  /**
   * Take client links (docs/protocol.md §4.10): {@code relayProof} is this relay's encoded
   * {@code RelayProof} (its certificate and current descriptor) for the bootstrap handshake, sent
   * again whenever the descriptor is republished; null takes no more client links (open ones stay).
   */
  public record AcceptClients(byte[] relayProof) implements Command {
    public AcceptClients {
      relayProof = relayProof == null ? null : relayProof.clone();
    }

    @Override
    public byte[] relayProof() {
      return relayProof == null ? null : relayProof.clone();
    }
  }

  /**
   * Queues {@code cells} on the open link to {@code to} (a node or a client link's label) only if
   * that link's outbound queue then holds at most half its bound ({@code max-queued-cells}), so
   * that other traffic keeps room; never dials, never drops part of them. {@code replyTo} hears
   * whether they were queued. For senders that pace a long answer (DIR_DATA, protocol §4.10.4):
   * on {@link Window#FULL} they try again later.
   */
  public record SendWindow(NodeId to, List<Cell> cells, ActorRef<WindowSent> replyTo) implements Command {
    public SendWindow {
      cells = List.copyOf(cells);
    }
  }

  /** What became of a {@link SendWindow}. */
  public enum Window { QUEUED, FULL, NO_LINK }

  public record WindowSent(NodeId to, Window outcome) {}

  /**
   * Closes the open link to {@code to} (a node or a client link's label) as a protocol violation
   * its peer committed at a handler's level (e.g. a second DIR_REQUEST while one is answered):
   * counted and logged like one the link itself found.
   */
  public record CloseLink(NodeId to, String reason) implements Command {}

  /** Tells {@code listener} about every link that opens or closes from now on. */
  public record WatchLinks(ActorRef<LinkEvent> listener) implements Command {}

  /** A change in the set of open links. */
  public sealed interface LinkEvent permits LinkUp, LinkDown {}

  /** A link to {@code peer} finished its handshake; {@code outbound} when this node dialed. Never for a client link. */
  public record LinkUp(NodeId peer, boolean outbound) implements LinkEvent {}

  /**
   * The link to {@code peer} closed; whatever rode on it (circuits) is gone. Also sent, without
   * a {@link LinkUp} before it, when dialing {@code peer} failed (reason "dial failed: …"), so
   * that whoever waits on the peer learns at once. Also sent when a client link closes, with its
   * local label as {@code peer} (no {@link LinkUp} came before it): the circuits on it end.
   */
  public record LinkDown(NodeId peer, String reason) implements LinkEvent {}

  /** Replies with one entry per open link, for {@code GET /shroud/v1/peers}. */
  public record GetPeers(ActorRef<PeersView> replyTo) implements Command {}

  public record PeersView(List<PeerInfo> peers) {}

  /**
   * One open link. Field names are the JSON field names of {@code /shroud/v1/peers}.
   *
   * @param direction "inbound" or "outbound"
   * @param readsIn chunks read from the socket (cellsIn / readsIn: cells per read)
   * @param writesOut writes queued for the socket (cellsOut / writesOut: cells per write)
   * @param rttMillis the last measured round-trip time, or null before the first measurement
   * @param suite the Noise protocol name, e.g. {@code Noise_XK_25519_AESGCM_SHA256}
   * @param inboundQueued cells this link handed to its handlers that they have not taken yet
   * @param inboundQueuedPeak the most there ever were (at most {@code max-inbound-cells})
   * @param readPauses times the reader stopped reading the socket because of that bound
   */
  public record PeerInfo(
      String nodeId,
      String address,
      String direction,
      long ageSeconds,
      long cellsIn,
      long cellsOut,
      long bytesIn,
      long bytesOut,
      long readsIn,
      long writesOut,
      Double rttMillis,
      String suite,
      int inboundQueued,
      int inboundQueuedPeak,
      long readPauses) {}
}
