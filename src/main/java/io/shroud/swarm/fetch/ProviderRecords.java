package io.shroud.swarm.fetch;

import io.shroud.dht.SignedRecord;
import io.shroud.identity.NodeId;
import io.shroud.swarm.transfer.ProviderRecord;
import io.shroud.swarm.transfer.TransferProtocolException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/** The providers a DHT lookup found for a share: its signed provider records, opened and checked. */
final class ProviderRecords {
  private ProviderRecords() {}

  /**
   * The distinct node ids of the records that open as provider records of {@code infoHash}
   * (signature, key, validity at {@code clock}'s time), in the order found; {@code ignored}
   * hears why each other record was left out.
   */
  static List<NodeId> providers(List<SignedRecord> records, byte[] infoHash, Clock clock, Consumer<String> ignored) {
    Set<NodeId> out = new LinkedHashSet<>();
    for (SignedRecord r : records) {
      try {
        out.add(ProviderRecord.open(r, infoHash, clock).nodeId());
      } catch (TransferProtocolException e) {
        ignored.accept(e.getMessage());
      }
    }
    return new ArrayList<>(out);
  }
}
