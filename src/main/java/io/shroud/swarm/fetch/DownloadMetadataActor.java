package io.shroud.swarm.fetch;

import io.shroud.content.Magnet;
import io.shroud.content.ShareLink;
import io.shroud.hidden.ShareSecret;
import io.shroud.identity.NodeId;
import io.shroud.swarm.transfer.TransferMessage;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * The metadata side of a {@link DownloadActor}, between its journal side
 * ({@link DownloadJournalActor}) and its live run: the phase of a download started from a bare
 * magnet (protocol §8.7) that fetches the info dictionary from the sources and checks it against
 * the info-hash. It holds the download's sessions ({@link ProviderSessionActor.Sessions}, which
 * the run uses too), the phase's {@link MetadataRun}, the hops and hidden-service secret it looks
 * sources up with, whether it runs, and the run's hands ({@link MetadataRun.Io}). The run is kept
 * across a pause so that its session epochs (negative, counting down) never repeat among the
 * actor's children; a finished phase leaves its last epoch for the next one.
 */
abstract class DownloadMetadataActor extends DownloadJournalActor {
  /** The sources: looked up, and a session to each (the metadata phase's and the run's). */
  final ProviderSessionActor.Sessions<Command> sessions;
  /** Where a folder's metadata goes; null: such a download fails ("folders need a parent"). */
  private final ActorRef<FolderFound> folderFound;
  private MetadataRun metadata;
  private boolean metadataRunning;
  private int metadataHops;
  private ShareSecret metadataSecret;
  /** The last session epoch a finished metadata phase used. */
  private long metadataEpochs;

  /**
   * A bare magnet's metadata turned out to be a public folder's info dictionary ({@code info},
   * verified against the info-hash): the download becomes a folder download, which its parent
   * ({@link DownloadsActor}) runs as one download per selected file.
   */
  public record FolderFound(String id, byte[] info, int hops) {}

  DownloadMetadataActor(ActorContext<Command> context, TimerScheduler<Command> timers, String id, DownloadActor.Setup setup,
      ActorRef<FolderFound> folderFound) {
    super(context, timers, id, setup);
    this.folderFound = folderFound;
    this.sessions = new ProviderSessionActor.Sessions<>(context, setup.circuits(), FromSource::new, SourceStopped::new,
        setup.self(), setup.clock());
  }

  /** The metadata phase's run while it has not finished (running or paused); else null. */
  MetadataRun unfinishedMetadata() {
    return metadata != null && !metadata.done() ? metadata : null;
  }

  /** True while the metadata phase runs (not paused, not ended, not done). */
  boolean metadataFetching() {
    return metadata != null && metadataRunning && !metadata.done();
  }

  /** (Re)starts the metadata phase for {@code magnet} with circuits of {@code hops}; the caller looks sources up. */
  void beginMetadata(Magnet magnet, int hops) {
    metadataSecret = ShareSecret.of(magnet);
    if (metadata == null || metadata.done()) {
      metadata = new MetadataRun(new MetadataIo(), magnet.infoHash(), setup.self(),
          setup.settings().maxProvidersPerDownload(), setup.settings().stallTimeout(), setup.clock(), metrics,
          metadata == null ? metadataEpochs : metadata.lastEpoch());
    }
    metadataHops = hops;
    metadataRunning = true;
  }

  ShareSecret metadataSecret() {
    return metadataSecret;
  }

  int metadataHops() {
    return metadataHops;
  }

  /** The info dictionary was verified: the phase ends; returns whether it was running (not paused). */
  boolean finishMetadata() {
    boolean wasRunning = metadataRunning;
    metadataRunning = false;
    if (metadata != null) {
      metadataEpochs = metadata.lastEpoch();
    }
    metadata = null;
    return wasRunning;
  }

  void stopMetadata() {
    if (metadata != null) {
      metadata.stopAll();
    }
    metadataRunning = false;
  }

  /** The metadata run's hands (sessions, lookups, timers in this actor's context). */
  private final class MetadataIo implements MetadataRun.Io {
    @Override
    public void connect(NodeId provider, long epoch) {
      sessions.connect(provider, epoch, metadata.infoHash(), metadataHops);
    }

    @Override
    public void sendAll(NodeId provider, long epoch, List<TransferMessage> messages) {
      sessions.sendAll(provider, messages);
    }

    @Override
    public void close(NodeId provider, long epoch) {
      sessions.close(provider);
    }

    @Override
    public void retryLater() {
      timers.startSingleTimer(Retry.INSTANCE, DownloadActor.RETRY);
    }

    @Override
    public void verified(ShareLink link) {
      context.getSelf().tell(new MetadataVerified(link));
    }

    @Override
    public void folder(byte[] info) {
      if (folderFound == null) {
        unusable("a folder cannot be fetched here");
        return;
      }
      metadataRunning = false;
      context.getLog().info("download {}: the metadata is a folder's; fetching its files", id);
      folderFound.tell(new FolderFound(id, info, metadataHops));
    }

    @Override
    public void unusable(String reason) {
      metadataRunning = false;
      context.getSelf().tell(new OutputDone(new PartFileActor.OutputDone(null,
          new IllegalStateException("the share cannot be fetched: " + reason))));
    }

    @Override
    public void log(String message) {
      context.getLog().info("download {}: {}", id, message);
    }
  }
}
