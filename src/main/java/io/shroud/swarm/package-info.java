/**
 * Sharing and swarming, split by role into four packages (layered in this order; each imports
 * only from those before it): {@link io.shroud.swarm.transfer} (the transfer protocol's wire
 * format, codecs and the swarm and seeding settings), {@link io.shroud.swarm.pick} (which
 * block to ask which source for), {@link io.shroud.swarm.serve} (the seeder side: shares and
 * serving them, each as a hidden service) and {@link io.shroud.swarm.fetch} (downloads). This
 * package holds no classes.
 */
package io.shroud.swarm;
