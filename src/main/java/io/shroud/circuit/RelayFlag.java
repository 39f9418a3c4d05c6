package io.shroud.circuit;

/** Directory flags of a relay that path selection looks at. */
public enum RelayFlag {
  /** Suitable as a first hop (stable, long-lived); guards are drawn from these when any exist. */
  GUARD
}
