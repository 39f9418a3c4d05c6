package io.shroud.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shroud.content.BencodeException;
import io.shroud.content.ShareLinkException;
import io.shroud.content.Folder;
import io.shroud.content.Metainfo;
import io.shroud.content.TorrentFile;
import io.shroud.swarm.fetch.DownloadView;
import io.shroud.swarm.fetch.DownloadsActor;
import io.shroud.swarm.fetch.PieceMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.http.javadsl.marshallers.jackson.Jackson;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;

/**
 * {@code /shroud/v1/downloads}: start a download from a link or a {@code .torrent} (POST; a bare
 * magnet naming the info-hash only is accepted and its metadata fetched from the providers; a
 * folder's link or multi-file torrent downloads the folder, or the files it selects), list
 * and inspect downloads and their piece maps (GET), pause and resume them (POST {@code /{id}/pause}, {@code /{id}/resume}) and
 * cancel them (DELETE {@code /{id}}).
 */
final class DownloadsRoutes extends AllDirectives {
  /** DownloadsActor asks its children with 10 s; answer within 20 s. */
  static final java.time.Duration DOWNLOADS_TIMEOUT = java.time.Duration.ofSeconds(20);

  private final ActorSystem<?> system;
  private final ObjectMapper mapper;
  private final ShroudRoutes parent;

  DownloadsRoutes(ActorSystem<?> system, ObjectMapper mapper, ShroudRoutes parent) {
    this.system = system;
    this.mapper = mapper;
    this.parent = parent;
  }

  Route routes(ActorRef<DownloadsActor.Command> downloads) {
    return pathPrefix("downloads", () -> concat(
        pathEndOrSingleSlash(() -> concat(
            get(() -> onSuccess(
                AskPattern.ask(downloads, DownloadsActor.GetDownloads::new, DOWNLOADS_TIMEOUT, system.scheduler()),
                views -> completeOK(Map.of("downloads", views), Jackson.marshaller(mapper)))),
            post(() -> extractRequest(request -> RequestGuard.TORRENT.equals(mediaType(request))
                ? parameterOptional("output", output -> parameterOptional("hops", hops -> parameterOptional("files",
                    files -> parameterOptional("seed", seed -> entity(Unmarshaller.entityToByteArray(),
                        torrent -> startTorrent(downloads, torrent, output, hops, files, seed))))))
                : entity(Unmarshaller.entityToString(), body -> start(downloads, body)))))),
        pathPrefix(id -> concat(
            pathEndOrSingleSlash(() -> concat(
                get(() -> one(downloads, replyTo -> new DownloadsActor.GetDownload(id, replyTo), id)),
                delete(() -> one(downloads, replyTo -> new DownloadsActor.Cancel(id, replyTo), id)))),
            path("pieces", () -> get(() -> onSuccess(AskPattern.ask(downloads,
                (ActorRef<Optional<PieceMap>> replyTo) -> new DownloadsActor.GetPieces(id, replyTo),
                DOWNLOADS_TIMEOUT, system.scheduler()), m -> m.isPresent()
                    ? completeOK(m.get(), Jackson.marshaller(mapper))
                    : parent.error(StatusCodes.NOT_FOUND, "no download " + id)))),
            path("pause", () -> post(
                () -> one(downloads, replyTo -> new DownloadsActor.Pause(id, replyTo), id))),
            path("resume", () -> post(
                () -> one(downloads, replyTo -> new DownloadsActor.Resume(id, replyTo), id)))))));
  }

  private Route one(ActorRef<DownloadsActor.Command> downloads,
      Function<ActorRef<Optional<DownloadView>>, DownloadsActor.Command> message, String id) {
    CompletionStage<Optional<DownloadView>> view = AskPattern.ask(downloads, message::apply,
        DOWNLOADS_TIMEOUT, system.scheduler());
    return onSuccess(view, v -> v.isPresent()
        ? completeOK(v.get(), Jackson.marshaller(mapper))
        : parent.error(StatusCodes.NOT_FOUND, "no download " + id));
  }

  static String mediaType(org.apache.pekko.http.javadsl.model.HttpRequest request) {
    return request.entity().getContentType().mediaType().toString().toLowerCase(java.util.Locale.ROOT);
  }

  /** A {@code .torrent} body: its link, with the output, hops, files and seed from the query. */
  private Route startTorrent(ActorRef<DownloadsActor.Command> downloads, byte[] torrent, Optional<String> output,
      Optional<String> hopsText, Optional<String> files, Optional<String> seedText) {
    if (seedText.isPresent() && !seedText.get().equals("true") && !seedText.get().equals("false")) {
      return parent.error(StatusCodes.BAD_REQUEST, "seed must be true or false (whether to share the file once it "
          + "is complete)");
    }
    boolean seed = seedText.map(Boolean::parseBoolean).orElse(true);
    String link;
    byte[] folderInfo = null;
    try {
      Metainfo parsed = Metainfo.parse(torrent);
      if (parsed.singleFile()) {
        link = TorrentFile.linkOf(parsed).format();
      } else {
        // as for a single file: the v2-only dictionary (a hybrid's v1 keys, `private`, `source` … dropped),
        // which is what a Shroud node sharing the folder announces; for libtorrent's v2 torrent, its own bytes
        Folder given = Folder.of(parsed);
        Folder folder = Folder.build(given.name(), given.pieceLength(), given.files());
        link = folder.link();
        folderInfo = folder.infoBytes();
      }
    } catch (BencodeException | ShareLinkException e) {
      return parent.error(StatusCodes.BAD_REQUEST, "not a usable .torrent: " + e.getMessage());
    }
    if (output.isEmpty()) {
      return parent.error(StatusCodes.BAD_REQUEST, "a .torrent upload needs ?output=/absolute/path");
    }
    Integer hops = null;
    if (hopsText.isPresent()) {
      try {
        hops = Integer.parseInt(hopsText.get());
      } catch (NumberFormatException e) {
        hops = 0;
      }
      if (hops < 1 || hops > 4) {
        return parent.error(StatusCodes.BAD_REQUEST, "hops must be 1 to 4");
      }
    }
    Integer hopCount = hops;
    byte[] metadata = folderInfo;
    return parent.withHandles(handles -> {
      PathPolicy.Decision d = parent.paths(handles).output(output.get());
      if (d instanceof PathPolicy.Refused r) {
        return parent.error(StatusCodes.get(r.status()), r.reason());
      }
      return start(downloads, new DownloadsActor.StartDownload(link, ((PathPolicy.Allowed) d).path().toString(),
          hopCount, metadata, files.orElse(null), seed, null));
    });
  }

  /** What a JSON POST asks for; {@code hops} is null when the body leaves it out. */
  record StartRequest(String link, String output, Integer hops, String files, boolean seed) {
    StartRequest(String link, String output, Integer hops, String files) {
      this(link, output, hops, files, true);
    }
  }

  /** Checks a JSON POST body. Pure: any text gives a request or a 400 reason. */
  static JsonBody<StartRequest> parseStart(ObjectMapper mapper, String body) {
    JsonNode json;
    try {
      json = mapper.readTree(body);
    } catch (Exception e) {
      return new JsonBody.Invalid<>(
          "body is not JSON: expected {\"link\": \"magnet:?…\", \"output\": \"/abs/path\", \"hops\": 3}");
    }
    if (json == null || !json.isObject() || !json.path("link").isTextual() || !json.path("output").isTextual()) {
      return new JsonBody.Invalid<>("body needs \"link\" and \"output\" strings");
    }
    Integer hops = null;
    if (json.has("hops")) {
      if (!json.get("hops").isInt() || json.get("hops").asInt() < 1 || json.get("hops").asInt() > 4) {
        return new JsonBody.Invalid<>("hops must be 1 to 4");
      }
      hops = json.get("hops").asInt();
    }
    String files = null;
    if (json.has("files")) {
      if (!json.get("files").isTextual()) {
        return new JsonBody.Invalid<>("files must be a string of file numbers and ranges, e.g. \"1,3-5\"");
      }
      files = json.get("files").asText();
    }
    boolean seed = true;
    if (json.has("seed")) {
      if (!json.get("seed").isBoolean()) {
        return new JsonBody.Invalid<>("seed must be true or false (whether to share the file once it is complete)");
      }
      seed = json.get("seed").asBoolean();
    }
    return new JsonBody.Valid<>(new StartRequest(json.get("link").asText(), json.get("output").asText(), hops, files,
        seed));
  }

  private Route start(ActorRef<DownloadsActor.Command> downloads, String body) {
    JsonBody<StartRequest> parsed = parseStart(mapper, body);
    if (parsed instanceof JsonBody.Invalid<StartRequest> invalid) {
      return parent.error(StatusCodes.BAD_REQUEST, invalid.reason());
    }
    StartRequest request = ((JsonBody.Valid<StartRequest>) parsed).request();
    return parent.withHandles(handles -> {
      PathPolicy.Decision d = parent.paths(handles).output(request.output());
      if (d instanceof PathPolicy.Refused r) {
        return parent.error(StatusCodes.get(r.status()), r.reason());
      }
      return start(downloads, new DownloadsActor.StartDownload(request.link(),
          ((PathPolicy.Allowed) d).path().toString(), request.hops(), null, request.files(), request.seed(), null));
    });
  }

  /** Asks for {@code start} (its replyTo is filled in here). */
  private Route start(ActorRef<DownloadsActor.Command> downloads, DownloadsActor.StartDownload start) {
    CompletionStage<DownloadsActor.StartResult> result = AskPattern.ask(downloads,
        replyTo -> new DownloadsActor.StartDownload(start.link(), start.outputPath(), start.hops(), start.metadata(),
            start.files(), start.seed(), replyTo),
        DOWNLOADS_TIMEOUT, system.scheduler());
    return onSuccess(result, r -> {
      if (r instanceof DownloadsActor.Started s) {
        return complete(StatusCodes.CREATED, s.download(), Jackson.marshaller(mapper));
      }
      DownloadsActor.Rejected rejected = (DownloadsActor.Rejected) r;
      return parent.error(StatusCodes.get(rejected.status()), rejected.message());
    });
  }
}
