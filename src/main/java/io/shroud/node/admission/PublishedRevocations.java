package io.shroud.node.admission;

import io.shroud.serialization.ShroudSerializable;

/**
 * A revocation list as it travels between relays in Distributed Data: its armored text, exactly
 * as the authorities signed it. Receivers verify it before anything else; a member can replace
 * the replicated value, but no relay takes a list that does not verify or is older than its own.
 */
public record PublishedRevocations(String armored) implements ShroudSerializable {}
