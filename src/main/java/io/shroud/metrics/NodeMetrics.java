package io.shroud.metrics;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.datapoints.GaugeDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.Locale;

/**
 * The metrics of one node, in a registry of its own (never the client's static default one:
 * tests run several nodes in one JVM). Every label value is one of the enums below, so a label
 * can never carry an info-hash, a node id, an address or a path: metrics must not tell what a
 * node fetched or shared, nor whom it talked to (docs/api.md, "Metrics"). Each data point is
 * resolved once here, so recording is one lock-free add on the hot path. Thread-safe.
 */
public final class NodeMetrics {
  /** Why a circuit build gave up (the last attempt's cause): {@code shroud_circuits_failed_total{reason}}. */
  public enum CircuitFailure { NO_PATH, TIMEOUT, DESTROYED, LINK_LOST, PROTOCOL, CLOSED }

  /** A relayed cell's direction: toward the circuit's last hop or back toward its origin. */
  public enum RelayDirection { FORWARD, BACKWARD }

  /** Bytes read from ({@code IN}) or written to ({@code OUT}) peer links. */
  public enum LinkDirection { IN, OUT }

  /**
   * Why an inbound peer connection was refused ({@code shroud_link_refusals_total{reason}}): the
   * handshake budget was full, its address or subnet was at its cap, inbound links were at their
   * limit, or its Noise static key is no directory member's.
   */
  public enum LinkRefusal { HANDSHAKE_BUDGET, PER_IP, PER_SUBNET, LINK_LIMIT, UNKNOWN_KEY }

  /** How a DHT lookup ended: {@code LOCAL} when the node held the record itself (0 rounds). */
  public enum LookupOutcome { VALUE_FOUND, VALUE_NOT_FOUND, NODES_FOUND, NO_ANSWER, LOCAL }

  /** What a download held against a source: a block failing its proof, a bad piece, a bad piece layer. */
  public enum Strike { BAD_BLOCK, BAD_PIECE, BAD_PIECE_LAYER, BAD_METADATA }

  /** The event-sourced actor whose journal write was timed. */
  public enum Journal { DOWNLOAD, SHARES }

  /** Why a DHT cell from a peer was dropped unanswered: {@code shroud_dht_dropped_total{reason}}. */
  public enum DhtDrop { MALFORMED, RATE_LIMITED }

  /**
   * Why a relay refused a CREATE ({@code shroud_circuit_creates_refused_total{reason}}): no
   * onion keys yet, a circuit id from the sender's wrong half, the per-link or node-wide circuit
   * cap, the sender's CREATE rate, a replay within the window, or a handshake that failed
   * (malformed, misaddressed, unknown or expired onion key).
   */
  public enum CreateRefusal { NO_KEYS, WRONG_HALF, LINK_LIMIT, NODE_LIMIT, RATE_LIMITED, REPLAY, BAD_HANDSHAKE }

  /**
   * Why a relay destroyed a hop it carried ({@code shroud_relay_circuits_closed_total{reason}}):
   * no cell for the relay idle timeout, or it held the oldest queued cells while the cells
   * queued on relayed circuits were over their bound.
   */
  public enum RelayClosure { IDLE, OUT_OF_MEMORY }

  /**
   * What a hidden seeder did with an INTRODUCE2 ({@code shroud_hidden_introductions_total{outcome}},
   * protocol §11.6, §11.9): queued; dropped from a full queue; no such intro point; a replay;
   * unreadable; claimed work that does not verify.
   */
  public enum Introduction { QUEUED, DROPPED_FULL, UNKNOWN_AUTH_KEY, REPLAY, UNREADABLE, BAD_WORK }

  /**
   * A rendezvous ({@code shroud_hidden_rendezvous_total{side, outcome}}): on the seeder's side a
   * circuit to the rendezvous point was built and RENDEZVOUS1 sent ({@code JOINED}) or it could
   * not be built; on the downloader's side the seeder was reached or the attempt gave up.
   */
  public enum RendezvousSide { SEEDER, DOWNLOADER }

  /** How a rendezvous ended, on either side. */
  public enum RendezvousOutcome { JOINED, FAILED }

  private final PrometheusRegistry registry = new PrometheusRegistry();

  private final CounterDataPoint circuitsBuilt;
  private final CounterDataPoint[] circuitsFailed;
  private final DistributionDataPoint circuitBuild;
  private final CounterDataPoint[] relayCells;
  private final CounterDataPoint[] relayBytes;
  private final GaugeDataPoint linksOpen;
  private final CounterDataPoint[] linkBytes;
  private final CounterDataPoint[] linkRefusals;
  private final CounterDataPoint[] dhtLookups;
  private final DistributionDataPoint dhtLookupRounds;
  private final GaugeDataPoint shares;
  private final CounterDataPoint downloadsStarted;
  private final CounterDataPoint downloadsCompleted;
  private final CounterDataPoint downloadsFailed;
  private final CounterDataPoint downloadBytes;
  private final CounterDataPoint piecesVerified;
  private final CounterDataPoint piecesFailed;
  private final CounterDataPoint blocksFailed;
  private final CounterDataPoint[] sourceStrikes;
  private final DistributionDataPoint[] journalWrite;
  private final CounterDataPoint[] dhtDropped;
  private final CounterDataPoint[] createsRefused;
  private final GaugeDataPoint relayCircuits;
  private final CounterDataPoint[] relayClosed;
  private final GaugeDataPoint relayQueuedCells;
  private final GaugeDataPoint hiddenServices;
  private final CounterDataPoint[] hiddenIntroductions;
  private final CounterDataPoint[][] hiddenRendezvous;

  /** A node's metrics, every series registered (at zero) in a fresh registry. */
  public NodeMetrics() {
    circuitsBuilt = counter("shroud_circuits_built_total", "Circuits this node built that became ready.");
    circuitsFailed = labelled(counter("shroud_circuits_failed_total",
        "Circuits this node gave up building, after its retries, by the last attempt's cause.", "reason"),
        CircuitFailure.values());
    circuitBuild = Histogram.builder().name("shroud_circuit_build_seconds").unit(Unit.SECONDS)
        .help("Time from asking for a circuit to its being ready, retries included.")
        .classicUpperBounds(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60).classicOnly().withoutExemplars()
        .register(registry);
    relayCells = labelled(counter("shroud_relay_cells_total",
        "Relay cells handled on circuits this node relays for others, by direction.", "direction"),
        RelayDirection.values());
    relayBytes = labelled(counter("shroud_relay_bytes_total",
        "Bytes of the relay cells counted by shroud_relay_cells_total, by direction.", "direction"),
        RelayDirection.values());
    linksOpen = Gauge.builder().name("shroud_links_open").help("Peer links open and admitted now.")
        .withoutExemplars().register(registry);
    linkBytes = labelled(counter("shroud_link_bytes_total",
        "Bytes read from and written to peer links (sealed records, handshakes included).", "direction"),
        LinkDirection.values());
    linkRefusals = labelled(counter("shroud_link_refusals_total",
        "Inbound peer connections refused before carrying a cell, by reason.", "reason"),
        LinkRefusal.values());
    dhtLookups = labelled(counter("shroud_dht_lookups_total",
        "DHT lookups this node's DHT ran (its own and those asked through a circuit), by outcome.", "outcome"),
        LookupOutcome.values());
    dhtLookupRounds = Histogram.builder().name("shroud_dht_lookup_rounds")
        .help("Sequential query rounds a DHT lookup needed (0: answered from the node's own store).")
        .classicUpperBounds(0, 1, 2, 3, 4, 5, 6, 8, 10, 15, 20).classicOnly().withoutExemplars()
        .register(registry);
    shares = Gauge.builder().name("shroud_shares").help("Shares in the node's catalogue.")
        .withoutExemplars().register(registry);
    downloadsStarted = counter("shroud_downloads_started_total", "Downloads started.");
    downloadsCompleted = counter("shroud_downloads_completed_total", "Downloads whose output was checked and moved in place.");
    downloadsFailed = counter("shroud_downloads_failed_total", "Downloads that ended failed.");
    downloadBytes = counter("shroud_download_bytes_total",
        "Bytes of downloaded blocks that passed their Merkle proof (duplicates not counted).");
    piecesVerified = counter("shroud_pieces_verified_total", "Downloaded pieces whose blocks all verified.");
    piecesFailed = counter("shroud_pieces_failed_total",
        "Downloaded pieces whose verified blocks did not fold up to the piece hash.");
    blocksFailed = counter("shroud_blocks_failed_total", "Downloaded blocks that failed their Merkle proof.");
    sourceStrikes = labelled(counter("shroud_source_strikes_total",
        "Strikes against download sources, by cause (one per source struck).", "reason"), Strike.values());
    journalWrite = labelled(Histogram.builder().name("shroud_journal_write_seconds").unit(Unit.SECONDS)
        .help("Time from an event-sourced persist to its callback: the journal write, by actor.")
        .labelNames("journal")
        .classicUpperBounds(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5)
        .classicOnly().withoutExemplars().register(registry), Journal.values());
    dhtDropped = labelled(counter("shroud_dht_dropped_total",
        "DHT cells from peers dropped unanswered: malformed, or a request over its sender's query rate.",
        "reason"), DhtDrop.values());
    createsRefused = labelled(counter("shroud_circuit_creates_refused_total",
        "CREATE cells this node refused as a relay (answered with DESTROY), by reason.", "reason"),
        CreateRefusal.values());
    relayCircuits = Gauge.builder().name("shroud_relay_circuits")
        .help("Circuit hops this node relays for others now (capped by shroud.circuits.max-relayed-circuits).")
        .withoutExemplars().register(registry);
    relayClosed = labelled(counter("shroud_relay_circuits_closed_total",
        "Relayed circuit hops this node destroyed itself, by reason: idle, or to free memory.", "reason"),
        RelayClosure.values());
    relayQueuedCells = Gauge.builder().name("shroud_relay_queued_cells")
        .help("Cells held on circuits this node relays (waiting for the window, or received and not yet consumed); "
            + "bounded by shroud.circuits.max-queued-bytes.")
        .withoutExemplars().register(registry);
    hiddenServices = Gauge.builder().name("shroud_hidden_services")
        .help("Shares this node serves as hidden services now (one service each).")
        .withoutExemplars().register(registry);
    hiddenIntroductions = labelled(counter("shroud_hidden_introductions_total",
        "Introductions (INTRODUCE2) this node's hidden services received, by what became of them.", "outcome"),
        Introduction.values());
    Counter rendezvous = counter("shroud_hidden_rendezvous_total",
        "Rendezvous, by side (this node seeding or downloading) and outcome (joined or failed).", "side", "outcome");
    hiddenRendezvous = new CounterDataPoint[RendezvousSide.values().length][];
    for (RendezvousSide side : RendezvousSide.values()) {
      hiddenRendezvous[side.ordinal()] = new CounterDataPoint[RendezvousOutcome.values().length];
      for (RendezvousOutcome outcome : RendezvousOutcome.values()) {
        hiddenRendezvous[side.ordinal()][outcome.ordinal()] = rendezvous.labelValues(label(side), label(outcome));
      }
    }
  }

  public void hiddenServices(int count) {
    hiddenServices.set(count);
  }

  public void hiddenIntroduction(Introduction outcome) {
    hiddenIntroductions[outcome.ordinal()].inc();
  }

  public void hiddenRendezvous(RendezvousSide side, RendezvousOutcome outcome) {
    hiddenRendezvous[side.ordinal()][outcome.ordinal()].inc();
  }

  /** The registry these metrics are in, for the exposition ({@code api.MetricsRoutes}). */
  public PrometheusRegistry registry() {
    return registry;
  }

  /**
   * Adds the JVM's metrics (heap and other memory pools, GC, threads, class loading, process) to
   * this registry; at most once per registry. Done by the node's metrics route, not here: each
   * registration leaves GC listeners in the JVM, which unit tests with many systems need not.
   */
  public void registerJvm() {
    JvmMetrics.builder().register(registry);
  }

  /** A circuit this node built is ready, {@code nanos} after it was asked for. */
  public void circuitBuilt(long nanos) {
    circuitsBuilt.inc();
    circuitBuild.observe(nanos / 1e9);
  }

  /** A circuit build gave up. */
  public void circuitFailed(CircuitFailure reason) {
    circuitsFailed[reason.ordinal()].inc();
  }

  /** One relay cell of {@code bytes} handled on a hop this node relays. */
  public void relayed(RelayDirection direction, int bytes) {
    relayCells[direction.ordinal()].inc();
    relayBytes[direction.ordinal()].inc(bytes);
  }

  /** A peer link became the node's link to its peer. */
  public void linkOpened() {
    linksOpen.inc();
  }

  /** {@code count} peer links closed. */
  public void linksClosed(int count) {
    linksOpen.dec(count);
  }

  /** {@code bytes} read from or written to a peer link. */
  public void linkBytes(LinkDirection direction, long bytes) {
    linkBytes[direction.ordinal()].inc(bytes);
  }

  /** An inbound peer connection was refused. */
  public void linkRefused(LinkRefusal reason) {
    linkRefusals[reason.ordinal()].inc();
  }

  /** A DHT lookup ended after {@code rounds} rounds. */
  public void dhtLookup(LookupOutcome outcome, int rounds) {
    dhtLookups[outcome.ordinal()].inc();
    dhtLookupRounds.observe(rounds);
  }

  /** The catalogue holds {@code count} shares now. */
  public void shares(int count) {
    shares.set(count);
  }

  public void downloadStarted() {
    downloadsStarted.inc();
  }

  public void downloadCompleted() {
    downloadsCompleted.inc();
  }

  public void downloadFailed() {
    downloadsFailed.inc();
  }

  /** A downloaded block of {@code bytes} passed its proof and was kept. */
  public void blockVerified(int bytes) {
    downloadBytes.inc(bytes);
  }

  /** A downloaded block failed its proof. */
  public void blockFailed() {
    blocksFailed.inc();
  }

  /** Every block of a downloaded piece is in and the piece checks. */
  public void pieceVerified() {
    piecesVerified.inc();
  }

  /** Every block of a downloaded piece is in but the piece does not check. */
  public void pieceFailed() {
    piecesFailed.inc();
  }

  /** {@code sources} download sources were struck for {@code reason}. */
  public void sourcesStruck(Strike reason, int sources) {
    sourceStrikes[reason.ordinal()].inc(sources);
  }

  /** A journal write of {@code journal} took {@code nanos} from persist to its callback. */
  public void journalWrite(Journal journal, long nanos) {
    journalWrite[journal.ordinal()].observe(nanos / 1e9);
  }

  /** A DHT cell from a peer was dropped unanswered. */
  public void dhtDropped(DhtDrop reason) {
    dhtDropped[reason.ordinal()].inc();
  }

  /** A CREATE was refused with a DESTROY. */
  public void createRefused(CreateRefusal reason) {
    createsRefused[reason.ordinal()].inc();
  }

  /** {@code count} circuit hops are relayed here now. */
  public void relayCircuits(int count) {
    relayCircuits.set(count);
  }

  /** A relayed hop was destroyed by this node for {@code reason}. */
  public void relayCircuitClosed(RelayClosure reason) {
    relayClosed[reason.ordinal()].inc();
  }

  /** {@code cells} are queued on relayed hops now. */
  public void relayQueuedCells(long cells) {
    relayQueuedCells.set(cells);
  }

  /** The Prometheus label value of {@code e}: its name in lower case. */
  static String label(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT);
  }

  private Counter counter(String name, String help, String... labels) {
    return Counter.builder().name(name).help(help).labelNames(labels).withoutExemplars().register(registry);
  }

  private static CounterDataPoint[] labelled(Counter counter, Enum<?>[] values) {
    CounterDataPoint[] points = new CounterDataPoint[values.length];
    for (Enum<?> v : values) {
      points[v.ordinal()] = counter.labelValues(label(v));
    }
    return points;
  }

  private static DistributionDataPoint[] labelled(Histogram histogram, Enum<?>[] values) {
    DistributionDataPoint[] points = new DistributionDataPoint[values.length];
    for (Enum<?> v : values) {
      points[v.ordinal()] = histogram.labelValues(label(v));
    }
    return points;
  }
}
