package io.shroud.swarm.fetch;

import io.shroud.circuit.CircuitActor;
import io.shroud.circuit.CircuitsActor;
import io.shroud.circuit.Streams;
import io.shroud.circuit.Streams.StreamCommand;
import io.shroud.circuit.Streams.StreamEvent;
import io.shroud.hidden.DescriptorBook;
import io.shroud.hidden.HsRelay;
import io.shroud.hidden.ShareSecret;
import io.shroud.identity.NodeId;
import io.shroud.lookup.RecordLookupsActor;
import io.shroud.rendezvous.DescriptorLookupActor;
import io.shroud.rendezvous.RendezvousClientActor;
import io.shroud.swarm.transfer.OutboundChunks;
import io.shroud.swarm.transfer.TransferCodec;
import io.shroud.swarm.transfer.TransferFrameDecoder;
import io.shroud.swarm.transfer.TransferMessage;
import io.shroud.swarm.transfer.TransferProtocolException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * The downloader's end of one source connection: reaches a hidden seeder through an introduction
 * and a rendezvous point ({@link #createHidden}; on the in-memory test networks, a node's
 * {@code transfer} service by a circuit of {@code hops} ending there, {@link #create}), opens a
 * {@code transfer} stream on the circuit, says HELLO, then turns stream bytes into
 * {@link TransferMessage}s for its parent and the parent's messages into stream chunks (against
 * the stream's credit). It stops after reporting {@link SourceReport.Lost}: circuit failure, stream end or a
 * protocol violation by the provider.
 */
public final class ProviderSessionActor extends AbstractBehavior<ProviderSessionActor.Command> {

  public sealed interface Command {}

  /** Sends a message to the provider. */
  public record Send(TransferMessage message) implements Command {}

  /** Sends messages to the provider, packed into as few stream chunks as they fit in. */
  public record SendAll(List<TransferMessage> messages) implements Command {}

  /** Ends the stream and stops. */
  public enum Close implements Command { INSTANCE }

  private record Built(CircuitsActor.BuildResult result) implements Command {}

  /** The rendezvous with a hidden seeder came back. */
  private record Reached(RendezvousClientActor.Result result) implements Command {}

  private record FromStream(StreamEvent event) implements Command {}

  /**
   * Sent to self when the first of a run of messages or stream chunks arrives, so that what
   * the mailbox already holds is handled before anything leaves: requests queued by one
   * {@code refill} share stream chunks (one relay cell carries ~300 block requests instead of
   * one), and the chunks consumed meanwhile are acknowledged in one {@code Consumed(n)}.
   */
  private enum Flush implements Command { INSTANCE }

  private final NodeId provider;
  private final long epoch;
  private final byte[] infoHash;
  private final ActorRef<SourceReport> parent;
  private final TransferFrameDecoder decoder = new TransferFrameDecoder();
  private final OutboundChunks outbound = new OutboundChunks(Streams.MAX_CHUNK);
  private ActorRef<StreamCommand> stream;
  /** A hidden seeder's joined circuit: this session owns it and closes it when it stops. */
  private ActorRef<CircuitActor.Command> rendezvous;
  private String circuitId;
  private List<String> path = List.of();
  private boolean flushScheduled;
  private int unacknowledgedChunks;

  /** A session with the {@code transfer} service of node {@code provider}, by a circuit ending there (tests). */
  public static Behavior<Command> create(NodeId provider, long epoch, byte[] infoHash, int hops,
      ActorRef<CircuitsActor.Command> circuits, ActorRef<SourceReport> parent) {
    return Behaviors.setup(ctx -> {
      circuits.tell(new CircuitsActor.BuildCircuit(Optional.of(provider), hops,
          ctx.messageAdapter(CircuitsActor.BuildResult.class, Built::new)));
      return new ProviderSessionActor(ctx, provider, epoch, infoHash, parent);
    });
  }

  /**
   * A session with a hidden seeder (protocol §11.6–§11.9): {@code label} is the download's
   * opaque name for it; a {@link RendezvousClientActor} reaches it through an introduction and a
   * rendezvous point, and the {@code transfer} stream opens on the joined circuit.
   */
  public static Behavior<Command> createHidden(NodeId label, long epoch, byte[] infoHash,
      java.util.function.Function<ActorRef<RendezvousClientActor.Result>, RendezvousClientActor.Reach> reach,
      ActorRef<SourceReport> parent) {
    return Behaviors.setup(ctx -> {
      ctx.spawn(RendezvousClientActor.create(reach.apply(ctx.messageAdapter(RendezvousClientActor.Result.class,
          Reached::new))), "rendezvous");
      return new ProviderSessionActor(ctx, label, epoch, infoHash, parent);
    });
  }

  private ProviderSessionActor(ActorContext<Command> ctx, NodeId provider, long epoch, byte[] infoHash,
      ActorRef<SourceReport> parent) {
    super(ctx);
    this.provider = provider;
    this.epoch = epoch;
    this.infoHash = infoHash.clone();
    this.parent = parent;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Built.class, this::onBuilt)
        .onMessage(Reached.class, this::onReached)
        .onMessage(FromStream.class, this::onStream)
        .onMessage(Send.class, this::onSend)
        .onMessage(SendAll.class, this::onSendAll)
        .onMessageEquals(Close.INSTANCE, this::onClose)
        .onMessageEquals(Flush.INSTANCE, this::onFlush)
        .onSignal(PostStop.class, stop -> {
          if (rendezvous != null) {
            rendezvous.tell(CircuitActor.Close.INSTANCE);
          }
          return this;
        })
        .build();
  }

  private Behavior<Command> onBuilt(Built built) {
    if (built.result() instanceof CircuitsActor.Built ok) {
      circuitId = ok.circuitId();
      path = ok.path();
      ok.circuit().tell(new CircuitActor.OpenStream(TransferCodec.SERVICE,
          getContext().messageAdapter(StreamEvent.class, FromStream::new)));
      return this;
    }
    return lost("circuit build failed: " + ((CircuitsActor.Failed) built.result()).reason());
  }

  private Behavior<Command> onReached(Reached reached) {
    if (reached.result() instanceof RendezvousClientActor.Ready ready) {
      rendezvous = ready.circuit();
      circuitId = ready.circuitId();
      path = ready.path();
      ready.circuit().tell(new CircuitActor.OpenStream(TransferCodec.SERVICE,
          getContext().messageAdapter(StreamEvent.class, FromStream::new)));
      return this;
    }
    return lost("no rendezvous: " + ((RendezvousClientActor.Failed) reached.result()).reason());
  }

  private Behavior<Command> onStream(FromStream from) {
    StreamEvent e = from.event();
    if (e instanceof Streams.StreamOpened opened) {
      stream = opened.stream();
      outbound.credit(opened.credit());
      parent.tell(new SourceReport.Connected(provider, epoch, circuitId, path));
      send(new TransferMessage.Hello(infoHash));
    } else if (e instanceof Streams.StreamCredit credit) {
      outbound.credit(credit.chunks());
      flush();
    } else if (e instanceof Streams.StreamData data) {
      unacknowledgedChunks += data.chunks();
      scheduleFlush();
      try {
        List<TransferMessage> messages = decoder.feed(data.parts());
        if (!messages.isEmpty()) {
          parent.tell(new SourceReport.Received(provider, epoch, messages));
        }
      } catch (TransferProtocolException ex) {
        stream.tell(Streams.EndStream.INSTANCE);
        return lost("protocol violation: " + ex.getMessage());
      }
    } else if (e instanceof Streams.StreamEnded ended) {
      return lost("stream ended: " + ended.reason());
    } else if (e instanceof Streams.StreamRefused refused) {
      return lost("write refused: " + refused.reason());
    }
    return this;
  }

  private Behavior<Command> onSend(Send send) {
    send(send.message());
    return this;
  }

  private Behavior<Command> onSendAll(SendAll send) {
    send.messages().forEach(outbound::add);
    scheduleFlush();
    return this;
  }

  private void send(TransferMessage m) {
    outbound.add(m);
    scheduleFlush();
  }

  private void scheduleFlush() {
    if (!flushScheduled) {
      flushScheduled = true;
      getContext().getSelf().tell(Flush.INSTANCE);
    }
  }

  private Behavior<Command> onFlush() {
    flushScheduled = false;
    if (stream != null && unacknowledgedChunks > 0) {
      stream.tell(new Streams.Consumed(unacknowledgedChunks));
      unacknowledgedChunks = 0;
    }
    flush();
    return this;
  }

  private void flush() {
    if (stream == null) {
      return;
    }
    List<byte[]> chunks = outbound.drain();
    if (!chunks.isEmpty()) {
      stream.tell(new Streams.WriteAll(chunks));
    }
  }

  private Behavior<Command> onClose() {
    if (stream != null) {
      stream.tell(Streams.EndStream.INSTANCE);
    }
    return Behaviors.stopped();
  }

  private Behavior<Command> lost(String reason) {
    parent.tell(new SourceReport.Lost(provider, epoch, reason));
    return Behaviors.stopped();
  }

  /**
   * The sources of one download, kept by the download's actor in its own context: hidden seeders
   * found by descriptor ({@link #lookUpHidden}), and a session to each, spawned with its reports adapted by
   * {@code fromSource} and watched, so that its stop reaches the parent as
   * {@code stopped(provider, epoch)}.
   */
  static final class Sessions<C> {
    private final ActorContext<C> context;
    private final ActorRef<CircuitsActor.Command> circuits;
    private final Function<SourceReport, C> fromSource;
    private final BiFunction<NodeId, Long, C> stopped;
    private final Clock clock;
    private final NodeId self;
    private final Map<NodeId, ActorRef<Command>> open = new LinkedHashMap<>();
    /** Hidden seeders by their labels; the labels by the descriptor publisher key they stand for. */
    private final Map<NodeId, DescriptorBook.Seeder> hidden = new HashMap<>();
    private final Map<String, NodeId> labels = new HashMap<>();
    /** The relays of the last hidden lookup: rendezvous points are drawn from them. */
    private List<HsRelay> relays = List.of();
    private final SecureRandom random = new SecureRandom();
    private ActorRef<SourceReport> reports;

    Sessions(ActorContext<C> context, ActorRef<CircuitsActor.Command> circuits, Function<SourceReport, C> fromSource,
        BiFunction<NodeId, Long, C> stopped, NodeId self, Clock clock) {
      this.context = context;
      this.self = self;
      this.clock = clock;
      this.circuits = circuits;
      this.fromSource = fromSource;
      this.stopped = stopped;
    }

    /**
     * Looks the hidden seeders of the share of {@code secret} up (descriptors through circuits
     * of {@code hops}, protocol §11.3); the parent hears {@code found(labels, error)}: one opaque
     * label per seeder, random and this download's own, the same for a descriptor found again.
     */
    void lookUpHidden(ShareSecret secret, ActorRef<RecordLookupsActor.Command> lookups, int hops, Clock clock,
        BiFunction<List<NodeId>, String, C> found) {
      ActorRef<DescriptorLookupActor.Sources> replyTo = context.messageAdapter(DescriptorLookupActor.Sources.class,
          sources -> found.apply(labelled(sources), sources.error()));
      context.spawnAnonymous(DescriptorLookupActor.findSeeders(secret, circuits, lookups, hops, clock, random,
          replyTo));
    }

    private List<NodeId> labelled(DescriptorLookupActor.Sources sources) {
      if (!sources.relays().isEmpty()) {
        relays = sources.relays();
      }
      List<NodeId> out = new ArrayList<>();
      for (DescriptorBook.Seeder seeder : sources.seeders()) {
        String publisher = HexFormat.of().formatHex(seeder.publisher());
        NodeId label = labels.computeIfAbsent(publisher, p -> {
          byte[] bytes = new byte[NodeId.BYTES];
          random.nextBytes(bytes);
          return NodeId.of(bytes);
        });
        hidden.put(label, seeder); // the newest descriptor (its intro points, its effort)
        out.add(label);
      }
      return out;
    }

    void connect(NodeId provider, long epoch, byte[] infoHash, int hops) {
      if (reports == null) {
        reports = context.messageAdapter(SourceReport.class, fromSource::apply);
      }
      DescriptorBook.Seeder seeder = hidden.get(provider);
      Behavior<Command> session = seeder == null ? create(provider, epoch, infoHash, hops, circuits, reports)
          : createHidden(provider, epoch, infoHash, replyTo -> new RendezvousClientActor.Reach(seeder, relays,
              Optional.of(self), circuits, hops, clock, random, replyTo), reports);
      // a failed session stops (its circuit and stream are gone); the watch reports the source lost
      ActorRef<Command> ref = context.spawn(Behaviors.supervise(session).onFailure(SupervisorStrategy.stop()),
          "source-" + epoch);
      context.watchWith(ref, stopped.apply(provider, epoch));
      open.put(provider, ref);
    }

    void send(NodeId provider, TransferMessage message) {
      ActorRef<Command> ref = open.get(provider);
      if (ref != null) {
        ref.tell(new Send(message));
      }
    }

    void sendAll(NodeId provider, List<TransferMessage> messages) {
      ActorRef<Command> ref = open.get(provider);
      if (ref != null && !messages.isEmpty()) {
        ref.tell(new SendAll(messages));
      }
    }

    /** Closes the session (unwatched: no stop is reported). */
    void close(NodeId provider) {
      ActorRef<Command> ref = open.remove(provider);
      if (ref != null) {
        context.unwatch(ref);
        ref.tell(Close.INSTANCE);
      }
    }
  }
}
