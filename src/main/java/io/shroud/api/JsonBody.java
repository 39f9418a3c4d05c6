package io.shroud.api;

/**
 * What a route's body check decided: the request a JSON body asks for, or why it is a 400. The
 * checks are pure static methods beside their routes ({@code SharesRoutes.parseAdd},
 * {@code DownloadsRoutes.parseStart}, {@code DhtRoutes.parseStore},
 * {@code NetworkRoutes.parseBuild}), so any text can be fed to them without a server.
 */
sealed interface JsonBody<T> {
  /** The body is usable: what it asks for. */
  record Valid<T>(T request) implements JsonBody<T> {}

  /** The body is not usable: the 400 message. */
  record Invalid<T>(String reason) implements JsonBody<T> {}
}
