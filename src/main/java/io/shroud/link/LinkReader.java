package io.shroud.link;

import io.shroud.identity.NodeId;
import io.shroud.wire.Cell;
import io.shroud.wire.CellFormat;
import io.shroud.wire.LinkCipher;
import io.shroud.wire.LinkFrameDecoder;
import io.shroud.wire.ProtocolViolationException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The receiving side of one link, on a thread of its own that blocks in the socket read (and,
 * for a dialed link, first in the connect).
 *
 * <p>Until the handshake is done and the peer admitted, each read goes to the link's
 * {@code PeerActor} as a {@link PeerActor.Received} and the reader waits for the actor's
 * answer before reading again: the actor runs the handshake. At admission the actor answers
 * with a {@link Handover}: the frame decoder (with any records that arrived behind the last
 * handshake message still in it), the link cipher and the peer. From then on this thread opens
 * records and routes cells itself: one socket read becomes one {@link Links.InboundCells} per
 * batch handler (or a {@link Links.Inbound} per cell for per-cell handlers), with no actor in
 * between. Before handing a read's cells over it takes as much of the link's
 * {@link InboundCredit} (handlers give it back as they take the cells); at the link's bound it
 * waits and reads nothing more, so the kernel's buffers fill and TCP slows the peer down. What
 * a peer can make this node hold for one link is thus one read of {@link #READ_BYTES} plus one
 * partial record here and {@code maxInboundCells} cells in the handlers' mailboxes.
 *
 * <p>Link-control cells stay with the actor: LINK_PINGs are answered through it (the sending
 * side of the cipher is the actor's) and LINK_PONGs go to it, one {@link PeerActor.LinkControl}
 * per read, credited like any cell; PADDING and REKEY are dropped.
 * Any protocol violation, the peer closing, or an I/O error is reported once as
 * {@link PeerActor.ConnectionEnded} and ends the thread; so does the actor closing the socket,
 * without a report.
 */
final class LinkReader implements Runnable {
  /**
   * Most bytes one socket read takes. With at most one partial record left from the previous
   * read, the decoder holds at most this plus one record, within its bound.
   */
  static final int READ_BYTES = 128 * 1024;

  static {
    if (READ_BYTES + CellFormat.RECORD_BYTES > CellFormat.DEFAULT_MAX_BUFFERED_BYTES) {
      throw new ExceptionInInitializerError("a link read must fit in the frame decoder's bound");
    }
  }

  /** What the actor hands over at admission (the cipher's receiving side becomes this thread's). */
  /** {@code client}: a client link, which may send a client's commands only (§4.10.3). */
  record Handover(LinkFrameDecoder decoder, LinkCipher cipher, NodeId peer, boolean client) {
    Handover(LinkFrameDecoder decoder, LinkCipher cipher, NodeId peer) {
      this(decoder, cipher, peer, false);
    }
  }

  private final LinkSocket socket;
  private final ActorRef<PeerActor.Command> actor;
  private final LinkCounters counters;
  private final InetSocketAddress dial;
  private final Duration dialTimeout;
  private final InetAddress dialFrom;
  private final InboundCredit credit;
  private final Map<ActorRef<Links.InboundCells>, List<Cell>> batches = new LinkedHashMap<>();
  private final List<ActorRef<Links.Inbound>> singleHandlers = new ArrayList<>();
  private final List<Cell> singles = new ArrayList<>();
  private final List<Cell> control = new ArrayList<>();
  /** Cells opened from the current read, not yet added to {@code counters.cellsIn}. */
  private int cellsThisRead;
  private volatile Routes routes = Routes.NONE;
  private volatile long lastReadNanos = System.nanoTime();
  /** The actor's answer this thread waits for, if any (cancelled by {@link #stop()}). */
  private volatile CompletableFuture<Handover> waiting;

  /** Reads an accepted ({@code dial} null) or a dialed connection, leaving from {@code dialFrom}. */
  LinkReader(LinkSocket socket, ActorRef<PeerActor.Command> actor, LinkCounters counters,
      InetSocketAddress dial, Duration dialTimeout, InetAddress dialFrom) {
    this.socket = socket;
    this.actor = actor;
    this.counters = counters;
    this.dial = dial;
    this.dialTimeout = dialTimeout;
    this.dialFrom = dialFrom;
    this.credit = counters.inbound;
  }

  /** Where cells go from the next read on (set before the handover, and on route changes). */
  void routes(Routes updated) {
    routes = updated;
  }

  /** Nanoseconds since the last socket read returned (any bytes count). */
  long nanosSinceLastRead() {
    return System.nanoTime() - lastReadNanos;
  }

  /** Whether the reader waits for its handlers to take cells (and reads nothing meanwhile). */
  boolean paused() {
    return credit.waiting();
  }

  /**
   * Ends a wait for the actor's answer or for credit: called by the actor as it stops, after
   * closing the socket (a read sent to a stopped actor is never answered).
   */
  void stop() {
    credit.close();
    CompletableFuture<Handover> w = waiting;
    if (w != null) {
      w.cancel(false);
    }
  }

  @Override
  public void run() {
    if (dial != null) {
      try {
        socket.connect(dial, dialTimeout, dialFrom);
      } catch (IOException e) {
        report("dial failed: " + e.getClass().getSimpleName(), false);
        return;
      }
    }
    ByteBuffer buffer = ByteBuffer.allocateDirect(READ_BYTES);
    try {
      Handover handover = null;
      while (handover == null) {
        if (!read(buffer)) {
          return;
        }
        byte[] chunk = new byte[buffer.remaining()];
        buffer.get(chunk);
        CompletableFuture<Handover> answer = new CompletableFuture<>();
        waiting = answer;
        if (socket.isClosed()) { // closed before the wait was published: stop() may have missed it
          return;
        }
        actor.tell(new PeerActor.Received(chunk, answer));
        handover = answer.get(); // null: the handshake goes on, read again
      }
      waiting = null;
      receiveRecords(handover, buffer);
    } catch (CancellationException | InterruptedException | ClosedChannelException e) {
      // the actor stopped (and closed the socket): it already knows why
    } catch (ExecutionException e) {
      report("link failed: " + e.getCause().getClass().getSimpleName(), false);
    } catch (IOException e) {
      report("connection failed: " + e.getClass().getSimpleName(), false);
    } catch (RuntimeException e) {
      // a bug of ours, not the peer's doing: end the link rather than leave it unread
      report("link reader failed: " + e.getClass().getSimpleName(), false);
    }
  }

  /** Opens and routes every record until the link ends. */
  private void receiveRecords(Handover handover, ByteBuffer buffer)
      throws IOException, InterruptedException {
    LinkFrameDecoder decoder = handover.decoder();
    LinkCipher cipher = handover.cipher();
    NodeId peer = handover.peer();
    try {
      while (true) {
        Routes current = routes; // a route change takes effect from the next read
        int at;
        while ((at = decoder.nextRecord()) >= 0) {
          Cell cell = cipher.open(decoder.buffer(), at, CellFormat.RECORD_BYTES);
          if (handover.client()) {
            ClientLinkRules.checkInbound(cell.command());
          }
          onRecord(cell, current);
        }
        if (!deliver(peer, handover.client()) || !read(buffer)) {
          return;
        }
        decoder.feed(buffer);
      }
    } catch (ProtocolViolationException e) {
      if (deliver(peer, handover.client())) { // the cells before the bad record were authentic
        report("protocol violation: " + e.getMessage(), true);
      }
    }
  }

  /** One read into {@code buffer}, flipped for reading; false (reported) at the end of the stream. */
  private boolean read(ByteBuffer buffer) throws IOException {
    buffer.clear();
    int n = socket.read(buffer);
    if (n < 0) {
      report("connection closed by peer", false);
      return false;
    }
    lastReadNanos = System.nanoTime();
    counters.read(n);
    counters.readsIn.incrementAndGet();
    buffer.flip();
    return true;
  }

  /** Sorts one opened cell of this read by where it goes (nothing is handed over yet). */
  private void onRecord(Cell cell, Routes current) {
    cellsThisRead++;
    switch (cell.command()) {
      case PADDING, REKEY -> { }
      case LINK_PING, LINK_PONG -> control.add(cell);
      default -> {
        ActorRef<Links.InboundCells> batchHandler = current.batched().get(cell.command());
        if (batchHandler != null) {
          batches.computeIfAbsent(batchHandler, h -> new ArrayList<>()).add(cell);
          return;
        }
        ActorRef<Links.Inbound> handler = current.perCell().get(cell.command());
        if (handler == null) {
          counters.unrouted.incrementAndGet();
        } else {
          singleHandlers.add(handler);
          singles.add(cell);
        }
      }
    }
  }

  /**
   * Hands over what this read brought, once the link has credit for it: one
   * {@link Links.InboundCells} per batch handler, a {@link Links.Inbound} per cell for per-cell
   * handlers (marked {@code client} on a client link), the link-control cells to the actor. The read's cells are counted here too, once
   * per read instead of once per cell. False when the link closed while waiting for credit.
   */
  private boolean deliver(NodeId peer, boolean client) throws InterruptedException {
    counters.cellsIn.addAndGet(cellsThisRead);
    cellsThisRead = 0;
    int handed = singles.size() + control.size();
    for (List<Cell> cells : batches.values()) {
      handed += cells.size();
    }
    if (handed == 0) {
      return true;
    }
    if (!credit.acquire(handed)) {
      return false;
    }
    batches.forEach((handler, cells) -> handler.tell(new Links.InboundCells(peer, cells, credit, client)));
    batches.clear();
    for (int i = 0; i < singles.size(); i++) {
      singleHandlers.get(i).tell(new Links.Inbound(peer, singles.get(i), credit));
    }
    singles.clear();
    singleHandlers.clear();
    if (!control.isEmpty()) {
      actor.tell(new PeerActor.LinkControl(List.copyOf(control)));
      control.clear();
    }
    return true;
  }

  /** Tells the actor why the link ended, unless the actor closed it itself. */
  private void report(String reason, boolean violation) {
    if (!socket.isClosed()) {
      actor.tell(new PeerActor.ConnectionEnded(reason, violation));
    }
  }
}
