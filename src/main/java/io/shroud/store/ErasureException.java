package io.shroud.store;

/** A stripe cannot be decoded: too few of its fragments are at hand. */
public final class ErasureException extends Exception {
  private static final long serialVersionUID = 1L;

  public ErasureException(String message) {
    super(message);
  }
}
