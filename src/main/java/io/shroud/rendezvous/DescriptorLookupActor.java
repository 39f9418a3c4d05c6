package io.shroud.rendezvous;

import io.shroud.dht.SignedRecord;
import io.shroud.hidden.DescriptorBook;
import io.shroud.hidden.HsLocation;
import io.shroud.hidden.HsPeriod;
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
            replyTo.tell(new Found(book.seeders(), records[0], book.bad(), book.unlisted(), errors));
            return Behaviors.stopped();
          })
          .build();
    });
  }
}
