package io.shroud.store;

import io.shroud.circuit.CircuitsActor;
import io.shroud.circuit.SeederTestNet;
import io.shroud.identity.NodeId;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * Test fixture: {@link SeederTestNet}'s relays (real circuits on in-memory links), each from node
 * {@code firstStorer} on with a fragment store in its own directory under {@code dir} behind the
 * {@code fragments} service, as a relay's guardian wires it.
 */
public final class StoreNet {
  public final SeederTestNet net;
  /** By node index: the store's files, its directory and its actor. */
  public final Map<Integer, FragmentStore> files = new HashMap<>();
  public final Map<Integer, Path> dirs = new HashMap<>();
  public final Map<Integer, ActorRef<FragmentStoreActor.Command>> actors = new HashMap<>();

  public StoreNet(ActorTestKit testKit, int nodes, long seed, int firstStorer, Path dir) throws Exception {
    this.net = new SeederTestNet(testKit, nodes, seed);
    for (int n = firstStorer; n < nodes; n++) {
      Path d = dir.resolve("relay-" + n);
      FragmentStore store = FragmentStore.open(d, 10L << 20, 1 << 20, Instant.now(), Clock.systemUTC());
      ActorRef<FragmentStoreActor.Command> actor = testKit.spawn(FragmentStoreActor.create(store, Duration.ofDays(30),
          Duration.ofMinutes(1), Clock.systemUTC()));
      net.circuits(n).tell(new CircuitsActor.RegisterService(FragmentWire.SERVICE,
          testKit.spawn(FragmentServiceActor.create(actor))));
      files.put(n, store);
      dirs.put(n, d);
      actors.put(n, actor);
    }
  }

  FragmentStore filesOf(NodeId id) {
    return files.get(net.indexOf(id));
  }

  /** A manifest of {@code layout} whose every stored fragment has a random address. */
  static StorageManifest randomManifest(StripeLayout layout, SecureRandom random) {
    List<byte[][]> addresses = new ArrayList<>();
    for (int s = 0; s < layout.stripes(); s++) {
      byte[][] stripe = new byte[layout.redundancy().total()][];
      for (int i = 0; i < stripe.length; i++) {
        if (layout.stored(s, i)) {
          stripe[i] = new byte[32];
          random.nextBytes(stripe[i]);
        }
      }
      addresses.add(stripe);
    }
    return new StorageManifest(layout, StorageKey.generate(random), addresses);
  }
}
