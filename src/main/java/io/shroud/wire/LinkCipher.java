package io.shroud.wire;

import io.shroud.crypto.CipherState;
import io.shroud.crypto.NoiseException;
import io.shroud.crypto.NoiseTransport;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Seals cells into 4096-byte link records and opens them, with the Noise transport cipher
 * states of a finished handshake (empty associated data; the Noise nonce orders records, so a
 * dropped, replayed or reordered record fails authentication).
 *
 * <p>Rekey rule, per direction and independent of the other direction: every record (REKEY
 * cells included) counts; a direction re-keys ({@link CipherState#rekey()}) right after its
 * {@link RekeyPolicy#cells()}-th record since the last rekey, and right after any REKEY cell.
 * Sender and receiver count the same records, so they switch at the same record with no
 * signal. Time cannot be seen by the receiver, so a time-based rekey is sent as a REKEY cell:
 * {@link #seal} puts one in front of the caller's cell when {@link RekeyPolicy#interval()} has
 * passed on the injected clock, and {@link #rekeyIfDue()} lets an idle link's timer do the
 * same. The receiver drops REKEY and PADDING cells ({@link CellCommand#isLinkControl()}).
 *
 * <p>Once {@link #open} has thrown, the link is dead and every later open throws too. The two
 * directions share no state: one thread may seal ({@link #seal}, {@link #sealAll},
 * {@link #rekeyIfDue}) while another opens ({@link #open}), as a link's actor and its reader
 * thread do; neither direction is safe for two threads at once.
 */
public final class LinkCipher {
  private static final byte[] NO_AD = new byte[0];

  private final CipherState send;
  private final CipherState receive;
  private final RekeyPolicy policy;
  private final Clock clock;
  private final byte[] sealScratch = new byte[CellFormat.CELL_BYTES];
  private final byte[] openScratch = new byte[CellFormat.CELL_BYTES];
  private Instant lastSendRekey;
  private long sentSinceRekey;
  private long receivedSinceRekey;
  private long cellsSent;
  private long cellsReceived;
  private long sendRekeys;
  private long receiveRekeys;
  private boolean failed;

  /** A link cipher over a finished handshake's transport. */
  public LinkCipher(NoiseTransport transport, RekeyPolicy policy, Clock clock) {
    this(transport.send(), transport.receive(), policy, clock);
  }

  /** A link cipher over explicit cipher states (each must have a key). */
  public LinkCipher(CipherState send, CipherState receive, RekeyPolicy policy, Clock clock) {
    this.send = Objects.requireNonNull(send, "send");
    this.receive = Objects.requireNonNull(receive, "receive");
    this.policy = Objects.requireNonNull(policy, "policy");
    this.clock = Objects.requireNonNull(clock, "clock");
    if (!send.hasKey() || !receive.hasKey()) {
      throw new IllegalArgumentException("link cipher states need keys");
    }
    this.lastSendRekey = clock.instant();
  }

  /**
   * Seals {@code cell}: returns one record (4096 bytes), or two (8192 bytes: a REKEY record,
   * then the cell under the new key) when a time-based rekey is due.
   */
  public byte[] seal(Cell cell) {
    Objects.requireNonNull(cell, "cell");
    boolean due = cell.command() != CellCommand.REKEY && timeRekeyDue();
    byte[] out = new byte[CellFormat.RECORD_BYTES * (due ? 2 : 1)];
    int off = 0;
    if (due) {
      sealOne(Cell.rekey(), out, 0);
      off = CellFormat.RECORD_BYTES;
    }
    sealOne(cell, out, off);
    return out;
  }

  /**
   * Seals {@code cells} in order into one buffer of back-to-back records: the same records as
   * one {@link #seal} per cell, with at most one time-based REKEY record, in front.
   */
  public byte[] sealAll(List<Cell> cells) {
    Objects.requireNonNull(cells, "cells");
    if (cells.isEmpty()) {
      return new byte[0];
    }
    boolean due = cells.get(0).command() != CellCommand.REKEY && timeRekeyDue();
    byte[] out = new byte[CellFormat.RECORD_BYTES * (cells.size() + (due ? 1 : 0))];
    int off = 0;
    if (due) {
      sealOne(Cell.rekey(), out, 0);
      off = CellFormat.RECORD_BYTES;
    }
    for (Cell cell : cells) {
      sealOne(Objects.requireNonNull(cell, "cell"), out, off);
      off += CellFormat.RECORD_BYTES;
    }
    return out;
  }

  /** A REKEY record when the interval has passed since the last send rekey, else null. */
  public byte[] rekeyIfDue() {
    if (!timeRekeyDue()) {
      return null;
    }
    byte[] out = new byte[CellFormat.RECORD_BYTES];
    sealOne(Cell.rekey(), out, 0);
    return out;
  }

  /** Opens one 4096-byte record. */
  public Cell open(byte[] record) throws ProtocolViolationException {
    return open(record, 0, record.length);
  }

  /** Opens the record of {@code len} (must be 4096) bytes at {@code off} in {@code buf}. */
  public Cell open(byte[] buf, int off, int len) throws ProtocolViolationException {
    if (failed) {
      throw new ProtocolViolationException("link cipher already failed");
    }
    if (len != CellFormat.RECORD_BYTES) {
      failed = true;
      throw new ProtocolViolationException("record has the wrong size: " + len + " != "
          + CellFormat.RECORD_BYTES + " bytes");
    }
    Cell cell;
    try {
      receive.decryptWithAd(NO_AD, buf, off, len, openScratch, 0);
      cell = CellCodec.decode(openScratch, 0, CellFormat.CELL_BYTES);
    } catch (NoiseException e) {
      failed = true;
      throw new ProtocolViolationException("record failed authentication");
    } catch (ProtocolViolationException e) {
      failed = true;
      throw e;
    }
    cellsReceived++;
    receivedSinceRekey++;
    if (cell.command() == CellCommand.REKEY || receivedSinceRekey == policy.cells()) {
      receive.rekey();
      receivedSinceRekey = 0;
      receiveRekeys++;
    }
    return cell;
  }

  public long cellsSent() {
    return cellsSent;
  }

  public long cellsReceived() {
    return cellsReceived;
  }

  /** How many times the sending direction has re-keyed. */
  public long sendRekeys() {
    return sendRekeys;
  }

  /** How many times the receiving direction has re-keyed. */
  public long receiveRekeys() {
    return receiveRekeys;
  }

  private boolean timeRekeyDue() {
    return Duration.between(lastSendRekey, clock.instant()).compareTo(policy.interval()) >= 0;
  }

  private void sealOne(Cell cell, byte[] out, int off) {
    CellCodec.encode(cell, sealScratch, 0);
    try {
      send.encryptWithAd(NO_AD, sealScratch, 0, CellFormat.CELL_BYTES, out, off);
    } catch (NoiseException e) {
      throw new IllegalStateException("link send nonce space is exhausted", e);
    }
    cellsSent++;
    sentSinceRekey++;
    if (cell.command() == CellCommand.REKEY || sentSinceRekey == policy.cells()) {
      send.rekey();
      sentSinceRekey = 0;
      sendRekeys++;
      lastSendRekey = clock.instant();
    }
  }

  @Override
  public String toString() {
    return "LinkCipher[sent=" + cellsSent + ", received=" + cellsReceived + ", sendRekeys="
        + sendRekeys + ", receiveRekeys=" + receiveRekeys + "]";
  }
}
