package io.shroud.wire;

import io.shroud.crypto.NoiseCipher;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The fixed numbers of a peer link, in one place (see {@code docs/protocol.md}, "Peer links").
 *
 * <pre>
 * plaintext cell (4080 bytes) = circuit id (u32, big-endian) | command (u8) | payload (4075)
 * link record    (4096 bytes) = AEAD(cell) = 4080 bytes of ciphertext | 16-byte tag
 * handshake frame             = length (u16, big-endian, 1..4096) | Noise handshake message
 * </pre>
 */
public final class CellFormat {
  /** Circuit id: u32, big-endian. Zero means "the link itself" (PADDING, REKEY, DHT). */
  public static final int CIRCUIT_ID_BYTES = 4;
  /** Command: u8, one of {@link CellCommand}. */
  public static final int COMMAND_BYTES = 1;
  public static final int HEADER_BYTES = CIRCUIT_ID_BYTES + COMMAND_BYTES;
  /** A plaintext cell. */
  public static final int CELL_BYTES = 4080;
  /** The payload of a cell, zero-padded; payloads that need a length carry it themselves. */
  public static final int PAYLOAD_BYTES = CELL_BYTES - HEADER_BYTES;
  /** The AEAD tag that every record ends with. */
  public static final int TAG_BYTES = NoiseCipher.TAG_BYTES;
  /** One encrypted record on the wire after the handshake; there is no length prefix. */
  public static final int RECORD_BYTES = CELL_BYTES + TAG_BYTES;

  /** Handshake frames: a 2-byte big-endian length before each Noise handshake message. */
  public static final int HANDSHAKE_LENGTH_BYTES = 2;
  /** Largest handshake message accepted (the length after the prefix). XK's are 48..64 bytes + payload. */
  public static final int HANDSHAKE_MESSAGE_MAX_BYTES = 4096;
  /** How long a link may take from TCP connect to the last handshake message. */
  public static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

  /** The Noise prologue of every peer link handshake. */
  public static final String PROLOGUE = "shroud/link/1";
  /** The link version carried in handshake messages 2 and 3. */
  public static final int LINK_VERSION = 1;
  /** The Noise cipher peer links use ({@code Noise_XK_25519_AESGCM_SHA256}). */
  public static final NoiseCipher LINK_CIPHER = NoiseCipher.AES_GCM;

  /** Default rekey schedule: every 65536 cells (256 MiB) per direction... */
  public static final long DEFAULT_REKEY_CELLS = 1L << 16;
  /** ...or, on the sender's clock, every 10 minutes (announced with a REKEY cell). */
  public static final Duration DEFAULT_REKEY_INTERVAL = Duration.ofMinutes(10);

  /** Default bound of a {@link LinkFrameDecoder}'s buffer: above Pekko's 128 KiB TCP reads. */
  public static final int DEFAULT_MAX_BUFFERED_BYTES = 256 * 1024;

  private CellFormat() {}

  /** The prologue as bytes (US-ASCII). */
  public static byte[] prologue() {
    return PROLOGUE.getBytes(StandardCharsets.US_ASCII);
  }
}
