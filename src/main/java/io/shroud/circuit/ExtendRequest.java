package io.shroud.circuit;

import io.shroud.crypto.CircuitHandshake;
import io.shroud.identity.NodeId;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Objects;

/**
 * The data of an EXTEND relay cell (protocol §6.5): next node id 32 ‖ IPv4 4 ‖ port u16 ‖
 * HTYPE u16 ‖ HLEN u16 ‖ CREATE (2368) = {@link #BYTES} (2410).
 */
public record ExtendRequest(NodeId next, Inet4Address address, int port, byte[] create) {
  public static final int BYTES = NodeId.BYTES + 4 + 2 + 2 + 2 + CircuitHandshake.CREATE_BYTES;

  public ExtendRequest {
    Objects.requireNonNull(next, "next");
    Objects.requireNonNull(address, "address");
    if (port < 1 || port > 0xFFFF) {
      throw new IllegalArgumentException("port must be 1..65535");
    }
    if (create == null || create.length != CircuitHandshake.CREATE_BYTES) {
      throw new IllegalArgumentException("CREATE must be " + CircuitHandshake.CREATE_BYTES + " bytes");
    }
    create = create.clone();
  }

  @Override
  public byte[] create() {
    return create.clone();
  }

  public byte[] encode() {
    byte[] out = new byte[BYTES];
    System.arraycopy(next.toBytes(), 0, out, 0, NodeId.BYTES);
    System.arraycopy(address.getAddress(), 0, out, 32, 4);
    RelayCellFormat.putU16(out, 36, port);
    RelayCellFormat.putU16(out, 38, CircuitHandshake.HTYPE);
    RelayCellFormat.putU16(out, 40, CircuitHandshake.CREATE_BYTES);
    System.arraycopy(create, 0, out, 42, create.length);
    return out;
  }

  /** Strict decode of EXTEND data; {@link CircuitProtocolException} on any deviation. */
  public static ExtendRequest decode(byte[] data) throws CircuitProtocolException {
    if (data == null || data.length != BYTES) {
      throw new CircuitProtocolException("EXTEND data must be " + BYTES + " bytes, got "
          + (data == null ? "null" : data.length));
    }
    int port = RelayCellFormat.u16(data, 36);
    if (port == 0) {
      throw new CircuitProtocolException("EXTEND port is 0");
    }
    if (RelayCellFormat.u16(data, 38) != CircuitHandshake.HTYPE) {
      throw new CircuitProtocolException("EXTEND handshake type " + RelayCellFormat.u16(data, 38) + " is unknown");
    }
    if (RelayCellFormat.u16(data, 40) != CircuitHandshake.CREATE_BYTES) {
      throw new CircuitProtocolException("EXTEND handshake length must be " + CircuitHandshake.CREATE_BYTES);
    }
    byte[] ip = Arrays.copyOfRange(data, 32, 36);
    if (ip[0] == 0) {
      throw new CircuitProtocolException("EXTEND address is in 0.0.0.0/8");
    }
    Inet4Address address;
    try {
      address = (Inet4Address) InetAddress.getByAddress(ip);
    } catch (UnknownHostException e) {
      throw new CircuitProtocolException("EXTEND address is malformed");
    }
    return new ExtendRequest(NodeId.of(Arrays.copyOf(data, NodeId.BYTES)), address, port,
        Arrays.copyOfRange(data, 42, BYTES));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ExtendRequest other && next.equals(other.next) && address.equals(other.address)
        && port == other.port && Arrays.equals(create, other.create);
  }

  @Override
  public int hashCode() {
    return Objects.hash(next, address, port, Arrays.hashCode(create));
  }

  @Override
  public String toString() {
    return "ExtendRequest[" + next.shortHex() + " at " + address.getHostAddress() + ":" + port + "]";
  }
}
