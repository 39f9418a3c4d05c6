package io.shroud.store;

import io.shroud.circuit.CircuitsActor;
import io.shroud.circuit.RelayInfo;
import io.shroud.identity.NodeId;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * Stores one share in the network (docs/protocol.md §12.9): draws a {@link StorageKey}, codes the
 * pieces stripe by stripe ({@link StripeCoder}), and puts each stored fragment through a circuit
 * of {@code hops} at the relay {@link StorerChoice} names (the next closest one that holds nothing
 * of the stripe when that one fails, twice at most), one stripe at a time, its fragments in
 * parallel. Replies {@link Stored} with the manifest (what the link's holders need) and the
 * placement (known only here, never published), or {@link Failed}. Reading pieces blocks: spawn
 * it on a blocking dispatcher.
 */
public final class ShareUploadActor extends AbstractBehavior<ShareUploadActor.Command> {
  public sealed interface Command {}

  /** What to store: the pieces of {@code layout} from {@code pieces}, each fragment leased {@code lease}. */
  public record Upload(StripeLayout layout, PieceSource pieces, int hops, Duration lease) {}

  public sealed interface Result {}

  /** Stored: the manifest, and each fragment's storer (address hex → relay). */
  public record Stored(StorageManifest manifest, Map<String, NodeId> placement) implements Result {}

  public record Failed(String reason) implements Result {}

  private record Relays(CircuitsActor.Relays relays) implements Command {}

  private record Put(int index, NodeId storer, FragmentClientActor.Result result) implements Command {}

  /** Tries per fragment: its chosen storer, then the next closest free ones. */
  static final int ATTEMPTS = 3;

  private final ActorRef<CircuitsActor.Command> circuits;
  /** One circuit per storer, closed with this actor. */
  private final ActorRef<Object> storers;
  private final Set<NodeId> exclude;
  private final Upload upload;
  private final Duration timeout;
  private final ActorRef<Result> replyTo;
  private final StorageKey key;
  private final StripeCoder coder;
  private final List<byte[][]> addresses = new ArrayList<>();
  private final Map<String, NodeId> placement = new HashMap<>();
  private List<RelayInfo> relays = List.of();
  private int stripe = -1;
  /** The current stripe's fragments by index, their tries, the relays holding one of it, and those in flight. */
  private final Map<Integer, StripeCoder.Fragment> fragments = new HashMap<>();
  private final Map<Integer, Integer> tries = new HashMap<>();
  private final Set<NodeId> stripeRelays = new HashSet<>();
  private int inFlight;

  public static Behavior<Command> create(ActorRef<CircuitsActor.Command> circuits, Set<NodeId> exclude, Upload upload,
      SecureRandom random, Duration timeout, ActorRef<Result> replyTo) {
    return Behaviors.setup(ctx -> new ShareUploadActor(ctx, circuits, exclude, upload, random, timeout, replyTo));
  }

  private ShareUploadActor(ActorContext<Command> ctx, ActorRef<CircuitsActor.Command> circuits, Set<NodeId> exclude,
      Upload upload, SecureRandom random, Duration timeout, ActorRef<Result> replyTo) {
    super(ctx);
    this.circuits = circuits;
    this.exclude = Set.copyOf(exclude);
    this.upload = upload;
    this.timeout = timeout;
    this.replyTo = replyTo;
    this.key = StorageKey.generate(random);
    this.coder = new StripeCoder(upload.layout(), key);
    this.storers = ctx.spawn(StorerCircuitsActor.create(circuits, upload.hops(), timeout), "storers");
    circuits.tell(new CircuitsActor.GetRelays(ctx.messageAdapter(CircuitsActor.Relays.class, Relays::new)));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Relays.class, r -> {
          relays = r.relays().relays().stream().filter(x -> !exclude.contains(x.id())).toList();
          return relays.isEmpty() ? fail("no relay to store fragments on") : nextStripe();
        })
        .onMessage(Put.class, this::onPut)
        .build();
  }

  private Behavior<Command> nextStripe() {
    stripe++;
    if (stripe == upload.layout().stripes()) {
      StorageManifest manifest = new StorageManifest(upload.layout(), key, addresses);
      key.destroy();
      replyTo.tell(new Stored(manifest, Map.copyOf(placement)));
      return Behaviors.stopped();
    }
    List<byte[]> pieces = new ArrayList<>();
    try {
      int first = upload.layout().firstPiece(stripe);
      for (int i = 0; i < upload.layout().dataPieces(stripe); i++) {
        pieces.add(upload.pieces().read(first + i));
      }
    } catch (IOException e) {
      return fail("the share's pieces could not be read: " + e.getMessage());
    }
    fragments.clear();
    tries.clear();
    stripeRelays.clear();
    byte[][] stripeAddresses = new byte[upload.layout().redundancy().total()][];
    for (StripeCoder.Fragment f : coder.encode(stripe, pieces)) {
      fragments.put(f.index(), f);
      stripeAddresses[f.index()] = f.address();
    }
    addresses.add(stripeAddresses);
    StorerChoice.forStripe(stripeAddresses, relays, Set.of()).forEach(this::put);
    return this;
  }

  private void put(int index, NodeId storer) {
    StripeCoder.Fragment f = fragments.get(index);
    tries.merge(index, 1, Integer::sum);
    stripeRelays.add(storer);
    inFlight++;
    StorerCircuitsActor.ask(getContext(), storers, storer, FragmentWire.Kind.PUT,
        FragmentWire.put(f.address(), upload.lease().toSeconds(), f.bytes()), r -> new Put(index, storer, r));
  }

  private Behavior<Command> onPut(Put put) {
    inFlight--;
    StripeCoder.Fragment f = fragments.get(put.index());
    if (put.result().status() == FragmentWire.Status.OK) {
      placement.put(HexFormat.of().formatHex(f.address()), put.storer());
    } else {
      String why = put.result().status() != null ? "answered " + put.result().status() : put.result().error();
      getContext().getLog().debug("fragment {} of stripe {} not stored: {}", put.index(), stripe, why);
      if (tries.get(put.index()) >= ATTEMPTS) {
        return fail("fragment " + put.index() + " of stripe " + stripe + " could not be stored (" + why + ")");
      }
      RelayInfo next = StorerChoice.closest(f.address(), relays, relays.size()).stream()
          .filter(r -> !stripeRelays.contains(r.id())).findFirst()
          .orElse(StorerChoice.closest(f.address(), relays, 1).get(0));
      put(put.index(), next.id());
    }
    return inFlight == 0 ? nextStripe() : this;
  }

  private Behavior<Command> fail(String reason) {
    key.destroy();
    replyTo.tell(new Failed(reason));
    return Behaviors.stopped();
  }
}
