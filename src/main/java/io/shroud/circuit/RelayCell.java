package io.shroud.circuit;

import java.util.Arrays;
import java.util.Objects;

/**
 * The meaning of a relay cell, without its crypto fields: command, stream id (0..65535) and up
 * to {@link RelayCellFormat#MAX_DATA} bytes of data. The constructor rejects values that could
 * not be encoded ({@link IllegalArgumentException}: a bug in the caller, not bad input).
 *
 * <p>Immutable: the constructor copies the data and {@link #data()} returns a copy. The data
 * path hands arrays over instead, as {@code Cell} does: {@link #adopt} takes an array without
 * copying it, and {@link #sharedData()} lends the cell's own array to code that only reads it.
 */
public final class RelayCell {
  private final RelayCommand command;
  private final int streamId;
  private final byte[] data;

  /** A relay cell with a copy of {@code data}. */
  public RelayCell(RelayCommand command, int streamId, byte[] data) {
    this(Objects.requireNonNull(data, "data").clone(), command, streamId);
  }

  /** {@code ownData} belongs to this cell from now on. */
  private RelayCell(byte[] ownData, RelayCommand command, int streamId) {
    Objects.requireNonNull(command, "command");
    Objects.requireNonNull(ownData, "data");
    if (streamId < 0 || streamId > 0xFFFF || !command.allowsStreamId(streamId)) {
      throw new IllegalArgumentException("stream id " + streamId + " not allowed with " + command);
    }
    if (ownData.length > RelayCellFormat.MAX_DATA) {
      throw new IllegalArgumentException("relay data is " + ownData.length + " bytes, limit " + RelayCellFormat.MAX_DATA);
    }
    this.command = command;
    this.streamId = streamId;
    this.data = ownData;
  }

  /**
   * A relay cell over {@code data} itself, not a copy: the caller hands it over and never
   * changes it again.
   */
  public static RelayCell adopt(RelayCommand command, int streamId, byte[] data) {
    return new RelayCell(data, command, streamId);
  }

  public RelayCommand command() {
    return command;
  }

  public int streamId() {
    return streamId;
  }

  /** The data (a copy). */
  public byte[] data() {
    return data.clone();
  }

  /** This cell's own data array, not a copy, for code that reads it and never writes it. */
  public byte[] sharedData() {
    return data;
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
