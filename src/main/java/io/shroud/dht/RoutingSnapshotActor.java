package io.shroud.dht;

import io.shroud.identity.NodeId;
import io.shroud.serialization.ShroudSerializable;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * Keeps the routing table's contacts durable so that a restarted node starts with the table it
 * had. Event-sourced with persistence id {@code dht-routing|<node id hex>}: each save is one
 * {@link ContactsSaved} event holding the whole contact list (node id, address, port, last
 * seen), and a snapshot is taken after every event (older events and snapshots are deleted,
 * two snapshots kept), so recovery reads one snapshot. After recovery the contacts go to the
 * DHT actor ({@link DhtActor.RestoreContacts}). At most {@link #MAX_CONTACTS} contacts are
 * saved (the most recently seen ones, stored oldest first), which keeps one snapshot well under the serializer's
 * size limit. The DHT actor decides when to save (every N membership changes, or on its timer
 * when anything changed).
 */
public final class RoutingSnapshotActor extends EventSourcedBehavior<RoutingSnapshotActor.Command,
    RoutingSnapshotActor.ContactsSaved, RoutingSnapshotActor.RoutingState> {

  /** Most contacts one snapshot holds (about 70 bytes each serialized). */
  public static final int MAX_CONTACTS = 2048;

  public sealed interface Command {}

  /** Persist these contacts as the table's new durable state. */
  record Save(List<Contact> contacts) implements Command {}

  /** One saved contact. {@code address} is the IP literal. */
  public record SavedContact(byte[] id, String address, int port, Instant lastSeen)
      implements ShroudSerializable {}

  /** Event: the table's contacts at one moment (replaces the previous list). */
  public record ContactsSaved(ArrayList<SavedContact> contacts) implements ShroudSerializable {}

  /** State and snapshot: the last saved contacts. */
  public record RoutingState(ArrayList<SavedContact> contacts) implements ShroudSerializable {}

  private final ActorContext<Command> context;
  private final ActorRef<DhtActor.Command> dht;

  public static Behavior<Command> create(NodeId self, ActorRef<DhtActor.Command> dht) {
    return Behaviors.setup(ctx -> new RoutingSnapshotActor(ctx, self, dht));
  }

  private RoutingSnapshotActor(ActorContext<Command> context, NodeId self,
      ActorRef<DhtActor.Command> dht) {
    super(PersistenceId.of("dht-routing", self.toHex()),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(500), Duration.ofSeconds(30), 0.2));
    this.context = context;
    this.dht = dht;
  }

  @Override
  public RoutingState emptyState() {
    return new RoutingState(new ArrayList<>());
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(1, 2).withDeleteEventsOnSnapshot();
  }

  @Override
  public SignalHandler<RoutingState> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), this::onRecovered)
        .build();
  }

  @Override
  public CommandHandler<Command, ContactsSaved, RoutingState> commandHandler() {
    return newCommandHandlerBuilder().forAnyState().onCommand(Save.class, this::onSave).build();
  }

  @Override
  public EventHandler<RoutingState, ContactsSaved> eventHandler() {
    return newEventHandlerBuilder().forAnyState()
        .onEvent(ContactsSaved.class, (state, e) -> new RoutingState(e.contacts()))
        .build();
  }

  private void onRecovered(RoutingState state) {
    List<Contact> contacts = new ArrayList<>(state.contacts().size());
    for (SavedContact s : state.contacts()) {
      try {
        contacts.add(new Contact(NodeId.of(s.id()), InetAddress.getByName(s.address()), s.port(),
            s.lastSeen()));
      } catch (UnknownHostException | IllegalArgumentException e) {
        context.getLog().warn("skipping an unreadable saved contact: {}", e.getMessage());
      }
    }
    dht.tell(new DhtActor.RestoreContacts(contacts));
  }

  private Effect<ContactsSaved, RoutingState> onSave(RoutingState state, Save cmd) {
    List<Contact> sorted = new ArrayList<>(cmd.contacts());
    sorted.sort(Comparator.comparing(Contact::lastSeen).reversed());
    List<Contact> kept = new ArrayList<>(sorted.subList(0, Math.min(sorted.size(), MAX_CONTACTS)));
    java.util.Collections.reverse(kept); // oldest first: restoring in this order keeps the LRS order
    ArrayList<SavedContact> saved = new ArrayList<>();
    for (Contact c : kept) {
      saved.add(new SavedContact(c.id().toBytes(), c.address().getHostAddress(), c.port(),
          c.lastSeen()));
    }
    int n = saved.size();
    return Effect().persist(new ContactsSaved(saved))
        .thenRun(s -> dht.tell(new DhtActor.SnapshotSaved(n)));
  }
}
