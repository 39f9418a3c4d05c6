package io.shroud.api;

import java.util.List;
import java.util.Map;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.Uri;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code /ui/}: the web dashboard, three static files bundled in the jar (identical on every
 * node, no node data in them). Everything it shows it reads from {@code /shroud/v1/} with the
 * node's token, which the page takes from the address's fragment ({@code #token=…}, never sent
 * to the server) or a login field and keeps in the tab's session storage. The files pass the
 * Host and Origin checks (DNS rebinding) but need no token: a browser cannot attach a bearer
 * token to a page load. They are sent with a Content-Security-Policy that allows only the
 * page's own script and style and forbids framing (clickjacking).
 */
final class UiRoutes extends AllDirectives {
  /** The files, by name, with their content types; any other name is 404. */
  static final Map<String, ContentType> FILES = Map.of(
      "index.html", ContentTypes.TEXT_HTML_UTF8,
      "app.js", MediaTypes.APPLICATION_JAVASCRIPT.toContentType(HttpCharsets.UTF_8),
      "app.css", MediaTypes.TEXT_CSS.toContentType(HttpCharsets.UTF_8));

  static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self';"
      + " img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

  private static final List<HttpHeader> HEADERS = List.of(
      RawHeader.create("Content-Security-Policy", CONTENT_SECURITY_POLICY),
      RawHeader.create("X-Frame-Options", "DENY"),
      RawHeader.create("X-Content-Type-Options", "nosniff"),
      RawHeader.create("Referrer-Policy", "no-referrer"),
      RawHeader.create("Cache-Control", "no-store"));

  private final ShroudRoutes parent;

  UiRoutes(ShroudRoutes parent) {
    this.parent = parent;
  }

  Route routes() {
    return pathPrefix("ui", () -> get(() -> concat(
        pathEnd(() -> redirect(Uri.create("/ui/"), StatusCodes.FOUND)),
        pathSingleSlash(() -> file("index.html")),
        path(name -> file(name)))));
  }

  private Route file(String name) {
    ContentType type = FILES.get(name);
    if (type == null) {
      return reject();
    }
    return parent.siteChecked(() -> respondWithHeaders(HEADERS, () -> getFromResource("io/shroud/ui/" + name, type)));
  }
}
