package io.shroud.hidden;

/**
 * A hidden-seeding descriptor value that cannot be read (docs/protocol.md §11.3): wrong size,
 * does not open under the period's key, unknown version, bad count or padding. The message is
 * one line that says why; it never carries key material. A reader skips such a record.
 */
public final class HsDescriptorException extends Exception {
  private static final long serialVersionUID = 1L;

  public HsDescriptorException(String message) {
    super(message);
  }
}
