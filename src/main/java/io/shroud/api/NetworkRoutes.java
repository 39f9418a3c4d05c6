package io.shroud.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shroud.circuit.CircuitsActor;
import io.shroud.circuit.CircuitsView;
import io.shroud.identity.NodeId;
import io.shroud.link.LinkStats;
import io.shroud.link.Links;
import io.shroud.link.LinksActor;
import io.shroud.node.BuildEchoReport;
import io.shroud.node.EchoActor;
import io.shroud.node.NodeRuntime;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.http.javadsl.marshallers.jackson.Jackson;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;

/**
 * {@code /shroud/v1/peers} (open peer links) and {@code /shroud/v1/circuits} (circuits this
 * node built and hops it relays; POST builds one and echoes through it).
 */
final class NetworkRoutes extends AllDirectives {
  /** Largest echo a POST may ask for. */
  static final int MAX_ECHO_BYTES = 16 * 1024 * 1024;

  private final ActorSystem<?> system;
  private final ObjectMapper mapper;
  private final ShroudRoutes parent;

  NetworkRoutes(ActorSystem<?> system, ObjectMapper mapper, ShroudRoutes parent) {
    this.system = system;
    this.mapper = mapper;
    this.parent = parent;
  }

  Route routes(NodeRuntime.Handles h) {
    return concat(
        path("peers", () -> get(() -> peers(h))),
        path("circuits", () -> concat(
            get(() -> onSuccess(circuits(h), view -> completeOK(view, Jackson.marshaller(mapper)))),
            post(() -> entity(Unmarshaller.entityToString(), body -> build(h, body))))));
  }

  private Route peers(NodeRuntime.Handles h) {
    CompletionStage<Links.PeersView> peers = AskPattern.ask(h.links(), Links.GetPeers::new,
        ShroudRoutes.ASK_TIMEOUT, system.scheduler());
    CompletionStage<LinkStats> stats = AskPattern.ask(h.links(),
        replyTo -> new LinksActor.GetStats(replyTo), ShroudRoutes.ASK_TIMEOUT, system.scheduler());
    return onSuccess(peers.thenCombine(stats, (p, s) -> {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("peers", p.peers());
      body.put("stats", s);
      return body;
    }), body -> completeOK(body, Jackson.marshaller(mapper)));
  }

  private CompletionStage<CircuitsView> circuits(NodeRuntime.Handles h) {
    return AskPattern.ask(h.circuits(), CircuitsActor.GetCircuits::new, ShroudRoutes.ASK_TIMEOUT, system.scheduler());
  }

  /** What a POST asks for: a circuit to {@code destination} (any when empty) and an echo through it. */
  record BuildRequest(Optional<NodeId> destination, int hops, int echoBytes) {}

  /** Checks a POST body (blank means all defaults). Pure: any text gives a request or a 400 reason. */
  static JsonBody<BuildRequest> parseBuild(ObjectMapper mapper, String body) {
    JsonNode json;
    try {
      json = body.isBlank() ? mapper.createObjectNode() : mapper.readTree(body);
    } catch (Exception e) {
      return new JsonBody.Invalid<>("body is not JSON: expected {\"destination\": \"<node id>\", \"hops\": 3, \"echoBytes\": 1024}");
    }
    if (json == null || !json.isObject()) {
      return new JsonBody.Invalid<>("body must be a JSON object");
    }
    Optional<NodeId> destination = Optional.empty();
    if (json.hasNonNull("destination")) {
      try {
        destination = Optional.of(NodeId.fromHex(json.get("destination").asText()));
      } catch (IllegalArgumentException e) {
        return new JsonBody.Invalid<>("destination: " + e.getMessage());
      }
    }
    int hops = json.path("hops").asInt(3);
    if (json.has("hops") && (!json.get("hops").isInt() || hops < 1 || hops > 4)) {
      return new JsonBody.Invalid<>("hops must be 1 to 4");
    }
    int echoBytes = json.path("echoBytes").asInt(1024);
    if (json.has("echoBytes") && (!json.get("echoBytes").isInt() || echoBytes < 0 || echoBytes > MAX_ECHO_BYTES)) {
      return new JsonBody.Invalid<>("echoBytes must be 0 to " + MAX_ECHO_BYTES);
    }
    return new JsonBody.Valid<>(new BuildRequest(destination, hops, echoBytes));
  }

  private Route build(NodeRuntime.Handles h, String body) {
    JsonBody<BuildRequest> parsed = parseBuild(mapper, body);
    if (parsed instanceof JsonBody.Invalid<BuildRequest> invalid) {
      return parent.error(StatusCodes.BAD_REQUEST, invalid.reason());
    }
    BuildRequest request = ((JsonBody.Valid<BuildRequest>) parsed).request();
    CompletionStage<BuildEchoReport> report = AskPattern.ask(h.echo(),
        replyTo -> new EchoActor.BuildAndEcho(request.destination(), request.hops(), request.echoBytes(), replyTo),
        Duration.ofMinutes(2), system.scheduler());
    return onSuccess(report, r -> r.ok()
        ? complete(StatusCodes.CREATED, r, Jackson.marshaller(mapper))
        : complete(StatusCodes.SERVICE_UNAVAILABLE, r, Jackson.marshaller(mapper)));
  }
}
