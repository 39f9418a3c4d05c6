package io.shroud.circuit;

import static io.shroud.testutil.MetricValues.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.identity.NodeId;
import io.shroud.metrics.Metrics;
import io.shroud.metrics.NodeMetrics;
import io.shroud.node.EchoResult;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * What circuits record in the node's metrics. Every node of the in-memory net runs in one actor
 * system, so they share one {@link NodeMetrics}: the origin's builds and the relays' cells land
 * in the same registry, and each test compares before with after.
 */
class CircuitMetricsTest {
  static final ActorTestKit testKit = ActorTestKit.create();
  final NodeMetrics metrics = Metrics.get(testKit.system());

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  @Test
  void aBuiltCircuitIsCountedTimedAndItsRelaysCountTheirCells() {
    CircuitNet net = new CircuitNet(testKit, 4, CircuitSettings.defaults(), 11);
    double built = value(metrics, "shroud_circuits_built_total");
    double timed = value(metrics, "shroud_circuit_build_seconds_count");
    double forward = value(metrics, "shroud_relay_cells_total{direction=\"forward\"}");
    double backward = value(metrics, "shroud_relay_cells_total{direction=\"backward\"}");
    double forwardBytes = value(metrics, "shroud_relay_bytes_total{direction=\"forward\"}");

    CircuitsActor.Built circuit = CircuitActorsTest.buildIn(testKit, net.node(0), Optional.of(net.node(3)), 3);
    EchoResult echo = CircuitActorsTest.echoIn(testKit, circuit, 64 * 1024, 3);
    assertTrue(echo.ok(), echo::toString);

    assertEquals(built + 1, value(metrics, "shroud_circuits_built_total"));
    assertEquals(timed + 1, value(metrics, "shroud_circuit_build_seconds_count"));
    // 2 EXTENDs and the echo's DATA went forward through 3 relays, EXTENDED and the echo came back
    double movedForward = value(metrics, "shroud_relay_cells_total{direction=\"forward\"}") - forward;
    assertTrue(movedForward >= 3 * (64 * 1024 / 4080.0), "forward cells: " + movedForward);
    assertTrue(value(metrics, "shroud_relay_cells_total{direction=\"backward\"}") - backward >= 16);
    // every relay cell is one fixed-size payload (a late SENDME may still be counted meanwhile)
    double bytes = value(metrics, "shroud_relay_bytes_total{direction=\"forward\"}");
    assertEquals(0, bytes % io.shroud.wire.CellFormat.PAYLOAD_BYTES);
    assertTrue(bytes - forwardBytes >= movedForward * io.shroud.wire.CellFormat.PAYLOAD_BYTES);
  }

  @Test
  void aBuildWithNoPathIsCountedAsFailedNoPath() {
    CircuitNet net = new CircuitNet(testKit, 3, CircuitSettings.defaults(), 12);
    double noPath = value(metrics, "shroud_circuits_failed_total{reason=\"no_path\"}");
    TestProbe<CircuitsActor.BuildResult> probe = testKit.createTestProbe();
    net.node(0).circuits().tell(new CircuitsActor.BuildCircuit(
        Optional.of(NodeId.fromHex("00".repeat(32))), 3, probe.ref()));
    assertInstanceOf(CircuitsActor.Failed.class, probe.receiveMessage(CircuitActorsTest.WAIT));
    assertEquals(noPath + 1, value(metrics, "shroud_circuits_failed_total{reason=\"no_path\"}"));
  }
}
