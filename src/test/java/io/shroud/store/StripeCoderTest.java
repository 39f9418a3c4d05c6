package io.shroud.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.testutil.SeededRandom;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A share's pieces through stripes and back: the layout's arithmetic, stored fragments that are
 * opaque and addressed by their hash, any {@code K} of a stripe giving its pieces back, a repair
 * that rebuilds the very bytes (and addresses) first stored, and a fragment that does not match
 * its address refused before anything is decoded.
 */
class StripeCoderTest {
  private static final int PIECE = 4096;
  private final SecureRandom random = SeededRandom.of(2929);

  /** 10 pieces, the last 1000 bytes: 4+2 gives stripes of 4, 4 and 2 pieces. */
  private static final StripeLayout LAYOUT = StripeLayout.ofFile(9L * PIECE + 1000, PIECE, Redundancy.DEFAULT);

  private List<byte[]> pieces(StripeLayout layout) {
    List<byte[]> pieces = new ArrayList<>();
    for (int p = 0; p < layout.pieces(); p++) {
      byte[] piece = new byte[layout.pieceLength(p)];
      random.nextBytes(piece);
      pieces.add(piece);
    }
    return pieces;
  }

  private static List<byte[]> stripeOf(StripeLayout layout, List<byte[]> pieces, int stripe) {
    int first = layout.firstPiece(stripe);
    return pieces.subList(first, first + layout.dataPieces(stripe));
  }

  private static byte[][] addresses(StripeLayout layout, List<StripeCoder.Fragment> stored) {
    byte[][] addresses = new byte[layout.redundancy().total()][];
    stored.forEach(f -> addresses[f.index()] = f.address());
    return addresses;
  }

  private static Map<Integer, byte[]> without(List<StripeCoder.Fragment> stored, int... lost) {
    Map<Integer, byte[]> out = new HashMap<>();
    stored.forEach(f -> out.put(f.index(), f.bytes()));
    Arrays.stream(lost).forEach(out::remove);
    return out;
  }

  @Test
  void theLayoutPutsKPiecesInAStripeAndNeverStoresTheZeroFragmentsOfAShortOne() {
    assertEquals(10, LAYOUT.pieces());
    assertEquals(3, LAYOUT.stripes());
    assertEquals(List.of(0, 4, 8), List.of(LAYOUT.firstPiece(0), LAYOUT.firstPiece(1), LAYOUT.firstPiece(2)));
    assertEquals(List.of(4, 4, 2), List.of(LAYOUT.dataPieces(0), LAYOUT.dataPieces(1), LAYOUT.dataPieces(2)));
    assertEquals(1000, LAYOUT.pieceLength(9));
    assertEquals(List.of(6, 6, 4), List.of(LAYOUT.storedFragments(0), LAYOUT.storedFragments(1),
        LAYOUT.storedFragments(2)));
    assertFalse(LAYOUT.stored(2, 2) || LAYOUT.stored(2, 3), "zero fragments of the short stripe");
    assertTrue(LAYOUT.stored(2, 1) && LAYOUT.stored(2, 4) && LAYOUT.stored(2, 5));
    assertEquals(1, StripeLayout.ofFile(1, PIECE, Redundancy.DEFAULT).stripes());
    assertThrows(IllegalArgumentException.class, () -> LAYOUT.firstPiece(3));
    assertThrows(IllegalArgumentException.class, () -> LAYOUT.stored(0, 6));
    assertThrows(IllegalArgumentException.class, () -> new StripeLayout(new int[] {PIECE + 1}, PIECE,
        Redundancy.DEFAULT));
    assertThrows(IllegalArgumentException.class, () -> new StripeLayout(new int[0], PIECE, Redundancy.DEFAULT));
  }

  @Test
  void anyKStoredFragmentsOfEachStripeGiveItsPiecesBack() throws Exception {
    List<byte[]> pieces = pieces(LAYOUT);
    StripeCoder coder = new StripeCoder(LAYOUT, StorageKey.generate(random));
    for (int s = 0; s < LAYOUT.stripes(); s++) {
      List<StripeCoder.Fragment> stored = coder.encode(s, stripeOf(LAYOUT, pieces, s));
      assertEquals(LAYOUT.storedFragments(s), stored.size());
      byte[][] addresses = addresses(LAYOUT, stored);
      List<Integer> indexes = stored.stream().map(StripeCoder.Fragment::index).toList();
      for (int a = 0; a < indexes.size(); a++) {
        for (int b = a + 1; b < indexes.size(); b++) {
          List<byte[]> back = coder.decode(s, addresses, without(stored, indexes.get(a), indexes.get(b)));
          List<byte[]> expected = stripeOf(LAYOUT, pieces, s);
          assertEquals(expected.size(), back.size());
          for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i), back.get(i), "stripe " + s + " piece " + i + " without "
                + indexes.get(a) + ", " + indexes.get(b));
          }
        }
      }
      ErasureException tooFew = assertThrows(ErasureException.class,
          () -> coder.decode(0, addresses(LAYOUT, coder.encode(0, stripeOf(LAYOUT, pieces, 0))),
              without(coder.encode(0, stripeOf(LAYOUT, pieces, 0)), 0, 4, 5)));
      assertTrue(tooFew.getMessage().contains("3 present"), tooFew::getMessage);
    }
  }

  @Test
  void storedFragmentsAreOpaqueAddressedByTheirHashAndDependOnTheRandomKey() {
    byte[] zeros = new byte[PIECE];
    StripeLayout one = StripeLayout.ofFile(4L * PIECE, PIECE, Redundancy.DEFAULT);
    List<byte[]> same = List.of(zeros, zeros, zeros, zeros);
    List<StripeCoder.Fragment> a = new StripeCoder(one, StorageKey.generate(random)).encode(0, same);
    List<StripeCoder.Fragment> b = new StripeCoder(one, StorageKey.generate(random)).encode(0, same);
    StorageKey fixed = StorageKey.generate(random);
    List<StripeCoder.Fragment> c = new StripeCoder(one, fixed).encode(0, same);
    List<StripeCoder.Fragment> d = new StripeCoder(one, StorageKey.of(fixed.bytes())).encode(0, same);
    for (int i = 0; i < 6; i++) {
      StripeCoder.Fragment f = a.get(i);
      assertArrayEquals(StripeCoder.address(f.bytes()), f.address());
      assertFalse(Arrays.equals(zeros, f.bytes()), "an all-zero piece is not stored as zeros");
      assertNotEquals(HexFormat.of().formatHex(f.address()), HexFormat.of().formatHex(b.get(i).address()),
          "another storage of the same content: other fragments (no convergent encryption)");
      assertArrayEquals(c.get(i).bytes(), d.get(i).bytes(), "one key, one position: the same fragment");
      for (int j = 0; j < i; j++) {
        assertFalse(Arrays.equals(a.get(j).bytes(), f.bytes()), "equal pieces, distinct fragments " + j + ", " + i);
      }
    }
    assertEquals("StorageKey[redacted]", fixed.toString());
  }

  @Test
  void aRepairRebuildsTheLostFragmentsByteForByte() throws Exception {
    List<byte[]> pieces = pieces(LAYOUT);
    StorageKey key = StorageKey.generate(random);
    List<StripeCoder.Fragment> stored = new StripeCoder(LAYOUT, key).encode(2, stripeOf(LAYOUT, pieces, 2));
    // another holder of the manifest (same key) repairs the short stripe from two of its four
    StripeCoder repairer = new StripeCoder(LAYOUT, StorageKey.of(key.bytes()));
    List<StripeCoder.Fragment> rebuilt = repairer.rebuild(2, addresses(LAYOUT, stored), without(stored, 0, 5));
    assertEquals(List.of(0, 5), rebuilt.stream().map(StripeCoder.Fragment::index).toList());
    for (StripeCoder.Fragment f : rebuilt) {
      StripeCoder.Fragment original = stored.stream().filter(o -> o.index() == f.index()).findFirst().orElseThrow();
      assertArrayEquals(original.bytes(), f.bytes());
      assertArrayEquals(original.address(), f.address());
    }
  }

  @Test
  void aFragmentThatDoesNotMatchItsAddressIsNamedAndNothingIsDecoded() {
    List<byte[]> pieces = pieces(LAYOUT);
    StripeCoder coder = new StripeCoder(LAYOUT, StorageKey.generate(random));
    List<StripeCoder.Fragment> stored = coder.encode(1, stripeOf(LAYOUT, pieces, 1));
    Map<Integer, byte[]> given = without(stored);
    byte[] bad = given.get(4).clone();
    bad[17] ^= 1;
    given.put(4, bad);
    StripeCoder.BadFragmentException e = assertThrows(StripeCoder.BadFragmentException.class,
        () -> coder.decode(1, addresses(LAYOUT, stored), given));
    assertEquals(4, e.index());
    given.put(4, Arrays.copyOf(stored.get(4).bytes(), PIECE - 1));
    assertEquals(4, assertThrows(StripeCoder.BadFragmentException.class,
        () -> coder.decode(1, addresses(LAYOUT, stored), given)).index(), "a short fragment");
    assertThrows(IllegalArgumentException.class, () -> coder.encode(1, stripeOf(LAYOUT, pieces, 0).subList(0, 3)));
  }
}
