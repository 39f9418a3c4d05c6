package io.shroud.api;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Decides whether a request under {@code /shroud/v1/} may reach a route, before any route
 * looks at it: the {@code Host} must be one the endpoint is bound to (DNS rebinding), a present
 * {@code Origin} must be the endpoint's own (a web page's cross-site request), the bearer token
 * must match (everybody else, other local users included; compared in constant time), and a
 * mutating request must say {@code application/json} (a browser sends {@code text/plain} and
 * form types cross-site without asking first). Pure: headers in, a refusal or nothing out.
 */
public final class RequestGuard {
  /** The media type of a {@code .torrent} upload, accepted besides JSON: a browser sends it cross-site only after a CORS preflight, which nobody answers. */
  public static final String TORRENT = "application/x-bittorrent";

  /** Why a request is refused, as an HTTP status and a message that never contains a token. */
  public record Refusal(int status, String message) {}

  private final Set<String> hosts;
  private final Set<String> origins;
  private final byte[] token;

  /**
   * @param hosts the accepted {@code Host} values, lower case ({@code host:port}, IPv6 in brackets)
   * @param token the node's token; must not be empty
   */
  public RequestGuard(Set<String> hosts, String token) {
    if (token == null || token.isEmpty()) {
      throw new IllegalArgumentException("the token must not be empty");
    }
    this.hosts = Set.copyOf(hosts);
    Set<String> o = new LinkedHashSet<>();
    hosts.forEach(h -> o.add("http://" + h));
    this.origins = Set.copyOf(o);
    this.token = token.getBytes(StandardCharsets.UTF_8);
  }

  /** The guard of an endpoint bound to {@code bindHost:port}. */
  public static RequestGuard forBinding(String bindHost, int port, String token) {
    return new RequestGuard(hostsFor(bindHost, port, localAddresses()), token);
  }

  /**
   * The {@code Host} values a client of {@code bindHost:port} legitimately sends: the bound
   * address itself; on loopback also {@code localhost}, {@code 127.0.0.1} and {@code [::1]};
   * bound to every interface ({@code 0.0.0.0}, {@code ::}), each of {@code interfaces}. With
   * port 80 each also without the port.
   */
  static Set<String> hostsFor(String bindHost, int port, Set<InetAddress> interfaces) {
    Set<String> names = new LinkedHashSet<>();
    names.add(literal(bindHost));
    InetAddress bound = null;
    try {
      bound = InetAddress.getByName(bindHost);
    } catch (UnknownHostException e) {
      // a name that does not resolve: only the name itself
    }
    if (bound != null && (bound.isLoopbackAddress() || bound.isAnyLocalAddress())) {
      names.add("localhost");
      names.add("127.0.0.1");
      names.add("[::1]");
    }
    if (bound != null && bound.isAnyLocalAddress()) {
      interfaces.forEach(a -> names.add(literal(a.getHostAddress())));
    }
    Set<String> hosts = new LinkedHashSet<>();
    for (String n : names) {
      hosts.add(n + ":" + port);
      if (port == 80) {
        hosts.add(n);
      }
    }
    return hosts;
  }

  private static String literal(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    int zone = h.indexOf('%');
    if (zone >= 0) {
      h = h.substring(0, zone);
    }
    if (h.contains(":") && !h.startsWith("[")) {
      try {
        InetAddress a = InetAddress.getByName(h);
        if (a instanceof Inet6Address) {
          String text = a.getHostAddress();
          int z = text.indexOf('%');
          return "[" + (z >= 0 ? text.substring(0, z) : text) + "]";
        }
      } catch (UnknownHostException e) {
        return "[" + h + "]";
      }
    }
    return h;
  }

  private static Set<InetAddress> localAddresses() {
    Set<InetAddress> all = new LinkedHashSet<>();
    try {
      for (NetworkInterface i : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        all.addAll(Collections.list(i.getInetAddresses()));
      }
    } catch (SocketException | NullPointerException e) {
      // no interfaces readable: only the loopback names
    }
    return all;
  }

  Set<String> hosts() {
    return hosts;
  }

  /**
   * Why this request is refused, or empty when it may run.
   *
   * @param mutating POST, PUT, DELETE (and any method but GET, HEAD and OPTIONS)
   * @param mediaType the body's media type without parameters, e.g. {@code application/json}
   */
  public Optional<Refusal> check(Optional<String> host, Optional<String> origin, Optional<String> authorization,
      boolean mutating, Optional<String> mediaType) {
    Optional<Refusal> site = checkSite(host, origin);
    if (site.isPresent()) {
      return site;
    }
    String presented = authorization.map(String::trim)
        .filter(a -> a.regionMatches(true, 0, "Bearer ", 0, 7))
        .map(a -> a.substring(7).trim()).orElse("");
    // isEqual takes time independent of where the first difference is (and of a length mismatch's position)
    if (!MessageDigest.isEqual(token, presented.getBytes(StandardCharsets.UTF_8))) {
      return Optional.of(new Refusal(401, authorization.isEmpty()
          ? "missing token: send \"Authorization: Bearer <token>\" (the token is in <data-dir>/control.token)"
          : "wrong token"));
    }
    if (mutating && !mediaType.map(t -> t.equalsIgnoreCase("application/json") || t.equalsIgnoreCase(TORRENT))
        .orElse(false)) {
      return Optional.of(new Refusal(415, "a request that changes the node needs Content-Type: application/json"
          + " (or " + TORRENT + " for a .torrent upload), got "
          + mediaType.map(RequestGuard::printable).orElse("none")));
    }
    return Optional.empty();
  }

  /**
   * The Host and Origin checks alone: why a request is refused, or empty. The dashboard's
   * static files pass only these (they hold no node data; the data they show comes from routes
   * that need the token).
   */
  public Optional<Refusal> checkSite(Optional<String> host, Optional<String> origin) {
    String h = host.map(v -> v.trim().toLowerCase(Locale.ROOT)).orElse("");
    if (!hosts.contains(h)) {
      return Optional.of(new Refusal(403, h.isEmpty()
          ? "Host header missing: send the address the endpoint is bound to"
          : "Host " + printable(h) + " is not an address this endpoint is bound to"));
    }
    if (origin.isPresent() && !origins.contains(origin.get().trim().toLowerCase(Locale.ROOT))) {
      return Optional.of(new Refusal(403, "Origin " + printable(origin.get())
          + " is not this endpoint: cross-site requests are refused"));
    }
    return Optional.empty();
  }

  /** At most 100 printable ASCII characters of a header, for a message. */
  private static String printable(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (int i = 0; i < s.length() && i < 100; i++) {
      char c = s.charAt(i);
      b.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    return b.append(s.length() > 100 ? "…\"" : "\"").toString();
  }
}
