package io.shroud.circuit;

import java.util.List;

/**
 * What an origin counts of one circuit's relay cells, for its {@link CircuitView}: cells and
 * data bytes each way, and the DATA cells in flight against the SENDME window (protocol §6.10).
 * Pure; the circuit's actor owns it.
 */
final class CircuitCounters {
  private final int sendmeIncrement;
  private long cellsOut;
  private long cellsIn;
  private long bytesOut;
  private long bytesIn;
  private long dataOut;
  private long sendmesIn;
  private int peakInFlight;

  CircuitCounters(int sendmeIncrement) {
    this.sendmeIncrement = sendmeIncrement;
  }

  /** A cell the origin sends. */
  void sent(RelayCell cell) {
    if (cell.command() == RelayCommand.DATA) {
      dataOut++;
      peakInFlight = Math.max(peakInFlight, inFlight());
    }
    cellsOut++;
    bytesOut += cell.length();
  }

  /** A cell the origin received and accepted. */
  void received(RelayCell cell) {
    cellsIn++;
    bytesIn += cell.length();
    if (cell.command() == RelayCommand.SENDME && cell.streamId() == 0) {
      sendmesIn++;
    }
  }

  /** DATA cells sent and not yet acknowledged by a circuit SENDME. */
  int inFlight() {
    return (int) (dataOut - sendmesIn * sendmeIncrement);
  }

  CircuitView view(String id, List<String> path, long ageMillis, String state) {
    return new CircuitView(id, path, ageMillis, state, cellsOut, cellsIn, bytesOut, bytesIn, inFlight(), peakInFlight);
  }
}
