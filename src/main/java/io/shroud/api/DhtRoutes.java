package io.shroud.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shroud.dht.DhtActor;
import io.shroud.dht.DhtView;
import io.shroud.dht.PutRecordResult;
import io.shroud.dht.RecordLookupView;
import io.shroud.dht.SignedRecord;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
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
 * {@code /shroud/v1/dht}: the routing table's buckets, and signed records stored (PUT) and
 * looked up (GET) under {@code /shroud/v1/dht/records/{key}}.
 */
final class DhtRoutes extends AllDirectives {
  static final Duration DEFAULT_TTL = Duration.ofHours(1);

  private final ActorSystem<?> system;
  private final ObjectMapper mapper;
  private final ShroudRoutes parent;

  DhtRoutes(ActorSystem<?> system, ObjectMapper mapper, ShroudRoutes parent) {
    this.system = system;
    this.mapper = mapper;
    this.parent = parent;
  }

  Route routes(ActorRef<DhtActor.Command> dht) {
    return pathPrefix("dht", () -> concat(
        pathEndOrSingleSlash(() -> get(() -> onSuccess(buckets(dht), v -> completeOK(v, Jackson.marshaller(mapper))))),
        pathPrefix("records", () -> path(key -> concat(
            get(() -> withKey(key, k -> lookup(dht, k))),
            put(() -> parent.mutating(() -> withSizeLimit(8192, () -> entity(Unmarshaller.entityToString(),
                body -> withKey(key, k -> store(dht, k, body))))))))),
        parent.error(StatusCodes.NOT_FOUND, "no such route")));
  }

  private CompletionStage<DhtView> buckets(ActorRef<DhtActor.Command> dht) {
    return AskPattern.ask(dht, DhtActor.GetBuckets::new, ShroudRoutes.ASK_TIMEOUT, system.scheduler());
  }

  /** The key must be exactly 64 hex characters; anything else is a 400 naming the problem. */
  private Route withKey(String key, java.util.function.Function<byte[], Route> inner) {
    if (key.length() != 64) {
      return parent.error(StatusCodes.BAD_REQUEST, "key must be 64 hex characters, got " + key.length());
    }
    try {
      return inner.apply(HexFormat.of().parseHex(key));
    } catch (IllegalArgumentException e) {
      return parent.error(StatusCodes.BAD_REQUEST, "key must be 64 hex characters: it has a character that is not hex");
    }
  }

  private Route store(ActorRef<DhtActor.Command> dht, byte[] key, String body) {
    JsonNode json;
    try {
      json = mapper.readTree(body);
    } catch (Exception e) {
      return parent.error(StatusCodes.BAD_REQUEST, "body is not JSON: expected {\"value\": \"text\"} or {\"valueBase64\": \"…\"}");
    }
    if (json == null || !json.isObject() || (json.path("value").isTextual() == json.path("valueBase64").isTextual())) {
      return parent.error(StatusCodes.BAD_REQUEST, "body needs exactly one of \"value\" (text) or \"valueBase64\"");
    }
    byte[] value;
    if (json.path("value").isTextual()) {
      value = json.get("value").asText().getBytes(StandardCharsets.UTF_8);
    } else {
      try {
        value = Base64.getDecoder().decode(json.get("valueBase64").asText());
      } catch (IllegalArgumentException e) {
        return parent.error(StatusCodes.BAD_REQUEST, "valueBase64 is not base64");
      }
    }
    if (value.length > SignedRecord.MAX_VALUE_BYTES) {
      return parent.error(StatusCodes.BAD_REQUEST,
          "value is too large: " + value.length + " > " + SignedRecord.MAX_VALUE_BYTES + " bytes");
    }
    Duration ttl = DEFAULT_TTL;
    if (json.has("ttlSeconds")) {
      if (!json.get("ttlSeconds").canConvertToLong() || json.get("ttlSeconds").asLong() < 1) {
        return parent.error(StatusCodes.BAD_REQUEST, "ttlSeconds must be a positive whole number");
      }
      ttl = Duration.ofSeconds(json.get("ttlSeconds").asLong());
    }
    Duration t = ttl;
    CompletionStage<PutRecordResult> result = AskPattern.ask(dht,
        replyTo -> new DhtActor.PutRecord(key, value, t, replyTo), Duration.ofSeconds(60), system.scheduler());
    return onSuccess(result, r -> r.error() != null
        ? parent.error(StatusCodes.BAD_REQUEST, r.error())
        : complete(StatusCodes.CREATED, r, Jackson.marshaller(mapper)));
  }

  private Route lookup(ActorRef<DhtActor.Command> dht, byte[] key) {
    CompletionStage<RecordLookupView> result = AskPattern.ask(dht,
        replyTo -> new DhtActor.GetRecord(key, replyTo), Duration.ofSeconds(60), system.scheduler());
    return onSuccess(result, r -> {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("key", r.key());
      body.put("found", r.found());
      body.put("value", r.found() ? textOrNull(r.valueBytes()) : null);
      body.put("valueBase64", r.valueBase64());
      body.put("publisher", r.publisher());
      body.put("expiry", r.expiry());
      body.put("seq", r.seq());
      body.put("rounds", r.rounds());
      body.put("queries", r.queries());
      if (!r.found()) {
        body.put("status", 404);
        body.put("error", "no record for this key");
      }
      return complete(r.found() ? StatusCodes.OK : StatusCodes.NOT_FOUND, body, Jackson.marshaller(mapper));
    });
  }

  private static String textOrNull(byte[] value) {
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(value)).toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }
}
