package io.shroud.bench;

import io.shroud.crypto.Ed25519;
import io.shroud.crypto.OnionPublicKey;
import io.shroud.crypto.X25519;
import io.shroud.identity.DirectoryView;
import io.shroud.identity.NodeDescriptor;
import io.shroud.identity.NodeId;
import io.shroud.link.LinkSettings;
import io.shroud.link.Links;
import io.shroud.link.LinksActor;
import io.shroud.node.DirectoryActor;
import io.shroud.wire.Cell;
import io.shroud.wire.CellCommand;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.SpawnProtocol;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Peer-link throughput: DHT cells from node A to node B over one real loopback link (two
 * LinksActors in one JVM, so both ends share the CPU), with at most {@code window} cells in
 * flight so none is dropped. Prints cells/s and MB/s of 4096-byte records for each round, then
 * the median. Usage: {@code java -cp target/classes:target/bench-classes:<deps>
 * io.shroud.bench.LinksBench [rounds] [cellsPerRound] [window]}
 */
public final class LinksBench {
  private LinksBench() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    int cells = args.length > 1 ? Integer.parseInt(args[1]) : 20000;
    int window = args.length > 2 ? Integer.parseInt(args[2]) : 512;
    ActorSystem<SpawnProtocol.Command> system = ActorSystem.create(SpawnProtocol.create(), "bench");
    try {
      SecureRandom random = new SecureRandom();
      AtomicLong received = new AtomicLong();
      Node a = Node.start(system, random, "127.0.0.1");
      Node b = Node.start(system, random, "127.0.0.2");
      ActorRef<Links.Inbound> counter = spawn(system, Behaviors.receive(Links.Inbound.class)
          .onAnyMessage(m -> {
            received.incrementAndGet();
            return Behaviors.same();
          }).build());
      b.links.tell(new Links.Route(CellCommand.DHT, counter));
      DirectoryView view = new DirectoryView(
          List.of(a.descriptor(random), b.descriptor(random)));
      a.links.tell(new LinksActor.DirectoryUpdated(view));
      b.links.tell(new LinksActor.DirectoryUpdated(view));
      Cell cell = new Cell(0, CellCommand.DHT, new byte[4075]);
      List<Double> rates = new ArrayList<>();
      for (int r = -1; r < rounds; r++) {
        long start = System.nanoTime();
        long target = received.get() + cells;
        long sent = 0;
        while (received.get() < target) {
          while (sent < cells && sent - (cells - (target - received.get())) < window) {
            a.links.tell(new Links.Send(b.id, cell));
            sent++;
          }
          LockSupport.parkNanos(50_000);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double rate = cells / seconds;
        System.out.printf("round %d: %.0f cells/s, %.1f MB/s of records%n", r, rate,
            rate * 4096 / 1e6);
        if (r >= 0) {
          rates.add(rate);
        }
      }
      Collections.sort(rates);
      double median = rates.get(rates.size() / 2);
      System.out.printf("median: %.0f cells/s, %.1f MB/s (min %.0f, max %.0f cells/s)%n", median,
          median * 4096 / 1e6, rates.get(0), rates.get(rates.size() - 1));
    } finally {
      system.terminate();
    }
  }

  private static <T> ActorRef<T> spawn(ActorSystem<SpawnProtocol.Command> system, Behavior<T> b)
      throws Exception {
    return AskPattern.<SpawnProtocol.Command, ActorRef<T>>ask(system,
        replyTo -> new SpawnProtocol.Spawn<>(b, "", Props.empty(), replyTo),
        Duration.ofSeconds(5), system.scheduler()).toCompletableFuture().get();
  }

  private record Node(Ed25519.KeyPair identity, X25519.KeyPair linkKey, NodeId id,
      ActorRef<Links.Command> links, InetSocketAddress address) {

    static Node start(ActorSystem<SpawnProtocol.Command> system, SecureRandom random,
        String host) throws Exception {
      Ed25519.KeyPair identity = Ed25519.generate(random);
      X25519.KeyPair linkKey = X25519.generate(random);
      NodeId id = NodeId.ofIdentityKey(identity.publicKey());
      ActorRef<DirectoryActor.Command> directory = spawn(system, Behaviors.ignore());
      ActorRef<Links.Command> links = spawn(system, LinksActor.create(id, linkKey,
          new InetSocketAddress(host, 0), LinkSettings.defaults(), directory, Clock.systemUTC()));
      InetSocketAddress address = AskPattern.<Links.Command, InetSocketAddress>ask(links,
          LinksActor.GetLocalAddress::new, Duration.ofSeconds(5), system.scheduler())
          .toCompletableFuture().get();
      return new Node(identity, linkKey, id, links, address);
    }

    NodeDescriptor descriptor(SecureRandom random) {
      byte[] onion = new byte[OnionPublicKey.ENCODED_BYTES];
      random.nextBytes(onion);
      Instant now = Instant.now();
      return new NodeDescriptor(NodeDescriptor.PROTOCOL_VERSION, id, identity.publicKey(),
          linkKey.publicKey(), onion, "127.0.0.1:2552",
          address.getHostString() + ":" + address.getPort(), "127.0.0.1:8558",
          now.minusSeconds(60), now.plusSeconds(3600));
    }
  }
}
