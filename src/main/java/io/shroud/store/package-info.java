/**
 * Content stored in the network (issue 29, docs/protocol.md §12), pure: the redundancy of a stored
 * share, Reed-Solomon coding of its pieces in stripes, the storage key that makes every fragment
 * opaque, and fragment addresses. No actors, no Pekko yet; above {@code swarm.transfer}, below the
 * swarm packages that will serve and fetch fragments.
 */
package io.shroud.store;
