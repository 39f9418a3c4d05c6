package io.shroud.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The command lines of a local network's relay and client processes, and the consensus check clients wait on. */
class LocalNodeTest {
  private static final Path JAR = Path.of("/opt/shroud.jar");
  private static final Path BASE = Path.of("/tmp/net");

  private static LocalNode relay(int index) {
    return new LocalNode(index, JAR, BASE, List.of("-Xmx256m"), LocalNode.seedArgs(3));
  }

  @Test
  void aClientBindsItsManagementEndpointOnlyAndDialsItsBootstrapRelaysDataPorts() {
    List<String> args = new java.util.ArrayList<>(LocalNode.bootstrapArgs(List.of(relay(1), relay(2))));
    args.addAll(LocalAdmission.clientArgs(BASE.resolve("network")));
    LocalNode client = LocalNode.client(4, JAR, BASE, List.of("-Xmx256m"), args);
    List<String> cmd = client.commandLine();

    assertTrue(client.isClient());
    assertEquals(List.of("-Xmx256m", "-jar", JAR.toString(), "node", "--client"), cmd.subList(1, 6));
    assertEquals(BASE.resolve("client-4"), client.dataDir());
    assertEquals(BASE.resolve("client-4.log"), client.logFile());
    assertEquals(client.dataDir().toString(), after(cmd, "--data-dir"));
    assertEquals("127.4.0.1", after(cmd, "--management-host"));
    assertEquals("8558", after(cmd, "--management-port"));
    assertEquals("http://127.4.0.1:8558", client.managementUrl());
    assertEquals(List.of("--bootstrap", "127.1.0.1:7400", "--bootstrap", "127.2.0.1:7400"),
        cmd.subList(cmd.indexOf("--bootstrap"), cmd.indexOf("--bootstrap") + 4));
    assertEquals(BASE.resolve("network").resolve("network.conf").toAbsolutePath().toString(), after(cmd, "--network"));
    for (String relayOnly : List.of("--host", "--cluster-port", "--data-port", "--seed", "--authority-key",
        "--certificate")) {
      assertFalse(cmd.contains(relayOnly), relayOnly + " in " + cmd);
    }
    assertEquals(cmd, client.commandLine(), "the same command line at every start");
  }

  @Test
  void aRelayKeepsItsPortsSeedsAndNodeDirectory() {
    LocalNode relay = relay(2);
    List<String> cmd = relay.commandLine();
    assertFalse(relay.isClient());
    assertFalse(cmd.contains("--client"));
    assertEquals("127.2.0.1", after(cmd, "--host"));
    assertEquals("25520", after(cmd, "--cluster-port"));
    assertEquals("7400", after(cmd, "--data-port"));
    assertEquals("127.2.0.1", after(cmd, "--management-host"));
    assertEquals(BASE.resolve("node-2").toString(), after(cmd, "--data-dir"));
    assertEquals(3, Collections.frequency(cmd, "--seed"));
    assertEquals("127.2.0.1:7400", relay.dataAddress());
  }

  @Test
  void aClientIsNoBootstrapRelay() {
    LocalNode client = LocalNode.client(5, JAR, BASE, List.of(), List.of());
    assertThrows(IllegalArgumentException.class, () -> LocalNode.bootstrapArgs(List.of(relay(1), client)));
  }

  @Test
  void clientsWaitForAConsensusOfTwoSignaturesListingEveryRelay() throws Exception {
    Set<String> relays = Set.of("aa", "bb", "cc");
    assertTrue(LocalAdmission.listsAll(consensus(2, "aa", "bb", "cc"), relays));
    assertTrue(LocalAdmission.listsAll(consensus(3, "cc", "bb", "aa"), relays));
    assertFalse(LocalAdmission.listsAll(consensus(3, "aa", "cc"), relays), "a partial first consensus");
    assertFalse(LocalAdmission.listsAll(consensus(1, "aa", "bb", "cc"), relays), "one signature");
    assertFalse(LocalAdmission.listsAll(new ObjectMapper().readTree("{}"), relays), "no consensus");
  }

  private static JsonNode consensus(int signatures, String... relayIds) throws Exception {
    StringBuilder json = new StringBuilder("{\"signedBy\":[");
    for (int i = 0; i < signatures; i++) {
      json.append(i == 0 ? "" : ",").append("{\"key\":\"k").append(i).append("\"}");
    }
    json.append("],\"relays\":[");
    for (int i = 0; i < relayIds.length; i++) {
      json.append(i == 0 ? "" : ",").append("{\"nodeId\":\"").append(relayIds[i]).append("\",\"flags\":[]}");
    }
    return new ObjectMapper().readTree(json.append("]}").toString());
  }

  private static String after(List<String> cmd, String flag) {
    int i = cmd.indexOf(flag);
    assertTrue(i >= 0 && i + 1 < cmd.size(), flag + " missing in " + cmd);
    return cmd.get(i + 1);
  }
}
