package io.shroud.cli;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code shroud ui}: prints the address of the node's dashboard, {@code <url>/ui/#token=<token>}.
 * The token rides in the fragment, which a browser never sends to the server, so it stays out of
 * requests and access logs; the page reads it from there. Nothing is asked of the node.
 */
@Command(name = "ui", mixinStandardHelpOptions = true,
    description = "Print the address of the node's dashboard, with the token that logs in to it.")
final class UiCommand implements Callable<Integer> {

  static final String WARNING = "whoever has this address controls the node: keep it to yourself";

  @CommandLine.Mixin
  ManagementOptions api;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    String token = api.token();
    if (token == null) {
      throw new ShroudCommand.UserError("no token found: pass --token, set " + ManagementOptions.TOKEN_ENV
          + ", or --data-dir of the node");
    }
    String base = api.url.replaceAll("/+$", "");
    try {
      URI uri = URI.create(base);
      if (uri.getScheme() == null || uri.getHost() == null) {
        throw new IllegalArgumentException("not an http://host:port address");
      }
    } catch (IllegalArgumentException e) {
      throw new ShroudCommand.UserError("bad --url " + api.url + ": " + e.getMessage());
    }
    var out = spec.commandLine().getOut();
    out.println(base + "/ui/#token=" + fragmentEncode(token));
    out.flush();
    spec.commandLine().getErr().println(WARNING);
    spec.commandLine().getErr().flush();
    return 0;
  }

  /**
   * Percent-encodes all but RFC 3986's unreserved characters, so a configured token with
   * {@code #}, {@code &}, {@code +} or spaces survives {@code URLSearchParams}; a generated token
   * (hex) is printed as it is.
   */
  static String fragmentEncode(String token) {
    StringBuilder b = new StringBuilder();
    for (byte c : token.getBytes(StandardCharsets.UTF_8)) {
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '-' || c == '.' || c == '_' || c == '~') {
        b.append((char) c);
      } else {
        b.append('%').append(String.format("%02X", c & 0xff));
      }
    }
    return b.toString();
  }
}
