package io.shroud.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shroud.dht.DhtActor;
import io.shroud.dht.DhtView;
import io.shroud.dht.PutRecordResult;
import io.shroud.dht.RecordLookupView;
import io.shroud.dht.SignedRecord;
import io.shroud.lookup.RecordLookup;
import io.shroud.lookup.RecordLookupsActor;
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

  Route routes(ActorRef<DhtActor.Command> dht, ActorRef<RecordLookupsActor.Command> lookups) {
    return pathPrefix("dht", () -> concat(
        pathEndOrSingleSlash(() -> get(() -> dht == null
            ? parent.error(StatusCodes.CONFLICT, "a client runs no DHT node: it has no routing table")
            : onSuccess(buckets(dht), v -> completeOK(v, Jackson.marshaller(mapper))))),
        pathPrefix("records", () -> path(key -> concat(
            get(() -> parameterOptional("via", via -> parameterOptional("hops", hops -> withKey(key, k -> {
              // through a circuit unless asked otherwise: the node's own DHT queries would tell
              // the nodes asked which keys (info-hashes, blinded locations) this node looks for
              if (via.isPresent() && via.get().equals("direct")) {
                return dht == null ? parent.error(StatusCodes.CONFLICT, "a client runs no DHT node: it looks records "
                    + "up through a circuit only (leave out via, or via=circuit)") : lookup(dht, k);
              }
              if (via.isPresent() && !via.get().equals("circuit")) {
                return parent.error(StatusCodes.BAD_REQUEST,
                    "via must be \"circuit\" (the default) or \"direct\" (this node's own DHT queries)");
              }
              int h;
              try {
                h = Integer.parseInt(hops.orElse("3"));
              } catch (NumberFormatException e) {
                h = -1;
              }
              if (h < 1 || h > 4) {
                return parent.error(StatusCodes.BAD_REQUEST, "hops must be 1 to 4");
              }
              return lookupViaCircuit(lookups, k, h);
            })))),
            put(() -> entity(Unmarshaller.entityToString(),
                body -> withKey(key, k -> store(dht, k, body))))))),
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

  /** What a PUT asks to store: the value's bytes and how long the record lives. */
  record StoreRequest(byte[] value, Duration ttl) {}

  /** Checks a PUT body. Pure: any text gives a request or a 400 reason. */
  static JsonBody<StoreRequest> parseStore(ObjectMapper mapper, String body) {
    JsonNode json;
    try {
      json = mapper.readTree(body);
    } catch (Exception e) {
      return new JsonBody.Invalid<>("body is not JSON: expected {\"value\": \"text\"} or {\"valueBase64\": \"…\"}");
    }
    if (json == null || !json.isObject() || (json.path("value").isTextual() == json.path("valueBase64").isTextual())) {
      return new JsonBody.Invalid<>("body needs exactly one of \"value\" (text) or \"valueBase64\"");
    }
    byte[] value;
    if (json.path("value").isTextual()) {
      value = json.get("value").asText().getBytes(StandardCharsets.UTF_8);
    } else {
      try {
        value = Base64.getDecoder().decode(json.get("valueBase64").asText());
      } catch (IllegalArgumentException e) {
        return new JsonBody.Invalid<>("valueBase64 is not base64");
      }
    }
    if (value.length > SignedRecord.MAX_VALUE_BYTES) {
      return new JsonBody.Invalid<>(
          "value is too large: " + value.length + " > " + SignedRecord.MAX_VALUE_BYTES + " bytes");
    }
    Duration ttl = DEFAULT_TTL;
    if (json.has("ttlSeconds")) {
      if (!json.get("ttlSeconds").canConvertToLong() || json.get("ttlSeconds").asLong() < 1) {
        return new JsonBody.Invalid<>("ttlSeconds must be a positive whole number");
      }
      ttl = Duration.ofSeconds(json.get("ttlSeconds").asLong());
    }
    return new JsonBody.Valid<>(new StoreRequest(value, ttl));
  }

  private Route store(ActorRef<DhtActor.Command> dht, byte[] key, String body) {
    JsonBody<StoreRequest> parsed = parseStore(mapper, body);
    if (parsed instanceof JsonBody.Invalid<StoreRequest> invalid) {
      return parent.error(StatusCodes.BAD_REQUEST, invalid.reason());
    }
    StoreRequest request = ((JsonBody.Valid<StoreRequest>) parsed).request();
    CompletionStage<PutRecordResult> result = AskPattern.ask(dht,
        replyTo -> new DhtActor.PutRecord(key, request.value(), request.ttl(), replyTo), Duration.ofSeconds(60),
        system.scheduler());
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

  private Route lookupViaCircuit(ActorRef<RecordLookupsActor.Command> lookups, byte[] key, int hops) {
    CompletionStage<RecordLookup> result = AskPattern.ask(lookups,
        replyTo -> new RecordLookupsActor.LookupRecord(key, hops, replyTo), Duration.ofSeconds(90), system.scheduler());
    return onSuccess(result, r -> {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("key", HexFormat.of().formatHex(key));
      body.put("via", "circuit");
      body.put("path", r.path());
      body.put("found", !r.records().isEmpty());
      java.util.List<Map<String, Object>> records = new java.util.ArrayList<>();
      for (SignedRecord rec : r.records()) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("value", textOrNull(rec.value()));
        m.put("valueBase64", Base64.getEncoder().encodeToString(rec.value()));
        m.put("publisher", HexFormat.of().formatHex(rec.publisher()));
        m.put("expiry", rec.expiry().toString());
        m.put("seq", rec.seq());
        records.add(m);
      }
      body.put("records", records);
      if (r.error() != null) {
        body.put("status", 502);
        body.put("error", r.error());
        return complete(StatusCodes.BAD_GATEWAY, body, Jackson.marshaller(mapper));
      }
      if (records.isEmpty()) {
        body.put("status", 404);
        body.put("error", "no record for this key");
        return complete(StatusCodes.NOT_FOUND, body, Jackson.marshaller(mapper));
      }
      return complete(StatusCodes.OK, body, Jackson.marshaller(mapper));
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
