package io.shroud.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shroud.content.HybridTorrent;
import io.shroud.content.PieceLengths;
import io.shroud.node.NodeRuntime;
import io.shroud.rendezvous.HiddenSeederActor;
import io.shroud.store.Redundancy;
import io.shroud.swarm.serve.HiddenSharesActor;
import io.shroud.swarm.serve.ShareView;
import io.shroud.swarm.serve.SharesActor;
import io.shroud.swarm.serve.StoreShareActor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.http.javadsl.marshallers.jackson.Jackson;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;

/**
 * {@code /shroud/v1/shares}: share a file (POST, optionally with a {@code pieceLength}), list
 * shares (GET), stop sharing (DELETE {@code /shroud/v1/shares/{infohash}}), the {@code .torrent}
 * of a public share (GET {@code /shroud/v1/shares/{infohash}/torrent}, BEP 52 v2, or hybrid v1+v2
 * with {@code ?hybrid=true}) and a share's link (GET
 * {@code /shroud/v1/shares/{infohash}/link}). The link of an encrypted share holds its key:
 * it is answered at creation and by the link route only; listings show {@code "link": null}.
 */
final class SharesRoutes extends AllDirectives {
  private static final Pattern INFO_HASH = Pattern.compile("[0-9a-f]{64}");

  private final ActorSystem<?> system;
  private final ObjectMapper mapper;
  private final ShroudRoutes parent;

  SharesRoutes(ActorSystem<?> system, ObjectMapper mapper, ShroudRoutes parent) {
    this.system = system;
    this.mapper = mapper;
    this.parent = parent;
  }

  Route routes(ActorRef<SharesActor.Command> shares) {
    return pathPrefix("shares", () -> concat(
        pathEndOrSingleSlash(() -> concat(
            get(() -> onSuccess(list(shares), views -> completeOK(
                Map.of("shares", views.stream().filter(v -> v.memberOf() == null).map(SharesRoutes::withoutLink)
                    .toList()), Jackson.marshaller(mapper)))),
            post(() -> entity(Unmarshaller.entityToString(), body -> add(shares, body))))),
        pathPrefix(segment -> concat(
            pathEndOrSingleSlash(() -> delete(() -> remove(shares, segment))),
            path("torrent", () -> get(() -> parameterOptional("hybrid", hybrid -> torrent(shares, segment, hybrid)))),
            path("link", () -> get(() -> link(shares, segment))),
            path("hidden", () -> get(() -> hidden(segment))),
            path("store", () -> post(() -> entity(Unmarshaller.entityToString(),
                body -> store(shares, segment, body))))))));
  }

  /**
   * {@code GET /shares/{infoHash}/hidden}: how this node serves the share hidden (docs/api.md):
   * its intro points (relay, period, state), introductions queued and rendezvous served. 404
   * when the share is not served hidden (unknown or stale).
   */
  private Route hidden(String infoHash) {
    if (!INFO_HASH.matcher(infoHash).matches()) {
      return parent.error(StatusCodes.BAD_REQUEST, "info-hash must be 64 lower-case hex characters");
    }
    Optional<ActorRef<HiddenSharesActor.Command>> actor = NodeRuntime.get(system).hiddenShares();
    if (actor.isEmpty()) {
      return parent.error(StatusCodes.NOT_FOUND, "this node's hidden seeding has not started yet");
    }
    return onSuccess(AskPattern.ask(actor.get(), HiddenSharesActor.GetHidden::new, ShroudRoutes.ASK_TIMEOUT,
        system.scheduler()), all -> {
          HiddenSeederActor.Status status = all.get(infoHash);
          if (status == null) {
            return parent.error(StatusCodes.NOT_FOUND, "share " + infoHash + " is not served hidden (yet)");
          }
          List<Map<String, Object>> points = status.points().stream().map(p -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("relay", p.relay().toHex());
            m.put("period", p.period());
            m.put("state", p.state().name());
            return m;
          }).toList();
          Map<String, Object> view = new LinkedHashMap<>();
          view.put("infoHash", infoHash);
          view.put("introPoints", points);
          view.put("descriptors", status.descriptors().stream()
              .map(d -> Map.of("period", d.period(), "seq", d.seq())).toList());
          view.put("queued", status.queued());
          view.put("served", status.served());
          return completeOK(view, Jackson.marshaller(mapper));
        });
  }

  /** A share as a listing shows it: everything but the link, which may carry the key. */
  static ShareView withoutLink(ShareView v) {
    return new ShareView(v.infoHash(), null, v.name(), v.path(), v.encrypted(), v.length(),
        v.pieceLength(), v.pieces(), v.addedAt(), v.stale(), v.staleReason(), v.files(), v.memberOf());
  }

  private Route link(ActorRef<SharesActor.Command> shares, String infoHash) {
    if (!INFO_HASH.matcher(infoHash).matches()) {
      return parent.error(StatusCodes.BAD_REQUEST, "info-hash must be 64 lower-case hex characters");
    }
    return onSuccess(list(shares), views -> {
      Optional<ShareView> share = views.stream().filter(v -> v.infoHash().equals(infoHash)).findFirst();
      return share.isEmpty() ? parent.error(StatusCodes.NOT_FOUND, "no share " + infoHash)
          : completeOK(Map.of("infoHash", infoHash, "link", share.get().link()), Jackson.marshaller(mapper));
    });
  }

  private CompletionStage<List<ShareView>> list(ActorRef<SharesActor.Command> shares) {
    return AskPattern.ask(shares, SharesActor.ListShares::new, ShroudRoutes.ASK_TIMEOUT, system.scheduler());
  }

  /** What a POST asks to share; {@code pieceLength} 0 is the automatic (libtorrent's) choice. */
  record AddRequest(String path, boolean isPublic, int pieceLength) {}

  /** Checks a POST body. Pure: any text gives a request or a 400 reason. */
  static JsonBody<AddRequest> parseAdd(ObjectMapper mapper, String body) {
    JsonNode json;
    try {
      json = mapper.readTree(body);
    } catch (Exception e) {
      return new JsonBody.Invalid<>("body is not JSON: expected {\"path\": \"/abs/file\", \"public\": false}");
    }
    if (json == null || !json.isObject() || !json.path("path").isTextual()) {
      return new JsonBody.Invalid<>("body needs a \"path\" string");
    }
    if (json.has("public") && !json.get("public").isBoolean()) {
      return new JsonBody.Invalid<>("\"public\" must be true or false");
    }
    int pieceLength = 0;
    if (json.has("pieceLength")) {
      JsonNode pl = json.get("pieceLength");
      String problem = !pl.isIntegralNumber() ? "pieceLength must be an integer"
          : PieceLengths.problem(pl.canConvertToLong() ? pl.asLong() : Long.MAX_VALUE);
      if (problem != null) {
        return new JsonBody.Invalid<>(problem);
      }
      pieceLength = pl.asInt();
    }
    return new JsonBody.Valid<>(new AddRequest(json.get("path").asText(), json.path("public").asBoolean(false),
        pieceLength));
  }

  private Route add(ActorRef<SharesActor.Command> shares, String body) {
    JsonBody<AddRequest> parsed = parseAdd(mapper, body);
    if (parsed instanceof JsonBody.Invalid<AddRequest> invalid) {
      return parent.error(StatusCodes.BAD_REQUEST, invalid.reason());
    }
    AddRequest request = ((JsonBody.Valid<AddRequest>) parsed).request();
    return parent.withHandles(h -> {
      PathPolicy.Decision d = parent.paths(h).share(request.path());
      if (d instanceof PathPolicy.Refused r) {
        return parent.error(StatusCodes.get(r.status()), r.reason());
      }
      return add(shares, ((PathPolicy.Allowed) d).path(), request);
    });
  }

  private Route add(ActorRef<SharesActor.Command> shares, Path path, AddRequest request) {
    CompletionStage<SharesActor.AddResult> result = AskPattern.ask(shares,
        replyTo -> new SharesActor.AddShare(path, request.isPublic(), request.pieceLength(), replyTo),
        java.time.Duration.ofMinutes(30), system.scheduler());
    return onSuccess(result, r -> {
      if (r instanceof SharesActor.Added a) {
        return complete(StatusCodes.CREATED, a.share(), Jackson.marshaller(mapper));
      }
      SharesActor.Refused refused = (SharesActor.Refused) r;
      return parent.error(StatusCodes.get(refused.status()), refused.message());
    });
  }

  /** What {@code POST /shares/{infoHash}/store} asks: the redundancy and the circuits' hops. */
  record StoreRequest(Redundancy redundancy, int hops) {}

  /** Checks a store body ({@code {}} takes the defaults, 4+2 through 3 hops). Pure. */
  static JsonBody<StoreRequest> parseStore(ObjectMapper mapper, String body) {
    JsonNode json;
    try {
      json = mapper.readTree(body);
    } catch (Exception e) {
      return new JsonBody.Invalid<>("body is not JSON: expected {\"redundancy\": \"4+2\", \"hops\": 3}");
    }
    if (json == null || !json.isObject()) {
      return new JsonBody.Invalid<>("body must be a JSON object such as {\"redundancy\": \"4+2\"}");
    }
    Redundancy redundancy = Redundancy.DEFAULT;
    if (json.has("redundancy")) {
      try {
        redundancy = Redundancy.parse(json.get("redundancy").isTextual() ? json.get("redundancy").asText() : null);
      } catch (IllegalArgumentException e) {
        return new JsonBody.Invalid<>(e.getMessage());
      }
    }
    int hops = 3;
    if (json.has("hops")) {
      JsonNode h = json.get("hops");
      if (!h.isIntegralNumber() || h.asLong() < 1 || h.asLong() > 4) {
        return new JsonBody.Invalid<>("hops must be 1..4");
      }
      hops = h.asInt();
    }
    return new JsonBody.Valid<>(new StoreRequest(redundancy, hops));
  }

  /**
   * {@code POST /shares/{infoHash}/store}: stores the share in the network (protocol §12) and
   * answers when its fragments and manifest are placed, with counts only (docs/api.md).
   */
  private Route store(ActorRef<SharesActor.Command> shares, String infoHash, String body) {
    if (!INFO_HASH.matcher(infoHash).matches()) {
      return parent.error(StatusCodes.BAD_REQUEST, "info-hash must be 64 lower-case hex characters");
    }
    JsonBody<StoreRequest> parsed = parseStore(mapper, body);
    if (parsed instanceof JsonBody.Invalid<StoreRequest> invalid) {
      return parent.error(StatusCodes.BAD_REQUEST, invalid.reason());
    }
    StoreRequest request = ((JsonBody.Valid<StoreRequest>) parsed).request();
    return parent.withHandles(h -> {
      ActorRef<Object> storing = system.systemActorOf(StoreShareActor.create(shares, h.circuits(), h.lookups(),
          h.nodeId(), java.time.Clock.systemUTC(), new java.security.SecureRandom(), java.time.Duration.ofMinutes(2)),
          "store-share-" + java.util.UUID.randomUUID(), org.apache.pekko.actor.typed.Props.empty());
      CompletionStage<StoreShareActor.Result> result = AskPattern.ask(storing,
          replyTo -> new StoreShareActor.Store(infoHash, request.redundancy(), request.hops(), replyTo),
          java.time.Duration.ofMinutes(30), system.scheduler());
      return onSuccess(result, r -> r instanceof StoreShareActor.Stored stored
          ? complete(StatusCodes.OK, stored, Jackson.marshaller(mapper))
          : parent.error(StatusCodes.get(((StoreShareActor.Refused) r).status()),
              ((StoreShareActor.Refused) r).message()));
    });
  }

  private Route remove(ActorRef<SharesActor.Command> shares, String infoHash) {
    if (!INFO_HASH.matcher(infoHash).matches()) {
      return parent.error(StatusCodes.BAD_REQUEST, "info-hash must be 64 lower-case hex characters");
    }
    CompletionStage<Boolean> removed = AskPattern.ask(shares,
        replyTo -> new SharesActor.RemoveShare(infoHash, replyTo), ShroudRoutes.ASK_TIMEOUT, system.scheduler());
    return onSuccess(removed, ok -> ok
        ? complete(StatusCodes.OK, Map.of("removed", infoHash), Jackson.marshaller(mapper))
        : parent.error(StatusCodes.NOT_FOUND, "no share " + infoHash));
  }

  private Route torrent(ActorRef<SharesActor.Command> shares, String infoHash, Optional<String> hybridText) {
    if (!INFO_HASH.matcher(infoHash).matches()) {
      return parent.error(StatusCodes.BAD_REQUEST, "info-hash must be 64 lower-case hex characters");
    }
    if (hybridText.isPresent() && !hybridText.get().equals("true") && !hybridText.get().equals("false")) {
      return parent.error(StatusCodes.BAD_REQUEST, "hybrid must be true or false");
    }
    boolean hybrid = hybridText.map(Boolean::parseBoolean).orElse(false);
    CompletionStage<Optional<SharesActor.Servable>> s = AskPattern.ask(shares,
        replyTo -> new SharesActor.GetServable(infoHash, replyTo), ShroudRoutes.ASK_TIMEOUT, system.scheduler());
    return onSuccess(s, servable -> {
      if (servable.isEmpty()) {
        return parent.error(StatusCodes.NOT_FOUND, "no current share " + infoHash);
      }
      if (servable.get().isFolder()) {
        return folderTorrent(shares, infoHash, hybrid);
      }
      if (servable.get().metadata().encrypted()) {
        return parent.error(StatusCodes.CONFLICT,
            "an encrypted share has no .torrent: its link carries the key; share with public=true");
      }
      if (!hybrid) {
        return attachment(infoHash, servable.get().metadata().torrentFile());
      }
      // the v1 piece hashes take one pass over the file: off the HTTP dispatcher
      CompletionStage<TorrentExport> export = CompletableFuture.supplyAsync(
          () -> TorrentExport.of(servable.get()), system.dispatchers().lookup(DispatcherSelector.blocking()));
      return onSuccess(export, e -> e.torrent() != null ? attachment(infoHash, e.torrent())
          : parent.error(StatusCodes.CONFLICT, e.problem()));
    });
  }

  /**
   * A folder's {@code .torrent}; the hybrid one hashes every file (SHA-1) on the node's blocking
   * dispatcher, not the HTTP one, and may take as long as sharing the folder did.
   */
  private Route folderTorrent(ActorRef<SharesActor.Command> shares, String infoHash, boolean hybrid) {
    CompletionStage<Optional<byte[]>> t = AskPattern.ask(shares,
        replyTo -> new SharesActor.FolderTorrent(infoHash, hybrid, replyTo),
        hybrid ? java.time.Duration.ofMinutes(30) : ShroudRoutes.ASK_TIMEOUT, system.scheduler());
    return onSuccess(t, torrent -> torrent.isPresent() ? attachment(infoHash, torrent.get())
        : parent.error(StatusCodes.CONFLICT, hybrid
            ? "no hybrid .torrent of the folder: an encrypted folder has none (its link carries the key); for a"
                + " public one a file changed since it was shared (share it again), or its piece layers are not"
                + " readable now; see the node's log"
            : "no .torrent for this folder: an encrypted folder has none (its link carries the key), and a public"
                + " one's piece layers are not readable now (see the node's log)"));
  }

  /** A hybrid export, or why there is none (an empty file, a file changed since it was shared). */
  record TorrentExport(byte[] torrent, String problem) {
    static TorrentExport of(SharesActor.Servable s) {
      try {
        return new TorrentExport(HybridTorrent.export(s.metadata(), s.dataFile()), null);
      } catch (IOException | IllegalArgumentException e) {
        return new TorrentExport(null, "no hybrid .torrent: " + e.getMessage());
      }
    }
  }

  private Route attachment(String infoHash, byte[] torrent) {
    return respondWithHeader(
        org.apache.pekko.http.javadsl.model.headers.ContentDisposition.create(
            org.apache.pekko.http.javadsl.model.headers.ContentDispositionTypes.ATTACHMENT,
            Map.of("filename", infoHash + ".torrent")),
        () -> complete(HttpEntities.create(ContentTypes.APPLICATION_OCTET_STREAM, torrent)));
  }
}
