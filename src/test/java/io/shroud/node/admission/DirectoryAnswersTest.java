package io.shroud.node.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.shroud.admission.Consensus;
import io.shroud.admission.RelayFixtures;
import io.shroud.admission.RelayFlag;
import io.shroud.crypto.Ed25519;
import io.shroud.identity.DescriptorCodec;
import io.shroud.identity.DirectoryCache;
import io.shroud.identity.NodeId;
import io.shroud.identity.SignedDescriptor;
import io.shroud.link.ClientLinkBudget;
import io.shroud.link.ClientLinkRules;
import io.shroud.link.DirectoryFetch;
import io.shroud.testutil.MutableClock;
import io.shroud.wire.DirectoryCells;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A relay's directory answers (protocol §4.10.4–§4.10.5): NONE, the bundle, BUSY and the one-at-a-time rule. */
class DirectoryAnswersTest {
  static final RelayFixtures.Net NET = RelayFixtures.network("answersnet", 71);
  static final List<Ed25519.KeyPair> AUTHORITIES = List.of(Ed25519.fromPrivateKey(RelayFixtures.filled(32, 1)),
      Ed25519.fromPrivateKey(RelayFixtures.filled(32, 2)));
  static final Instant VALID_AFTER = Instant.parse("2026-12-07T12:00:00Z");

  private final MutableClock clock = new MutableClock(RelayFixtures.NOW);
  private final NodeId link = label(1);

  @Test
  void withoutAValidConsensusTheAnswerIsNone() {
    DirectoryAnswers answers = answers(ClientLinkBudget.Limits.DEFAULT);
    assertStatus(DirectoryCells.Status.NONE, answers.onRequest(link, DirectoryCells.encodeRequest(1)));
    answers.useConsensus(consensus(relays(2), VALID_AFTER));
    clock.advance(Duration.ofHours(3)); // past its valid-until
    assertStatus(DirectoryCells.Status.NONE, answers.onRequest(label(2), DirectoryCells.encodeRequest(2)));
  }

  @Test
  void theAnswerIsTheConsensusAndTheListedDescriptorsAndVerifiesAtTheRequester() throws Exception {
    List<RelayFixtures.Relay> relays = relays(4);
    DirectoryAnswers answers = answers(ClientLinkBudget.Limits.DEFAULT);
    answers.useConsensus(consensus(relays.subList(0, 3), VALID_AFTER)); // the 4th is not listed
    List<DirectoryCache.Kept> kept = new ArrayList<>(relays.stream().map(DirectoryAnswersTest::kept).toList());
    Collections.reverse(kept);
    answers.useDescriptors(kept);
    DirectoryFetch fetch = new DirectoryFetch(NET.definition(), null, clock, RelayFixtures.SKEW, new Random(3), 1 << 20);
    DirectoryAnswers.Answer answer = assertInstanceOf(DirectoryAnswers.Answer.class,
        answers.onRequest(link, fetch.request()));
    DirectoryFetch.Outcome outcome = null;
    for (byte[] payload : answer.payloads()) {
      outcome = fetch.onData(payload);
    }
    DirectoryFetch.Fetched fetched = assertInstanceOf(DirectoryFetch.Fetched.class, outcome);
    assertEquals(relays.subList(0, 3).stream().map(RelayFixtures.Relay::nodeId).toList(),
        fetched.directory().descriptors().stream().map(d -> d.nodeId()).toList(), "listed ones, ascending");
  }

  @Test
  void aLinkGetsOneAnswerAtATimeAndOnePerInterval() {
    DirectoryAnswers answers = answers(ClientLinkBudget.Limits.DEFAULT);
    answers.useConsensus(consensus(relays(1), VALID_AFTER));
    assertInstanceOf(DirectoryAnswers.Answer.class, answers.onRequest(link, DirectoryCells.encodeRequest(1)));
    assertInstanceOf(DirectoryAnswers.Violation.class, answers.onRequest(link, DirectoryCells.encodeRequest(2)),
        "a second request while the first is being answered");
    answers.answerEnded(link);
    assertStatus(DirectoryCells.Status.BUSY, answers.onRequest(link, DirectoryCells.encodeRequest(3)));
    clock.advance(Duration.ofSeconds(60));
    assertInstanceOf(DirectoryAnswers.Answer.class, answers.onRequest(link, DirectoryCells.encodeRequest(4)));
    answers.linkClosed(link);
    assertEquals(0, answers.links(), "a closed link's rules are forgotten");
    assertInstanceOf(DirectoryAnswers.Violation.class, answers.onRequest(link, new byte[10]), "malformed");
  }

  @Test
  void theRelayWideCapSaysBusyWithoutChargingTheLink() {
    DirectoryAnswers answers = answers(new ClientLinkBudget.Limits(512, 32, 2));
    answers.useConsensus(consensus(relays(1), VALID_AFTER));
    assertInstanceOf(DirectoryAnswers.Answer.class, answers.onRequest(label(1), DirectoryCells.encodeRequest(1)));
    assertInstanceOf(DirectoryAnswers.Answer.class, answers.onRequest(label(2), DirectoryCells.encodeRequest(2)));
    assertStatus(DirectoryCells.Status.BUSY, answers.onRequest(label(3), DirectoryCells.encodeRequest(3)));
    answers.linkClosed(label(1)); // its answer ends with it
    assertInstanceOf(DirectoryAnswers.Answer.class, answers.onRequest(label(3), DirectoryCells.encodeRequest(4)),
        "the BUSY did not count as the link's answer");
  }

  private DirectoryAnswers answers(ClientLinkBudget.Limits budget) {
    return new DirectoryAnswers(ClientLinkRules.Limits.DEFAULT, budget, clock);
  }

  private static void assertStatus(DirectoryCells.Status status, DirectoryAnswers.Decision decision) {
    assertEquals(status, assertInstanceOf(DirectoryAnswers.Reply.class, decision).status());
  }

  static NodeId label(int n) {
    return NodeId.of(RelayFixtures.filled(NodeId.BYTES, n));
  }

  static List<RelayFixtures.Relay> relays(int n) {
    List<RelayFixtures.Relay> relays = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      relays.add(RelayFixtures.relay(NET, i));
    }
    relays.sort((a, b) -> a.nodeId().compareTo(b.nodeId()));
    return relays;
  }

  static DirectoryCache.Kept kept(RelayFixtures.Relay relay) {
    return kept(relay.descriptor());
  }

  static DirectoryCache.Kept kept(SignedDescriptor signed) {
    try {
      return new DirectoryCache.Kept(DescriptorCodec.decode(signed.encoded()), signed);
    } catch (DescriptorCodec.MalformedDescriptorException e) {
      throw new AssertionError(e);
    }
  }

  static Consensus consensus(List<RelayFixtures.Relay> relays, Instant validAfter) {
    try {
      List<Consensus.Relay> listed = new ArrayList<>();
      for (int i = 0; i < relays.size(); i++) {
        RelayFixtures.Relay r = relays.get(i);
        listed.add(new Consensus.Relay(r.nodeId(), r.identity().publicKey(),
            (Inet4Address) InetAddress.getByName("10.0.0." + (i + 1)), 7400, Set.of(RelayFlag.GUARD), 1000));
      }
      return Consensus.unsigned(NET.definition().id(), validAfter, validAfter.plus(Duration.ofHours(1)),
          validAfter.plus(Duration.ofHours(3)), listed).sign(AUTHORITIES.get(0)).sign(AUTHORITIES.get(1));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
