package io.shroud.api;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * Decides whether a mutating request (POST, PUT, DELETE under {@code /shroud/v1/}) may run:
 * always when the management endpoint is bound to loopback, otherwise only with
 * {@code Authorization: Bearer <shroud.management.token>} (compared in constant time).
 */
public final class MutationGuard {
  private final boolean loopback;
  private final byte[] token;

  public MutationGuard(String managementHost, String token) {
    this.loopback = isLoopback(managementHost);
    this.token = token.getBytes(StandardCharsets.UTF_8);
  }

  /** Why the request is refused, or empty when it may run. */
  public Optional<String> refusal(Optional<String> authorizationHeader) {
    if (loopback) {
      return Optional.empty();
    }
    if (token.length == 0) {
      return Optional.of("mutating routes are off: the management endpoint is not on loopback "
          + "and shroud.management.token is not set");
    }
    String presented = authorizationHeader.filter(h -> h.startsWith("Bearer ")).map(h -> h.substring(7)).orElse("");
    if (!MessageDigest.isEqual(token, presented.getBytes(StandardCharsets.UTF_8))) {
      return Optional.of("missing or wrong bearer token");
    }
    return Optional.empty();
  }

  static boolean isLoopback(String host) {
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
