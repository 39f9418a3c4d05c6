package io.shroud.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.shroud.circuit.CircuitsActor;
import io.shroud.circuit.GuardSet;
import io.shroud.identity.DirectoryView;
import io.shroud.identity.NodeId;
import io.shroud.link.Links;
import io.shroud.lookup.RecordLookupsActor;
import io.shroud.node.ClientDirectoryActor;
import io.shroud.node.ControlCookie;
import io.shroud.node.EchoActor;
import io.shroud.node.KeysActor;
import io.shroud.node.NodeConfig;
import io.shroud.node.NodeRuntime;
import io.shroud.node.ShroudSettings;
import io.shroud.swarm.fetch.DownloadsActor;
import io.shroud.swarm.serve.SharesActor;
import io.shroud.testutil.PersistenceTestConfig;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.Uri;
import org.apache.pekko.management.javadsl.ManagementRouteProviderSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The management routes of a client (design.md §8.4), served with Pekko HTTP on loopback: the
 * node view says "client" and names no cluster or data address, the guards are listed, sharing
 * and the DHT node's routes answer 409 with the reason, the consensus is the client's own.
 */
class ClientApiTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final NodeId GUARD = NodeId.ofIdentityKey(new byte[] {9});
  private static ActorTestKit kit;
  private static ServerBinding binding;
  private static int port;
  private static String token;
  private static Path dataDir;

  @BeforeAll
  static void serve() throws Exception {
    dataDir = Files.createTempDirectory("shroud-client-api-").toRealPath();
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Map<String, Object> shroud = new LinkedHashMap<>();
    shroud.put("shroud.data-dir", dataDir.toString());
    shroud.put("shroud.management.host", "127.0.0.1");
    shroud.put("shroud.management.port", port);
    shroud.put("shroud.management.share-roots", List.of(dataDir.getParent().toString()));
    ShroudSettings settings = ShroudSettings.from(NodeConfig.load(shroud, Optional.empty()));
    Config config = ConfigFactory.parseMap(shroud).withFallback(PersistenceTestConfig.CONFIG);
    kit = ActorTestKit.create(config);
    token = ControlCookie.install(dataDir, "", new SecureRandom());
    NodeRuntime runtime = NodeRuntime.get(kit.system());
    runtime.setControlToken(token);
    runtime.setClientDirectory(kit.spawn(Behaviors.receive(ClientDirectoryActor.Command.class)
        .onMessage(ClientDirectoryActor.GetDirectory.class, g -> {
          g.replyTo().tell(new DirectoryView(List.of()));
          return Behaviors.same();
        })
        .onMessage(ClientDirectoryActor.GetCurrent.class, g -> {
          g.replyTo().tell(Optional.empty());
          return Behaviors.same();
        })
        .build()));
    Instant added = Instant.parse("2026-12-07T12:00:00Z");
    NodeId self = NodeId.ofIdentityKey(new byte[] {7});
    runtime.set(new NodeRuntime.Handles(self, settings, Instant.now(), null,
        kit.spawn(Behaviors.receive(KeysActor.Command.class)
            .onMessage(KeysActor.GetGuards.class, g -> {
              g.replyTo().tell(List.of(new GuardSet.Entry(GUARD, added, added.plusSeconds(86_400))));
              return Behaviors.same();
            })
            .build()),
        kit.spawn(SharesActor.create(self, dataDir, Clock.systemUTC())),
        kit.<Links.Command>createTestProbe().getRef(), kit.<CircuitsActor.Command>createTestProbe().getRef(),
        kit.<EchoActor.Command>createTestProbe().getRef(), null,
        kit.<RecordLookupsActor.Command>createTestProbe().getRef(), kit.<DownloadsActor.Command>createTestProbe().getRef()));
    ShroudRoutes routes = new ShroudRoutes((ExtendedActorSystem) Adapter.toClassic(kit.system()));
    binding = Http.get(kit.system()).newServerAt("127.0.0.1", port)
        .bind(routes.routes(ManagementRouteProviderSettings.create(Uri.create("http://127.0.0.1:" + port))))
        .toCompletableFuture().get();
  }

  @AfterAll
  static void stop() throws Exception {
    binding.unbind().toCompletableFuture().get();
    kit.shutdownTestKit();
  }

  private static HttpResponse<String> send(String method, String path, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .header("Authorization", "Bearer " + token);
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void theNodeViewIsAClientsWithNoClusterOrDataAddress() throws Exception {
    HttpResponse<String> rsp = send("GET", "/shroud/v1/node", null);
    assertEquals(200, rsp.statusCode(), rsp.body());
    JsonNode node = JSON.readTree(rsp.body());
    assertEquals("client", node.path("role").asText());
    assertEquals("client", node.path("selfStatus").asText());
    assertTrue(node.path("clusterAddress").isNull(), rsp.body());
    assertTrue(node.path("dataAddress").isNull(), rsp.body());
  }

  @Test
  void theGuardsAreListed() throws Exception {
    HttpResponse<String> rsp = send("GET", "/shroud/v1/guards", null);
    assertEquals(200, rsp.statusCode(), rsp.body());
    JsonNode guards = JSON.readTree(rsp.body()).path("guards");
    assertEquals(1, guards.size());
    assertEquals(GUARD.toHex(), guards.get(0).path("nodeId").asText());
  }

  @Test
  void storingAShareNamesWhatIsWrong() throws Exception {
    HttpResponse<String> unknown = send("POST", "/shroud/v1/shares/" + "ab".repeat(32) + "/store", "{}");
    assertEquals(404, unknown.statusCode(), unknown.body());
    assertTrue(unknown.body().contains("no share"), unknown.body());
    HttpResponse<String> bad = send("POST", "/shroud/v1/shares/" + "ab".repeat(32) + "/store",
        "{\"redundancy\": \"4-2\"}");
    assertEquals(400, bad.statusCode(), bad.body());
    assertTrue(bad.body().contains("K+M"), bad.body());
  }

  @Test
  void aClientStoresNoFragmentsForOthers() throws Exception {
    HttpResponse<String> rsp = send("GET", "/shroud/v1/fragments", null);
    assertEquals(409, rsp.statusCode(), rsp.body());
    assertTrue(rsp.body().contains("stores no fragments"), rsp.body());
  }

  @Test
  void aClientSharesHiddenButItsDhtNodeRoutesAreRefusedWithTheReason() throws Exception {
    Path file = Files.writeString(dataDir.getParent().resolve("client-api-share-" + port + ".txt"), "hello");
    try {
      HttpResponse<String> share = send("POST", "/shroud/v1/shares",
          JSON.createObjectNode().put("path", file.toString()).toString());
      // hidden seeding is on by default: a client's shares are served through intro points
      assertEquals(201, share.statusCode(), share.body());
    } finally {
      Files.deleteIfExists(file);
    }
    HttpResponse<String> buckets = send("GET", "/shroud/v1/dht", null);
    assertEquals(409, buckets.statusCode(), buckets.body());
    HttpResponse<String> put = send("PUT", "/shroud/v1/dht/records/" + "ab".repeat(32), "{}");
    assertEquals(409, put.statusCode(), put.body());
    assertTrue(put.body().contains("no DHT node"), put.body());
    HttpResponse<String> direct = send("GET", "/shroud/v1/dht/records/" + "ab".repeat(32) + "?via=direct", null);
    assertEquals(409, direct.statusCode(), direct.body());
    assertTrue(direct.body().contains("through a circuit only"), direct.body());
    HttpResponse<String> other = send("GET", "/shroud/v1/dht/records/" + "ab".repeat(32) + "?via=elsewhere", null);
    assertEquals(400, other.statusCode(), other.body());
    assertEquals(200, send("GET", "/shroud/v1/shares", null).statusCode());
  }

  @Test
  void theConsensusIsTheClientsOwn() throws Exception {
    HttpResponse<String> rsp = send("GET", "/shroud/v1/consensus", null);
    assertEquals(404, rsp.statusCode(), rsp.body());
    assertTrue(rsp.body().contains("bootstrap relay"), rsp.body());
  }
}
