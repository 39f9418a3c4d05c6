package io.shroud.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import io.shroud.admission.ConsensusSettings;
import io.shroud.admission.NetworkFiles;
import io.shroud.node.admission.ConsensusActor;
import io.shroud.node.admission.TestNetwork;
import io.shroud.testutil.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code shroud.authority-key}: a relay is an authority only with an owner-only key that
 * network.conf names; the {@code shroud.consensus} settings default to {@link ConsensusSettings#DEFAULT}.
 */
class AuthorityKeySettingsTest {
  @TempDir
  Path tmp;

  private Config config(Path conf, String key, Map<String, Object> extra) {
    Map<String, Object> o = new HashMap<>(extra);
    o.put("shroud.data-dir", tmp.resolve("node").toString());
    o.put("shroud.network", conf.toString());
    o.put("shroud.authority-key", key);
    return NodeConfig.load(o, Optional.empty());
  }

  @Test
  void anAuthorityOfTheNetworkSignsWithItsKey() throws Exception {
    TestNetwork net = TestNetwork.create(tmp.resolve("net"), "authnet", new MutableClock());
    Path key = net.dir.resolve(NetworkFiles.SECRET).resolve("authority-1.key");
    ConsensusActor.Setup s = NodeMain.consensus(config(net.conf(), key.toString(), Map.of()),
        ShroudSettings.from(config(net.conf(), key.toString(), Map.of()))).orElseThrow();
    assertEquals(net.definition.authorities().get(0).keyHex(),
        java.util.HexFormat.of().formatHex(s.authority().orElseThrow().publicKey()));
    assertEquals(ConsensusSettings.DEFAULT, s.settings());
    assertEquals(Duration.ofMinutes(20), s.probeInterval());
    ConsensusActor.Setup plain = NodeMain.consensus(config(net.conf(), "", Map.of()),
        ShroudSettings.from(config(net.conf(), "", Map.of()))).orElseThrow();
    assertTrue(plain.authority().isEmpty(), "no key: a relay that only assembles the consensus");
  }

  @Test
  void aKeyOfAnotherNetworkOrReadableByOthersIsRefusedInOneLine() throws Exception {
    TestNetwork net = TestNetwork.create(tmp.resolve("net"), "authnet", new MutableClock());
    TestNetwork other = TestNetwork.create(tmp.resolve("other"), "othernet", new MutableClock());
    Path foreign = other.dir.resolve(NetworkFiles.SECRET).resolve("authority-1.key");
    Config c = config(net.conf(), foreign.toString(), Map.of());
    SettingsException e = assertThrows(SettingsException.class, () -> NodeMain.consensus(c, ShroudSettings.from(c)));
    assertTrue(e.getMessage().startsWith("shroud.authority-key: ") && e.getMessage().contains("not the key of an authority"),
        e.getMessage());
    Path key = net.dir.resolve(NetworkFiles.SECRET).resolve("authority-1.key");
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
    Config open = config(net.conf(), key.toString(), Map.of());
    e = assertThrows(SettingsException.class, () -> NodeMain.consensus(open, ShroudSettings.from(open)));
    assertTrue(e.getMessage().contains("readable or writable by others"), e.getMessage());
  }

  @Test
  void localNetworksSettingsParse() {
    TestNetwork net = TestNetwork.create(tmp.resolve("net"), "authnet", new MutableClock());
    Config c = config(net.conf(), "", Map.of("shroud.consensus.guard-min-uptime", "0s",
        "shroud.consensus.fresh-for", "30s", "shroud.consensus.valid-for", "5m"));
    ConsensusSettings s = FeatureSettings.consensus(c);
    assertEquals(Duration.ZERO, s.guardMinUptime());
    assertEquals(Duration.ofSeconds(30), s.freshFor());
    Config bad = config(net.conf(), "", Map.of("shroud.consensus.valid-for", "10s", "shroud.consensus.fresh-for", "30s"));
    SettingsException e = assertThrows(SettingsException.class, () -> FeatureSettings.consensus(bad));
    assertTrue(e.getMessage().startsWith("shroud.consensus: "), e.getMessage());
  }
}
