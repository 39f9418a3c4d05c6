package io.shroud.node;

import io.shroud.admission.AdmissionException;
import io.shroud.admission.Consensus;
import io.shroud.admission.RelayProof;
import io.shroud.circuit.CircuitsActor;
import io.shroud.identity.NodeId;
import io.shroud.identity.SignedDescriptor;
import io.shroud.link.ClientLinkBudget;
import io.shroud.link.ClientLinkRules;
import io.shroud.link.Links;
import io.shroud.node.admission.DirectoryAnswers;
import io.shroud.node.admission.RelayCredentials;
import io.shroud.wire.Cell;
import io.shroud.wire.CellCommand;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * What a relay of a network offers clients (docs/protocol.md §4.10, design.md §8.3): its relay
 * proof to the links actor ({@link Links.AcceptClients}, at its first descriptor publication and
 * at every one after, the certificate read again each time), and its directory on DIR_REQUEST
 * ({@link DirectoryAnswers} decides; this actor sends). An answer leaves in windows of
 * {@link #WINDOW} DIR_DATA cells with {@link Links.SendWindow}: a window is queued only while the
 * link's outbound queue stays within half its bound, else it is offered again after
 * {@link #RETRY}; so no DIR_DATA is dropped and a long answer leaves room for the link's circuits.
 */
public final class ClientServiceActor extends AbstractBehavior<ClientServiceActor.Command> {
  /** DIR_DATA cells offered at once (16 × 4 KiB). */
  static final int WINDOW = 16;
  /** How long a full link is left before its window is offered again. */
  static final Duration RETRY = Duration.ofMillis(50);

  public sealed interface Command {}

  /** Reads the relay certificate (again): the proof must carry the one the relay runs with. */
  @FunctionalInterface
  public interface CertificateSource {
    X509Certificate read() throws AdmissionException;
  }

  /** The certificate in PEM file {@code file}, read at each call (a renewed file is picked up). */
  public static CertificateSource fromFile(Path file) {
    return () -> RelayCredentials.readCertificate(file);
  }

  /**
   * {@code consensus} and {@code directory} are subscribed to (the consensus actor's and the
   * directory actor's subscriptions); {@code links} gets the proof and carries the answers.
   */
  public record Setup(ActorRef<Links.Command> links, Consumer<ActorRef<CircuitsActor.UseConsensus>> consensus,
      Consumer<ActorRef<DirectoryActor.SignedView>> directory, CertificateSource certificate, Clock clock) {}

  private record Requested(Links.Inbound request) implements Command {}

  private record ConsensusIn(Consensus consensus) implements Command {}

  private record SignedIn(DirectoryActor.SignedView view) implements Command {}

  private record LinkChanged(Links.LinkEvent event) implements Command {}

  private record WindowSent(Links.WindowSent sent) implements Command {}

  private record Retry(NodeId to) implements Command {}

  /** The DIR_DATA payloads still to send on one link; {@code answer}: ends an answer of {@link DirectoryAnswers}. */
  private static final class Sending {
    final List<byte[]> payloads;
    final boolean answer;
    int next;
    int offered;

    Sending(List<byte[]> payloads, boolean answer) {
      this.payloads = payloads;
      this.answer = answer;
    }
  }

  private final Setup setup;
  private final TimerScheduler<Command> timers;
  private final DirectoryAnswers answers;
  private final ActorRef<Links.WindowSent> windowReplies;
  private final Map<NodeId, Sending> sending = new HashMap<>();
  private SignedDescriptor proofDescriptor;

  public static Behavior<Command> create(Setup setup) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new ClientServiceActor(ctx, timers, setup)));
  }

  private ClientServiceActor(ActorContext<Command> ctx, TimerScheduler<Command> timers, Setup setup) {
    super(ctx);
    this.setup = setup;
    this.timers = timers;
    this.answers = new DirectoryAnswers(ClientLinkRules.Limits.DEFAULT, ClientLinkBudget.Limits.DEFAULT,
        setup.clock());
    this.windowReplies = ctx.messageAdapter(Links.WindowSent.class, WindowSent::new);
    setup.links().tell(new Links.Route(CellCommand.DIR_REQUEST, ctx.messageAdapter(Links.Inbound.class, Requested::new)));
    setup.links().tell(new Links.WatchLinks(ctx.messageAdapter(Links.LinkEvent.class, LinkChanged::new)));
    setup.consensus().accept(ctx.messageAdapter(CircuitsActor.UseConsensus.class, u -> new ConsensusIn(u.consensus())));
    setup.directory().accept(ctx.messageAdapter(DirectoryActor.SignedView.class, SignedIn::new));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Requested.class, this::onRequested)
        .onMessage(ConsensusIn.class, c -> {
          answers.useConsensus(c.consensus());
          return this;
        })
        .onMessage(SignedIn.class, this::onSigned)
        .onMessage(LinkChanged.class, this::onLinkChanged)
        .onMessage(WindowSent.class, this::onWindowSent)
        .onMessage(Retry.class, r -> {
          offer(r.to());
          return this;
        })
        .build();
  }

  private Behavior<Command> onRequested(Requested r) {
    NodeId from = r.request().from();
    DirectoryAnswers.Decision decision = answers.onRequest(from, r.request().cell().payload());
    if (decision instanceof DirectoryAnswers.Violation v) {
      getContext().getLog().debug("DIR_REQUEST refused: {}", v.reason());
      setup.links().tell(new Links.CloseLink(from, v.reason()));
    } else if (decision instanceof DirectoryAnswers.Reply reply) {
      start(from, new Sending(List.of(reply.payload()), false));
    } else if (decision instanceof DirectoryAnswers.Answer answer) {
      start(from, new Sending(answer.payloads(), true));
    }
    return this;
  }

  private void start(NodeId to, Sending s) {
    Sending earlier = sending.put(to, s);
    if (earlier == null) {
      offer(to);
    } // else a NONE or BUSY cell's window is in flight (an answer never is: a second request
      // during one is a violation); the reply to it offers this one instead
  }

  private void offer(NodeId to) {
    Sending s = sending.get(to);
    if (s == null) {
      return;
    }
    int end = Math.min(s.payloads.size(), s.next + WINDOW);
    List<Cell> cells = new ArrayList<>(end - s.next);
    for (int i = s.next; i < end; i++) {
      cells.add(new Cell(0, CellCommand.DIR_DATA, s.payloads.get(i)));
    }
    s.offered = cells.size();
    setup.links().tell(new Links.SendWindow(to, cells, windowReplies));
  }

  private Behavior<Command> onWindowSent(WindowSent w) {
    NodeId to = w.sent().to();
    Sending s = sending.get(to);
    if (s == null) {
      return this;
    }
    switch (w.sent().outcome()) {
      case QUEUED -> {
        s.next += s.offered;
        if (s.next < s.payloads.size()) {
          offer(to);
        } else {
          sending.remove(to);
          if (s.answer) {
            answers.answerEnded(to);
          }
        }
      }
      case FULL -> timers.startSingleTimer(to, new Retry(to), RETRY);
      case NO_LINK -> {
        sending.remove(to);
        answers.linkClosed(to);
      }
    }
    return this;
  }

  private Behavior<Command> onLinkChanged(LinkChanged c) {
    if (c.event() instanceof Links.LinkDown down) {
      sending.remove(down.peer());
      timers.cancel(down.peer());
      answers.linkClosed(down.peer());
    }
    return this;
  }

  /** At every publication of the relay's own descriptor: the proof, with the certificate read again. */
  private Behavior<Command> onSigned(SignedIn in) {
    answers.useDescriptors(in.view().kept());
    Optional<SignedDescriptor> own = in.view().own();
    if (own.isEmpty() || own.get().equals(proofDescriptor)) {
      return this;
    }
    try {
      X509Certificate certificate = setup.certificate().read();
      setup.links().tell(new Links.AcceptClients(RelayProof.of(certificate, own.get()).encode()));
      proofDescriptor = own.get();
    } catch (AdmissionException | RuntimeException e) {
      getContext().getLog().warn("clients not taken with this descriptor: the relay certificate does not load: {}",
          e.getMessage());
    }
    return this;
  }
}
