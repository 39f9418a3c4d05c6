package io.shroud.admission;

/**
 * A certificate, network definition, key file or revocation list that cannot be accepted. The
 * message is one line that says why; it never carries key material.
 */
public final class AdmissionException extends Exception {
  private static final long serialVersionUID = 1L;

  public AdmissionException(String message) {
    super(message);
  }

  public AdmissionException(String message, Throwable cause) {
    super(message, cause);
  }
}
