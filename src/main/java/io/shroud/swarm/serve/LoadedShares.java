package io.shroud.swarm.serve;

import io.shroud.content.InfoDict;
import io.shroud.content.MerkleTree;
import io.shroud.content.ShareKey;
import io.shroud.content.ShareLink;
import io.shroud.content.ShareMetadata;
import io.shroud.swarm.serve.ShareJournal.ShareAdded;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

/**
 * The full metadata of the catalogue's shares, rebuilt from their journaled facts and their files
 * (key, piece layer) when first needed, and kept. A share whose piece layer file is missing or
 * damaged is not loaded: its rebuild from the shared bytes is handed to the caller to run off
 * its thread ({@link ShareStore#rebuildLayer}), once; until it is done, and for good if it fails,
 * the share has a problem to show instead of being served. Plain class, one caller at a time.
 */
final class LoadedShares {
  private final ShareStore store;
  private final Map<String, ShareMetadata> loaded = new HashMap<>();
  private final Set<String> rebuilding = new HashSet<>();
  private final Map<String, String> unusable = new HashMap<>();

  LoadedShares(ShareStore store) {
    this.store = store;
  }

  /** A share whose metadata is known (just built or adopted). */
  void put(ShareMetadata m) {
    loaded.put(m.infoHashHex(), m);
    unusable.remove(m.infoHashHex());
  }

  void forget(String infoHashHex) {
    loaded.remove(infoHashHex);
    unusable.remove(infoHashHex);
  }

  /** The loaded metadata; null unless {@link #problem} said there is none. */
  ShareMetadata get(String infoHashHex) {
    return loaded.get(infoHashHex);
  }

  /**
   * Empty when the share's metadata is loaded (loading it now if needed); otherwise why it
   * cannot be served. A layer file found missing or damaged hands {@code rebuild} the job that
   * rebuilds it, whose outcome goes to {@link #rebuilt}.
   */
  Optional<String> problem(ShareAdded s, Consumer<Callable<Void>> rebuild) {
    String h = s.infoHashHex();
    if (loaded.containsKey(h)) {
      return Optional.empty();
    }
    if (unusable.containsKey(h)) {
      return Optional.of(unusable.get(h));
    }
    if (rebuilding.contains(h)) {
      return Optional.of("piece layer file is being rebuilt from the shared bytes");
    }
    InfoDict info = InfoDict.parse(s.infoDict());
    Path data = s.publicShare() ? Path.of(s.sourcePath()) : store.dataFile(h);
    try {
      MerkleTree tree = store.readLayer(h, s.pieceLayerSha256(), info.geometry(), info.piecesRoot().orElse(null));
      loaded.put(h, new ShareMetadata(info, tree, link(s), Optional.empty(), data));
      return Optional.empty();
    } catch (PieceLayerFile.Unusable e) {
      rebuilding.add(h);
      rebuild.accept(() -> {
        store.rebuildLayer(h, data, info.geometry().pieceLength(), s.pieceLayerSha256());
        return null;
      });
      return Optional.of(e.getMessage() + "; rebuilding it from the shared bytes");
    }
  }

  /** A rebuild ended: with {@code failure} null the share loads at its next use; otherwise it stays unusable. */
  Optional<String> rebuilt(String infoHashHex, Throwable failure) {
    rebuilding.remove(infoHashHex);
    if (failure == null) {
      return Optional.empty();
    }
    String why = "piece layer file lost and not rebuilt: " + failure.getMessage();
    unusable.put(infoHashHex, why);
    return Optional.of(why);
  }

  /** The share's link: from its info dictionary, and its key file for an encrypted share. */
  ShareLink link(ShareAdded s) {
    ShareMetadata m = loaded.get(s.infoHashHex());
    if (m != null) {
      return m.link();
    }
    InfoDict info = InfoDict.parse(s.infoDict());
    if (s.publicShare()) {
      return ShareLink.forPublic(info);
    }
    ShareKey key = store.readKey(s.infoHashHex()).orElseThrow(
        () -> new IllegalStateException("key file of share " + s.infoHashHex() + " is missing"));
    return ShareLink.forEncrypted(info, key);
  }

  /** Writes a layer an older journal held inline, unless a valid file is there already; true if written. */
  boolean writeInline(ShareAdded s, byte[] layer) throws IOException {
    InfoDict info = InfoDict.parse(s.infoDict());
    try {
      store.readLayer(s.infoHashHex(), s.pieceLayerSha256(), info.geometry(), info.piecesRoot().orElse(null));
      return false;
    } catch (PieceLayerFile.Unusable missing) {
      store.writeLayer(s.infoHashHex(), layer);
      return true;
    }
  }
}
