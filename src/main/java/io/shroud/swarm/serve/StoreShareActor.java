package io.shroud.swarm.serve;

import io.shroud.circuit.CircuitsActor;
import io.shroud.content.PieceGeometry;
import io.shroud.content.ShareLink;
import io.shroud.hidden.ShareSecret;
import io.shroud.identity.NodeId;
import io.shroud.lookup.RecordLookupsActor;
import io.shroud.store.ManifestPublishActor;
import io.shroud.store.ManifestSeal;
import io.shroud.store.PieceSource;
import io.shroud.store.Redundancy;
import io.shroud.store.ShareUploadActor;
import io.shroud.store.StorageManifest;
import io.shroud.store.StripeLayout;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Stores one of this node's shares in the network (issue 29, protocol §12.9–§12.10): takes the
 * share's data from the catalogue, has a {@link ShareUploadActor} code and place its fragments,
 * seals the manifest for the share's link and has a {@link ManifestPublishActor} publish it, then
 * answers with counts only (the placement is never shown). One per request; it stops after
 * answering. A folder cannot be stored yet (409); an unknown share is 404.
 */
public final class StoreShareActor {
  private StoreShareActor() {}

  /** Store share {@code infoHashHex} with {@code redundancy}, through circuits of {@code hops}. */
  public record Store(String infoHashHex, Redundancy redundancy, int hops, ActorRef<Result> replyTo) {}

  public sealed interface Result {}

  /** Stored: stripes and fragments placed, distinct storers, the manifest's chunks and copies, DHT nodes holding its root. */
  public record Stored(int stripes, int fragments, int storers, int manifestChunks, int manifestCopies, int dhtNodes)
      implements Result {}

  public record Refused(int status, String message) implements Result {}

  private record Found(Optional<SharesActor.Servable> servable) {}

  /** Copies of each manifest chunk: losing the manifest loses the share. */
  static final int MANIFEST_REPLICAS = 4;
  /** The lease asked for every fragment and chunk (a storer may grant less). */
  static final Duration LEASE = Duration.ofDays(30);
  /** The root record's lifetime: a DHT record lives at most a day. */
  static final Duration ROOT_LIFETIME = Duration.ofHours(24);

  /** An actor that takes one {@link Store}, answers it and stops. */
  public static Behavior<Object> create(ActorRef<SharesActor.Command> shares, ActorRef<CircuitsActor.Command> circuits,
      ActorRef<RecordLookupsActor.Command> lookups, NodeId self, Clock clock, SecureRandom random, Duration timeout) {
    return Behaviors.receive((ctx, message) -> message instanceof Store store
        ? store(shares, circuits, lookups, self, clock, random, timeout, store) : Behaviors.same());
  }

  private static Behavior<Object> store(ActorRef<SharesActor.Command> shares, ActorRef<CircuitsActor.Command> circuits,
      ActorRef<RecordLookupsActor.Command> lookups, NodeId self, Clock clock, SecureRandom random, Duration timeout,
      Store store) {
    return Behaviors.setup(ctx -> {
      Set<NodeId> exclude = new HashSet<>(Set.of(self));
      ShareLink[] link = {null};
      int[] placed = {0, 0, 0};
      ActorRef<Object> me = ctx.getSelf();
      shares.tell(new SharesActor.GetServable(store.infoHashHex(), ctx.spawnAnonymous(
          Behaviors.<Optional<SharesActor.Servable>>receiveMessage(o -> {
            me.tell(new Found(o));
            return Behaviors.stopped();
          }))));
      return Behaviors.receiveMessage(message -> {
        if (message instanceof Found found) {
          if (found.servable().isEmpty()) {
            return refuse(store, 404, "no share " + store.infoHashHex());
          }
          SharesActor.Servable servable = found.servable().get();
          if (servable.folderInfo() != null) {
            return refuse(store, 409, "a folder cannot be stored in the network yet");
          }
          PieceGeometry g = servable.metadata().info().geometry();
          if (g.length() == 0) {
            return refuse(store, 409, "an empty share has nothing to store");
          }
          link[0] = servable.metadata().link();
          StripeLayout layout = StripeLayout.ofFile(g.length(), g.pieceLength(), store.redundancy());
          ctx.spawn(ShareUploadActor.create(circuits, exclude, new ShareUploadActor.Upload(layout,
              PieceSource.file(servable.dataFile(), layout), store.hops(), LEASE), random, timeout,
              ctx.messageAdapter(ShareUploadActor.Result.class, r -> r)), "upload", DispatcherSelector.blocking());
        } else if (message instanceof ShareUploadActor.Failed failed) {
          return refuse(store, 502, "the share could not be stored: " + failed.reason());
        } else if (message instanceof ShareUploadActor.Stored uploaded) {
          StorageManifest manifest = uploaded.manifest();
          placed[0] = manifest.layout().stripes();
          placed[1] = manifest.allAddresses().size();
          placed[2] = (int) uploaded.placement().values().stream().distinct().count();
          ShareSecret secret = ShareSecret.of(link[0]);
          ctx.spawn(ManifestPublishActor.create(circuits, lookups, exclude, new ManifestPublishActor.Publish(secret,
              ManifestSeal.seal(secret, manifest, random), store.hops(), MANIFEST_REPLICAS, LEASE, ROOT_LIFETIME),
              clock, random, timeout, ctx.messageAdapter(ManifestPublishActor.Result.class, r -> r)), "publish");
        } else if (message instanceof ManifestPublishActor.Failed failed) {
          return refuse(store, 502, "the fragments are stored but the manifest is not: " + failed.reason());
        } else if (message instanceof ManifestPublishActor.Published published) {
          store.replyTo().tell(new Stored(placed[0], placed[1], placed[2],
              (published.chunkCopies() + MANIFEST_REPLICAS - 1) / MANIFEST_REPLICAS, published.chunkCopies(),
              published.dhtNodes()));
          return Behaviors.stopped();
        }
        return Behaviors.same();
      });
    });
  }

  private static Behavior<Object> refuse(Store store, int status, String message) {
    store.replyTo().tell(new Refused(status, message));
    return Behaviors.stopped();
  }
}
