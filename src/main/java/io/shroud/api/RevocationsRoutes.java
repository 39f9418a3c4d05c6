package io.shroud.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shroud.admission.RevocationList;
import io.shroud.identity.NodeId;
import io.shroud.node.NodeRuntime;
import io.shroud.node.admission.RevocationLedger;
import io.shroud.node.admission.RevocationsActor;
import java.util.LinkedHashMap;
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
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;

/**
 * {@code /shroud/v1/revocations}: the network's revocation list this node holds (GET), and
 * publishing a newer one (POST {@code {"revocations": "<armored list>"}}): the node verifies it
 * against its network's authorities and, if it is newer, takes it up and hands it to every other
 * relay (docs/deployment.md, "Revoke a relay"). The body is bounded like every other
 * ({@link ShroudRoutes#MAX_BODY_BYTES}, 8 KiB: lists of up to about 170 revoked relays); a
 * larger list is published as a file beside {@code network.conf}.
 */
final class RevocationsRoutes extends AllDirectives {
  private final ActorSystem<?> system;
  private final ObjectMapper mapper;
  private final ShroudRoutes parent;

  RevocationsRoutes(ActorSystem<?> system, ObjectMapper mapper, ShroudRoutes parent) {
    this.system = system;
    this.mapper = mapper;
    this.parent = parent;
  }

  Route routes() {
    return path("revocations", () -> {
      Optional<ActorRef<RevocationsActor.Command>> actor = NodeRuntime.get(system).revocations();
      if (actor.isEmpty()) {
        return parent.error(StatusCodes.NOT_FOUND, "this node belongs to no network (shroud.network is not set)");
      }
      return concat(
          get(() -> onSuccess(current(actor.get()), list -> completeOK(view(list), Jackson.marshaller(mapper)))),
          post(() -> entity(Unmarshaller.entityToString(), body -> submit(actor.get(), body))));
    });
  }

  private CompletionStage<Optional<RevocationList>> current(ActorRef<RevocationsActor.Command> actor) {
    return AskPattern.ask(actor, RevocationsActor.GetCurrent::new, ShroudRoutes.ASK_TIMEOUT, system.scheduler());
  }

  static Map<String, Object> view(Optional<RevocationList> list) {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("serial", list.map(RevocationList::serial).orElse(null));
    v.put("issuedAt", list.map(l -> l.issuedAt().toString()).orElse(null));
    v.put("revoked", list.map(l -> l.revoked().stream().map(NodeId::toHex).toList()).orElse(java.util.List.of()));
    return v;
  }

  /** Checks a POST body. Pure: any text gives the armored list or a 400 reason. */
  static JsonBody<String> parseSubmit(ObjectMapper mapper, String body) {
    JsonNode json;
    try {
      json = mapper.readTree(body);
    } catch (Exception e) {
      return new JsonBody.Invalid<>("body is not JSON: expected {\"revocations\": \"-----BEGIN SHROUD REVOCATIONS-----…\"}");
    }
    if (json == null || !json.isObject() || !json.path("revocations").isTextual()) {
      return new JsonBody.Invalid<>("body needs a \"revocations\" string: the armored list (revocations.pem)");
    }
    return new JsonBody.Valid<>(json.get("revocations").asText());
  }

  private Route submit(ActorRef<RevocationsActor.Command> actor, String body) {
    JsonBody<String> parsed = parseSubmit(mapper, body);
    if (parsed instanceof JsonBody.Invalid<String> invalid) {
      return parent.error(StatusCodes.BAD_REQUEST, invalid.reason());
    }
    String armored = ((JsonBody.Valid<String>) parsed).request();
    CompletionStage<RevocationLedger.Outcome> outcome = AskPattern.ask(actor,
        replyTo -> new RevocationsActor.Submit(armored, replyTo), ShroudRoutes.ASK_TIMEOUT, system.scheduler());
    return onSuccess(outcome, o -> {
      if (o instanceof RevocationLedger.Accepted accepted) {
        return completeOK(view(Optional.of(accepted.list())), Jackson.marshaller(mapper));
      }
      if (o instanceof RevocationLedger.Stale stale) {
        return parent.error(StatusCodes.CONFLICT, "revocation list serial " + stale.serial()
            + " is not newer than the one this node holds (serial " + stale.currentSerial() + ")");
      }
      return parent.error(StatusCodes.BAD_REQUEST, "revocation list refused: "
          + ((RevocationLedger.Invalid) o).reason());
    });
  }
}
