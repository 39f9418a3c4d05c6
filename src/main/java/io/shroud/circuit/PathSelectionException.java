package io.shroud.circuit;

/** No path satisfies the constraints; the message names the step that ran out of relays. */
public final class PathSelectionException extends Exception {
  public PathSelectionException(String message) {
    super(message);
  }
}
