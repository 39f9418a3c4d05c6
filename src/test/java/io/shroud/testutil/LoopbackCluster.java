package io.shroud.testutil;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * For tests that run several cluster members in one JVM: the configuration of a member on
 * loopback Artery (plain TCP, Shroud's Kryo serializer, fast Distributed Data gossip) and a free
 * port for it.
 */
public final class LoopbackCluster {
  private LoopbackCluster() {}

  /** A cluster member on {@code 127.0.0.1:port} over plain TCP Artery. */
  public static Config memberConfig(int port) {
    return ConfigFactory.parseString("""
        pekko.actor.provider = cluster
        pekko.remote.artery.transport = tcp
        pekko.remote.artery.canonical.hostname = "127.0.0.1"
        pekko.remote.artery.canonical.port = %d
        pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
        pekko.cluster.distributed-data.notify-subscribers-interval = 100ms
        pekko.cluster.distributed-data.gossip-interval = 500ms
        pekko.actor.serializers.shroud-kryo = "io.shroud.serialization.KryoSerializer"
        pekko.actor.serialization-bindings { "io.shroud.serialization.ShroudSerializable" = shroud-kryo }
        pekko.actor.serialization-identifiers { "io.shroud.serialization.KryoSerializer" = 7400 }
        pekko.actor.allow-java-serialization = off
        """.formatted(port)).withFallback(ConfigFactory.load());
  }

  /** A loopback TCP port free at the time of asking. */
  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
