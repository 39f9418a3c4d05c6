package io.shroud.content;

import java.security.GeneralSecurityException;

/**
 * Thrown when an encrypted share cannot be opened: the key is wrong, the sealed manifest or the
 * ciphertext was altered, or the decrypted bytes do not match the manifest's length and SHA-256.
 * It is checked so that a caller cannot forget that decryption can fail; its message never holds
 * key material or plaintext.
 */
public final class ContentDecryptionException extends GeneralSecurityException {
  private static final long serialVersionUID = 1L;

  public ContentDecryptionException(String message) {
    super(message);
  }

  public ContentDecryptionException(String message, Throwable cause) {
    super(message, cause);
  }
}
