package io.shroud.circuit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.crypto.Ed25519;
import io.shroud.crypto.MlKem768;
import io.shroud.hidden.EstablishIntro;
import io.shroud.testutil.SeededRandom;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The checks a relay hop makes on hidden-seeding commands (protocol §11.4): role, size, last hop, KH. */
class HiddenRoleTest {
  private static final byte[] KH = new byte[32];
  private static final Ed25519.KeyPair AUTH = Ed25519.generate(SeededRandom.of(3));
  private static final byte[] EK = MlKem768.generate(SeededRandom.of(4)).publicKey();

  private static RelayCell cell(RelayCommand command, int size) {
    byte[] data = new byte[size];
    Arrays.fill(data, (byte) 7);
    return new RelayCell(command, 0, data);
  }

  private static HiddenRole role() {
    return new HiddenRole(KH.clone());
  }

  @Test
  void establishIntroVerifiesUnderThisHopsKhOnce() throws Exception {
    HiddenRole role = role();
    HiddenRole.Request request = role.accept(new RelayCell(RelayCommand.ESTABLISH_INTRO, 0,
        EstablishIntro.sign(AUTH, KH, EK)), true);
    HiddenRole.Intro intro = assertInstanceOf(HiddenRole.Intro.class, request);
    assertArrayEquals(AUTH.publicKey(), intro.authKey());
    assertArrayEquals(EK, intro.encapsulationKey());
    assertEquals(HiddenRole.State.INTRO, role.state());
    assertFalse(role.allowsExtend());
    assertThrows(CircuitProtocolException.class, () -> role.accept(new RelayCell(RelayCommand.ESTABLISH_INTRO, 0,
        EstablishIntro.sign(AUTH, KH, EK)), true), "twice on one circuit");
    assertThrows(CircuitProtocolException.class, () -> role.accept(cell(RelayCommand.INTRODUCE1,
        HiddenRole.INTRODUCE1_BYTES), true), "an intro circuit does not introduce");
  }

  @Test
  void establishIntroForAnotherHopOrNotAtTheLastHopIsRefused() {
    byte[] otherKh = new byte[32];
    otherKh[0] = 1;
    assertThrows(CircuitProtocolException.class, () -> role().accept(new RelayCell(RelayCommand.ESTABLISH_INTRO, 0,
        EstablishIntro.sign(AUTH, otherKh, EK)), true));
    assertThrows(CircuitProtocolException.class, () -> role().accept(new RelayCell(RelayCommand.ESTABLISH_INTRO, 0,
        EstablishIntro.sign(AUTH, KH, EK)), false));
    assertThrows(CircuitProtocolException.class, () -> role().accept(cell(RelayCommand.ESTABLISH_INTRO, 1279), true));
  }

  @Test
  void aDownloaderMayAskForKeysAndIntroduceRepeatedly() throws Exception {
    HiddenRole role = role();
    HiddenRole.KeyQuery query = assertInstanceOf(HiddenRole.KeyQuery.class,
        role.accept(cell(RelayCommand.INTRO_KEY, 32), true));
    assertEquals(32, query.authKey().length);
    for (int i = 0; i < 3; i++) {
      HiddenRole.Introduce introduce = assertInstanceOf(HiddenRole.Introduce.class,
          role.accept(cell(RelayCommand.INTRODUCE1, 2480), true));
      assertEquals(2480, introduce.data().length);
      assertArrayEquals(Arrays.copyOf(introduce.data(), 32), introduce.authKey(), "the auth key leads");
    }
    assertThrows(CircuitProtocolException.class, () -> role.accept(cell(RelayCommand.INTRO_KEY, 33), true));
    assertThrows(CircuitProtocolException.class, () -> role().accept(cell(RelayCommand.INTRODUCE1, 2479), true));
    assertThrows(CircuitProtocolException.class, () -> role.accept(cell(RelayCommand.ESTABLISH_RENDEZVOUS, 20), true));
  }

  @Test
  void rendezvousCommandsHaveFixedSizesAndOneRole() throws Exception {
    HiddenRole downloader = role();
    HiddenRole.Cookie cookie = assertInstanceOf(HiddenRole.Cookie.class,
        downloader.accept(cell(RelayCommand.ESTABLISH_RENDEZVOUS, 20), true));
    assertEquals(20, cookie.cookie().length);
    assertFalse(downloader.spliced(), "waiting: its own cells are still for the RP");
    assertThrows(CircuitProtocolException.class, () -> downloader.accept(cell(RelayCommand.ESTABLISH_RENDEZVOUS, 20),
        true));
    assertEquals(List.of(), downloader.joined());
    assertTrue(downloader.spliced());

    HiddenRole seeder = role();
    HiddenRole.Rendezvous rendezvous = assertInstanceOf(HiddenRole.Rendezvous.class,
        seeder.accept(cell(RelayCommand.RENDEZVOUS1, 1172), true));
    assertEquals(20, rendezvous.cookie().length);
    assertEquals(1152, rendezvous.rendezvous2().length);
    assertTrue(seeder.spliced());
    assertThrows(CircuitProtocolException.class, () -> role().accept(cell(RelayCommand.RENDEZVOUS1, 1171), true));
    assertThrows(CircuitProtocolException.class, () -> role().accept(cell(RelayCommand.ESTABLISH_RENDEZVOUS, 21), true));
    assertThrows(CircuitProtocolException.class, () -> role().accept(cell(RelayCommand.RENDEZVOUS2, 1152), true),
        "RENDEZVOUS2 goes the other way");
  }

  @Test
  void aJoiningCircuitHoldsAtMost64CellsUntilJoined() throws Exception {
    HiddenRole seeder = role();
    seeder.accept(cell(RelayCommand.RENDEZVOUS1, 1172), true);
    for (int i = 0; i < 64; i++) {
      seeder.hold(new byte[] {(byte) i});
    }
    assertThrows(CircuitProtocolException.class, () -> seeder.hold(new byte[1]));
    List<byte[]> held = seeder.joined();
    assertEquals(64, held.size());
    assertEquals(5, held.get(5)[0], "in order");
    assertThrows(IllegalStateException.class, seeder::joined);
  }
}
