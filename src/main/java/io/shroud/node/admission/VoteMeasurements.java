package io.shroud.node.admission;

import io.shroud.admission.RelayMeasurement;
import io.shroud.identity.NodeDescriptor;
import io.shroud.identity.NodeId;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What an authority votes: one {@link RelayMeasurement} per relay of its verified directory but
 * itself (design.md §8.2): the descriptor's data-port address, whether the last probe reached it
 * and the KiB/s it measured ({@link ProbeSchedule}), the relay's continuous uptime
 * ({@link UptimeTracker}, by its cluster address) and the bandwidth its descriptor claims. Relays
 * of another protocol version or without an IPv4 literal data address are left out. Pure.
 */
public final class VoteMeasurements {
  private static final Pattern IPV4_PORT = Pattern.compile("(\\d{1,3}(?:\\.\\d{1,3}){3}):(\\d{1,5})");

  private VoteMeasurements() {}

  public static List<RelayMeasurement> of(List<NodeDescriptor> descriptors, NodeId self, UptimeTracker uptime,
      ProbeSchedule probes, Instant now) {
    List<RelayMeasurement> out = new ArrayList<>();
    java.util.Set<NodeId> seen = new java.util.HashSet<>();
    for (NodeDescriptor d : descriptors) {
      if (d.nodeId().equals(self) || d.protocolVersion() != NodeDescriptor.PROTOCOL_VERSION || !seen.add(d.nodeId())) {
        continue;
      }
      Optional<Inet4Address> address = ipv4(d.dataAddress());
      if (address.isEmpty()) {
        continue;
      }
      int port = Integer.parseInt(d.dataAddress().substring(d.dataAddress().lastIndexOf(':') + 1));
      Optional<ProbeSchedule.Result> probe = probes.result(d.nodeId());
      boolean reached = probe.map(ProbeSchedule.Result::reached).orElse(false);
      long measured = probe.map(ProbeSchedule.Result::kibps).orElse(0L);
      Duration up = uptime.uptime(d.clusterAddress(), now);
      out.add(new RelayMeasurement(d.identityKey(), address.get(), port, reached, measured, up,
          Math.max(0, d.bandwidth() / 1024)));
    }
    return out;
  }

  /** The IPv4 address of an {@code a.b.c.d:port} literal with a port of 1..65535; empty for anything else. */
  static Optional<Inet4Address> ipv4(String hostPort) {
    Matcher m = IPV4_PORT.matcher(hostPort);
    if (!m.matches()) {
      return Optional.empty();
    }
    int port = Integer.parseInt(m.group(2));
    try {
      InetAddress a = InetAddress.getByName(m.group(1));
      return a instanceof Inet4Address v4 && port >= 1 && port <= 65535 ? Optional.of(v4) : Optional.empty();
    } catch (UnknownHostException e) {
      return Optional.empty(); // an octet above 255
    }
  }
}
