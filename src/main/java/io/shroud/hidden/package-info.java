/**
 * Hidden seeding, pure (docs/protocol.md §11): the share secret, time periods and blinded
 * locations, the encrypted descriptor, Argon2id proof of work with the introduction queue and
 * effort controller, the hybrid end-to-end handshake of introductions and rendezvous, and the
 * codecs of the hidden-seeding relay cells. No actors, no Pekko; beside {@code wire} and
 * {@code admission}, below everything that carries these messages.
 */
package io.shroud.hidden;
