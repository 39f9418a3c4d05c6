package io.shroud.swarm.fetch;

import io.shroud.content.PieceGeometry;
import io.shroud.identity.NodeId;
import io.shroud.swarm.pick.BlockRef;
import io.shroud.swarm.pick.BlockResult;
import io.shroud.swarm.pick.PiecePicker;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The blocks handed to piece downloads, between the {@link PiecePicker} and the
 * {@link PieceDownloadActor}s, free of Pekko. A delivered block stays a request in the picker
 * until its piece is written and forced: only then are its blocks reported received
 * ({@link PiecePicker#blockReceived}) and the piece verified. So a piece download that dies
 * (crash, kill, stop) loses nothing the picker cannot give again: {@link #abandoned} releases
 * its blocks ({@link PiecePicker#requestReleased}) and they are requested anew, that piece's only.
 *
 * <p>While a delivered block waits, the picker counts it in flight from a source that no longer
 * owes it: its <em>holder</em>. Picks of a block already delivered (after its sender left, or as
 * an endgame duplicate) are absorbed: the picking source becomes its holder, or its second
 * requester, and nothing is sent. Each source's held count is added to its pipeline depth
 * ({@link #depth}) and taken from what it owes ({@link #owes}), so requests on the wire are as
 * before. Also keeps the write backlog: bytes of complete pieces waiting for the part file.
 * Not thread-safe: the download's actor is the only caller.
 */
final class PieceFlow {
  /** Where a CANCEL goes: {@code source} need not send block {@code index} of {@code piece}. */
  interface Cancels {
    void cancel(NodeId source, int piece, int index);
  }

  /** What became of a block that arrived from a source it was requested from. */
  enum Arrival {
    /** The piece's download should check and keep it. */
    DELIVER,
    /** A copy of it was delivered already: drop it. */
    DUPLICATE
  }

  /** The delivered blocks of one piece not yet reported to the picker. */
  private static final class Slot {
    final boolean[] has;
    final NodeId[] holder;
    final NodeId[] second;
    boolean assembled;
    boolean written;

    Slot(int blocks) {
      has = new boolean[blocks];
      holder = new NodeId[blocks];
      second = new NodeId[blocks];
    }
  }

  private final PieceGeometry geometry;
  private final PiecePicker<NodeId> picker;
  private final long maxWriteBacklog;
  private final Cancels cancels;
  /** By piece index; null where no block is waiting. */
  private final Slot[] slots;
  private final Map<NodeId, int[]> held = new HashMap<>();
  private long writeBacklog;

  PieceFlow(PieceGeometry geometry, PiecePicker<NodeId> picker, long maxWriteBacklog, Cancels cancels) {
    if (maxWriteBacklog < 1) {
      throw new IllegalArgumentException("the write backlog limit must be positive");
    }
    this.geometry = geometry;
    this.picker = picker;
    this.maxWriteBacklog = maxWriteBacklog;
    this.cancels = cancels;
    this.slots = new Slot[geometry.pieceCount()];
  }

  PiecePicker<NodeId> picker() {
    return picker;
  }

  /**
   * Block {@code index} of {@code piece} arrived from {@code source}, which the picker has it in
   * flight from. The other sources asked for it (endgame duplicates) are released and told to
   * cancel, also when the endgame has ended meanwhile (a piece failed or was abandoned): a
   * request left standing would be owed forever, its copy dropped as a duplicate, and its
   * source counted stalled.
   */
  Arrival arrived(NodeId source, int piece, int index) {
    Slot slot = slots[piece];
    if (slot == null) {
      slot = slots[piece] = new Slot(geometry.blocksIn(piece));
    }
    if (slot.has[index]) {
      return Arrival.DUPLICATE;
    }
    slot.has[index] = true;
    slot.holder[index] = source;
    count(source, +1);
    for (NodeId other : picker.requesters(piece, index)) {
      if (!other.equals(source)) {
        picker.requestReleased(other, piece, index);
        cancels.cancel(other, piece, index);
      }
    }
    return Arrival.DELIVER;
  }

  /**
   * A block the picker just handed to {@code source}: true if it is delivered already, and then
   * {@code source} holds it and nothing is to be sent.
   */
  boolean absorb(NodeId source, BlockRef block) {
    Slot slot = slots[block.piece()];
    int i = block.index();
    if (slot == null || !slot.has[i]) {
      return false;
    }
    if (slot.holder[i] == null) {
      slot.holder[i] = source;
    } else {
      slot.second[i] = source;
    }
    count(source, +1);
    if (slot.written) {
      confirm(block.piece(), slot);
    }
    return true;
  }

  /** Whether {@code source}'s request for the block is one this flow holds (not on the wire). */
  boolean holds(NodeId source, int piece, int index) {
    Slot slot = slots[piece];
    return slot != null && slot.has[index] && (source.equals(slot.holder[index]) || source.equals(slot.second[index]));
  }

  /** The piece's download found the block bad: it is requested again (strike its sender apart). */
  void badBlock(int piece, int index) {
    Slot slot = slots[piece];
    if (slot != null && slot.has[index]) {
      slot.has[index] = false;
      release(piece, index, slot);
    }
  }

  /** The piece is complete and handed to the part-file writer: its bytes wait for the disk. */
  void assembled(int piece) {
    Slot slot = slots[piece];
    if (slot != null && !slot.assembled) {
      slot.assembled = true;
      writeBacklog += geometry.pieceSize(piece);
    }
  }

  /**
   * The piece is written and forced: its blocks are reported received and the piece verified
   * (at once, or once a block whose sender left is picked again). False if it was not assembled.
   */
  boolean written(int piece) {
    Slot slot = slots[piece];
    if (slot == null || !slot.assembled || slot.written) {
      return false;
    }
    slot.written = true;
    writeBacklog = Math.max(0, writeBacklog - geometry.pieceSize(piece));
    confirm(piece, slot);
    return true;
  }

  /**
   * The complete piece's leaves do not fold up to its hash: the picker takes the blame as
   * {@link PiecePicker#pieceFailed} decides. Returns the sources banned by it.
   */
  Set<NodeId> pieceFailed(int piece) {
    Slot slot = slots[piece];
    if (slot == null || !held(slot)) {
      abandoned(piece);
      return Set.of();
    }
    slots[piece] = null;
    receiveAll(piece, slot);
    return picker.pieceFailed(piece);
  }

  /**
   * The piece's download stopped before its piece was written: what it had is lost, so its
   * blocks go back to the picker to be requested again. Nothing if the piece was written.
   */
  void abandoned(int piece) {
    Slot slot = slots[piece];
    if (slot == null || slot.written) {
      return;
    }
    slots[piece] = null;
    if (slot.assembled) {
      writeBacklog = Math.max(0, writeBacklog - geometry.pieceSize(piece));
    }
    for (int i = 0; i < slot.has.length; i++) {
      if (slot.has[i]) {
        release(piece, i, slot);
      }
    }
  }

  /** Whether a piece has delivered blocks waiting (its download may be running). */
  boolean active(int piece) {
    return slots[piece] != null;
  }

  /** After {@link PiecePicker#sourceGone}: its held blocks pass to their second requester, if any. */
  void sourceGone(NodeId source) {
    if (held.remove(source) == null) {
      return;
    }
    for (Slot slot : slots) {
      for (int i = 0; slot != null && i < slot.has.length; i++) {
        if (source.equals(slot.holder[i])) {
          slot.holder[i] = slot.second[i];
          slot.second[i] = null;
        } else if (source.equals(slot.second[i])) {
          slot.second[i] = null;
        }
      }
    }
  }

  /** The pipeline depth to give the picker for {@code source} so that {@code depth} are on the wire. */
  int depth(NodeId source, int depth) {
    return depth + heldBy(source);
  }

  /** Whether {@code source} owes blocks it was asked for. */
  boolean owes(NodeId source) {
    return picker.inFlight(source) > heldBy(source);
  }

  long writeBacklog() {
    return writeBacklog;
  }

  /** Whether as many bytes wait for the part file as the download allows. */
  boolean backlogFull() {
    return writeBacklog >= maxWriteBacklog;
  }

  /** Blocks of {@code source}'s in the picker that it no longer owes. */
  int heldBy(NodeId source) {
    int[] n = held.get(source);
    return n == null ? 0 : n[0];
  }

  private void count(NodeId source, int delta) {
    int[] n = held.computeIfAbsent(source, s -> new int[1]);
    n[0] += delta;
  }

  private void uncount(NodeId source) {
    int[] n = held.get(source);
    if (n != null && --n[0] <= 0) {
      held.remove(source);
    }
  }

  /** Lets the picker's held requests for a block go: no one owes it, it is requested anew. */
  private void release(int piece, int index, Slot slot) {
    for (NodeId s : new NodeId[] {slot.holder[index], slot.second[index]}) {
      if (s != null) {
        if (picker.isRequestedFrom(s, piece, index)) {
          picker.requestReleased(s, piece, index);
        }
        uncount(s);
      }
    }
    slot.holder[index] = null;
    slot.second[index] = null;
  }

  private static boolean held(Slot slot) {
    for (int i = 0; i < slot.has.length; i++) {
      if (!slot.has[i] || slot.holder[i] == null) {
        return false;
      }
    }
    return true;
  }

  /** A written piece whose every block has a holder: report them received and the piece verified. */
  private void confirm(int piece, Slot slot) {
    if (!held(slot)) {
      return;
    }
    slots[piece] = null;
    if (receiveAll(piece, slot)) {
      picker.pieceVerified(piece);
    }
  }

  /** Reports every block received from its holder; true if the picker now has the piece whole. */
  private boolean receiveAll(int piece, Slot slot) {
    boolean whole = false;
    for (int i = 0; i < slot.has.length; i++) {
      NodeId holder = slot.holder[i];
      BlockResult<NodeId> result = picker.blockReceived(holder, piece, i);
      uncount(holder);
      for (NodeId other : result.cancelFrom()) {
        if (other.equals(slot.second[i])) {
          uncount(other);
        } else {
          cancels.cancel(other, piece, i);
        }
      }
      slot.holder[i] = null;
      slot.second[i] = null;
      whole |= result.pieceComplete();
    }
    return whole;
  }
}
