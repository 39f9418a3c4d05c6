package io.shroud.identity;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A node's data-plane address, parsed from a descriptor's {@code dataAddress} ({@code host:port},
 * IPv6 in brackets). Only IP literals and {@code localhost} are accepted, so parsing never waits
 * on DNS inside an actor; peer links dial it and the DHT stores it in contacts.
 */
public record DataAddress(InetAddress address, int port) {
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

  /** The address in {@code hostPort}, or empty when it is not {@code literal:port}. */
  public static Optional<DataAddress> parse(String hostPort) {
    if (hostPort == null) {
      return Optional.empty();
    }
    int colon = hostPort.lastIndexOf(':');
    if (colon <= 0 || colon == hostPort.length() - 1) {
      return Optional.empty();
    }
    String host = hostPort.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    if (!isLiteralHost(host)) {
      return Optional.empty();
    }
    try {
      int port = Integer.parseInt(hostPort.substring(colon + 1));
      if (port < 1 || port > 65535) {
        return Optional.empty();
      }
      return Optional.of(new DataAddress(InetAddress.getByName(host), port));
    } catch (NumberFormatException | UnknownHostException e) {
      return Optional.empty();
    }
  }

  /**
   * True for the hosts a data address may name: an IPv4 or IPv6 literal (without brackets) or
   * {@code localhost}. Names that need DNS are not among them.
   */
  public static boolean isLiteralHost(String host) {
    return isIpv4Literal(host) || IPV6.matcher(host).matches() || host.equals("localhost");
  }

  /**
   * Four decimal parts of at most 255: anything else that looks like one ({@code 999.1.1.1}) is
   * no literal to the JDK, which would then ask DNS for it.
   */
  private static boolean isIpv4Literal(String host) {
    if (!IPV4.matcher(host).matches()) {
      return false;
    }
    for (String part : host.split("\\.")) {
      if (Integer.parseInt(part) > 255) {
        return false;
      }
    }
    return true;
  }

  /** The address to dial or bind. */
  public InetSocketAddress socketAddress() {
    return new InetSocketAddress(address, port);
  }

  /** {@code host:port}, IPv6 in brackets, as descriptors and logs write it. */
  public static String format(InetSocketAddress address) {
    String host = address.getHostString();
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
  }
}
