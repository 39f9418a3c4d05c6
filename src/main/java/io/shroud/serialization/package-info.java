/**
 * The Kryo serializer for everything that crosses Artery or goes into the journal, with its
 * explicit registry (registration required, fixed ids, bounded buffers). Never used for
 * bytes from the data plane.
 */
package io.shroud.serialization;
