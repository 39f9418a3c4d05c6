package io.shroud.store;

import io.shroud.circuit.CircuitsActor;
import io.shroud.circuit.RelayInfo;
import io.shroud.dht.SignedRecord;
import io.shroud.hidden.ShareSecret;
import io.shroud.identity.NodeId;
import io.shroud.lookup.RecordLookup;
import io.shroud.lookup.RecordLookupsActor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * Reads a stored share back from its storers alone (docs/protocol.md §12.11): looks the root up at
 * the manifest's location through a circuit (only a record signed by the link's publisher key
 * counts, the newest), fetches the manifest's chunks and then each stripe's fragments through
 * circuits from the relays that should hold them ({@link StorerChoice}, then the next closest),
 * checks every fragment against its address (a storer whose bytes do not match is struck and the
 * next one asked), decodes each stripe from any {@code K}, and writes the pieces back to back into
 * {@code output}. The caller verifies the pieces (against the share's Merkle root) as for any
 * download. With {@link Fetch#repair} (§12.12) it also rebuilds each stripe's lost fragments and
 * puts them on relays holding nothing of the stripe. Writes block: spawn it on a blocking
 * dispatcher.
 */
public final class StoredShareFetchActor extends AbstractBehavior<StoredShareFetchActor.Command> {
  public sealed interface Command {}

  /**
   * What to fetch: the share of {@code secret}, through circuits of {@code hops}, into
   * {@code output} (null: nothing is written). {@code self} and {@code localStore}: this node's
   * relay and its own fragment store (null on a client), asked directly for what this relay
   * stores itself. With {@code repair} (a pinner's repair, §12.12) every stored fragment a stripe
   * has lost is rebuilt and put again, leased {@code lease}.
   */
  public record Fetch(ShareSecret secret, int hops, Path output, NodeId self,
      ActorRef<FragmentStoreActor.Command> localStore, boolean repair, Duration lease) {
    /** Fetch only, into {@code output}. */
    public Fetch(ShareSecret secret, int hops, Path output, NodeId self, ActorRef<FragmentStoreActor.Command> localStore) {
      this(secret, hops, output, self, localStore, false, Duration.ZERO);
    }
  }

  public sealed interface Result {}

  /**
   * Done: the manifest, fragments fetched from storers, storers struck for a bad fragment, and
   * (repairing) lost fragments rebuilt and stored again.
   */
  public record Restored(StorageManifest manifest, int fromStorers, int struck, int rebuilt) implements Result {}

  public record Failed(String reason) implements Result {}

  private record Found(RecordLookup lookup) implements Command {}

  private record Relays(CircuitsActor.Relays relays) implements Command {}

  /** The answer for blob {@code slot} (a chunk, or a fragment index) from {@code storer}. */
  private record Got(int slot, NodeId storer, FragmentClientActor.Result result) implements Command {}

  /** The answer to a repair's PUT of rebuilt {@code fragment}. */
  private record Reput(StripeCoder.Fragment fragment, NodeId storer, FragmentClientActor.Result result)
      implements Command {}

  /** Relays asked per manifest chunk, closest first (it is on the closest few). */
  static final int CHUNK_CANDIDATES = 4;
  /**
   * Relays asked per fragment after the one {@link StorerChoice} expects: every relay, closest
   * first, until one has it. A fragment is usually where expected (or among the stripe's width of
   * closest relays), but an upload's retries and the uploader's own relay, which it skipped, can
   * put it further; a lost fragment costs one circuit per relay (a cheaper "do you hold it" is
   * for later).
   */
  private int fragmentCandidates() {
    return relays.size();
  }

  private final ActorRef<CircuitsActor.Command> circuits;
  /** One circuit per storer, closed with this actor. */
  private final ActorRef<Object> storers;
  private final Fetch fetch;
  private final Duration timeout;
  private final ActorRef<Result> replyTo;
  private List<RelayInfo> relays = List.of();
  private ManifestRoot root;
  private StorageManifest manifest;
  private StripeCoder coder;
  private int stripe = -1;
  /** The blobs being fetched: slot → address, the candidates left to ask, what came back. */
  private final Map<Integer, byte[]> wanted = new HashMap<>();
  private final Map<Integer, List<NodeId>> candidates = new HashMap<>();
  private final Map<Integer, byte[]> got = new HashMap<>();
  /** Who gave each fragment of the current stripe. */
  private final Map<Integer, NodeId> holders = new HashMap<>();
  private int rebuilt;
  private int reputs;
  /** Relays that refused or failed a repair's PUT in this stripe, and PUTs tried per fragment index. */
  private final Set<NodeId> refusedPuts = new java.util.HashSet<>();
  private final Map<Integer, Integer> putTries = new HashMap<>();
  private int inFlight;
  private int fromStorers;
  /** Storers that answered bytes not matching the address asked for: never asked again. */
  private final Set<NodeId> struck = new java.util.HashSet<>();

  public static Behavior<Command> create(ActorRef<CircuitsActor.Command> circuits,
      ActorRef<RecordLookupsActor.Command> lookups, Fetch fetch, Duration timeout, ActorRef<Result> replyTo) {
    return Behaviors.setup(ctx -> new StoredShareFetchActor(ctx, circuits, lookups, fetch, timeout, replyTo));
  }

  private StoredShareFetchActor(ActorContext<Command> ctx, ActorRef<CircuitsActor.Command> circuits,
      ActorRef<RecordLookupsActor.Command> lookups, Fetch fetch, Duration timeout, ActorRef<Result> replyTo) {
    super(ctx);
    this.circuits = circuits;
    this.fetch = fetch;
    this.timeout = timeout;
    this.replyTo = replyTo;
    this.storers = ctx.spawn(StorerCircuitsActor.create(circuits, fetch.hops(), timeout), "storers");
    lookups.tell(new RecordLookupsActor.LookupRecord(ManifestSeal.location(fetch.secret()), fetch.hops(),
        ctx.messageAdapter(RecordLookup.class, Found::new)));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Found.class, this::onFound)
        .onMessage(Relays.class, this::onRelays)
        .onMessage(Got.class, this::onGot)
        .onMessage(Reput.class, this::onReput)
        .build();
  }

  private Behavior<Command> onFound(Found found) {
    byte[] publisher = ManifestRoot.publisher(fetch.secret()).publicKey();
    Optional<SignedRecord> newest = found.lookup().records().stream()
        .filter(r -> MessageDigest.isEqual(r.publisher(), publisher)).max(Comparator.comparingLong(SignedRecord::seq));
    if (newest.isEmpty()) {
      return fail("no manifest root found at the share's location" + (found.lookup().error() == null ? ""
          : ": " + found.lookup().error()));
    }
    try {
      root = ManifestRoot.open(fetch.secret(), newest.get().value());
    } catch (ManifestException e) {
      return fail(e.getMessage());
    }
    circuits.tell(new CircuitsActor.GetRelays(getContext().messageAdapter(CircuitsActor.Relays.class, Relays::new)));
    return this;
  }

  private Behavior<Command> onRelays(Relays r) {
    relays = r.relays().relays();
    for (int c = 0; c < root.chunks().size(); c++) {
      want(c, root.chunks().get(c), null, CHUNK_CANDIDATES);
    }
    return this;
  }

  /** Starts fetching blob {@code slot} at {@code address}: first {@code expected} (if any), then the closest relays. */
  private void want(int slot, byte[] address, NodeId expected, int count) {
    LinkedHashSet<NodeId> order = new LinkedHashSet<>();
    if (expected != null) {
      order.add(expected);
    }
    StorerChoice.closest(address, relays, count).forEach(x -> order.add(x.id()));
    wanted.put(slot, address);
    candidates.put(slot, new ArrayList<>(order));
    ask(slot);
  }

  private void ask(int slot) {
    List<NodeId> left = candidates.get(slot);
    left.removeAll(struck);
    if (left.isEmpty()) {
      return;
    }
    NodeId storer = left.remove(0);
    inFlight++;
    ActorRef<Command> self = getContext().getSelf();
    if (storer.equals(fetch.self())) {
      if (fetch.localStore() == null) {
        self.tell(new Got(slot, storer, new FragmentClientActor.Result(null, null, "no store here")));
      } else {
        fetch.localStore().tell(new FragmentStoreActor.Get(wanted.get(slot), getContext().spawnAnonymous(
            Behaviors.<FragmentStoreActor.Got>receiveMessage(local -> {
              self.tell(new Got(slot, storer, new FragmentClientActor.Result(local.fragment().isPresent()
                  ? FragmentWire.Status.OK : FragmentWire.Status.NOT_HELD, local.fragment().orElse(null), null)));
              return Behaviors.stopped();
            }))));
      }
      return;
    }
    StorerCircuitsActor.ask(getContext(), storers, storer, FragmentWire.Kind.GET, FragmentWire.get(wanted.get(slot)),
        res -> new Got(slot, storer, res));
  }

  private Behavior<Command> onGot(Got g) {
    inFlight--;
    FragmentClientActor.Result r = g.result();
    if (r.status() == FragmentWire.Status.OK && MessageDigest.isEqual(StripeCoder.address(r.fragment()),
        wanted.get(g.slot()))) {
      got.put(g.slot(), r.fragment());
      if (manifest != null) {
        fromStorers++;
        holders.put(g.slot(), g.storer());
      }
    } else {
      if (r.status() == FragmentWire.Status.OK && struck.add(g.storer())) {
        getContext().getLog().debug("a storer answered a fragment that does not match its address: struck");
      }
      ask(g.slot());
    }
    if (inFlight > 0) {
      return this;
    }
    return manifest == null ? manifestDone() : stripeDone();
  }

  private Behavior<Command> manifestDone() {
    List<byte[]> chunks = new ArrayList<>();
    for (int c = 0; c < root.chunks().size(); c++) {
      if (!got.containsKey(c)) {
        return fail("manifest chunk " + c + " was found on no relay");
      }
      chunks.add(got.get(c));
    }
    try {
      manifest = ManifestSeal.open(fetch.secret(), root.join(chunks));
    } catch (ManifestException e) {
      return fail(e.getMessage());
    }
    coder = new StripeCoder(manifest.layout(), manifest.key());
    return nextStripe();
  }

  private Behavior<Command> nextStripe() {
    stripe++;
    got.clear();
    holders.clear();
    refusedPuts.clear();
    putTries.clear();
    wanted.clear();
    candidates.clear();
    if (stripe == manifest.layout().stripes()) {
      replyTo.tell(new Restored(manifest, fromStorers, struck.size(), rebuilt));
      return Behaviors.stopped();
    }
    byte[][] addresses = manifest.addresses(stripe);
    Map<Integer, NodeId> expected = StorerChoice.forStripe(addresses, relays, Set.of());
    for (int i = 0; i < addresses.length; i++) {
      if (addresses[i] != null) {
        want(i, addresses[i], expected.get(i), fragmentCandidates());
      }
    }
    return inFlight == 0 ? stripeDone() : this;
  }

  private Behavior<Command> stripeDone() {
    List<byte[]> pieces;
    try {
      pieces = coder.decode(stripe, manifest.addresses(stripe), got);
    } catch (ErasureException | StripeCoder.BadFragmentException e) {
      return fail("stripe " + stripe + ": " + e.getMessage());
    }
    if (fetch.output() != null) {
      try {
        write(pieces);
      } catch (IOException e) {
        return fail("the output could not be written: " + e.getMessage());
      }
    }
    if (!fetch.repair() || got.size() == manifest.layout().storedFragments(stripe)) {
      return nextStripe();
    }
    List<StripeCoder.Fragment> lost;
    try {
      lost = coder.rebuild(stripe, manifest.addresses(stripe), got);
    } catch (ErasureException | StripeCoder.BadFragmentException e) {
      return fail("stripe " + stripe + ": " + e.getMessage());
    }
    for (StripeCoder.Fragment f : lost) {
      reput(f);
    }
    return this;
  }

  /** Puts a rebuilt fragment on the closest relay that holds nothing of its stripe and was not struck. */
  private void reput(StripeCoder.Fragment f) {
    Set<NodeId> taken = new java.util.HashSet<>(holders.values());
    taken.addAll(struck);
    taken.addAll(refusedPuts);
    putTries.merge(f.index(), 1, Integer::sum);
    NodeId storer = StorerChoice.closest(f.address(), relays, relays.size()).stream().map(RelayInfo::id)
        .filter(id -> !taken.contains(id) && !id.equals(fetch.self())).findFirst()
        .orElse(StorerChoice.closest(f.address(), relays, 1).get(0).id());
    holders.put(f.index(), storer);
    reputs++;
    StorerCircuitsActor.ask(getContext(), storers, storer, FragmentWire.Kind.PUT,
        FragmentWire.put(f.address(), fetch.lease().toSeconds(), f.bytes()), res -> new Reput(f, storer, res));
  }

  private Behavior<Command> onReput(Reput r) {
    reputs--;
    if (r.result().status() == FragmentWire.Status.OK) {
      rebuilt++;
    } else {
      getContext().getLog().debug("a rebuilt fragment was not stored: {}", r.result().status() != null
          ? r.result().status() : r.result().error());
      holders.remove(r.fragment().index());
      refusedPuts.add(r.storer());
      if (putTries.get(r.fragment().index()) < ShareUploadActor.ATTEMPTS) {
        reput(r.fragment());
      }
    }
    return reputs == 0 ? nextStripe() : this;
  }

  private void write(List<byte[]> pieces) throws IOException {
    StripeLayout layout = manifest.layout();
    long offset = 0;
    for (int p = 0; p < layout.firstPiece(stripe); p++) {
      offset += layout.pieceLength(p);
    }
    try (FileChannel out = FileChannel.open(fetch.output(), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      for (byte[] piece : pieces) {
        ByteBuffer b = ByteBuffer.wrap(piece);
        while (b.hasRemaining()) {
          out.write(b, offset + b.position());
        }
        offset += piece.length;
      }
    }
  }

  private Behavior<Command> fail(String reason) {
    replyTo.tell(new Failed(reason));
    return Behaviors.stopped();
  }
}
