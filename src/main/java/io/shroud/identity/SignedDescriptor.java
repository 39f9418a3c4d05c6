package io.shroud.identity;

import io.shroud.crypto.Ed25519;
import io.shroud.serialization.ShroudSerializable;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A descriptor as it travels through Distributed Data: its canonical bytes and the
 * identity key's Ed25519 signature over {@code "shroud-descriptor-v1" || bytes}. Readers
 * never trust it before {@link DescriptorVerifier} has checked it.
 */
public record SignedDescriptor(byte[] encoded, byte[] signature) implements ShroudSerializable {
  static final byte[] SIGNATURE_CONTEXT = "shroud-descriptor-v1".getBytes(StandardCharsets.US_ASCII);

  public SignedDescriptor {
    encoded = encoded.clone();
    signature = signature.clone();
  }

  /** Encodes and signs {@code descriptor} with {@code identity}. */
  public static SignedDescriptor sign(NodeDescriptor descriptor, Ed25519.KeyPair identity) {
    byte[] encoded = DescriptorCodec.encode(descriptor);
    return new SignedDescriptor(encoded, identity.sign(signedBytes(encoded)));
  }

  static byte[] signedBytes(byte[] encoded) {
    byte[] m = Arrays.copyOf(SIGNATURE_CONTEXT, SIGNATURE_CONTEXT.length + encoded.length);
    System.arraycopy(encoded, 0, m, SIGNATURE_CONTEXT.length, encoded.length);
    return m;
  }

  @Override
  public byte[] encoded() {
    return encoded.clone();
  }

  @Override
  public byte[] signature() {
    return signature.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SignedDescriptor s
        && Arrays.equals(encoded, s.encoded)
        && Arrays.equals(signature, s.signature);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(signature);
  }

  @Override
  public String toString() {
    return "SignedDescriptor[" + encoded.length + " bytes]";
  }
}
