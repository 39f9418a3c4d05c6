package io.shroud.node.admission;

import io.shroud.admission.NetworkDefinition;
import io.shroud.admission.RevocationList;
import io.shroud.content.DurableFiles;
import io.shroud.identity.NodeId;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.ddata.Key;
import org.apache.pekko.cluster.ddata.LWWMap;
import org.apache.pekko.cluster.ddata.LWWMapKey;
import org.apache.pekko.cluster.ddata.SelfUniqueAddress;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;
import org.apache.pekko.cluster.ddata.typed.javadsl.ReplicatorMessageAdapter;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Down;
import org.apache.pekko.cluster.typed.Leave;

/**
 * Holds the network's newest verified revocation list and enforces it. Lists come from the file
 * {@code revocations.pem} beside {@code network.conf} (re-read when it changes), from this node's
 * own copy in its data directory (so a restart keeps what it knew), from other relays through
 * Distributed Data, and from the management API. A newer verified list is saved, handed to
 * {@link Revocations} (which the Artery TLS checks and the directory read) and replicated; every
 * check interval, each cluster member whose address proved a revoked node id over TLS
 * ({@link AdmittedPeers}) is downed, and a relay that finds itself revoked leaves.
 */
public final class RevocationsActor extends AbstractBehavior<RevocationsActor.Command> {

  static final Key<LWWMap<String, PublishedRevocations>> KEY = LWWMapKey.create("shroud-revocations");
  private static final String ENTRY = "list";
  /** Name of the list's file, beside network.conf and in the data directory. */
  public static final String FILE = "revocations.pem";

  public sealed interface Command {}

  /** Offers a list (armored text) from the management API; replies with what it did. */
  public record Submit(String armored, ActorRef<RevocationLedger.Outcome> replyTo) implements Command {}

  /** Replies with the current list, if any. */
  public record GetCurrent(ActorRef<Optional<RevocationList>> replyTo) implements Command {}

  private enum Check implements Command { INSTANCE }

  private record Replicated(Replicator.SubscribeResponse<LWWMap<String, PublishedRevocations>> rsp)
      implements Command {}

  private record Stored(Replicator.UpdateResponse<LWWMap<String, PublishedRevocations>> rsp) implements Command {}

  /** Where the actor reads and keeps lists. */
  public record Setup(NetworkDefinition network, Path networkDir, Path dataDir, NodeId self) {}

  private final Setup setup;
  private final RevocationLedger ledger;
  private final ReplicatorMessageAdapter<Command, LWWMap<String, PublishedRevocations>> replicator;
  private final SelfUniqueAddress selfUniqueAddress;
  private final Cluster cluster;
  private final Set<Address> downed = new HashSet<>();
  private FileTime networkFileSeen;
  private boolean leaving;

  public static Behavior<Command> create(Setup setup) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(Check.INSTANCE, setup.network().revocationCheckInterval());
      return DistributedData.<Command, LWWMap<String, PublishedRevocations>>withReplicatorMessageAdapter(
          replicator -> new RevocationsActor(ctx, replicator, setup));
    }));
  }

  private RevocationsActor(ActorContext<Command> ctx,
      ReplicatorMessageAdapter<Command, LWWMap<String, PublishedRevocations>> replicator, Setup setup) {
    super(ctx);
    this.setup = setup;
    this.ledger = new RevocationLedger(setup.network());
    this.replicator = replicator;
    this.selfUniqueAddress = DistributedData.get(ctx.getSystem()).selfUniqueAddress();
    this.cluster = Cluster.get(ctx.getSystem());
    readFile(setup.dataDir().resolve(FILE), "this node's saved copy");
    readNetworkFile();
    replicator.subscribe(KEY, Replicated::new);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessageEquals(Check.INSTANCE, this::onCheck)
        .onMessage(Replicated.class, this::onReplicated)
        .onMessage(Submit.class, this::onSubmit)
        .onMessage(GetCurrent.class, msg -> {
          msg.replyTo().tell(ledger.current());
          return this;
        })
        .onMessage(Stored.class, msg -> {
          if (!(msg.rsp() instanceof Replicator.UpdateSuccess)) {
            getContext().getLog().warn("replicating the revocation list failed: {}", msg.rsp());
          }
          return this;
        })
        .build();
  }

  private Behavior<Command> onCheck() {
    readNetworkFile();
    enforce();
    return this;
  }

  private Behavior<Command> onSubmit(Submit msg) {
    RevocationLedger.Outcome outcome = offer(msg.armored(), "the management API");
    msg.replyTo().tell(outcome);
    return this;
  }

  private Behavior<Command> onReplicated(Replicated msg) {
    if (msg.rsp() instanceof Replicator.Changed<LWWMap<String, PublishedRevocations>> changed) {
      scala.Option<PublishedRevocations> value = changed.get(KEY).get(ENTRY);
      boolean ours = value.isDefined() && ledger.current().map(RevocationList::armor)
          .filter(value.get().armored()::equals).isPresent();
      if (value.isDefined() && !ours) {
        RevocationLedger.Outcome outcome = offer(value.get().armored(), "another relay");
        if (RevocationLedger.putOursBack(outcome)) {
          ledger.current().ifPresent(this::replicate);
        }
      }
    }
    return this;
  }

  private void readNetworkFile() {
    Path file = setup.networkDir().resolve(FILE);
    try {
      if (!Files.isRegularFile(file)) {
        return;
      }
      FileTime modified = Files.getLastModifiedTime(file);
      if (modified.equals(networkFileSeen)) {
        return;
      }
      networkFileSeen = modified;
    } catch (IOException e) {
      getContext().getLog().warn("cannot read {}: {}", file, e.getMessage());
      return;
    }
    readFile(file, file.toString());
  }

  private void readFile(Path file, String source) {
    if (!Files.isRegularFile(file)) {
      return;
    }
    try {
      if (Files.size(file) > 4L * 1024 * 1024) {
        getContext().getLog().warn("revocation list {} is over 4 MiB; ignored", file);
        return;
      }
      offer(Files.readString(file, StandardCharsets.US_ASCII), source);
    } catch (IOException e) {
      getContext().getLog().warn("cannot read the revocation list {}: {}", file, e.getMessage());
    }
  }

  private RevocationLedger.Outcome offer(String armored, String source) {
    RevocationLedger.Outcome outcome = ledger.offer(armored);
    if (outcome instanceof RevocationLedger.Accepted accepted) {
      RevocationList list = accepted.list();
      Revocations.get(getContext().getSystem()).update(list.revoked());
      getContext().getLog().info("revocation list serial {} from {}: {} relay(s) revoked",
          list.serial(), source, list.revoked().size());
      save(list);
      replicate(list);
      enforce();
    } else if (outcome instanceof RevocationLedger.Invalid invalid) {
      getContext().getLog().warn("revocation list from {} refused: {}", source, invalid.reason());
    }
    return outcome;
  }

  private void save(RevocationList list) {
    Path file = setup.dataDir().resolve(FILE);
    try {
      DurableFiles.writeAtomically(file, list.armor().getBytes(StandardCharsets.US_ASCII));
    } catch (IOException e) {
      getContext().getLog().warn("cannot save the revocation list to {}: {}", file, e.getMessage());
    }
  }

  private void replicate(RevocationList list) {
    PublishedRevocations value = new PublishedRevocations(list.armor());
    replicator.askUpdate(
        replyTo -> new Replicator.Update<>(KEY, LWWMap.empty(), Replicator.writeLocal(), replyTo,
            map -> map.put(selfUniqueAddress, ENTRY, value)),
        Stored::new);
  }

  private void enforce() {
    Set<NodeId> revoked = ledger.revoked();
    if (revoked.isEmpty()) {
      return;
    }
    if (revoked.contains(setup.self())) {
      if (!leaving) {
        leaving = true;
        getContext().getLog().error("this relay ({}) is revoked by revocation list serial {}; leaving the cluster",
            setup.self(), ledger.current().map(RevocationList::serial).orElse(0L));
        cluster.manager().tell(Leave.create(cluster.selfMember().address()));
      }
      return;
    }
    AdmittedPeers peers = AdmittedPeers.get(getContext().getSystem());
    for (Member m : cluster.state().getMembers()) {
      if (m.status() == MemberStatus.down() || m.status() == MemberStatus.removed()
          || m.address().equals(cluster.selfMember().address())) {
        continue;
      }
      String hostPort = m.address().host().get() + ":" + m.address().port().get();
      Optional<NodeId> id = peers.at(hostPort);
      if (id.isPresent() && revoked.contains(id.get())) {
        if (downed.add(m.address())) {
          getContext().getLog().warn("downing revoked relay {} at {}", id.get(), hostPort);
        }
        // told again at every check until the member is down: a Down given before this node's
        // view converged may not have taken
        cluster.manager().tell(new Down(m.address()));
      }
    }
  }
}
