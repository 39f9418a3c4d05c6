package io.shroud.docs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.shroud.crypto.Ed25519;
import io.shroud.crypto.OnionKeyPair;
import io.shroud.crypto.X25519;
import io.shroud.identity.DescriptorCodec;
import io.shroud.identity.NodeDescriptor;
import io.shroud.identity.NodeId;
import io.shroud.identity.SignedDescriptor;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * The worked example of a signed node descriptor (docs/protocol.md §9, "A node descriptor"):
 * the relay of the circuit example (same identity and onion keys) describes itself. Each field is
 * shown on its own, and their concatenation must be exactly what {@link DescriptorCodec} encodes,
 * so the layout table and the code cannot drift apart. Ed25519 signatures are deterministic, so
 * the signature is reproducible too.
 */
final class DescriptorExample {
  private DescriptorExample() {}

  static String render() throws Exception {
    Ed25519.KeyPair identity = Ed25519.fromPrivateKey(ProtocolExamplesTest.stream("shroud example: relay identity", 32));
    X25519.KeyPair link = X25519.fromPrivateKey(ProtocolExamplesTest.stream("shroud example: relay link", 32));
    OnionKeyPair onion = OnionKeyPair.fromPrivate(ProtocolExamplesTest.stream("shroud example: relay onion x25519", 32),
        ProtocolExamplesTest.stream("shroud example: relay onion ml-kem seed", 64), Instant.parse("2027-01-01T00:00:00Z"));
    Instant from = Instant.parse("2025-12-31T23:59:00Z");
    Instant until = Instant.parse("2026-01-01T03:00:00Z");
    NodeDescriptor d = new NodeDescriptor(NodeDescriptor.PROTOCOL_VERSION, NodeId.ofIdentityKey(identity.publicKey()),
        identity.publicKey(), link.publicKey(), onion.publicKey().encode(), "127.1.0.1:25520", "127.1.0.1:7400",
        from, until, 10L * 1024 * 1024);
    SignedDescriptor signed = SignedDescriptor.sign(d, identity);
    byte[] encoding = DescriptorCodec.encode(d);

    ProtocolExamplesTest.Block b = new ProtocolExamplesTest.Block();
    ByteArrayOutputStream fields = new ByteArrayOutputStream();
    b.line("relay link key private (stream \"shroud example: relay link\"), 32 bytes; identity and onion keys"
        + " as in §9.3");
    b.field("format", put(fields, new byte[] {(byte) DescriptorCodec.FORMAT}));
    b.field("protocol version", put(fields, ByteBuffer.allocate(2).putShort((short) d.protocolVersion()).array()));
    b.field("node id = SHA-256(identity key)", put(fields, d.nodeId().toBytes()));
    b.field("identity key", put(fields, d.identityKey()));
    b.field("link key", put(fields, d.linkKey()));
    b.big("onion key (X25519 ‖ ML-KEM-768)", put(fields, d.onionKey()));
    b.field("cluster address \"" + d.clusterAddress() + "\"", put(fields, str(d.clusterAddress())));
    b.field("data address \"" + d.dataAddress() + "\"", put(fields, str(d.dataAddress())));
    b.field("valid-from " + from, put(fields, ByteBuffer.allocate(8).putLong(from.getEpochSecond()).array()));
    b.field("valid-until " + until, put(fields, ByteBuffer.allocate(8).putLong(until.getEpochSecond()).array()));
    b.field("bandwidth 10240 KiB/s", put(fields, ByteBuffer.allocate(4).putInt(10240).array()));
    assertArrayEquals(fields.toByteArray(), encoding, "the fields shown are the encoding, in order");
    b.big("encoding", encoding);
    b.field("signature = Ed25519(identity key, \"shroud-descriptor-v1\" ‖ encoding)", signed.signature());
    return b.fenced();
  }

  private static byte[] put(ByteArrayOutputStream out, byte[] field) {
    out.writeBytes(field);
    return field;
  }

  private static byte[] str(String s) {
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(2 + utf8.length).putShort((short) utf8.length).put(utf8).array();
  }
}
