package io.shroud.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.shroud.admission.AuthoritySignature;
import io.shroud.admission.Consensus;
import io.shroud.admission.NetworkDefinition;
import io.shroud.admission.RelayFlag;
import io.shroud.node.ClientDirectoryActor;
import io.shroud.node.NodeRuntime;
import io.shroud.node.admission.ConsensusActor;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.http.javadsl.marshallers.jackson.Jackson;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /shroud/v1/consensus}: the newest valid consensus this node holds (docs/api.md):
 * its times, the authorities whose signatures it carries, and its relays with flags and
 * weights; 404 before the first one (or on a node that belongs to no network).
 */
final class ConsensusRoutes extends AllDirectives {
  private final ActorSystem<?> system;
  private final ObjectMapper mapper;
  private final ShroudRoutes parent;

  ConsensusRoutes(ActorSystem<?> system, ObjectMapper mapper, ShroudRoutes parent) {
    this.system = system;
    this.mapper = mapper;
    this.parent = parent;
  }

  Route routes() {
    return path("consensus", () -> get(() -> {
      Optional<ActorRef<ClientDirectoryActor.Command>> client = NodeRuntime.get(system).clientDirectory();
      if (client.isPresent()) { // a client's: the consensus it fetched and verified
        return onSuccess(AskPattern.ask(client.get(), ClientDirectoryActor.GetCurrent::new, ShroudRoutes.ASK_TIMEOUT,
            system.scheduler()), c -> c.isEmpty()
            ? parent.error(StatusCodes.NOT_FOUND, "no consensus yet: none fetched from a bootstrap relay")
            : completeOK(view(c.get(), Optional.empty()), Jackson.marshaller(mapper)));
      }
      Optional<ActorRef<ConsensusActor.Command>> actor = NodeRuntime.get(system).consensus();
      if (actor.isEmpty()) {
        return parent.error(StatusCodes.NOT_FOUND, "this node belongs to no network (shroud.network is not set)");
      }
      CompletionStage<Optional<Consensus>> current = AskPattern.ask(actor.get(), ConsensusActor.GetCurrent::new,
          ShroudRoutes.ASK_TIMEOUT, system.scheduler());
      return onSuccess(current, c -> c.isEmpty()
          ? parent.error(StatusCodes.NOT_FOUND, "no consensus yet: the authorities have not published one")
          : completeOK(view(c.get(), Optional.empty()), Jackson.marshaller(mapper)));
    }));
  }

  /** The JSON view; authorities are named when {@code network} is given. */
  static Map<String, Object> view(Consensus c, Optional<NetworkDefinition> network) {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("validAfter", c.validAfter().toString());
    v.put("freshUntil", c.freshUntil().toString());
    v.put("validUntil", c.validUntil().toString());
    List<Map<String, Object>> signers = new ArrayList<>();
    for (AuthoritySignature s : c.signatures()) {
      Map<String, Object> a = new LinkedHashMap<>();
      a.put("key", HexFormat.of().formatHex(s.authorityKey()));
      network.flatMap(n -> n.authority(s.authorityKey())).ifPresent(auth -> a.put("name", auth.name()));
      signers.add(a);
    }
    v.put("signedBy", signers);
    List<Map<String, Object>> relays = new ArrayList<>();
    for (Consensus.Relay r : c.relays()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("nodeId", r.id().toHex());
      m.put("dataAddress", r.dataAddress());
      List<String> flags = new ArrayList<>();
      for (RelayFlag f : RelayFlag.values()) {
        if (r.has(f)) {
          String name = f.name().toLowerCase(Locale.ROOT);
          flags.add(Character.toUpperCase(name.charAt(0)) + name.substring(1));
        }
      }
      m.put("flags", flags);
      m.put("weight", r.weight());
      relays.add(m);
    }
    v.put("relays", relays);
    return v;
  }
}
