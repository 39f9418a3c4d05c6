package io.shroud.wire;

import io.shroud.testutil.MutableClock;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.crypto.CipherState;
import io.shroud.crypto.NoiseCipher;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Sealing and opening records, authentication failures, and both rekey rules. */
class LinkCipherTest {
  private static final byte[] A_TO_B = key(1);
  private static final byte[] B_TO_A = key(2);
  private final MutableClock clockA = new MutableClock();
  private final MutableClock clockB = new MutableClock();
  private final Random random = new Random(7);

  private static byte[] key(int seed) {
    byte[] k = new byte[32];
    new Random(seed).nextBytes(k);
    return k;
  }

  private static CipherState state(NoiseCipher c, byte[] key) {
    CipherState cs = new CipherState(c);
    cs.initializeKey(key);
    return cs;
  }

  private static LinkCipher a(NoiseCipher c, RekeyPolicy p, MutableClock clock) {
    return new LinkCipher(state(c, A_TO_B), state(c, B_TO_A), p, clock);
  }

  private static LinkCipher b(NoiseCipher c, RekeyPolicy p, MutableClock clock) {
    return new LinkCipher(state(c, B_TO_A), state(c, A_TO_B), p, clock);
  }

  private Cell randomCell() {
    byte[] p = new byte[random.nextInt(4076)];
    random.nextBytes(p);
    return new Cell(1 + random.nextInt(1000), CellCommand.RELAY, p);
  }

  @ParameterizedTest
  @EnumSource(NoiseCipher.class)
  void sealedCellsOpenOnTheOtherSide(NoiseCipher c) throws ProtocolViolationException {
    LinkCipher a = a(c, RekeyPolicy.DEFAULT, clockA);
    LinkCipher b = b(c, RekeyPolicy.DEFAULT, clockB);
    for (int i = 0; i < 50; i++) {
      Cell cell = randomCell();
      byte[] record = a.seal(cell);
      assertEquals(4096, record.length);
      assertEquals(cell, b.open(record));
      Cell back = randomCell();
      assertEquals(back, a.open(b.seal(back)));
    }
    byte[] padding = a.seal(Cell.padding());
    assertEquals(4096, padding.length, "padding is a record like any other");
    assertEquals(CellCommand.PADDING, b.open(padding).command());
  }

  @ParameterizedTest
  @EnumSource(NoiseCipher.class)
  void aFlippedBitAnywhereFailsAuthentication(NoiseCipher c) throws ProtocolViolationException {
    byte[] record = a(c, RekeyPolicy.DEFAULT, clockA).seal(randomCell());
    for (int i = 0; i < record.length; i++) {
      byte[] tampered = record.clone();
      tampered[i] ^= (byte) (1 << random.nextInt(8));
      LinkCipher b = b(c, RekeyPolicy.DEFAULT, clockB);
      ProtocolViolationException e =
          assertThrows(ProtocolViolationException.class, () -> b.open(tampered), "byte " + i);
      assertEquals("record failed authentication", e.getMessage());
      assertEquals("link cipher already failed",
          assertThrows(ProtocolViolationException.class, () -> b.open(record)).getMessage());
    }
    assertEquals(CellCommand.RELAY, b(c, RekeyPolicy.DEFAULT, clockB).open(record).command());
  }

  @ParameterizedTest
  @EnumSource(NoiseCipher.class)
  void replayedReorderedAndTruncatedRecordsFail(NoiseCipher c) throws ProtocolViolationException {
    LinkCipher a = a(c, RekeyPolicy.DEFAULT, clockA);
    byte[] r1 = a.seal(randomCell());
    byte[] r2 = a.seal(randomCell());
    LinkCipher b = b(c, RekeyPolicy.DEFAULT, clockB);
    b.open(r1);
    assertThrows(ProtocolViolationException.class, () -> b.open(r1), "replay");
    LinkCipher b2 = b(c, RekeyPolicy.DEFAULT, clockB);
    assertThrows(ProtocolViolationException.class, () -> b2.open(r2), "reorder");
    LinkCipher b3 = b(c, RekeyPolicy.DEFAULT, clockB);
    assertEquals("record has the wrong size: 4095 != 4096 bytes",
        assertThrows(ProtocolViolationException.class,
            () -> b3.open(Arrays.copyOf(r1, 4095))).getMessage());
  }

  @ParameterizedTest
  @EnumSource(NoiseCipher.class)
  void bothDirectionsStayInSyncAcrossManyCountAndTimeRekeys(NoiseCipher c)
      throws ProtocolViolationException {
    RekeyPolicy policy = new RekeyPolicy(3, Duration.ofSeconds(30));
    LinkCipher a = a(c, policy, clockA);
    LinkCipher b = b(c, policy, clockB);
    int timeRekeyRecords = 0;
    for (int i = 0; i < 3000; i++) {
      clockA.advance(Duration.ofSeconds(random.nextInt(12)));
      clockB.advance(Duration.ofSeconds(random.nextInt(12)));
      boolean fromA = random.nextBoolean();
      LinkCipher sender = fromA ? a : b;
      LinkCipher receiver = fromA ? b : a;
      Cell cell = random.nextInt(10) == 0 ? Cell.padding() : randomCell();
      byte[] wire = sender.seal(cell);
      if (wire.length == 8192) {
        timeRekeyRecords++;
        assertEquals(CellCommand.REKEY, receiver.open(Arrays.copyOf(wire, 4096)).command());
        assertEquals(cell, receiver.open(Arrays.copyOfRange(wire, 4096, 8192)));
      } else {
        assertEquals(cell, receiver.open(wire));
      }
      byte[] idle = sender.rekeyIfDue();
      if (idle != null) {
        assertEquals(CellCommand.REKEY, receiver.open(idle).command());
      }
    }
    assertTrue(timeRekeyRecords > 10, "time-based rekeys happened: " + timeRekeyRecords);
    assertTrue(a.sendRekeys() > 500, "count-based rekeys happened: " + a.sendRekeys());
    assertEquals(a.sendRekeys(), b.receiveRekeys());
    assertEquals(b.sendRekeys(), a.receiveRekeys());
    assertEquals(a.cellsSent(), b.cellsReceived());
  }

  @ParameterizedTest
  @EnumSource(NoiseCipher.class)
  void aRecordUnderThePreRekeyKeyFailsAfterACountRekey(NoiseCipher c)
      throws ProtocolViolationException {
    RekeyPolicy every4 = new RekeyPolicy(4, Duration.ofDays(1));
    RekeyPolicy never = new RekeyPolicy(RekeyPolicy.MAX_CELLS, Duration.ofDays(1));
    LinkCipher rekeying = a(c, every4, clockA);
    LinkCipher stale = a(c, never, clockA); // same keys, never rekeys
    byte[][] first4 = new byte[4][];
    for (int i = 0; i < 4; i++) {
      Cell cell = randomCell();
      first4[i] = rekeying.seal(cell);
      assertTrue(Arrays.equals(first4[i], stale.seal(cell)), "same key before the rekey");
    }
    Cell fifth = randomCell();
    byte[] old = stale.seal(fifth); // the right nonce under the pre-rekey key
    byte[] fresh = rekeying.seal(fifth);

    LinkCipher b = b(c, every4, clockB);
    LinkCipher bNever = b(c, never, clockB);
    for (byte[] r : first4) {
      b.open(r);
      bNever.open(r);
    }
    assertEquals(1, b.receiveRekeys());
    assertEquals(fifth, bNever.open(old), "control: without the rekey the old key still works");
    assertEquals("record failed authentication",
        assertThrows(ProtocolViolationException.class, () -> b.open(old)).getMessage());
    LinkCipher b2 = b(c, every4, clockB);
    for (byte[] r : first4) {
      b2.open(r);
    }
    assertEquals(fifth, b2.open(fresh));
  }

  @ParameterizedTest
  @EnumSource(NoiseCipher.class)
  void aRecordUnderThePreRekeyKeyFailsAfterATimeRekey(NoiseCipher c)
      throws ProtocolViolationException {
    RekeyPolicy minute = new RekeyPolicy(RekeyPolicy.MAX_CELLS, Duration.ofMinutes(1));
    MutableClock staleClock = new MutableClock();
    LinkCipher a = a(c, minute, clockA);
    LinkCipher stale = a(c, minute, staleClock);
    LinkCipher b = b(c, minute, clockB);
    Cell first = randomCell();
    byte[] r1 = a.seal(first);
    stale.seal(first);
    b.open(r1);
    assertNull(a.rekeyIfDue());
    clockA.advance(Duration.ofSeconds(59));
    assertNull(a.rekeyIfDue());
    clockA.advance(Duration.ofSeconds(1));
    Cell second = randomCell();
    byte[] both = a.seal(second);
    assertEquals(8192, both.length, "REKEY record, then the cell under the new key");
    stale.seal(Cell.padding()); // stale now sits at the same nonce as a's second record, old key
    byte[] old = stale.seal(second);
    assertEquals(CellCommand.REKEY, b.open(Arrays.copyOf(both, 4096)).command());
    assertEquals(1, b.receiveRekeys());
    LinkCipher bCopy = b(c, minute, clockB);
    bCopy.open(r1);
    bCopy.open(Arrays.copyOf(both, 4096));
    assertThrows(ProtocolViolationException.class, () -> bCopy.open(old));
    assertEquals(second, b.open(Arrays.copyOfRange(both, 4096, 8192)));
  }

  @ParameterizedTest
  @EnumSource(NoiseCipher.class)
  void sealAllGivesTheRecordsOfOneSealPerCellAcrossRekeys(NoiseCipher c)
      throws ProtocolViolationException {
    RekeyPolicy policy = new RekeyPolicy(3, Duration.ofMinutes(1));
    MutableClock clockC = new MutableClock();
    LinkCipher batched = a(c, policy, clockA);
    LinkCipher single = a(c, policy, clockC);
    LinkCipher b = b(c, policy, clockB);
    java.util.List<Cell> cells = new java.util.ArrayList<>();
    for (int i = 0; i < 7; i++) {
      cells.add(randomCell());
    }
    byte[] all = batched.sealAll(cells);
    assertEquals(7 * 4096, all.length, "seven records, two count rekeys inside, no REKEY record");
    java.io.ByteArrayOutputStream expected = new java.io.ByteArrayOutputStream();
    for (Cell cell : cells) {
      expected.writeBytes(single.seal(cell));
    }
    assertTrue(Arrays.equals(expected.toByteArray(), all), "same bytes as one seal per cell");
    for (int i = 0; i < 7; i++) {
      assertEquals(cells.get(i), b.open(Arrays.copyOfRange(all, i * 4096, (i + 1) * 4096)));
    }
    clockA.advance(Duration.ofMinutes(1));
    byte[] late = batched.sealAll(cells.subList(0, 2));
    assertEquals(3 * 4096, late.length, "one time-based REKEY record in front, not one per cell");
    assertEquals(CellCommand.REKEY, b.open(Arrays.copyOf(late, 4096)).command());
    assertEquals(cells.get(0), b.open(Arrays.copyOfRange(late, 4096, 8192)));
    assertEquals(cells.get(1), b.open(Arrays.copyOfRange(late, 8192, 12288)));
    assertEquals(0, batched.sealAll(java.util.List.of()).length);
  }
}
