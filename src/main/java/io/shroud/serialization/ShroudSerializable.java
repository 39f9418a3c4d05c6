package io.shroud.serialization;

/**
 * Marker for every type that crosses Artery or goes into the journal. The binding in
 * {@code application.conf} sends all of them to {@link KryoSerializer}; each concrete class
 * must also be listed in {@link KryoRegistry}, or serialization fails.
 */
public interface ShroudSerializable {}
