package io.shroud.store;

import io.shroud.circuit.CircuitProtocolException;
import io.shroud.circuit.Streams;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The {@code fragments} circuit service at a storer (docs/protocol.md §12.8): one session per
 * stream reads one {@link FragmentWire} request, asks the {@link FragmentStoreActor}, and writes
 * the response within the stream's credit, then ends the stream. A malformed request ends the
 * stream at once; beyond {@link #MAX_SESSIONS} at once, a stream is refused. The storer learns
 * an address and a fragment, never who asked.
 */
public final class FragmentServiceActor {
  private FragmentServiceActor() {}

  /**
   * Most requests served at once: a PUT holds its fragment (up to 16 MiB) until it is whole, so
   * this bounds what strangers can make a relay buffer (256 MiB); more streams are refused.
   */
  public static final int MAX_SESSIONS = 16;

  public static Behavior<Streams.ServiceRequest> create(ActorRef<FragmentStoreActor.Command> store) {
    return Behaviors.setup(ctx -> {
      int[] active = {0};
      return Behaviors.receive(Streams.ServiceRequest.class)
          .onMessage(Streams.OpenServiceStream.class, open -> {
            if (active[0] >= MAX_SESSIONS) {
              open.replyTo().tell(new Streams.Reject("the fragment store is busy"));
              return Behaviors.same();
            }
            ActorRef<Object> session = ctx.spawnAnonymous(session(open.stream(), store));
            ctx.watch(session);
            active[0]++;
            open.replyTo().tell(new Streams.Accept(session.narrow()));
            return Behaviors.same();
          })
          .onSignal(Terminated.class, t -> {
            active[0]--;
            return Behaviors.same();
          })
          .build();
    });
  }

  private static Behavior<Object> session(ActorRef<Streams.StreamCommand> stream,
      ActorRef<FragmentStoreActor.Command> store) {
    return Behaviors.setup(ctx -> {
      FragmentWire.Reader reader = FragmentWire.Reader.requests();
      ArrayDeque<byte[]> pending = new ArrayDeque<>();
      int[] credit = {0};
      return Behaviors.receiveMessage(event -> {
        if (event instanceof Streams.StreamOpened opened) {
          credit[0] += opened.credit();
        } else if (event instanceof Streams.StreamCredit more) {
          credit[0] += more.chunks();
        } else if (event instanceof Streams.StreamData data) {
          stream.tell(new Streams.Consumed(data.chunks()));
          Optional<Object> whole = Optional.empty();
          try {
            for (byte[] part : data.parts()) {
              whole = reader.feed(part);
            }
          } catch (CircuitProtocolException e) {
            ctx.getLog().debug("bad fragments request on a circuit: {}", e.getMessage());
            stream.tell(Streams.EndStream.INSTANCE);
            return Behaviors.stopped();
          }
          whole.ifPresent(r -> ask(store, (FragmentWire.Request) r, ctx));
        } else if (event instanceof FragmentWire.Status status) {
          respond(pending, FragmentWire.response(status, null));
        } else if (event instanceof FragmentStoreActor.Got got) {
          respond(pending, got.fragment().isPresent()
              ? FragmentWire.response(FragmentWire.Status.OK, got.fragment().get())
              : FragmentWire.response(FragmentWire.Status.NOT_HELD, null));
        } else if (event instanceof Streams.StreamEnded) {
          return Behaviors.stopped();
        }
        while (credit[0] > 0 && !pending.isEmpty()) {
          stream.tell(new Streams.Write(pending.poll()));
          credit[0]--;
          if (pending.isEmpty()) {
            stream.tell(Streams.EndStream.INSTANCE);
          }
        }
        return Behaviors.same();
      });
    });
  }

  private static void ask(ActorRef<FragmentStoreActor.Command> store, FragmentWire.Request r,
      ActorContext<Object> ctx) {
    switch (r.kind()) {
      case PUT -> store.tell(new FragmentStoreActor.Put(r.address(), r.fragment(), r.leaseSeconds(),
          ctx.messageAdapter(FragmentWire.Status.class, s -> s)));
      case GET -> store.tell(new FragmentStoreActor.Get(r.address(),
          ctx.messageAdapter(FragmentStoreActor.Got.class, g -> g)));
      case RENEW -> store.tell(new FragmentStoreActor.Renew(r.address(), r.leaseSeconds(),
          ctx.messageAdapter(FragmentWire.Status.class, s -> s)));
    }
  }

  private static void respond(ArrayDeque<byte[]> pending, byte[] response) {
    for (int off = 0; off < response.length; off += Streams.MAX_CHUNK) {
      pending.add(Arrays.copyOfRange(response, off, Math.min(response.length, off + Streams.MAX_CHUNK)));
    }
  }
}
