package io.shroud.swarm.serve;

import io.shroud.serialization.ShroudSerializable;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * What the share catalogue ({@link SharesActor}, persistence id {@code shares|<node id>})
 * journals and snapshots: public facts only. A share's key, ciphertext, leaf hashes and piece
 * layer are files of {@link ShareStore}, written and forced before the event naming them; the
 * event holds the piece layer's SHA-256 only, so it stays small however large the file is.
 *
 * <p>Journals and snapshots written before piece layer files hold {@link LegacyShareAdded} and
 * {@link LegacyState}, with the layer inline; they still recover: each becomes a
 * {@link ShareAdded} naming its layer's hash, and the inline layer is handed to the caller to be
 * written to its file.
 */
public final class ShareJournal {
  private ShareJournal() {}

  public sealed interface Event extends ShroudSerializable permits ShareAdded, ShareRemoved, LegacyShareAdded {}

  /**
   * A file is shared. {@code infoDict} is the bencoded v2 info dictionary, {@code pieceLayerSha256}
   * the SHA-256 of the concatenated piece hashes, which are in the share's layer file
   * ({@link ShareStore#layerFile}); no key material.
   */
  public record ShareAdded(
      String infoHashHex,
      String sourcePath,
      boolean publicShare,
      byte[] infoDict,
      byte[] pieceLayerSha256,
      long sourceSize,
      long sourceModifiedMillis,
      Instant addedAt) implements Event {}

  public record ShareRemoved(String infoHashHex) implements Event {}

  /**
   * A share as journals before piece layer files recorded it, the piece layer inline (an event
   * that could not be journaled for a file above ~32 GiB). Read, never written.
   */
  public record LegacyShareAdded(
      String infoHashHex,
      String sourcePath,
      boolean publicShare,
      byte[] infoDict,
      byte[] pieceLayer,
      long sourceSize,
      long sourceModifiedMillis,
      Instant addedAt) implements Event {

    /** The share as it is kept now: the layer's hash in place of the layer. */
    public ShareAdded current() {
      return new ShareAdded(infoHashHex, sourcePath, publicShare, infoDict, PieceLayerFile.sha256(pieceLayer),
          sourceSize, sourceModifiedMillis, addedAt);
    }
  }

  /** Every share by info-hash (the catalogue's state and snapshot). */
  public record State(HashMap<String, ShareAdded> shares) implements ShroudSerializable {
    public static State empty() {
      return new State(new HashMap<>());
    }

    /**
     * The state after {@code e}. A legacy event's inline layer goes to {@code inlineLayers}
     * (info-hash, layer), for the caller to write to its file.
     */
    public State apply(Event e, BiConsumer<String, byte[]> inlineLayers) {
      HashMap<String, ShareAdded> next = new HashMap<>(shares);
      if (e instanceof ShareAdded a) {
        next.put(a.infoHashHex(), a);
      } else if (e instanceof LegacyShareAdded l) {
        next.put(l.infoHashHex(), l.current());
        inlineLayers.accept(l.infoHashHex(), l.pieceLayer());
      } else if (e instanceof ShareRemoved r) {
        next.remove(r.infoHashHex());
      }
      return new State(next);
    }
  }

  /** A snapshot from before piece layer files: every share with its layer inline. Read, never written. */
  public record LegacyState(HashMap<String, LegacyShareAdded> shares) implements ShroudSerializable {
    /** The state as it is kept now; each inline layer goes to {@code inlineLayers}. */
    public State current(BiConsumer<String, byte[]> inlineLayers) {
      HashMap<String, ShareAdded> now = new HashMap<>();
      for (Map.Entry<String, LegacyShareAdded> e : shares.entrySet()) {
        now.put(e.getKey(), e.getValue().current());
        inlineLayers.accept(e.getKey(), e.getValue().pieceLayer());
      }
      return new State(now);
    }
  }
}
