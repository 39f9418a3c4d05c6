package io.shroud.swarm.fetch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.content.PieceGeometry;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class OutputDigestTest {
  private static final int PIECE = 32 * 1024;
  private final byte[] file = random(10 * PIECE + 5000);
  private final PieceGeometry geometry = new PieceGeometry(file.length, PIECE);

  @Test
  void piecesInAnyOrderWithinTheBoundGiveTheFilesSha256() throws Exception {
    List<Integer> order = new ArrayList<>();
    for (int p = 0; p < geometry.pieceCount(); p++) {
      order.add(p);
    }
    Collections.shuffle(order, new Random(3));
    OutputDigest d = new OutputDigest(geometry, file.length);
    for (int i = 0; i < order.size(); i++) {
      assertEquals(Optional.empty(), d.sha256Hex(), "not before the last piece");
      d.add(order.get(i), piece(order.get(i)));
    }
    assertEquals(Optional.of(sha256(file)), d.sha256Hex());
    assertEquals(0, d.waitingBytes());
  }

  @Test
  void repeatedPiecesAreIgnored() throws Exception {
    OutputDigest d = new OutputDigest(geometry, file.length);
    d.add(1, piece(1));
    d.add(1, piece(1));
    for (int p = 0; p < geometry.pieceCount(); p++) {
      d.add(p, piece(p));
      d.add(p, piece(p));
    }
    assertEquals(Optional.of(sha256(file)), d.sha256Hex());
  }

  @Test
  void givesUpWhenTooManyBytesWaitForAnEarlierPiece() {
    OutputDigest d = new OutputDigest(geometry, 2L * PIECE);
    d.add(1, piece(1));
    d.add(2, piece(2));
    assertFalse(d.abandoned());
    assertEquals(2L * PIECE, d.waitingBytes());
    d.add(3, piece(3));
    assertTrue(d.abandoned());
    assertEquals(0, d.waitingBytes(), "the waiting pieces are let go");
    for (int p = 0; p < geometry.pieceCount(); p++) {
      d.add(p, piece(p));
    }
    assertEquals(Optional.empty(), d.sha256Hex(), "an incomplete digest never claims a hash");
  }

  @Test
  void aMissingPieceMeansNoHash() {
    OutputDigest d = new OutputDigest(geometry, file.length);
    for (int p = 0; p < geometry.pieceCount(); p++) {
      if (p != 4) {
        d.add(p, piece(p));
      }
    }
    assertEquals(Optional.empty(), d.sha256Hex());
  }

  @Test
  void rejectsPiecesOfTheWrongSizeOrIndex() {
    OutputDigest d = new OutputDigest(geometry, file.length);
    assertThrows(IllegalArgumentException.class, () -> d.add(0, new byte[PIECE - 1]));
    assertThrows(IllegalArgumentException.class, () -> d.add(10, new byte[PIECE]), "the last piece is short");
    assertThrows(IllegalArgumentException.class, () -> d.add(11, new byte[PIECE]));
    assertThrows(IllegalArgumentException.class, () -> d.add(-1, new byte[PIECE]));
  }

  @Test
  void aStageSeesEveryPieceInOrderAndItsBytesAreHashed() throws Exception {
    List<Integer> seen = new ArrayList<>();
    int[] discarded = new int[1];
    OutputDigest d = new OutputDigest(geometry, file.length, new OutputDigest.Stage() {
      @Override
      public byte[] accept(byte[] data) {
        seen.add(data.length);
        byte[] flipped = data.clone();
        for (int i = 0; i < flipped.length; i++) {
          flipped[i] ^= (byte) 0xff;
        }
        return flipped;
      }

      @Override
      public void discard() {
        discarded[0]++;
      }
    }, data -> { });
    for (int p = geometry.pieceCount() - 1; p >= 0; p--) {
      d.add(p, piece(p));
    }
    byte[] flippedFile = file.clone();
    for (int i = 0; i < flippedFile.length; i++) {
      flippedFile[i] ^= (byte) 0xff;
    }
    assertEquals(Optional.of(sha256(flippedFile)), d.sha256Hex(), "the stage's bytes are hashed");
    List<Integer> sizes = new ArrayList<>();
    for (int p = 0; p < geometry.pieceCount(); p++) {
      sizes.add(geometry.pieceSize(p));
    }
    assertEquals(sizes, seen, "every piece once, in index order");
    assertEquals(0, discarded[0]);
  }

  @Test
  void aFailingStageMakesItGiveUpAndIsDiscarded() {
    int[] discarded = new int[1];
    OutputDigest d = new OutputDigest(geometry, file.length, new OutputDigest.Stage() {
      @Override
      public byte[] accept(byte[] data) throws java.io.IOException {
        throw new java.io.IOException("disk full");
      }

      @Override
      public void discard() {
        discarded[0]++;
      }
    }, data -> { });
    d.add(1, piece(1));
    d.add(0, piece(0));
    assertTrue(d.abandoned());
    assertEquals(0, d.waitingBytes());
    assertEquals(1, discarded[0]);
    for (int p = 0; p < geometry.pieceCount(); p++) {
      d.add(p, piece(p));
    }
    assertEquals(Optional.empty(), d.sha256Hex());
  }

  @Test
  void everyArrayComesBackOnceAndOnlyWhenTheDigestIsDoneWithIt() throws Exception {
    List<Integer> order = new ArrayList<>();
    for (int p = 0; p < geometry.pieceCount(); p++) {
      order.add(p);
    }
    Collections.shuffle(order, new Random(5));
    Map<byte[], Integer> back = new IdentityHashMap<>();
    // whoever gets an array back may reuse it at once: scribbling over it must not change the hash
    OutputDigest d = new OutputDigest(geometry, file.length, null, data -> {
      back.merge(data, 1, Integer::sum);
      Arrays.fill(data, (byte) 0x5a);
    });
    List<byte[]> given = new ArrayList<>();
    for (int p : order) {
      byte[] data = piece(p);
      given.add(data);
      d.add(p, data);
      byte[] again = piece(p);
      given.add(again);
      d.add(p, again); // a repeat is not needed, so it comes back at once
      assertEquals(1, back.get(again));
    }
    assertEquals(Optional.of(sha256(file)), d.sha256Hex());
    assertEquals(given.size(), back.size(), "every array came back");
    for (byte[] data : given) {
      assertEquals(1, back.get(data), "and only once");
    }
  }

  @Test
  void waitingArraysComeBackWhenTheDigestGivesUp() {
    List<byte[]> back = new ArrayList<>();
    OutputDigest d = new OutputDigest(geometry, 2L * PIECE, null, back::add);
    byte[] one = piece(1);
    byte[] two = piece(2);
    d.add(1, one);
    d.add(2, two);
    assertEquals(List.of(), back, "they wait for piece 0");
    byte[] three = piece(3);
    d.add(3, three);
    assertTrue(d.abandoned());
    assertEquals(3, back.size());
    assertTrue(back.containsAll(List.of(one, two, three)));
    byte[] zero = piece(0);
    d.add(0, zero);
    assertSame(zero, back.get(3), "an abandoned digest hands arrays straight back");
  }

  @Test
  void discardHandsBackWhatWaits() {
    List<byte[]> back = new ArrayList<>();
    OutputDigest d = new OutputDigest(geometry, file.length, null, back::add);
    byte[] five = piece(5);
    d.add(5, five);
    d.discard();
    assertEquals(List.of(five), back);
  }

  @Test
  void anEmptyShareHashesToTheEmptySha256() throws Exception {
    assertEquals(Optional.of(sha256(new byte[0])), new OutputDigest(new PieceGeometry(0, PIECE), 0).sha256Hex());
  }

  private byte[] piece(int p) {
    return Arrays.copyOfRange(file, (int) geometry.pieceOffset(p), (int) geometry.pieceOffset(p) + geometry.pieceSize(p));
  }

  private static byte[] random(int n) {
    byte[] b = new byte[n];
    new Random(11).nextBytes(b);
    return b;
  }

  private static String sha256(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }
}
