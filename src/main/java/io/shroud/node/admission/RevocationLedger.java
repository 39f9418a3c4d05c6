package io.shroud.node.admission;

import io.shroud.admission.AdmissionException;
import io.shroud.admission.NetworkDefinition;
import io.shroud.admission.RevocationList;
import io.shroud.identity.NodeId;
import java.util.Optional;
import java.util.Set;

/**
 * The newest revocation list this node has verified for its network. A list counts only if it
 * verifies under the network's authorities (enough distinct signatures over the exact body, the
 * network's id); of those, a higher serial replaces a lower one and nothing else does, so no
 * one can take a revocation back by replaying an older list.
 */
public final class RevocationLedger {
  /** What an offered list did. */
  public sealed interface Outcome {}

  /** The list verified and is newer than the one held: it is now current. */
  public record Accepted(RevocationList list) implements Outcome {}

  /** The list verified but is not newer than the one held (same or lower serial). */
  public record Stale(long serial, long currentSerial) implements Outcome {}

  /** The list did not decode or verify; {@code reason} is one line. */
  public record Invalid(String reason) implements Outcome {}

  private final NetworkDefinition network;
  private RevocationList current;

  public RevocationLedger(NetworkDefinition network) {
    this.network = network;
  }

  /** Offers a list in its armored text form. */
  public Outcome offer(String armored) {
    RevocationList list;
    try {
      list = RevocationList.dearmor(armored);
      list.verify(network);
    } catch (AdmissionException e) {
      return new Invalid(e.getMessage());
    }
    if (current != null && list.serial() <= current.serial()) {
      return new Stale(list.serial(), current.serial());
    }
    current = list;
    return new Accepted(list);
  }

  /**
   * Whether a relay that found {@code outcome} for the list in the replicated map should put its
   * own back: yes when a member replaced it with an older or a bad one; no for one of the same
   * serial (two relays holding differently signed copies of one list would otherwise put theirs
   * back in turn for ever) and no for one it just accepted.
   */
  public static boolean putOursBack(Outcome outcome) {
    return outcome instanceof Invalid
        || (outcome instanceof Stale stale && stale.serial() < stale.currentSerial());
  }

  /** The list held, if any. */
  public Optional<RevocationList> current() {
    return Optional.ofNullable(current);
  }

  /** The node ids the held list revokes (empty without one). */
  public Set<NodeId> revoked() {
    return current == null ? Set.of() : current.revoked();
  }
}
