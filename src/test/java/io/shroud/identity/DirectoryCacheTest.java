package io.shroud.identity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.crypto.Ed25519;
import io.shroud.crypto.OnionKeyPair;
import io.shroud.crypto.X25519;
import io.shroud.testutil.MutableClock;
import io.shroud.testutil.SeededRandom;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The reader's side of the directory, without actors: what a member writing into the replicated
 * map can and cannot change in a reader's view.
 */
class DirectoryCacheTest {
  private static final Instant START = Instant.parse("2026-12-10T12:00:00Z");
  private static final String VICTIM_AT = "127.1.0.1:25520";
  private static final String ATTACKER_AT = "127.2.0.1:25520";
  private static final Predicate<NodeId> NONE_REVOKED = id -> false;

  private final SecureRandom random = SeededRandom.of(23);
  private final MutableClock clock = new MutableClock(START);
  private final DescriptorVerifier verifier = new DescriptorVerifier(clock, Duration.ofMinutes(5));
  private final DirectoryCache cache = new DirectoryCache(verifier);
  private final Ed25519.KeyPair victim = Ed25519.generate(random);
  private final Ed25519.KeyPair attacker = Ed25519.generate(random);
  private final String victimKey = DirectoryCache.keyOf(id(victim));
  private final String attackerKey = DirectoryCache.keyOf(id(attacker));

  private static NodeId id(Ed25519.KeyPair k) {
    return NodeId.ofIdentityKey(k.publicKey());
  }

  /** A descriptor of {@code k}'s node claiming {@code cluster}, valid from {@code from} for an hour. */
  private NodeDescriptor descriptor(Ed25519.KeyPair k, String cluster, Instant from) {
    return new NodeDescriptor(NodeDescriptor.PROTOCOL_VERSION, id(k), k.publicKey(),
        X25519.generate(random).publicKey(),
        OnionKeyPair.generate(random, from.plus(Duration.ofDays(7))).publicKey().encode(),
        cluster, cluster.replace(":25520", ":7400"), from, from.plus(Duration.ofHours(1)));
  }

  private SignedDescriptor signed(Ed25519.KeyPair k, String cluster, Instant from) {
    return SignedDescriptor.sign(descriptor(k, cluster, from), k);
  }

  private List<NodeDescriptor> view(String... up) {
    return cache.select(Set.of(up), NONE_REVOKED).listed();
  }

  private static NodeDescriptor decoded(SignedDescriptor s) throws Exception {
    return DescriptorCodec.decode(s.encoded());
  }

  @Test
  void aForgeryUnderTheVictimsKeyLeavesTheVictimsRealDescriptorListed() throws Exception {
    SignedDescriptor real = signed(victim, VICTIM_AT, START.minusSeconds(60));
    assertInstanceOf(DirectoryCache.Stored.class, cache.offer(victimKey, real));

    // the victim's id, identity key and address, the attacker's link key, signed by the attacker, newer
    NodeDescriptor honest = decoded(real);
    NodeDescriptor lie = new NodeDescriptor(honest.protocolVersion(), honest.nodeId(), honest.identityKey(),
        X25519.generate(random).publicKey(), honest.onionKey(), VICTIM_AT, ATTACKER_AT,
        START, START.plus(Duration.ofHours(2)));
    DirectoryCache.Offer forged = cache.offer(victimKey, SignedDescriptor.sign(lie, attacker));
    assertTrue(assertInstanceOf(DirectoryCache.Refused.class, forged).removable(), forged.toString());
    // the attacker's own, valid descriptor stored under the victim's key
    DirectoryCache.Offer misfiled = cache.offer(victimKey, signed(attacker, ATTACKER_AT, START));
    assertTrue(assertInstanceOf(DirectoryCache.Refused.class, misfiled).removable(), misfiled.toString());

    assertEquals(List.of(honest), view(VICTIM_AT, ATTACKER_AT));
    assertArrayEquals(honest.linkKey(), view(VICTIM_AT).get(0).linkKey());
    // and when the map no longer has the victim's key at all, the reader still has it
    cache.offerAll(Map.of(attackerKey, signed(attacker, ATTACKER_AT, START)));
    assertEquals(Set.of(id(victim), id(attacker)),
        Set.copyOf(view(VICTIM_AT, ATTACKER_AT).stream().map(NodeDescriptor::nodeId).toList()));
  }

  @Test
  void aNewerValidDescriptorReplacesTheKeptOneAndAnOlderOneDoesNot() throws Exception {
    SignedDescriptor first = signed(victim, VICTIM_AT, START.minusSeconds(600));
    SignedDescriptor second = signed(victim, VICTIM_AT, START.minusSeconds(60));
    cache.offer(victimKey, first);
    assertEquals(new DirectoryCache.Stored(decoded(second)), cache.offer(victimKey, second));
    assertEquals(List.of(decoded(second)), view(VICTIM_AT));
    // replaying the older one (signed by the victim, still valid) changes nothing
    assertEquals(new DirectoryCache.Unchanged(decoded(second)), cache.offer(victimKey, first));
    assertEquals(List.of(decoded(second)), view(VICTIM_AT));
  }

  @Test
  void equallyDatedDescriptorsOfOneNodeAreDecidedTheSameWayInEitherOrder() throws Exception {
    SignedDescriptor a = signed(victim, VICTIM_AT, START);
    SignedDescriptor b = signed(victim, VICTIM_AT, START);
    DirectoryCache other = new DirectoryCache(verifier);
    cache.offer(victimKey, a);
    cache.offer(victimKey, b);
    other.offer(victimKey, b);
    other.offer(victimKey, a);
    assertEquals(other.newest(id(victim)), cache.newest(id(victim)));
  }

  @Test
  void anExpiredDescriptorDropsOut() throws Exception {
    SignedDescriptor real = signed(victim, VICTIM_AT, START.minusSeconds(60));
    cache.offer(victimKey, real);
    clock.advance(Duration.ofMinutes(59 + 5)); // valid until START+59m, 5 min skew: still in
    assertEquals(List.of(decoded(real)), view(VICTIM_AT));
    clock.advance(Duration.ofSeconds(1));
    assertEquals(List.of(), view(VICTIM_AT));
    assertEquals(Optional.empty(), cache.newest(id(victim)));
    assertEquals(0, cache.size());
    DirectoryCache.Offer again = cache.offer(victimKey, real);
    assertTrue(assertInstanceOf(DirectoryCache.Refused.class, again).removable(), again.toString());
  }

  @Test
  void aDescriptorNamingNoUpMemberIsNotListedUntilThatMemberIsUp() throws Exception {
    SignedDescriptor real = signed(victim, VICTIM_AT, START.minusSeconds(60));
    cache.offer(victimKey, real);
    assertEquals(List.of(), view(ATTACKER_AT));
    assertEquals(List.of(decoded(real)), view(VICTIM_AT, ATTACKER_AT));
  }

  @Test
  void aDescriptorNotYetValidIsRefusedWithoutRemovalAndTakenWhenItsTimeComes() throws Exception {
    SignedDescriptor early = signed(victim, VICTIM_AT, START.plus(Duration.ofMinutes(10)));
    DirectoryCache.Offer now = cache.offer(victimKey, early);
    assertFalse(assertInstanceOf(DirectoryCache.Refused.class, now).removable());
    clock.advance(Duration.ofMinutes(6));
    assertInstanceOf(DirectoryCache.Stored.class, cache.offer(victimKey, early));
    assertEquals(List.of(decoded(early)), view(VICTIM_AT));
  }

  @Test
  void keysThatAreNotTheDescriptorsNodeIdDoNotCount() {
    SignedDescriptor real = signed(victim, VICTIM_AT, START);
    for (String key : List.of(VICTIM_AT, victimKey.toUpperCase(), "x", "")) {
      DirectoryCache.Offer o = cache.offer(key, real);
      assertTrue(assertInstanceOf(DirectoryCache.Refused.class, o).removable(), key + ": " + o);
    }
    assertEquals(List.of(), view(VICTIM_AT));
  }

  @Test
  void aSecondIdClaimingAListedAddressDoesNotDisplaceTheListedOne() throws Exception {
    SignedDescriptor real = signed(victim, VICTIM_AT, START.minusSeconds(60));
    cache.offer(victimKey, real);
    assertEquals(List.of(decoded(real)), view(VICTIM_AT));
    // an admitted member signs, with its own key, a newer descriptor claiming the victim's address
    cache.offer(attackerKey, signed(attacker, VICTIM_AT, START.plus(Duration.ofMinutes(4))));
    DirectoryCache.Selection s = cache.select(Set.of(VICTIM_AT, ATTACKER_AT), NONE_REVOKED);
    assertEquals(List.of(decoded(real)), s.listed());
    DirectoryCache.Conflict c = s.conflicts().get(0);
    assertEquals(VICTIM_AT, c.address());
    assertEquals(Set.of(id(victim), id(attacker)), Set.copyOf(c.claimants()));
    assertEquals(Optional.of(id(victim)), c.listed());
    // the victim republishes (and restarts: its address is not Up for a while) and stays listed
    assertEquals(List.of(), view(ATTACKER_AT));
    SignedDescriptor later = signed(victim, VICTIM_AT, START.plusSeconds(120));
    clock.advance(Duration.ofMinutes(3));
    cache.offer(victimKey, later);
    assertEquals(List.of(decoded(later)), view(VICTIM_AT, ATTACKER_AT));
  }

  @Test
  void aReaderThatSeesTwoIdsForOneAddressAtOnceListsNeither() throws Exception {
    cache.offer(victimKey, signed(victim, VICTIM_AT, START.minusSeconds(60)));
    SignedDescriptor claim = signed(attacker, VICTIM_AT, START);
    cache.offer(attackerKey, claim);
    DirectoryCache.Selection s = cache.select(Set.of(VICTIM_AT), NONE_REVOKED);
    assertEquals(List.of(), s.listed());
    assertEquals(Optional.empty(), s.conflicts().get(0).listed());
    // revoking the liar settles it: the other claimant is listed
    assertEquals(List.of(id(victim)), cache.select(Set.of(VICTIM_AT), id(attacker)::equals).listed()
        .stream().map(NodeDescriptor::nodeId).toList());
  }

  @Test
  void anIncumbentThatExpiresMakesWay() throws Exception {
    SignedDescriptor old = signed(victim, VICTIM_AT, START.minusSeconds(60));
    cache.offer(victimKey, old);
    assertEquals(1, view(VICTIM_AT).size());
    // the relay came back on that address under a new identity
    Ed25519.KeyPair renewed = Ed25519.generate(random);
    SignedDescriptor fresh = signed(renewed, VICTIM_AT, START.plus(Duration.ofMinutes(30)));
    clock.advance(Duration.ofMinutes(30));
    cache.offer(DirectoryCache.keyOf(id(renewed)), fresh);
    assertEquals(List.of(decoded(old)), view(VICTIM_AT), "until the old identity's descriptor expires");
    clock.advance(Duration.ofMinutes(35)); // the old one has expired
    assertEquals(List.of(decoded(fresh)), view(VICTIM_AT));
  }

  @Test
  void whereAnAddressProvedItsIdOverTlsNoOtherIdClaimingItCounts() throws Exception {
    SignedDescriptor real = signed(victim, VICTIM_AT, START.minusSeconds(60));
    // the attacker mints a fresh id and claims the victim's address before this reader saw the victim
    Ed25519.KeyPair minted = Ed25519.generate(random);
    cache.offer(DirectoryCache.keyOf(id(minted)), signed(minted, VICTIM_AT, START.minusSeconds(30)));
    cache.offer(victimKey, real);
    cache.offer(attackerKey, signed(attacker, ATTACKER_AT, START.minusSeconds(60)));

    // without the proof, this reader lists neither claimant of the victim's address
    assertEquals(List.of(id(attacker)), cache.select(Set.of(VICTIM_AT, ATTACKER_AT), NONE_REVOKED).listed()
        .stream().map(NodeDescriptor::nodeId).toList());
    // with it, the victim
    java.util.Map<String, NodeId> proven = java.util.Map.of(VICTIM_AT, id(victim), ATTACKER_AT, id(attacker));
    DirectoryCache.Selection s = cache.select(Set.of(VICTIM_AT, ATTACKER_AT), NONE_REVOKED,
        a -> java.util.Optional.ofNullable(proven.get(a)));
    assertEquals(List.of(decoded(real).nodeId(), id(attacker)).stream().sorted().toList(),
        s.listed().stream().map(NodeDescriptor::nodeId).toList());
    assertEquals(List.of(), s.conflicts());
  }

  @Test
  void revokedIdsAreNeverListed() {
    cache.offer(victimKey, signed(victim, VICTIM_AT, START));
    cache.offer(attackerKey, signed(attacker, ATTACKER_AT, START));
    assertEquals(List.of(id(attacker)), cache.select(Set.of(VICTIM_AT, ATTACKER_AT), id(victim)::equals)
        .listed().stream().map(NodeDescriptor::nodeId).toList());
  }

  @Test
  void aNodeRepublishesUnlessItsKeyHoldsItsLatestOrANewerOneOfItsOwn() {
    SignedDescriptor own = signed(victim, VICTIM_AT, START);
    assertTrue(cache.shouldRepublish(own, null), "nothing there");
    assertFalse(cache.shouldRepublish(own, own), "its own latest");
    assertTrue(cache.shouldRepublish(own, signed(attacker, VICTIM_AT, START.plusSeconds(60))), "another's");
    assertTrue(cache.shouldRepublish(own, signed(victim, VICTIM_AT, START.minusSeconds(60))), "an older own");
    assertFalse(cache.shouldRepublish(own, signed(victim, VICTIM_AT, START.plusSeconds(60))),
        "a newer own: another process with this key, not to be fought");
    SignedDescriptor garbled = new SignedDescriptor(own.encoded(), new byte[Ed25519.SIGNATURE_BYTES]);
    assertTrue(cache.shouldRepublish(own, garbled), "a forgery");
  }

  @Test
  void beyondTheBoundDescriptorsNotListedAreDroppedAndListedOnesKept() throws Exception {
    DirectoryCache small = new DirectoryCache(verifier, 3);
    SignedDescriptor real = signed(victim, VICTIM_AT, START.minusSeconds(60));
    small.offer(victimKey, real);
    Map<String, SignedDescriptor> flood = new HashMap<>();
    for (int i = 0; i < 10; i++) {
      Ed25519.KeyPair k = Ed25519.generate(random);
      flood.put(DirectoryCache.keyOf(id(k)), signed(k, "127.9.0." + i + ":25520", START));
    }
    small.offerAll(flood);
    assertEquals(11, small.size());
    assertEquals(List.of(decoded(real)), small.select(Set.of(VICTIM_AT), NONE_REVOKED).listed());
    assertEquals(3, small.size());
    assertEquals(Optional.of(decoded(real)), small.newest(id(victim)));
  }
}
