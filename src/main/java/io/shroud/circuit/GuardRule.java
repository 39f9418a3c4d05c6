package io.shroud.circuit;

/**
 * Which relays may be a first hop (protocol §6.7, §10.10). The directory a node builds paths from
 * says which rule holds: {@link RelayDirectory#guardRule()}.
 */
public enum GuardRule {
  /**
   * Relays from descriptors, which carry no earned flags: guards are drawn from the relays with
   * the Guard flag when any has it, else from all (a devnet). Hop 1 is the first usable guard.
   */
  FLAGGED_WHEN_ANY,
  /**
   * Relays from a consensus: guards are drawn only from relays with the Guard flag, and hop 1
   * must carry it now; a guard that lost it is kept but not used, and not counted as listed.
   */
  FLAG_REQUIRED
}
