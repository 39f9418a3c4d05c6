package io.shroud.node.admission;

import io.shroud.serialization.ShroudSerializable;

/**
 * A part of the consensus as it travels between relays in Distributed Data (key
 * {@code shroud-consensus}): the encoding of an authority's signed vote ({@code SHVT}) or of the
 * consensus body with that authority's signature ({@code SHCN}), exactly as signed
 * (docs/protocol.md §10.11). Receivers decode and verify it before anything else.
 */
public record PublishedConsensusPart(byte[] encoded) implements ShroudSerializable {}
