package io.shroud.circuit;

import java.util.Arrays;
import java.util.Objects;

/**
 * The meaning of a relay cell, without its crypto fields: command, stream id (0..65535) and up
 * to {@link RelayCellFormat#MAX_DATA} bytes of data. The constructor rejects values that could
 * not be encoded ({@link IllegalArgumentException}: a bug in the caller, not bad input).
 */
public record RelayCell(RelayCommand command, int streamId, byte[] data) {
  public RelayCell {
    Objects.requireNonNull(command, "command");
    Objects.requireNonNull(data, "data");
    if (streamId < 0 || streamId > 0xFFFF || !command.allowsStreamId(streamId)) {
      throw new IllegalArgumentException("stream id " + streamId + " not allowed with " + command);
    }
    if (data.length > RelayCellFormat.MAX_DATA) {
      throw new IllegalArgumentException("relay data is " + data.length + " bytes, limit " + RelayCellFormat.MAX_DATA);
    }
    data = data.clone();
  }

  @Override
  public byte[] data() {
    return data.clone();
  }

  /** Data length without copying. */
  public int length() {
    return data.length;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RelayCell other && command == other.command && streamId == other.streamId
        && Arrays.equals(data, other.data);
  }

  @Override
  public int hashCode() {
    return Objects.hash(command, streamId, Arrays.hashCode(data));
  }

  @Override
  public String toString() {
    return "RelayCell[" + command + ", stream " + streamId + ", " + data.length + " bytes]";
  }
}
