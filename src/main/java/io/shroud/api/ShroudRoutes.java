package io.shroud.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.shroud.identity.DirectoryView;
import io.shroud.identity.NodeDescriptor;
import io.shroud.node.ClientDirectoryActor;
import io.shroud.node.DirectoryActor;
import io.shroud.node.KeysActor;
import java.util.Map;
import io.shroud.node.NodeRuntime;
import io.shroud.store.FragmentStore;
import io.shroud.store.FragmentStoreActor;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.http.javadsl.marshallers.jackson.Jackson;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.management.javadsl.ManagementRouteProvider;
import org.apache.pekko.management.javadsl.ManagementRouteProviderSettings;

/**
 * Shroud's own management routes under {@code /shroud/v1/} and the Prometheus scrape at
 * {@code /metrics} ({@link MetricsRoutes}), served by Pekko Management next to its cluster and
 * health routes. Field names are stable and documented in
 * {@code docs/api.md}. Pekko Management instantiates this class from
 * {@code pekko.management.http.routes}.
 */
public final class ShroudRoutes extends AllDirectives implements ManagementRouteProvider {
  static final Duration ASK_TIMEOUT = Duration.ofSeconds(5);

  private final ActorSystem<Void> system;
  private final ObjectMapper mapper =
      new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
  private final SharesRoutes shares;
  private final NetworkRoutes network;
  private final DhtRoutes dht;
  private final DownloadsRoutes downloads;
  private final UiRoutes ui;
  private final MetricsRoutes metrics;
  private final RevocationsRoutes revocations;
  private final ConsensusRoutes consensus;

  /** Largest request body a route accepts; a larger one gets 413. */
  static final int MAX_BODY_BYTES = 8192;
  /** Largest {@code .torrent} upload (its piece layers grow with the file: 32 bytes a piece). */
  static final int MAX_TORRENT_BYTES = 4 * 1024 * 1024;

  private final String bindHost;
  private final int bindPort;
  private final java.util.concurrent.atomic.AtomicReference<RequestGuard> guard = new java.util.concurrent.atomic.AtomicReference<>();

  /** Binds to what {@code shroud.management.host} and {@code .port} say (the endpoint's own address). */
  public ShroudRoutes(ExtendedActorSystem system) {
    this.system = Adapter.toTyped(system);
    this.bindHost = system.settings().config().getString("shroud.management.host");
    this.bindPort = system.settings().config().getInt("shroud.management.port");
    this.shares = new SharesRoutes(this.system, mapper, this);
    this.network = new NetworkRoutes(this.system, mapper, this);
    this.dht = new DhtRoutes(this.system, mapper, this);
    this.downloads = new DownloadsRoutes(this.system, mapper, this);
    this.ui = new UiRoutes(this);
    this.metrics = new MetricsRoutes(this.system);
    this.revocations = new RevocationsRoutes(this.system, mapper, this);
    this.consensus = new ConsensusRoutes(this.system, mapper, this);
  }

  @Override
  public Route routes(ManagementRouteProviderSettings settings) {
    return concat(ui.routes(), path("metrics", () -> guarded(() -> get(metrics::scrape))),
        pathPrefix("shroud", () -> pathPrefix("v1", () -> guarded(() -> concat(
        path("node", () -> get(this::node)),
        path("directory", () -> get(this::directory)),
        path("guards", () -> get(this::guards)),
        path("fragments", () -> get(this::fragments)),
        withHandles(h -> shares.routes(h.shares())),
        withHandles(network::routes),
        withHandles(h -> h.dht() == null ? clientDht(h) : dht.routes(h.dht(), h.lookups())),
        withHandles(h -> downloads.routes(h.downloads())),
        revocations.routes(),
        consensus.routes(),
        error(StatusCodes.NOT_FOUND, "no such route"))))));
  }

  /**
   * Runs {@code inner} only if {@link RequestGuard} admits the request (Host, Origin, token,
   * JSON for a mutating one), and with a mutating request's body read in full, at most
   * {@link #MAX_BODY_BYTES} (413 beyond).
   */
  private Route guarded(java.util.function.Supplier<Route> inner) {
    return extractRequest(request -> {
      Optional<String> token = NodeRuntime.get(system).controlToken();
      if (token.isEmpty()) {
        return error(StatusCodes.SERVICE_UNAVAILABLE, "node is starting");
      }
      String method = request.method().value();
      boolean mutating = !(method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS"));
      String media = request.entity().getContentType().mediaType().toString();
      Optional<RequestGuard.Refusal> refusal = guard(token.get()).check(
          request.getHeader("Host").map(HttpHeader::value),
          request.getHeader("Origin").map(HttpHeader::value),
          request.getHeader("Authorization").map(HttpHeader::value),
          mutating,
          media.equals("none/none") ? Optional.empty() : Optional.of(media));
      if (refusal.isPresent()) {
        return error(StatusCodes.get(refusal.get().status()), refusal.get().message());
      }
      if (!mutating) {
        return inner.get();
      }
      int limit = RequestGuard.TORRENT.equals(DownloadsRoutes.mediaType(request)) ? MAX_TORRENT_BYTES : MAX_BODY_BYTES;
      if (request.entity().getContentLengthOption().orElse(0L) > limit) {
        return tooLarge(limit);
      }
      // a body of unannounced length (chunked) is read up to the bound and refused beyond it
      return handleExceptions(bodyTooLarge(limit), () -> withSizeLimit(limit,
          () -> toStrictEntity(Duration.ofSeconds(30), limit, inner)));
    });
  }

  /** Runs {@code inner} only if the request passes the Host and Origin checks (no token: the dashboard's files). */
  Route siteChecked(java.util.function.Supplier<Route> inner) {
    return extractRequest(request -> {
      Optional<String> token = NodeRuntime.get(system).controlToken();
      if (token.isEmpty()) {
        return error(StatusCodes.SERVICE_UNAVAILABLE, "node is starting");
      }
      Optional<RequestGuard.Refusal> refusal = guard(token.get()).checkSite(
          request.getHeader("Host").map(HttpHeader::value), request.getHeader("Origin").map(HttpHeader::value));
      return refusal.isPresent() ? error(StatusCodes.get(refusal.get().status()), refusal.get().message()) : inner.get();
    });
  }

  private Route tooLarge(int limit) {
    return error(StatusCodes.PAYLOAD_TOO_LARGE, "request body is over the " + limit + "-byte bound");
  }

  private org.apache.pekko.http.javadsl.server.ExceptionHandler bodyTooLarge(int limit) {
    return org.apache.pekko.http.javadsl.server.ExceptionHandler.newBuilder()
        .matchAny(e -> isSizeLimit(e) ? tooLarge(limit) : failWith(e))
        .build();
  }

  private static boolean isSizeLimit(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof org.apache.pekko.http.scaladsl.model.EntityStreamSizeException) {
        return true;
      }
      if (t instanceof org.apache.pekko.http.scaladsl.model.IllegalRequestException i
          && i.status().intValue() == 413) {
        return true;
      }
    }
    return false;
  }

  private RequestGuard guard(String token) {
    RequestGuard g = guard.get();
    if (g == null) {
      g = RequestGuard.forBinding(bindHost, bindPort, token);
      guard.set(g);
    }
    return g;
  }

  /** Where shares may come from and downloads may go, as the settings say now. */
  PathPolicy paths(NodeRuntime.Handles h) {
    return new PathPolicy(h.settings().shareRoots(), h.settings().downloadRoots(), h.settings().dataDir());
  }

  /** A client runs no DHT node: its lookups go through circuits (protocol §4.10.3). */
  private Route clientDht(NodeRuntime.Handles h) {
    return concat(
        get(() -> dht.routes(null, h.lookups())),
        pathPrefix("dht", () -> error(StatusCodes.CONFLICT, "a client runs no DHT node: it stores no record, and "
            + "looks records up through a circuit only (GET …/dht/records/KEY)")));
  }

  /** {@code GET /shroud/v1/guards}: the guards this node keeps (persisted across restarts). */
  private Route guards() {
    return withHandles(h -> onSuccess(AskPattern.ask(h.keys(),
        (org.apache.pekko.actor.typed.ActorRef<List<io.shroud.circuit.GuardSet.Entry>> r) -> new KeysActor.GetGuards(r),
        ASK_TIMEOUT, system.scheduler()), entries -> completeOK(Map.of("guards", entries.stream()
            .map(e -> Map.of("nodeId", e.id().toHex(), "added", e.added().toString(), "expires", e.expires().toString()))
            .toList()), Jackson.marshaller(mapper))));
  }

  /**
   * {@code GET /shroud/v1/fragments}: what this relay stores for others (api.md): addresses,
   * sizes, last request and lease end, least recently requested first, and the totals. A client
   * stores none: 409.
   */
  private Route fragments() {
    Optional<org.apache.pekko.actor.typed.ActorRef<FragmentStoreActor.Command>> store =
        NodeRuntime.get(system).fragments();
    if (store.isEmpty()) {
      return error(StatusCodes.CONFLICT, "a client stores no fragments for others");
    }
    return onSuccess(AskPattern.ask(store.get(), FragmentStoreActor.ListHeld::new, ASK_TIMEOUT, system.scheduler()),
        held -> completeOK(fragmentsView(held), Jackson.marshaller(mapper)));
  }

  /** The body of {@code GET /shroud/v1/fragments}: totals, then each fragment held. */
  static Map<String, Object> fragmentsView(List<FragmentStore.Entry> held) {
    return Map.of("count", held.size(), "bytes", held.stream().mapToLong(FragmentStore.Entry::bytes).sum(),
        "fragments", held.stream().map(e -> Map.of("address", e.address(), "bytes", e.bytes(),
            "lastRequested", e.lastRequested().toString(), "leaseUntil", e.leaseUntil().toString())).toList());
  }

  private Route node() {
    if (NodeRuntime.get(system).clientDirectory().isPresent()) {
      return withHandles(h -> onSuccess(directoryOf(h), view -> completeOK(
          NodeJson.NodeView.client(h, version(), view.descriptors().size(), Instant.now()),
          Jackson.marshaller(mapper))));
    }
    return withHandles(h -> onSuccess(directoryOf(h), view -> {
      Cluster cluster = Cluster.get(system);
      List<NodeJson.MemberView> members = new ArrayList<>();
      int up = 0;
      for (Member m : cluster.state().getMembers()) {
        boolean reachable = !cluster.state().getUnreachable().contains(m);
        members.add(new NodeJson.MemberView(hostPort(m), m.status().toString(), reachable));
        if (m.status() == MemberStatus.up()) {
          up++;
        }
      }
      members.sort(Comparator.comparing(NodeJson.MemberView::address));
      Instant now = Instant.now();
      NodeJson.NodeView v = new NodeJson.NodeView(
          h.nodeId().toHex(), version(), NodeDescriptor.PROTOCOL_VERSION,
          h.settings().clusterAddress().toString(), h.settings().dataAddress().toString(),
          h.settings().managementAddress().toString(),
          h.settings().journal().name().toLowerCase(java.util.Locale.ROOT),
          h.startedAt().toString(), Duration.between(h.startedAt(), now).toSeconds(),
          cluster.selfMember().status().toString(), up, members, view.descriptors().size(), "relay");
      return completeOK(v, Jackson.marshaller(mapper));
    }));
  }

  private Route directory() {
    return withHandles(h -> onSuccess(directoryOf(h), view -> completeOK(
        new NodeJson.DirectoryJson(view.descriptors().size(),
            view.descriptors().stream().map(NodeJson.DescriptorView::of).toList()),
        Jackson.marshaller(mapper))));
  }

  private CompletionStage<DirectoryView> directoryOf(NodeRuntime.Handles h) {
    Optional<org.apache.pekko.actor.typed.ActorRef<ClientDirectoryActor.Command>> client =
        NodeRuntime.get(system).clientDirectory();
    if (client.isPresent()) {
      return AskPattern.ask(client.get(), ClientDirectoryActor.GetDirectory::new, ASK_TIMEOUT, system.scheduler());
    }
    return AskPattern.ask(h.directory(), DirectoryActor.GetDirectory::new, ASK_TIMEOUT, system.scheduler());
  }

  Route withHandles(java.util.function.Function<NodeRuntime.Handles, Route> inner) {
    Optional<NodeRuntime.Handles> h = NodeRuntime.get(system).handles();
    if (h.isEmpty()) {
      return error(StatusCodes.SERVICE_UNAVAILABLE, "node is starting");
    }
    return inner.apply(h.get());
  }

  Route error(StatusCode status, String message) {
    return complete(status, new NodeJson.ErrorJson(status.intValue(), message), Jackson.marshaller(mapper));
  }

  private static String hostPort(Member m) {
    return m.address().host().get() + ":" + m.address().port().get();
  }

  static String version() {
    String v = ShroudRoutes.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }
}
