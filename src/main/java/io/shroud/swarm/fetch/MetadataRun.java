package io.shroud.swarm.fetch;

import io.shroud.content.BencodeException;
import io.shroud.content.Folder;
import io.shroud.content.FolderManifest;
import io.shroud.content.ShareLink;
import io.shroud.content.ShareLinkException;
import io.shroud.identity.NodeId;
import io.shroud.metrics.NodeMetrics;
import io.shroud.swarm.fetch.SourceReport.Connected;
import io.shroud.swarm.fetch.SourceReport.Lost;
import io.shroud.swarm.fetch.SourceReport.Received;
import io.shroud.swarm.transfer.TransferMessage;
import io.shroud.swarm.transfer.TransferProtocolException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The metadata phase of a download started from a bare magnet, free of Pekko: connects to the
 * providers of the info-hash, asks one ready source at a time for the info dictionary
 * ({@link MetadataFetch}), and hands the verified dictionary's {@link ShareLink} to its
 * {@link Io}. A source whose dictionary does not hash to the info-hash, or that breaks the
 * exchange, is struck ({@link NodeMetrics.Strike#BAD_METADATA}) and not asked again in this run;
 * the next ready source is asked. Session epochs are negative, so they never meet the epochs of
 * the {@link DownloadRun} that follows (which counts up from 1). Not thread-safe.
 */
final class MetadataRun {

  /** What the run asks of its actor. */
  interface Io {
    void connect(NodeId provider, long epoch);

    void sendAll(NodeId provider, long epoch, List<TransferMessage> messages);

    void close(NodeId provider, long epoch);

    /** No source is left: look providers up again after a pause. */
    void retryLater();

    /** The dictionary hashed to the info-hash and stands for {@code link}; every session is closed. */
    void verified(ShareLink link);

    /**
     * The dictionary hashed to the info-hash and is a public folder's ({@code info}, checked by
     * {@link io.shroud.content.Folder#of}); every session is closed.
     */
    void folder(byte[] info);

    /** The dictionary hashed to the info-hash but cannot be fetched from (an encrypted share's, …): the download fails. */
    void unusable(String reason);

    void log(String message);
  }

  private static final class Source {
    final long epoch;
    boolean ready;
    Instant lastHeard;

    Source(long epoch, Instant now) {
      this.epoch = epoch;
      this.lastHeard = now;
    }
  }

  private final Io io;
  private final byte[] infoHash;
  private final NodeId self;
  private final int maxSources;
  private final Duration stallTimeout;
  private final Clock clock;
  private final NodeMetrics metrics;
  private final Map<NodeId, Source> live = new LinkedHashMap<>();
  /** Sources struck (a bad dictionary) or that refused: not connected again in this run. */
  private final Set<NodeId> excluded = new HashSet<>();
  private long epochs;
  private NodeId from;
  private MetadataFetch fetch;
  private boolean done;
  private String transientError;

  /** {@code lastEpoch}: the last epoch an earlier run of this download used (0 for none); this one counts on below it. */
  MetadataRun(Io io, byte[] infoHash, NodeId self, int maxSources, Duration stallTimeout, Clock clock,
      NodeMetrics metrics, long lastEpoch) {
    this.io = io;
    this.epochs = lastEpoch;
    this.infoHash = infoHash.clone();
    this.self = self;
    this.maxSources = maxSources;
    this.stallTimeout = stallTimeout;
    this.clock = clock;
    this.metrics = metrics;
  }

  byte[] infoHash() {
    return infoHash.clone();
  }

  /** The last session epoch used (negative, or 0 before any). */
  long lastEpoch() {
    return epochs;
  }

  boolean done() {
    return done;
  }

  /** Why no source is connected, if none is. */
  String transientError() {
    return transientError;
  }

  void providersFound(List<NodeId> providers, String error) {
    if (done) {
      return;
    }
    for (NodeId p : providers) {
      if (live.size() >= maxSources) {
        break;
      }
      if (p.equals(self) || excluded.contains(p) || live.containsKey(p)) {
        continue;
      }
      Source s = new Source(--epochs, clock.instant());
      live.put(p, s);
      io.connect(p, s.epoch);
    }
    if (live.isEmpty()) {
      transientError = error != null ? error : "no providers found";
      io.retryLater();
    } else {
      transientError = null;
    }
  }

  void onReport(SourceReport report) {
    Source s = live.get(report.provider());
    if (done || s == null || s.epoch != report.epoch()) {
      return;
    }
    s.lastHeard = clock.instant();
    if (report instanceof Lost lost) {
      gone(report.provider(), "lost: " + lost.reason());
    } else if (report instanceof Received r) {
      for (TransferMessage m : r.messages()) {
        onMessage(report.provider(), s, m);
        if (done || live.get(report.provider()) != s) {
          break;
        }
      }
    } else if (!(report instanceof Connected)) {
      gone(report.provider(), "unexpected report");
    }
  }

  /** A session stopped (its actor is gone). */
  void onStopped(NodeId provider, long epoch) {
    Source s = live.get(provider);
    if (!done && s != null && s.epoch == epoch) {
      gone(provider, "session stopped");
    }
  }

  /** Drops the source asked for the dictionary if it has been silent for the stall timeout. */
  void tick() {
    if (done || from == null) {
      return;
    }
    Source s = live.get(from);
    if (s != null && s.lastHeard.isBefore(clock.instant().minus(stallTimeout))) {
      drop(from, "stalled");
    }
  }

  /** Closes every session (pause, cancel, or the dictionary is known). */
  void stopAll() {
    for (Map.Entry<NodeId, Source> e : live.entrySet()) {
      io.close(e.getKey(), e.getValue().epoch);
    }
    live.clear();
    from = null;
    fetch = null;
  }

  private void onMessage(NodeId id, Source s, TransferMessage m) {
    if (m instanceof TransferMessage.Have) {
      s.ready = true;
      startFetch();
    } else if (m instanceof TransferMessage.Refuse refuse) {
      excluded.add(id);
      drop(id, "refused: " + refuse.reason());
    } else if (m instanceof TransferMessage.Metadata md && id.equals(from)) {
      onMetadata(id, s, md);
    } else {
      strike(id, "protocol violation: sent " + m.type() + " while metadata was asked for");
    }
  }

  private void onMetadata(NodeId id, Source s, TransferMessage.Metadata md) {
    List<TransferMessage> next;
    byte[] info;
    try {
      next = fetch.accept(md);
      if (!fetch.complete()) {
        io.sendAll(id, s.epoch, next);
        return;
      }
      info = fetch.verified();
    } catch (TransferProtocolException e) {
      strike(id, e.getMessage());
      return;
    }
    if (MetadataFetch.multiFile(info) || FolderManifest.isEncryptedFolder(info)) {
      byte[] folder = null;
      String problem = null;
      try {
        // an encrypted folder's dictionary is opened with the link's key by the folder download
        folder = FolderManifest.isEncryptedFolder(info) ? info : Folder.of(Folder.parseInfo(info)).infoBytes();
      } catch (BencodeException e) {
        problem = e.getMessage();
      }
      done = true;
      stopAll();
      if (folder != null) {
        io.folder(folder);
      } else {
        io.unusable(problem);
      }
      return;
    }
    ShareLink link;
    try {
      link = MetadataFetch.linkOf(info, infoHash);
    } catch (BencodeException | ShareLinkException e) {
      done = true;
      stopAll();
      io.unusable(e.getMessage());
      return;
    }
    done = true;
    stopAll();
    io.verified(link);
  }

  /** Asks the first ready source for the dictionary, unless one is being asked. */
  private void startFetch() {
    if (from != null) {
      return;
    }
    for (Map.Entry<NodeId, Source> e : live.entrySet()) {
      if (e.getValue().ready) {
        from = e.getKey();
        fetch = new MetadataFetch(infoHash);
        e.getValue().lastHeard = clock.instant();
        io.sendAll(from, e.getValue().epoch, fetch.start());
        return;
      }
    }
  }

  private void strike(NodeId id, String reason) {
    io.log("source " + id.shortHex() + " struck: " + reason);
    metrics.sourcesStruck(NodeMetrics.Strike.BAD_METADATA, 1);
    excluded.add(id);
    drop(id, reason);
  }

  private void drop(NodeId id, String reason) {
    Source s = live.get(id);
    if (s != null) {
      io.close(id, s.epoch);
    }
    gone(id, reason);
  }

  private void gone(NodeId id, String reason) {
    live.remove(id);
    if (id.equals(from)) {
      from = null;
      fetch = null;
      startFetch();
    }
    if (live.isEmpty()) {
      transientError = "no source left (" + reason + ")";
      io.retryLater();
    }
  }

  /** The sources connected now, for the view. */
  List<DownloadView.SourceView> sourceViews() {
    List<DownloadView.SourceView> out = new ArrayList<>();
    live.forEach((id, s) -> out.add(new DownloadView.SourceView(id.toHex(),
        id.equals(from) ? "FETCHING_METADATA" : s.ready ? "READY" : "CONNECTING", 0, 0, false)));
    return out;
  }
}
