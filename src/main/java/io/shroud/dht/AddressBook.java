package io.shroud.dht;

import io.shroud.identity.DataAddress;
import io.shroud.identity.DirectoryView;
import io.shroud.identity.NodeDescriptor;
import io.shroud.identity.NodeId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where the DHT reaches each node (protocol §5.8): the data address from the node's verified
 * descriptor, or, for a node the directory has not named, the one saved with the routing table.
 * An address learned only from another peer's NODES answer never replaces one from here. Pure;
 * its {@code DhtActor} is the only caller.
 */
final class AddressBook {
  private final NodeId self;
  private final Map<NodeId, DataAddress> addresses = new HashMap<>();

  AddressBook(NodeId self) {
    this.self = self;
  }

  /**
   * Takes every data address of {@code view} (IP literals only, so no DNS; our own skipped) and
   * returns each of those nodes as a contact never heard from, for seeding the table.
   */
  List<Contact> update(DirectoryView view) {
    List<Contact> contacts = new ArrayList<>();
    for (NodeDescriptor d : view.descriptors()) {
      if (d.nodeId().equals(self)) {
        continue;
      }
      DataAddress.parse(d.dataAddress()).ifPresent(a -> {
        addresses.put(d.nodeId(), a);
        contacts.add(new Contact(d.nodeId(), a.address(), a.port(), Instant.EPOCH));
      });
    }
    return contacts;
  }

  /** Remembers a saved contact's address unless the directory already gave one. */
  void restore(Contact saved) {
    addresses.putIfAbsent(saved.id(), new DataAddress(saved.address(), saved.port()));
  }

  /** {@code id} as a contact seen {@code at}, at the address known here; empty when none is. */
  Optional<Contact> seen(NodeId id, Instant at) {
    DataAddress a = addresses.get(id);
    return a == null ? Optional.empty() : Optional.of(new Contact(id, a.address(), a.port(), at));
  }
}
