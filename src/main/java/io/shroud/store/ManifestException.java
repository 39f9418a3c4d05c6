package io.shroud.store;

/** A storage manifest that does not decode or does not open: malformed, tampered or for another link. */
public final class ManifestException extends Exception {
  private static final long serialVersionUID = 1L;

  public ManifestException(String message) {
    super(message);
  }
}
