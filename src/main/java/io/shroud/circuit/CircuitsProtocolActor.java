package io.shroud.circuit;

import io.shroud.admission.Consensus;
import io.shroud.crypto.OnionKeyPair;
import io.shroud.crypto.OnionKeys;
import io.shroud.identity.DirectoryView;
import io.shroud.identity.NodeDescriptor;
import io.shroud.identity.NodeId;
import io.shroud.link.Links;
import io.shroud.link.OpenLinks;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;

/**
 * The protocol of {@link CircuitsActor}: its messages (public ones for the node, package ones for
 * its circuits and hops, and its own) and what it is built from ({@link Setup}). Declared here so
 * that the actor's file holds its behaviour only; {@code CircuitsActor.BuildCircuit} and the rest
 * still name them, as members it inherits.
 */
public abstract class CircuitsProtocolActor extends AbstractBehavior<CircuitsProtocolActor.Command> {
  public sealed interface Command {}

  /** Builds a circuit of {@code hops} (1–4) to {@code destination} or a random one. */
  public record BuildCircuit(Optional<NodeId> destination, int hops, ActorRef<BuildResult> replyTo)
      implements Command {}

  public sealed interface BuildResult {}

  /** A ready circuit: link id on the first hop (hex), path (node id hex), build time; {@code circuit} for streams. */
  public record Built(String circuitId, List<String> path, long buildMillis, ActorRef<CircuitActor.Command> circuit)
      implements BuildResult {}

  public record Failed(String reason) implements BuildResult {}

  /** {@code GET /shroud/v1/circuits}. */
  public record GetCircuits(ActorRef<CircuitsView> replyTo) implements Command {}

  /** Binds stream BEGINs for {@code name} at this node to {@code handler} (replaces an earlier one). */
  public record RegisterService(String name, ActorRef<Streams.ServiceRequest> handler) implements Command {}

  /** The node's onion keys (also what the {@code KeysActor} subscription delivers). */
  public record UseOnionKeys(OnionKeyPair current, Optional<OnionKeyPair> previous) implements Command {}

  /** The verified directory (also what the {@code DirectoryActor} subscription delivers). */
  public record UseDirectory(List<NodeDescriptor> descriptors) implements Command {}

  /**
   * The newest verified consensus (protocol §10.10): from now on paths are drawn from its relays
   * that have a verified descriptor, guards need its Guard flag; before the first one, paths come
   * from the descriptors alone.
   */
  public record UseConsensus(Consensus consensus) implements Command {}

  /**
   * Builds a one-hop circuit to {@code destination} from the verified descriptors, whatever the
   * consensus lists: how an authority reaches and measures a relay the consensus does not (yet)
   * list (design.md §8.2).
   */
  public record BuildMeasurementCircuit(NodeId destination, ActorRef<BuildResult> replyTo) implements Command {}

  /**
   * A seeder's rendezvous with a downloader that drew this relay itself as its rendezvous point,
   * joined here without a circuit (protocol §11.7.1, {@link LocalRendezvousActor}): answered with
   * {@link Built}, whose {@code circuit} takes what a seeder sends its rendezvous circuit.
   */
  public record LocalRendezvous(ActorRef<BuildResult> replyTo) implements Command {}

  /**
   * Asks for the relays paths are drawn from now (the current {@link RelayDirectory}: the
   * consensus's relays with a verified descriptor, or before one the descriptors' relays): node id,
   * IPv4 address, weight and flags; what a hidden seeder picks its intro points from (§11.5).
   */
  public record GetRelays(ActorRef<Relays> replyTo) implements Command {}

  /** The answer to {@link GetRelays}, this node's own relay included. */
  public record Relays(List<RelayInfo> relays) {
    public Relays {
      relays = List.copyOf(relays);
    }
  }

  /** Sent to the guard listener whenever the guard set changes: persist these entries. */
  public record GuardsChanged(List<GuardSet.Entry> entries) {}

  record OpenFirstHop(NodeId peer, byte[] createPayload, int attempt, ActorRef<CircuitActor.Command> owner)
      implements Command {}

  record OpenNextHop(ExtendRequest request, NodeId previous, ActorRef<RelayActor.Command> owner) implements Command {}

  record Release(NodeId peer, int circuitId) implements Command {}

  record CellsArrived(Links.InboundCells inbound) implements Command {}

  record LinkChanged(Links.LinkEvent event) implements Command {}

  record ChildStopped(ActorRef<?> child) implements Command {}

  record ServiceRouted(Streams.ServiceRequest request) implements Command {}

  enum Housekeeping implements Command { INSTANCE }

  /** From {@link QueuedCells}: the cells queued on relayed hops went over their bound. */
  enum CheckQueues implements Command { INSTANCE }

  /**
   * Everything the actor is built from. {@code keysActor}/{@code directoryActor} are subscribed
   * to when present (tests send {@link UseOnionKeys}/{@link UseDirectory} instead);
   * {@code guards} are the persisted guard entries; {@code guardListener} gets {@link GuardsChanged};
   * {@code openLinks} are the node's open links, on which circuits and relays send their cells
   * without going through {@code links} ({@link OpenLinks#none()} when links run in memory);
   * {@code client}: a client's circuits, whose ids always come from the top half (protocol §4.10.3).
   */
  public record Setup(NodeId self, CircuitSettings settings, ActorRef<Links.Command> links,
      OpenLinks openLinks,
      Optional<Consumer<ActorRef<OnionKeys>>> keysActor, Optional<Consumer<ActorRef<DirectoryView>>> directoryActor,
      List<GuardSet.Entry> guards, Optional<ActorRef<GuardsChanged>> guardListener, Clock clock, SecureRandom random,
      boolean client) {

    /** A relay's circuits ({@code client} false). */
    public Setup(NodeId self, CircuitSettings settings, ActorRef<Links.Command> links, OpenLinks openLinks,
        Optional<Consumer<ActorRef<OnionKeys>>> keysActor, Optional<Consumer<ActorRef<DirectoryView>>> directoryActor,
        List<GuardSet.Entry> guards, Optional<ActorRef<GuardsChanged>> guardListener, Clock clock,
        SecureRandom random) {
      this(self, settings, links, openLinks, keysActor, directoryActor, guards, guardListener, clock, random, false);
    }

    /** Links in memory: every cell goes through {@code links}. */
    public Setup(NodeId self, CircuitSettings settings, ActorRef<Links.Command> links,
        Optional<Consumer<ActorRef<OnionKeys>>> keysActor, Optional<Consumer<ActorRef<DirectoryView>>> directoryActor,
        List<GuardSet.Entry> guards, Optional<ActorRef<GuardsChanged>> guardListener, Clock clock,
        SecureRandom random) {
      this(self, settings, links, OpenLinks.none(), keysActor, directoryActor, guards, guardListener, clock,
          random, false);
    }
  }

  CircuitsProtocolActor(ActorContext<Command> ctx) {
    super(ctx);
  }
}
