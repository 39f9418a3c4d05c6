package io.shroud.link;

import io.shroud.crypto.X25519;
import java.net.InetAddress;
import java.security.SecureRandom;
import java.time.Clock;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * What every {@code PeerActor} needs from its {@code LinksActor}: where to report, the node's
 * link static key, the limits, the clock, the random source and the address dials leave from
 * ({@code dialFrom}: the data-plane host the node listens on, or null when it listens on every
 * address). {@link #toString()} hides the key.
 */
record PeerSetup(ActorRef<Links.Command> parent, X25519.KeyPair linkKey, LinkSettings settings,
    Clock clock, SecureRandom random, InetAddress dialFrom) {

  @Override
  public String toString() {
    return "PeerSetup[parent=" + parent + ", settings=" + settings + ", dialFrom=" + dialFrom + "]";
  }
}
