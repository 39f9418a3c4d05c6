package io.shroud.store;

/**
 * How a stored share is coded (docs/protocol.md §12.1): stripes of {@code data} pieces, each with
 * {@code parity} Reed-Solomon parity fragments, so that any {@code data} of a stripe's
 * {@code data + parity} fragments give its pieces back. Written {@code K+M} ({@code 4+2}, the
 * default: a stripe survives the loss of any two of its six storers for 1.5 times the bytes).
 */
public record Redundancy(int data, int parity) {
  /** Most fragments in one stripe: one per storer, and a stripe is spread over distinct relays. */
  public static final int MAX_FRAGMENTS = 32;
  public static final Redundancy DEFAULT = new Redundancy(4, 2);

  public Redundancy {
    if (data < 1 || parity < 1 || data + parity > MAX_FRAGMENTS) {
      throw new IllegalArgumentException("redundancy must be K+M with K >= 1, M >= 1 and K+M <= " + MAX_FRAGMENTS
          + ", got " + data + "+" + parity);
    }
  }

  /** Parses {@code K+M}, e.g. {@code 4+2}; a clear {@link IllegalArgumentException} for anything else. */
  public static Redundancy parse(String text) {
    String[] parts = text == null ? new String[0] : text.trim().split("\\+", -1);
    if (parts.length != 2 || !parts[0].matches("[0-9]{1,2}") || !parts[1].matches("[0-9]{1,2}")) {
      throw new IllegalArgumentException("redundancy must be written K+M (e.g. 4+2), got '" + text + "'");
    }
    return new Redundancy(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
  }

  /** Fragments in a full stripe. */
  public int total() {
    return data + parity;
  }

  @Override
  public String toString() {
    return data + "+" + parity;
  }
}
