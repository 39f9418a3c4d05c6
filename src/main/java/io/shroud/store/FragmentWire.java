package io.shroud.store;

import io.shroud.circuit.CircuitProtocolException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * The {@code fragments} circuit service's messages (docs/protocol.md §12.8): one request and one
 * response per stream, between the origin of a circuit and a storer at its last hop, which never
 * learns who asks. Pure.
 *
 * <pre>
 * request  (origin → storer):  version u8 (1) ‖ kind u8 ‖ address [32] ‖ …
 *   kind 1 PUT:    lease seconds u32 ‖ length u32 (1..16 MiB) ‖ fragment [length]
 *   kind 2 GET:    (nothing more)
 *   kind 3 RENEW:  lease seconds u32
 * response (storer → origin):  status u8 (0 OK, 1 NOT_HELD, 2 REFUSED) ‖ …
 *   GET with OK:   length u32 (1..16 MiB) ‖ fragment [length]
 * </pre>
 *
 * A {@link Reader} reads one message as its chunks arrive, keeping only what arrived: a
 * {@link CircuitProtocolException} as soon as the bytes cannot begin a valid message or run past
 * its end. The storer checks a PUT's bytes against its address; the origin checks a GET's.
 */
public final class FragmentWire {
  public static final String SERVICE = "fragments";
  public static final int VERSION = 1;
  public static final int MAX_FRAGMENT_BYTES = StorageManifest.MAX_FRAGMENT_BYTES;
  private static final int HEAD_BYTES = 2 + StripeCoder.ADDRESS_BYTES;

  private FragmentWire() {}

  /** What a request asks. */
  public enum Kind { PUT, GET, RENEW }

  /** How a request went. */
  public enum Status { OK, NOT_HELD, REFUSED }

  /** A whole request: {@code fragment} for PUT only, {@code leaseSeconds} for PUT and RENEW. */
  public record Request(Kind kind, byte[] address, long leaseSeconds, byte[] fragment) {}

  /** A whole response: {@code fragment} for a GET answered OK only. */
  public record Response(Status status, byte[] fragment) {}

  public static byte[] put(byte[] address, long leaseSeconds, byte[] fragment) {
    checkFragment(fragment.length);
    return head(Kind.PUT, address, 8 + fragment.length).putInt((int) leaseSeconds).putInt(fragment.length)
        .put(fragment).array();
  }

  public static byte[] get(byte[] address) {
    return head(Kind.GET, address, 0).array();
  }

  public static byte[] renew(byte[] address, long leaseSeconds) {
    return head(Kind.RENEW, address, 4).putInt((int) leaseSeconds).array();
  }

  /** A response; {@code fragment} only for a GET answered OK (else null). */
  public static byte[] response(Status status, byte[] fragment) {
    if (fragment == null) {
      return new byte[] {(byte) status.ordinal()};
    }
    checkFragment(fragment.length);
    return ByteBuffer.allocate(5 + fragment.length).put((byte) status.ordinal()).putInt(fragment.length).put(fragment)
        .array();
  }

  private static ByteBuffer head(Kind kind, byte[] address, int rest) {
    if (address.length != StripeCoder.ADDRESS_BYTES) {
      throw new IllegalArgumentException("an address is 32 bytes");
    }
    return ByteBuffer.allocate(HEAD_BYTES + rest).put((byte) VERSION).put((byte) (kind.ordinal() + 1)).put(address);
  }

  private static void checkFragment(int length) {
    if (length < 1 || length > MAX_FRAGMENT_BYTES) {
      throw new IllegalArgumentException("a fragment is 1.." + MAX_FRAGMENT_BYTES + " bytes, got " + length);
    }
  }

  /**
   * Reads one request (at a storer) or one response to a request of a known kind (at an origin)
   * from a stream's chunks. Not thread-safe.
   */
  public static final class Reader {
    private final Kind answering;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    /** The whole message's length once its head is read, else -1. */
    private long expected = -1;
    private boolean done;

    private Reader(Kind answering) {
      this.answering = answering;
    }

    /** A reader of one request. */
    public static Reader requests() {
      return new Reader(null);
    }

    /** A reader of the response to a request of {@code kind}. */
    public static Reader responseTo(Kind kind) {
      return new Reader(kind);
    }

    /** Adds {@code chunk}; the whole message once it is, else empty. */
    public Optional<Object> feed(byte[] chunk) throws CircuitProtocolException {
      if (done) {
        throw new CircuitProtocolException("bytes after a whole fragments message");
      }
      buffer.writeBytes(chunk);
      if (expected < 0) {
        expected = answering == null ? requestLength() : responseLength();
        if (expected < 0) {
          return Optional.empty();
        }
      }
      if (buffer.size() > expected) {
        throw new CircuitProtocolException("a fragments message runs past its end");
      }
      if (buffer.size() < expected) {
        return Optional.empty();
      }
      done = true;
      ByteBuffer in = ByteBuffer.wrap(buffer.toByteArray());
      return Optional.of(answering == null ? request(in) : response(in));
    }

    /** The request's whole length from its head, or -1 while the head is incomplete. */
    private long requestLength() throws CircuitProtocolException {
      byte[] b = buffer.toByteArray();
      if (b.length >= 1 && (b[0] & 0xff) != VERSION) {
        throw new CircuitProtocolException("unknown fragments version " + (b[0] & 0xff));
      }
      if (b.length < 2) {
        return -1;
      }
      Kind kind = kindOf(b[1] & 0xff);
      return switch (kind) {
        case GET -> HEAD_BYTES;
        case RENEW -> HEAD_BYTES + 4;
        case PUT -> b.length < HEAD_BYTES + 8 ? -1 : HEAD_BYTES + 8L + checkedLength(b, HEAD_BYTES + 4);
      };
    }

    private long responseLength() throws CircuitProtocolException {
      byte[] b = buffer.toByteArray();
      if (b.length < 1) {
        return -1;
      }
      int status = b[0] & 0xff;
      if (status >= Status.values().length) {
        throw new CircuitProtocolException("unknown fragments status " + status);
      }
      if (answering != Kind.GET || status != Status.OK.ordinal()) {
        return 1;
      }
      return b.length < 5 ? -1 : 5L + checkedLength(b, 1);
    }

    private static long checkedLength(byte[] b, int at) throws CircuitProtocolException {
      long length = ByteBuffer.wrap(b, at, 4).getInt() & 0xffffffffL;
      if (length < 1 || length > MAX_FRAGMENT_BYTES) {
        throw new CircuitProtocolException("a fragment of " + length + " bytes (1.." + MAX_FRAGMENT_BYTES + ")");
      }
      return length;
    }

    private static Kind kindOf(int code) throws CircuitProtocolException {
      if (code < 1 || code > Kind.values().length) {
        throw new CircuitProtocolException("unknown fragments request kind " + code);
      }
      return Kind.values()[code - 1];
    }

    private static Request request(ByteBuffer in) throws CircuitProtocolException {
      in.get();
      Kind kind = kindOf(in.get() & 0xff);
      byte[] address = new byte[StripeCoder.ADDRESS_BYTES];
      in.get(address);
      return switch (kind) {
        case GET -> new Request(kind, address, 0, null);
        case RENEW -> new Request(kind, address, in.getInt() & 0xffffffffL, null);
        case PUT -> {
          long lease = in.getInt() & 0xffffffffL;
          byte[] fragment = new byte[in.getInt()];
          in.get(fragment);
          yield new Request(kind, address, lease, fragment);
        }
      };
    }

    private static Response response(ByteBuffer in) {
      Status status = Status.values()[in.get() & 0xff];
      if (!in.hasRemaining()) {
        return new Response(status, null);
      }
      byte[] fragment = new byte[in.getInt()];
      in.get(fragment);
      return new Response(status, fragment);
    }
  }
}
