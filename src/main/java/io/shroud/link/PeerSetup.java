package io.shroud.link;

import io.shroud.crypto.X25519;
import java.security.SecureRandom;
import java.time.Clock;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * What every {@code PeerActor} needs from its {@code LinksActor}: where to report, the node's
 * link static key, the limits, the clock and the random source. {@link #toString()} hides the key.
 */
record PeerSetup(ActorRef<Links.Command> parent, X25519.KeyPair linkKey, LinkSettings settings,
    Clock clock, SecureRandom random) {

  @Override
  public String toString() {
    return "PeerSetup[parent=" + parent + ", settings=" + settings + "]";
  }
}
