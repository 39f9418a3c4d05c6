package io.shroud.rendezvous;

import io.shroud.circuit.CircuitsActor;
import io.shroud.dht.SignedRecord;
import io.shroud.hidden.DescriptorBook;
import io.shroud.hidden.HsLocation;
import io.shroud.hidden.HsPeriod;
import io.shroud.hidden.HsRelay;
import io.shroud.hidden.ShareSecret;
import io.shroud.identity.NodeId;
import io.shroud.lookup.DhtLookupClientActor;
import io.shroud.lookup.RecordLookup;
import io.shroud.lookup.RecordLookupsActor;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.random.RandomGenerator;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * A downloader's search for the hidden seeders of one share (protocol §11.2, §11.3),
 * short-lived: looks up {@code L_n} for each of {@link HsPeriod#lookupPeriods()} through the
 * node's {@link RecordLookupsActor} (each lookup through a circuit of its own), feeds every
 * record that came back to a {@link DescriptorBook} (which opens and checks each descriptor and
 * keeps the intro points of the consensus's relays), and replies {@link Found} once every lookup
 * answered or timed out.
 */
public final class DescriptorLookupActor {
  private DescriptorLookupActor() {}

  /** A lookup's answer time: the lookups actor's own timeout and a margin. */
  static final Duration LOOKUP_TIMEOUT = DhtLookupClientActor.TIMEOUT.plusSeconds(10);

  /** What the actor takes: its own events. */
  public sealed interface Command {}

  /**
   * The seeders to try, in the order to try them; {@code records} the records the lookups
   * returned, {@code bad} those that did not open or were refused, {@code unlisted} those naming
   * no relay of the consensus; {@code errors} one line per lookup that failed.
   */
  public record Found(List<DescriptorBook.Seeder> seeders, int records, long bad, long unlisted,
      List<String> errors) {
    public Found {
      seeders = List.copyOf(seeders);
      errors = List.copyOf(errors);
    }
  }

  private record Answered(HsLocation location, RecordLookup lookup, Throwable error) implements Command {}

  /**
   * The answer of {@link #findSeeders}: the seeders found, the relays they were checked against
   * (a rendezvous point is drawn from them), and what went wrong (null when nothing did).
   */
  public record Sources(List<DescriptorBook.Seeder> seeders, List<HsRelay> relays, String error) {
    public Sources {
      seeders = List.copyOf(seeders);
      relays = List.copyOf(relays);
    }
  }

  /**
   * A download's search: asks {@code circuits} for the relays paths are drawn from now, then
   * looks the share's descriptors up ({@link #create}) against them; replies {@link Sources}.
   */
  public static Behavior<Command> findSeeders(ShareSecret secret, ActorRef<CircuitsActor.Command> circuits,
      ActorRef<RecordLookupsActor.Command> lookups, int hops, Clock clock, RandomGenerator random,
      ActorRef<Sources> replyTo) {
    Objects.requireNonNull(secret, "secret");
    Objects.requireNonNull(replyTo, "replyTo");
    return Behaviors.setup(ctx -> {
      ctx.ask(CircuitsActor.Relays.class, circuits, Duration.ofSeconds(10), CircuitsActor.GetRelays::new,
          (answer, error) -> new RelaysAnswered(answer == null ? List.of() : SeederPlans.relays(answer.relays())));
      return Behaviors.receive(Command.class)
          .onMessage(RelaysAnswered.class, in -> {
            if (in.relays().isEmpty()) {
              replyTo.tell(new Sources(List.of(), List.of(), "no relays known yet (no directory)"));
              return Behaviors.stopped();
            }
            List<NodeId> ids = in.relays().stream().map(HsRelay::id).toList();
            ActorRef<Found> found = ctx.messageAdapter(Found.class, f -> new FoundIn(f, in.relays()));
            ctx.spawnAnonymous(create(secret, ids, lookups, hops, clock, random, found));
            return Behaviors.same();
          })
          .onMessage(FoundIn.class, in -> {
            Found f = in.found();
            String error = f.seeders().isEmpty()
                ? "no hidden seeder found: " + f.records() + " descriptors, " + f.bad() + " bad, " + f.unlisted()
                    + " naming no relay of the consensus" + (f.errors().isEmpty() ? "" : "; " + String.join("; ", f.errors()))
                : null;
            replyTo.tell(new Sources(f.seeders(), in.relays(), error));
            return Behaviors.stopped();
          })
          .build();
    });
  }

  private record RelaysAnswered(List<HsRelay> relays) implements Command {}

  private record FoundIn(Found found, List<HsRelay> relays) implements Command {}

  /**
   * @param consensus the node ids of the relays of the consensus (intro points elsewhere are dropped)
   * @param hops the length of each lookup's circuit
   */
  public static Behavior<Command> create(ShareSecret secret, Collection<NodeId> consensus,
      ActorRef<RecordLookupsActor.Command> lookups, int hops, Clock clock, RandomGenerator random,
      ActorRef<Found> replyTo) {
    Objects.requireNonNull(secret, "secret");
    Objects.requireNonNull(replyTo, "replyTo");
    return Behaviors.setup(ctx -> {
      DescriptorBook book = new DescriptorBook(consensus, random);
      List<Long> periods = new HsPeriod(clock).lookupPeriods();
      for (long n : periods) {
        HsLocation location = HsLocation.of(secret, n);
        ctx.ask(RecordLookup.class, lookups, LOOKUP_TIMEOUT,
            ref -> new RecordLookupsActor.LookupRecord(location.location(), hops, ref),
            (lookup, error) -> new Answered(location, lookup, error));
      }
      int[] waiting = {periods.size()};
      int[] records = {0};
      List<String> errors = new ArrayList<>();
      return Behaviors.receive(Command.class)
          .onMessage(Answered.class, answered -> {
            String where = "period " + answered.location().period();
            if (answered.lookup() == null) {
              errors.add(where + ": " + answered.error());
            } else if (answered.lookup().error() != null) {
              errors.add(where + ": " + answered.lookup().error());
            } else {
              for (SignedRecord r : answered.lookup().records()) {
                records[0]++;
                book.add(answered.location(), r.publisher(), r.seq(), r.value());
              }
            }
            if (--waiting[0] > 0) {
              return Behaviors.same();
            }
            // lookupPeriods lists the current period first: one seeder's two periods are one source
            replyTo.tell(new Found(book.seeders(periods.get(0)), records[0], book.bad(), book.unlisted(), errors));
            return Behaviors.stopped();
          })
          .build();
    });
  }
}
