package io.shroud.circuit;

import io.shroud.admission.Consensus;
import io.shroud.crypto.OnionPublicKey;
import io.shroud.identity.NodeDescriptor;
import io.shroud.identity.NodeId;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The relays circuits may use: from a verified consensus ({@link #of(Consensus, List)}), or, before
 * one exists, from the verified directory: each descriptor whose data address
 * is an IPv4 literal {@code a.b.c.d:port} (no DNS lookups), whose onion key decodes and whose
 * data-plane protocol version is this node's.
 * Each relay is weighted by the bandwidth its descriptor advertises (KiB/s, at least 1;
 * {@link PathSelector} caps any one relay's share), and gets no flags (every relay may be a
 * guard). Immutable; pure.
 */
public final class RelayDirectory {
  private static final Pattern IPV4_PORT = Pattern.compile("(\\d{1,3}(?:\\.\\d{1,3}){3}):(\\d{1,5})");

  /** One usable relay: path-selection facts, data-plane port and onion key. */
  public record Entry(RelayInfo info, int port, OnionPublicKey onionKey) {}

  private final Map<NodeId, Entry> entries;
  private final GuardRule guardRule;

  private RelayDirectory(Map<NodeId, Entry> entries, GuardRule guardRule) {
    this.entries = entries;
    this.guardRule = guardRule;
  }

  public static RelayDirectory empty() {
    return new RelayDirectory(Map.of(), GuardRule.FLAGGED_WHEN_ANY);
  }

  /**
   * The relays of a consensus the caller has verified ({@link Consensus#verify}) that also have a
   * verified descriptor here of this node's protocol version whose onion key decodes: address,
   * port, flags and weight (its measured weight, KiB/s) are the consensus's, the onion key the
   * descriptor's. Guards need the Guard flag ({@link GuardRule#FLAG_REQUIRED}); what a descriptor
   * advertises plays no part (protocol §10.10).
   */
  public static RelayDirectory of(Consensus consensus, List<NodeDescriptor> descriptors) {
    Map<NodeId, NodeDescriptor> byId = new HashMap<>();
    for (NodeDescriptor d : descriptors) {
      byId.putIfAbsent(d.nodeId(), d);
    }
    Map<NodeId, Entry> map = new LinkedHashMap<>();
    for (Consensus.Relay r : consensus.relays()) {
      NodeDescriptor d = byId.get(r.id());
      if (d == null || d.protocolVersion() != NodeDescriptor.PROTOCOL_VERSION
          || !Arrays.equals(d.identityKey(), r.identityKey())) {
        continue;
      }
      try {
        map.put(r.id(), new Entry(new RelayInfo(r.id(), r.address(), r.weight(), r.flags()), r.port(),
            d.onionPublicKey()));
      } catch (IllegalArgumentException e) {
        // an undecodable onion key: not a usable relay
      }
    }
    return new RelayDirectory(Map.copyOf(map), GuardRule.FLAG_REQUIRED);
  }

  public static RelayDirectory of(List<NodeDescriptor> descriptors) {
    Map<NodeId, Entry> map = new LinkedHashMap<>();
    for (NodeDescriptor d : descriptors) {
      if (d.protocolVersion() != NodeDescriptor.PROTOCOL_VERSION) {
        continue; // its relay cells are not ours: a circuit through it would fail at every tag
      }
      Matcher m = IPV4_PORT.matcher(d.dataAddress());
      if (!m.matches()) {
        continue;
      }
      int port = Integer.parseInt(m.group(2));
      try {
        InetAddress address = InetAddress.getByName(m.group(1));
        if (!(address instanceof Inet4Address v4) || port < 1 || port > 65535) {
          continue;
        }
        map.putIfAbsent(d.nodeId(), new Entry(new RelayInfo(d.nodeId(), v4, Math.max(1, d.bandwidth() / 1024), Set.of()), port, d.onionPublicKey()));
      } catch (UnknownHostException | IllegalArgumentException e) {
        // an octet above 255 or an undecodable onion key: not a usable relay
      }
    }
    return new RelayDirectory(Map.copyOf(map), GuardRule.FLAGGED_WHEN_ANY);
  }

  /** Who may be a first hop: {@link GuardRule#FLAG_REQUIRED} for a consensus, else flagged-when-any. */
  public GuardRule guardRule() {
    return guardRule;
  }

  public List<RelayInfo> relays() {
    List<RelayInfo> out = new ArrayList<>();
    entries.values().forEach(e -> out.add(e.info()));
    out.sort((a, b) -> a.id().compareTo(b.id()));
    return out;
  }

  public Optional<Entry> entry(NodeId id) {
    return Optional.ofNullable(entries.get(id));
  }

  public int size() {
    return entries.size();
  }

  /**
   * Why relay {@code self}, reached from {@code previous}, must not extend to {@code request}'s
   * target (protocol §6.5): not in the verified directory, itself or the previous hop, or at
   * another address than the directory's. Empty when it may.
   */
  public Optional<String> extendRefusal(ExtendRequest request, NodeId self, NodeId previous) {
    Entry target = entries.get(request.next());
    if (target == null) {
      return Optional.of("EXTEND target is not in the verified directory");
    }
    if (request.next().equals(self) || request.next().equals(previous)) {
      return Optional.of("EXTEND to itself or back to the previous hop");
    }
    if (!target.info().address().equals(request.address()) || target.port() != request.port()) {
      return Optional.of("EXTEND address differs from the directory's");
    }
    return Optional.empty();
  }
}
