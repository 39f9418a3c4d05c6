package io.shroud.node.admission;

import io.shroud.admission.Consensus;
import io.shroud.admission.DirectoryBundle;
import io.shroud.identity.DirectoryCache;
import io.shroud.identity.NodeId;
import io.shroud.identity.SignedDescriptor;
import io.shroud.link.ClientLinkBudget;
import io.shroud.link.ClientLinkRules;
import io.shroud.wire.DirectoryCells;
import io.shroud.wire.ProtocolViolationException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What a relay answers to DIR_REQUEST (docs/protocol.md §4.10.4, §4.10.5): its bundle (latest
 * consensus + the verified descriptors it keeps of the relays that consensus lists, ascending node
 * id) as DIR_DATA payloads, NONE without a valid consensus, BUSY beyond a link's rate
 * ({@link ClientLinkRules}) or the relay-wide answers in flight ({@link ClientLinkBudget}), and a
 * violation for a second request while one is being answered. Links are known by the id the
 * cells came from (a node id, or a client link's label). Plain and single-threaded: its actor's.
 */
public final class DirectoryAnswers {
  /** What to do with one request. */
  public sealed interface Decision permits Answer, Reply, Violation {}

  /**
   * Send {@code payloads} as DIR_DATA cells in order, dropping none; then call
   * {@link #answerEnded} (also when the link closed first).
   */
  public record Answer(long requestId, List<byte[]> payloads) implements Decision {
    public Answer {
      payloads = List.copyOf(payloads);
    }
  }

  /** Send this one DIR_DATA payload (NONE or BUSY); nothing stays outstanding. */
  public record Reply(long requestId, DirectoryCells.Status status, byte[] payload) implements Decision {}

  /** Close the link: {@code reason} says which rule the requester broke. */
  public record Violation(String reason) implements Decision {}

  private final ClientLinkRules.Limits limits;
  private final ClientLinkBudget budget;
  private final Clock clock;
  private final Map<NodeId, ClientLinkRules> links = new HashMap<>();
  private final Set<NodeId> answering = new HashSet<>();
  private Consensus consensus;
  private List<DirectoryCache.Kept> descriptors = List.of();
  /** The encoded bundle of {@link #consensus} and {@link #descriptors}, built on first use. */
  private byte[] bundle;

  public DirectoryAnswers(ClientLinkRules.Limits limits, ClientLinkBudget.Limits budget, Clock clock) {
    this.limits = Objects.requireNonNull(limits, "limits");
    this.budget = new ClientLinkBudget(Objects.requireNonNull(budget, "budget"));
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** The consensus the relay uses (§10.10): kept unless an older one (by valid-after) comes later. */
  public void useConsensus(Consensus next) {
    if (consensus == null || next.validAfter().isAfter(consensus.validAfter())) {
      consensus = next;
      bundle = null;
    }
  }

  /** The verified descriptors the relay keeps (the directory's, listed or not). */
  public void useDescriptors(List<DirectoryCache.Kept> kept) {
    descriptors = List.copyOf(kept);
    bundle = null;
  }

  /** A DIR_REQUEST cell's payload from {@code from}. */
  public Decision onRequest(NodeId from, byte[] payload) {
    long requestId;
    try {
      requestId = DirectoryCells.decodeRequest(payload);
    } catch (ProtocolViolationException e) {
      return new Violation(e.getMessage());
    }
    ClientLinkRules rules = links.computeIfAbsent(from, f -> new ClientLinkRules(limits, clock));
    Instant before = rules.lastAnswered();
    ClientLinkRules.DirVerdict verdict;
    try {
      verdict = rules.onDirRequest();
    } catch (ProtocolViolationException e) {
      return new Violation(e.getMessage());
    }
    if (verdict == ClientLinkRules.DirVerdict.BUSY) {
      return reply(requestId, DirectoryCells.Status.BUSY);
    }
    Optional<byte[]> encoded = bundle();
    if (encoded.isEmpty()) {
      rules.answerSent(); // one cell: over at once, and it counts as the link's answer
      return reply(requestId, DirectoryCells.Status.NONE);
    }
    if (!budget.tryStartAnswer()) {
      rules.answerWithdrawn(before); // the relay's limit, not the link's doing
      return reply(requestId, DirectoryCells.Status.BUSY);
    }
    answering.add(from);
    return new Answer(requestId, DirectoryCells.encodeBundle(requestId, encoded.get()));
  }

  /** The last DIR_DATA of {@code from}'s answer was queued, or its link closed. */
  public void answerEnded(NodeId from) {
    if (answering.remove(from)) {
      budget.answerEnded();
    }
    ClientLinkRules rules = links.get(from);
    if (rules != null) {
      rules.answerSent();
    }
  }

  /** The link closed: its answer ends and its rules are forgotten (a new link starts afresh). */
  public void linkClosed(NodeId from) {
    answerEnded(from);
    links.remove(from);
  }

  /** Links with rules kept (closed ones are forgotten). */
  int links() {
    return links.size();
  }

  /** The encoded bundle, or empty when the relay holds no consensus valid now. */
  public Optional<byte[]> bundle() {
    if (consensus == null || !clock.instant().isBefore(consensus.validUntil())) {
      return Optional.empty();
    }
    if (bundle == null) {
      bundle = bundleOf(consensus, descriptors).encode();
    }
    return Optional.of(bundle);
  }

  /**
   * {@code consensus} and, in ascending node id, the descriptors of {@code kept} of relays it
   * lists under the same identity key (a requester refuses the whole bundle for any other).
   */
  static DirectoryBundle bundleOf(Consensus consensus, List<DirectoryCache.Kept> kept) {
    List<DirectoryCache.Kept> sorted = new ArrayList<>(kept);
    sorted.sort((a, b) -> a.descriptor().nodeId().compareTo(b.descriptor().nodeId()));
    List<SignedDescriptor> listed = new ArrayList<>();
    NodeId previous = null;
    for (DirectoryCache.Kept k : sorted) {
      NodeId id = k.descriptor().nodeId();
      Optional<Consensus.Relay> relay = consensus.relay(id);
      if (!id.equals(previous) && relay.isPresent()
          && Arrays.equals(relay.get().identityKey(), k.descriptor().identityKey())) {
        listed.add(k.signed());
        previous = id;
      }
    }
    return new DirectoryBundle(consensus, listed);
  }

  private static Reply reply(long requestId, DirectoryCells.Status status) {
    return new Reply(requestId, status, DirectoryCells.encodeEmpty(requestId, status));
  }
}
