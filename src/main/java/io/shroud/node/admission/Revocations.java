package io.shroud.node.admission;

import io.shroud.identity.NodeId;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/**
 * The node ids this node currently holds revoked, one set per {@code ActorSystem} (per node).
 * Written by whatever verifies the network's signed revocation list; read, from any thread, by
 * the Artery TLS session checks and the directory. Starts empty.
 */
public final class Revocations implements Extension {
  private final AtomicReference<Set<NodeId>> revoked = new AtomicReference<>(Set.of());

  private Revocations() {}

  /** The revocations of the node that {@code system} runs. */
  public static Revocations get(ActorSystem<?> system) {
    return Id.INSTANCE.apply(system);
  }

  /** Whether {@code id} is revoked now. */
  public boolean isRevoked(NodeId id) {
    return revoked.get().contains(id);
  }

  /** The revoked ids now (immutable). */
  public Set<NodeId> revoked() {
    return revoked.get();
  }

  /** Replaces the set with {@code ids} (copied). */
  public void update(Set<NodeId> ids) {
    revoked.set(Set.copyOf(ids));
  }

  /** The extension id. */
  public static final class Id extends ExtensionId<Revocations> {
    static final Id INSTANCE = new Id();

    private Id() {}

    @Override
    public Revocations createExtension(ActorSystem<?> system) {
      return new Revocations();
    }
  }
}
