package io.shroud.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.shroud.identity.DirectoryView;
import io.shroud.identity.NodeDescriptor;
import io.shroud.node.DirectoryActor;
import io.shroud.node.NodeRuntime;
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
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.management.javadsl.ManagementRouteProvider;
import org.apache.pekko.management.javadsl.ManagementRouteProviderSettings;

/**
 * Shroud's own management routes under {@code /shroud/v1/}, served by Pekko Management next
 * to its cluster and health routes. Field names are stable and documented in
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

  public ShroudRoutes(ExtendedActorSystem system) {
    this.system = Adapter.toTyped(system);
    this.shares = new SharesRoutes(this.system, mapper, this);
    this.network = new NetworkRoutes(this.system, mapper, this);
    this.dht = new DhtRoutes(this.system, mapper, this);
    this.downloads = new DownloadsRoutes(this.system, mapper, this);
  }

  @Override
  public Route routes(ManagementRouteProviderSettings settings) {
    return pathPrefix("shroud", () -> pathPrefix("v1", () -> concat(
        path("node", () -> get(this::node)),
        path("directory", () -> get(this::directory)),
        withHandles(h -> shares.routes(h.shares())),
        withHandles(network::routes),
        withHandles(h -> dht.routes(h.dht(), h.lookups())),
        withHandles(h -> downloads.routes(h.downloads())),
        error(StatusCodes.NOT_FOUND, "no such route"))));
  }

  /** Runs {@code inner} only if {@link MutationGuard} lets this request mutate the node. */
  Route mutating(java.util.function.Supplier<Route> inner) {
    return withHandles(h -> optionalHeaderValueByName("Authorization", auth -> {
      MutationGuard guard = new MutationGuard(h.settings().managementHost(), h.settings().managementToken());
      return guard.refusal(auth).map(reason -> error(StatusCodes.FORBIDDEN, reason)).orElseGet(inner);
    }));
  }

  private Route node() {
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
          cluster.selfMember().status().toString(), up, members, view.descriptors().size());
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
