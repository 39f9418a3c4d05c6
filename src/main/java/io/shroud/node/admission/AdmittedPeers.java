package io.shroud.node.admission;

import io.shroud.identity.NodeId;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/**
 * Which node id answered at which cluster address, as this node's own outbound Artery TLS
 * sessions proved it: the peer presented a relay certificate for that id from the network's
 * trust root and completed the handshake with the id's key. Unlike a descriptor, nobody but the
 * holder of the key can make an entry here, so this is what decides which member a revocation
 * downs. One map per {@code ActorSystem} (per node); read and written from any thread.
 */
public final class AdmittedPeers implements Extension {
  private final Map<String, NodeId> byAddress = new ConcurrentHashMap<>();

  private AdmittedPeers() {}

  /** The admitted peers of the node that {@code system} runs. */
  public static AdmittedPeers get(ActorSystem<?> system) {
    return Id.INSTANCE.apply(system);
  }

  /** Records that the relay at {@code hostPort} (a cluster address, {@code host:port}) proved {@code id}. */
  public void proved(String hostPort, NodeId id) {
    byAddress.put(hostPort, id);
  }

  /** The node id last proved at {@code hostPort}, if any. */
  public Optional<NodeId> at(String hostPort) {
    return Optional.ofNullable(byAddress.get(hostPort));
  }

  /** The extension id. */
  public static final class Id extends ExtensionId<AdmittedPeers> {
    static final Id INSTANCE = new Id();

    private Id() {}

    @Override
    public AdmittedPeers createExtension(ActorSystem<?> system) {
      return new AdmittedPeers();
    }
  }
}
