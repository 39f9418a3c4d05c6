package io.shroud.swarm.fetch;

import io.shroud.circuit.CircuitSettings;
import io.shroud.circuit.CircuitsActor;
import io.shroud.circuit.GuardSet;
import io.shroud.circuit.Streams;
import io.shroud.content.ShareBuilder;
import io.shroud.content.ShareMetadata;
import io.shroud.content.ShareOptions;
import io.shroud.crypto.Ed25519;
import io.shroud.crypto.OnionKeyPair;
import io.shroud.crypto.OnionKeys;
import io.shroud.identity.NodeDescriptor;
import io.shroud.identity.NodeId;
import io.shroud.link.InMemoryLinks;
import io.shroud.lookup.RecordLookupsActor;
import io.shroud.node.DirectoryActor;
import io.shroud.swarm.serve.ShareView;
import io.shroud.swarm.serve.SharesActor;
import io.shroud.swarm.serve.TransferServiceActor;
import io.shroud.swarm.transfer.OutboundChunks;
import io.shroud.swarm.transfer.SwarmSettings;
import io.shroud.swarm.transfer.TransferFrameDecoder;
import io.shroud.swarm.transfer.TransferMessage;
import io.shroud.testutil.SeededRandom;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Test fixture: simulated nodes on {@link InMemoryLinks}, each with real onion keys, a descriptor
 * in its own /16 and a {@link CircuitsActor} (as the circuit tests build them). Node 0 keeps node 1
 * as its guard. Providers get a {@link TransferServiceActor} over a stub share catalogue that
 * serves one prepared share.
 */
final class SwarmNet {
  record Node(NodeId id, ActorRef<CircuitsActor.Command> circuits, ActorRef<RecordLookupsActor.Command> lookups) {}

  final InMemoryLinks links;
  final List<Node> nodes = new ArrayList<>();
  private final ActorTestKit testKit;

  SwarmNet(ActorTestKit testKit, int count, long seed) {
    this.testKit = testKit;
    this.links = new InMemoryLinks(testKit);
    SecureRandom random = SeededRandom.of(seed);
    Instant now = Instant.now();
    List<NodeDescriptor> descriptors = new ArrayList<>();
    List<OnionKeyPair> keys = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      byte[] identity = Ed25519.generate(random).publicKey();
      byte[] linkKey = new byte[32];
      random.nextBytes(linkKey);
      OnionKeyPair onion = OnionKeyPair.generate(random, now.plus(Duration.ofDays(2)));
      keys.add(onion);
      int octet = (int) (seed % 40) * 6 + i + 1;
      descriptors.add(new NodeDescriptor(NodeDescriptor.PROTOCOL_VERSION, NodeId.ofIdentityKey(identity), identity,
          linkKey, onion.publicKey().encode(), "127.0.0.1:" + (2550 + i), "127." + octet + ".0.1:9000",
          now.minusSeconds(60), now.plus(Duration.ofDays(1))));
    }
    for (int i = 0; i < count; i++) {
      NodeId id = descriptors.get(i).nodeId();
      List<GuardSet.Entry> guards = i == 0
          ? List.of(new GuardSet.Entry(descriptors.get(1).nodeId(), now, now.plus(Duration.ofDays(60))))
          : List.of();
      ActorRef<CircuitsActor.Command> circuits = testKit.spawn(CircuitsActor.create(new CircuitsActor.Setup(id,
          CircuitSettings.defaults(), links.linksOf(id), Optional.empty(), Optional.empty(), guards,
          Optional.empty(), Clock.systemUTC(), SeededRandom.of(seed * 31 + i))));
      circuits.tell(new CircuitsActor.UseOnionKeys(keys.get(i), Optional.empty()));
      circuits.tell(new CircuitsActor.UseDirectory(descriptors));
      nodes.add(new Node(id, circuits, testKit.spawn(RecordLookupsActor.create(circuits, Clock.systemUTC()))));
    }
  }

  Node node(int i) {
    return nodes.get(i);
  }

  /**
   * Starts the transfer service at node {@code i}, serving {@code share} only, registered as a
   * circuit service so that a download given {@code fixedSources} reaches it by a circuit ending there.
   */
  ActorRef<TransferServiceActor.Command> provide(int i, ShareMetadata share, SwarmSettings settings) {
    ActorRef<SharesActor.Command> catalogue = testKit.spawn(catalogue(share));
    return testKit.spawn(TransferServiceActor.create(node(i).circuits(), catalogue, settings, Clock.systemUTC()));
  }

  /**
   * A provider at node {@code i} that answers HELLO and hash requests for {@code share} but never
   * a block request: it stalls with its stream open.
   */
  void provideStalling(int i, ShareMetadata share) {
    node(i).circuits().tell(new CircuitsActor.RegisterService(TransferServiceActor.SERVICE,
        testKit.spawn(Behaviors.<Streams.ServiceRequest>receive((ctx, request) -> {
          if (request instanceof Streams.OpenServiceStream open) {
            open.replyTo().tell(new Streams.Accept(ctx.spawnAnonymous(stallingSession(open.stream(), share))));
          }
          return Behaviors.same();
        }))));
  }

  private static Behavior<Streams.StreamEvent> stallingSession(
      ActorRef<Streams.StreamCommand> stream, ShareMetadata share) {
    TransferFrameDecoder decoder = new TransferFrameDecoder();
    OutboundChunks out = new OutboundChunks(Streams.MAX_CHUNK);
    return Behaviors.receiveMessage(e -> {
      if (e instanceof Streams.StreamOpened o) {
        out.credit(o.credit());
      } else if (e instanceof Streams.StreamCredit c) {
        out.credit(c.chunks());
      } else if (e instanceof Streams.StreamData d) {
        stream.tell(new Streams.Consumed(d.chunks()));
        for (TransferMessage m : decoder.feed(d.data())) {
          if (m instanceof TransferMessage.Hello) {
            out.add(TransferMessage.Have.allPieces());
          } else if (m instanceof TransferMessage.HashRequest r) {
            byte[] layer = share.tree().pieceLayerBytes();
            out.add(new TransferMessage.Hashes(r.layer(), r.index(),
                java.util.Arrays.copyOfRange(layer, r.index() * 32, (r.index() + r.count()) * 32)));
          }
        }
      }
      out.drain().forEach(chunk -> stream.tell(new Streams.Write(chunk)));
      return Behaviors.same();
    });
  }

  /** A share catalogue that knows one share. */
  static Behavior<SharesActor.Command> catalogue(ShareMetadata share) {
    return Behaviors.receiveMessage(c -> {
      if (c instanceof SharesActor.GetServable g) {
        g.replyTo().tell(g.infoHashHex().equals(share.infoHashHex())
            ? Optional.of(new SharesActor.Servable(share, share.dataFile(), null)) : Optional.empty());
      } else if (c instanceof SharesActor.ListShares l) {
        l.replyTo().tell(List.of(new ShareView(share.infoHashHex(), share.link().format(), "f",
            share.dataFile().toString(), share.encrypted(), share.length(), share.pieceLength(),
            share.info().geometry().pieceCount(), Instant.now().toString(), false, null, 1, null)));
      }
      return Behaviors.same();
    });
  }

  /** Writes {@code length} seeded bytes to {@code dir/name} and shares them encrypted in pieces of {@code pieceLength}. */
  static ShareMetadata encryptedShare(Path dir, String name, int length, int pieceLength, long seed) throws Exception {
    return new ShareBuilder(SeededRandom.of(seed)).build(seededFile(dir, name, length, seed),
        ShareOptions.encrypted(dir.resolve(name + ".cipher")).withPieceLength(pieceLength));
  }

  /** Writes {@code length} seeded bytes to {@code dir/name} and shares them in the clear (BEP 52 as is). */
  static ShareMetadata publicShare(Path dir, String name, int length, int pieceLength, long seed) throws Exception {
    return new ShareBuilder(SeededRandom.of(seed)).build(seededFile(dir, name, length, seed),
        ShareOptions.publicShare().withPieceLength(pieceLength));
  }

  /** Writes {@code length} bytes drawn from {@code seed} to {@code dir/name}. */
  private static Path seededFile(Path dir, String name, int length, long seed) throws Exception {
    byte[] content = new byte[length];
    new SplittableRandom(seed).nextBytes(content);
    Files.createDirectories(dir);
    Path file = dir.resolve(name);
    Files.write(file, content);
    return file;
  }
}
