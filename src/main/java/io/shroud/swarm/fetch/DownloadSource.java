package io.shroud.swarm.fetch;

import io.shroud.identity.NodeId;
import java.time.Instant;
import java.util.BitSet;
import java.util.List;

/** One provider as a {@link DownloadRun} knows it: its session epoch, what it has, its state. */
final class DownloadSource {
  final NodeId id;
  long epoch;
  boolean live;
  boolean ready;
  boolean hasAll;
  final BitSet have = new BitSet();
  String state = "CONNECTING";
  String circuitId;
  List<String> path = List.of();
  int rejects;
  Instant lastHeard;

  DownloadSource(NodeId id) {
    this.id = id;
  }
}
