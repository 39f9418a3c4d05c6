/**
 * The Kryo serializer for everything that crosses Artery or goes into the journal, with its
 * explicit registry (registration required, fixed ids, bounded buffers). Never used for bytes
 * from the data plane.
 *
 * <p>Below every layer: each event and cluster message implements its marker
 * {@link io.shroud.serialization.ShroudSerializable}. Only {@code KryoRegistry} may name classes
 * of the packages above (the event classes it registers); nothing else here imports them.
 */
package io.shroud.serialization;
