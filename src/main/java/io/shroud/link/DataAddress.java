package io.shroud.link;

import java.net.InetSocketAddress;

/** Parses and prints descriptor data addresses: {@code host:port} or {@code [v6]:port}. */
final class DataAddress {
  private DataAddress() {}

  /** The unresolved-if-needed socket address, or null when {@code text} is not host:port. */
  static InetSocketAddress parse(String text) {
    int colon = text.lastIndexOf(':');
    if (colon <= 0 || colon == text.length() - 1) {
      return null;
    }
    String host = text.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(text.substring(colon + 1));
    } catch (NumberFormatException e) {
      return null;
    }
    if (port < 1 || port > 65535 || host.isEmpty()) {
      return null;
    }
    return new InetSocketAddress(host, port);
  }

  static String format(InetSocketAddress address) {
    String host = address.getHostString();
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
  }
}
