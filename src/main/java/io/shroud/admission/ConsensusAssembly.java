package io.shroud.admission;

import io.shroud.identity.NodeId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * How the relays of a network arrive at one consensus (docs/protocol.md §10.11, design.md §8.2):
 * it holds the authorities' verified {@link SignedVote votes} per period, says when an authority
 * should build and sign the consensus body from them ({@link #toSign}), pools the authorities'
 * signatures per body, and keeps the newest consensus that a majority signed and that is valid
 * now. A consensus replaces the one held only if its valid-after is later: an older one, however
 * well signed, never comes back. Pure: the clock is injected; not thread-safe.
 */
public final class ConsensusAssembly {
  /** How many periods of votes and signatures are kept (the newest). */
  static final int PERIODS_KEPT = 3;

  /** What an offered document did. */
  public sealed interface Outcome {}

  /** A consensus verified and is newer than the one held: it is now current. */
  public record Accepted(Consensus consensus) implements Outcome {}

  /** A vote or signature was taken; no new consensus (yet). */
  public record Held(String what) implements Outcome {}

  /** A verified document that is not newer than the consensus held. */
  public record Stale(Instant validAfter, Instant currentValidAfter) implements Outcome {}

  /** Did not decode or verify; {@code reason} is one line. */
  public record Invalid(String reason) implements Outcome {}

  /** The signatures gathered for one body. */
  private record Pool(Consensus unsigned, Map<NodeId, AuthoritySignature> signatures) {}

  private final NetworkDefinition network;
  private final ConsensusSettings settings;
  private final Clock clock;
  private final ConsensusBuilder builder;
  private final TreeMap<Instant, Map<NodeId, SignedVote>> votes = new TreeMap<>();
  private final TreeMap<Instant, Map<String, Pool>> pools = new TreeMap<>();
  private Consensus current;

  public ConsensusAssembly(NetworkDefinition network, ConsensusSettings settings, Clock clock) {
    this.network = network;
    this.settings = settings;
    this.clock = clock;
    this.builder = new ConsensusBuilder(settings);
  }

  /** The valid-after of the period {@code now} is in: {@code now} rounded down to a multiple of fresh-for. */
  public static Instant period(Instant now, Duration freshFor) {
    long step = Math.max(1, freshFor.toSeconds());
    return Instant.ofEpochSecond(Math.floorDiv(now.getEpochSecond(), step) * step);
  }

  /** The period of the clock's instant now. */
  public Instant currentPeriod() {
    return period(clock.instant(), settings.freshFor());
  }

  /** Offers a vote's encoding: kept (replacing the same authority's earlier vote of that period) if it verifies. */
  public Outcome offerVote(byte[] encoded) {
    SignedVote vote;
    try {
      vote = SignedVote.decode(encoded);
      vote.verify(network);
    } catch (AdmissionException e) {
      return new Invalid(e.getMessage());
    }
    Optional<String> early = outOfWindow(vote.validAfter());
    if (early.isPresent()) {
      return new Invalid("vote " + early.get());
    }
    votes.computeIfAbsent(vote.validAfter(), t -> new LinkedHashMap<>()).put(NodeId.of(vote.authorityKey()), vote);
    trim(votes);
    return new Held("vote for " + vote.validAfter());
  }

  /** The verified votes held for {@code validAfter}, one per authority. */
  public List<SignedVote> votes(Instant validAfter) {
    return List.copyOf(votes.getOrDefault(validAfter, Map.of()).values());
  }

  /**
   * The unsigned consensus an authority should sign for {@code validAfter}: once a majority of
   * the authorities voted for it and either all did or a quarter of the period has passed (the
   * voting window, so that authorities build from the same votes), the body built from the votes
   * held ({@link ConsensusBuilder}, deterministic). Empty before that.
   */
  public Optional<Consensus> toSign(Instant validAfter) {
    List<SignedVote> held = votes(validAfter);
    int n = network.authorities().size();
    if (held.size() < NetworkDefinition.majority(n)) {
      return Optional.empty();
    }
    boolean windowOver = !clock.instant().isBefore(validAfter.plus(settings.freshFor().dividedBy(4)));
    if (held.size() < n && !windowOver) {
      return Optional.empty();
    }
    return Optional.of(builder.build(network, held.stream().map(SignedVote::vote).toList(), validAfter));
  }

  /**
   * Offers a consensus's encoding signed by one or more authorities: its signatures that verify
   * join those held for the same body; once a majority signed it and it is valid now, it becomes
   * current if it is newer than the one held.
   */
  public Outcome offerSigned(byte[] encoded) {
    Consensus c;
    try {
      c = Consensus.decode(encoded);
    } catch (AdmissionException e) {
      return new Invalid(e.getMessage());
    }
    if (!java.util.Arrays.equals(c.networkId(), network.id())) {
      return new Invalid("consensus is for another network than " + network.name());
    }
    if (current != null && !c.validAfter().isAfter(current.validAfter())) {
      return new Stale(c.validAfter(), current.validAfter());
    }
    Optional<String> early = outOfWindow(c.validAfter());
    if (early.isPresent()) {
      return new Invalid("consensus " + early.get());
    }
    byte[] body = c.body();
    String key = HexFormat.of().formatHex(body);
    Map<String, Pool> bodies = pools.computeIfAbsent(c.validAfter(), t -> new LinkedHashMap<>());
    Pool pool = bodies.computeIfAbsent(key, k -> new Pool(c, new LinkedHashMap<>()));
    while (bodies.size() > 2 * network.authorities().size()) {
      bodies.remove(bodies.keySet().iterator().next()); // the oldest body: an authority re-signs as votes come in
    }
    for (AuthoritySignature s : c.signatures()) {
      if (AuthoritySignature.countDistinct(network, body, List.of(s)) == 1) {
        pool.signatures().put(NodeId.of(s.authorityKey()), s);
      }
    }
    trim(pools);
    Consensus merged = new Consensus(c.networkId(), c.validAfter(), c.freshUntil(), c.validUntil(), c.relays(),
        new ArrayList<>(pool.signatures().values()));
    int needed = NetworkDefinition.majority(network.authorities().size());
    if (pool.signatures().size() < needed) {
      return new Held(pool.signatures().size() + " of " + needed + " signatures for " + c.validAfter());
    }
    return offer(merged);
  }

  /** Offers a whole consensus (a saved copy): current if it verifies now and is newer than the one held. */
  public Outcome offer(Consensus c) {
    try {
      c.verify(network, clock);
    } catch (AdmissionException e) {
      return new Invalid(e.getMessage());
    }
    if (current != null && !c.validAfter().isAfter(current.validAfter())) {
      return new Stale(c.validAfter(), current.validAfter());
    }
    current = c;
    pools.headMap(c.validAfter(), true).clear();
    votes.headMap(c.validAfter()).clear();
    return new Accepted(c);
  }

  /** The newest consensus held, if any. */
  public Optional<Consensus> current() {
    return Optional.ofNullable(current);
  }

  /** Why a document for {@code validAfter} is not taken now: from the future, or too old to be valid. */
  private Optional<String> outOfWindow(Instant validAfter) {
    Instant now = clock.instant();
    if (validAfter.isAfter(now.plus(Consensus.DEFAULT_SKEW))) {
      return Optional.of("for " + validAfter + " is from the future (now " + now + ")");
    }
    if (validAfter.plus(settings.validFor()).isBefore(now.minus(Consensus.DEFAULT_SKEW))) {
      return Optional.of("for " + validAfter + " is too old to be valid (now " + now + ")");
    }
    return Optional.empty();
  }

  private static void trim(TreeMap<Instant, ?> byPeriod) {
    while (byPeriod.size() > PERIODS_KEPT) {
      byPeriod.pollFirstEntry();
    }
  }

  @Override
  public String toString() {
    return "ConsensusAssembly[" + network.name() + ", current " + current + "]";
  }
}
