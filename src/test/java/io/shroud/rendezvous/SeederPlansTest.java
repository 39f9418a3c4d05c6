package io.shroud.rendezvous;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.admission.RelayFlag;
import io.shroud.circuit.RelayInfo;
import io.shroud.dht.SignedRecord;
import io.shroud.hidden.EstablishIntro;
import io.shroud.hidden.HsDescriptor;
import io.shroud.hidden.HsLocation;
import io.shroud.hidden.HsPeriod;
import io.shroud.hidden.HsRelay;
import io.shroud.hidden.IntroPointPlan;
import io.shroud.hidden.SeederIntroductions;
import io.shroud.hidden.ShareSecret;
import io.shroud.identity.NodeId;
import io.shroud.testutil.MutableClock;
import io.shroud.testutil.SeededRandom;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SeederPlansTest {
  /** 2026-01-01T00:00Z is the start of period 20454. */
  static final long PERIOD = 20454;
  static final Instant NOON = HsPeriod.start(PERIOD).plus(Duration.ofHours(12));

  private final MutableClock clock = new MutableClock(NOON);
  private final ShareSecret secret = ShareSecret.ofPublic(new byte[32]);
  private final byte[] kh = new byte[EstablishIntro.KH_BYTES];

  static NodeId id(int i) {
    byte[] b = new byte[NodeId.BYTES];
    b[0] = (byte) i;
    return NodeId.of(b);
  }

  /** Relays 1..count, each in a /16 of its own. */
  static List<HsRelay> relays(int count) {
    List<HsRelay> out = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      out.add(new HsRelay(id(i), i, 100, true, true));
    }
    return out;
  }

  private SeederPlans plans(NodeId self) {
    return new SeederPlans(secret, self, clock, SeededRandom.of(5));
  }

  private List<SeederPlans.Ref> establishAll(SeederPlans plans, List<SeederPlans.NewPoint> points) {
    List<SeederPlans.Ref> refs = new ArrayList<>();
    for (SeederPlans.NewPoint p : points) {
      assertTrue(plans.establishIntro(p.ref(), kh).isPresent());
      assertTrue(plans.established(p.ref()));
      refs.add(p.ref());
    }
    return refs;
  }

  private byte[] authKey(SeederPlans plans, SeederPlans.Ref ref) {
    return plans.plans().stream().filter(p -> p.period() == ref.period()).findFirst().orElseThrow()
        .byId(ref.id()).orElseThrow().keys().authKey();
  }

  @Test
  void mapsTheCircuitLayersRelaysWithTheirSlash16AndFlags() throws Exception {
    Inet4Address address = (Inet4Address) InetAddress.getByAddress(new byte[] {10, 20, 30, 40});
    List<HsRelay> mapped = SeederPlans.relays(List.of(new RelayInfo(id(1), address, 77,
        Set.of(RelayFlag.FAST, RelayFlag.GUARD)), new RelayInfo(id(2), address, 5, Set.of(RelayFlag.STABLE))));
    assertEquals(new HsRelay(id(1), 10 * 256 + 20, 77, true, false), mapped.get(0));
    assertEquals(new HsRelay(id(2), 10 * 256 + 20, 5, false, true), mapped.get(1));
  }

  @Test
  void onePlanAtNoonTwoInTheLastHourNeverOnItsOwnRelay() {
    SeederPlans plans = plans(id(1));
    List<SeederPlans.NewPoint> points = plans.replenish(relays(4));
    assertEquals(3, points.size());
    assertTrue(points.stream().allMatch(p -> p.ref().period() == PERIOD));
    assertTrue(points.stream().noneMatch(p -> p.relay().equals(id(1))), "never its own relay");
    assertTrue(plans.replenish(relays(4)).isEmpty(), "full");

    clock.advance(Duration.ofHours(11));
    List<SeederPlans.NewPoint> next = plans.replenish(relays(4));
    assertEquals(3, next.size());
    assertTrue(next.stream().allMatch(p -> p.ref().period() == PERIOD + 1), "the next period's plan");
  }

  @Test
  void establishIntroIsSignedOverTheBindingOnceAndAnEstablishedPointTakesIntroductionsUntilLost() throws Exception {
    SeederPlans plans = plans(null);
    SeederPlans.Ref ref = plans.replenish(relays(3)).get(0).ref();
    kh[0] = 9;
    byte[] data = plans.establishIntro(ref, kh).orElseThrow();
    assertArrayEquals(authKey(plans, ref), EstablishIntro.verify(data, kh).authKey());
    assertEquals(Optional.empty(), plans.establishIntro(ref, kh), "ESTABLISH_INTRO once");
    assertFalse(plans.introductions().registered(authKey(plans, ref)));
    assertTrue(plans.established(ref));
    assertTrue(plans.introductions().registered(authKey(plans, ref)));

    byte[] foreign = new byte[2480];
    assertEquals(SeederIntroductions.Outcome.UNKNOWN_AUTH_KEY, plans.introduce2(ref, foreign).outcome(),
        "INTRODUCE2 for another auth key on this circuit");
    assertEquals(SeederIntroductions.Outcome.UNKNOWN_AUTH_KEY,
        plans.introduce2(new SeederPlans.Ref(PERIOD, 99), foreign).outcome());

    assertTrue(plans.lost(ref));
    assertFalse(plans.lost(ref), "once");
    assertFalse(plans.introductions().registered(authKey(plans, ref)));
    assertEquals(Optional.of(IntroPointPlan.State.LOST), plans.state(ref));
  }

  @Test
  void publishesSignedSealedRecordsAtTheLocationAndKnowsWhichIsLatest() throws Exception {
    SeederPlans plans = plans(null);
    List<SeederPlans.Ref> refs = establishAll(plans, plans.replenish(relays(5)));
    List<SignedRecord> records = plans.publications();
    assertEquals(1, records.size());
    SignedRecord first = records.get(0);
    HsLocation location = HsLocation.of(secret, PERIOD);
    assertEquals(NodeId.of(location.location()), first.key());
    assertTrue(first.signatureValid());
    assertEquals(1, first.seq());
    assertEquals(3, HsDescriptor.open(first.value(), location, first.publisher()).introPoints().size());
    assertTrue(plans.latest(first));
    assertTrue(plans.publications().isEmpty(), "nothing changed");

    assertTrue(plans.lost(refs.get(1)));
    SignedRecord second = plans.publications().get(0);
    assertEquals(2, second.seq());
    assertEquals(2, HsDescriptor.open(second.value(), location, second.publisher()).introPoints().size());
    assertFalse(plans.latest(first), "superseded: not worth storing again");
    assertTrue(plans.latest(second));
    assertEquals(1, plans.replenish(relays(5)).size(), "a replacement");
  }

  @Test
  void aRelayLeavingTheConsensusLosesItsPointAndPlansEndAnHourAfterTheirPeriod() {
    SeederPlans plans = plans(null);
    List<SeederPlans.Ref> refs = establishAll(plans, plans.replenish(relays(3)));
    List<HsRelay> fewer = relays(3).subList(1, 3);
    List<SeederPlans.Ref> gone = plans.consensusChanged(fewer);
    assertEquals(1, gone.size());
    assertEquals(Optional.of(IntroPointPlan.State.LOST), plans.state(gone.get(0)));
    assertFalse(plans.introductions().registered(authKey(plans, gone.get(0))));
    assertTrue(plans.endOver().isEmpty());

    clock.advance(Duration.ofHours(13)); // 01:00 of the next day: period PERIOD is over
    plans.replenish(relays(3)); // the next period's plan
    List<SeederPlans.Ref> ended = plans.endOver();
    assertEquals(2, ended.size(), "the points still open");
    assertTrue(refs.containsAll(ended));
    assertTrue(plans.plans().stream().noneMatch(p -> p.period() == PERIOD));
    assertEquals(Optional.empty(), plans.state(refs.get(0)));
  }
}
