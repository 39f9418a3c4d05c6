/**
 * Sharing and swarming: the share catalogue ({@code SharesActor}), piece picking (pure) and
 * downloads. Only the {@code *Actor} classes may use Pekko.
 */
package io.shroud.swarm;
