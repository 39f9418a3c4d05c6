package io.shroud.serialization;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Registration;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.util.Pool;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.serialization.JSerializer;

/**
 * Pekko serializer for {@link ShroudSerializable} types: Kryo with registration required,
 * explicit ids from {@link KryoRegistry}, no references, and a hard size limit on what it
 * writes and reads. It reads what cluster members send over Artery and what the journal holds
 * (never bytes from the data plane); whoever completes an Artery handshake chooses the serializer
 * of what it sends, so reading is bounded: every announced length is checked against the bytes
 * left before anything is allocated ({@link BoundedInput}, {@link BoundedSerializers}) and nesting
 * is limited ({@link KryoRegistry#MAX_DEPTH}).
 */
public final class KryoSerializer extends JSerializer {
  /** Largest message or event this serializer writes or reads. */
  public static final int MAX_BYTES = 256 * 1024;

  private static final int INITIAL_BUFFER = 4096;

  private final Pool<Kryo> kryos =
      new Pool<>(true, false, 16) {
        @Override
        protected Kryo create() {
          return KryoRegistry.newKryo();
        }
      };

  /** Pekko instantiates serializers with the actor system. */
  public KryoSerializer(ExtendedActorSystem system) {}

  /** For tests and tools outside an actor system. */
  public KryoSerializer() {}

  @Override
  public int identifier() {
    return 7400;
  }

  @Override
  public boolean includeManifest() {
    return false;
  }

  @Override
  public byte[] toBinary(Object o) {
    if (!(o instanceof ShroudSerializable)) {
      throw new IllegalArgumentException(
          "refusing to serialize " + o.getClass().getName() + ": not ShroudSerializable");
    }
    Kryo kryo = kryos.obtain();
    try (Output out = new Output(INITIAL_BUFFER, MAX_BYTES)) {
      kryo.writeClassAndObject(out, o);
      return out.toBytes();
    } catch (KryoException e) {
      throw new IllegalArgumentException(
          "cannot serialize " + o.getClass().getName() + ": " + e.getMessage(), e);
    } finally {
      kryos.free(kryo);
    }
  }

  /**
   * Reads one Shroud message. Refused, as {@link IllegalArgumentException}: more than
   * {@link #MAX_BYTES}, a first class that is not {@link ShroudSerializable}, any length (array,
   * string, list, map) that the bytes left cannot hold, nesting deeper than
   * {@link KryoRegistry#MAX_DEPTH}, trailing bytes, and whatever else Kryo or a record's
   * constructor refuses. Nothing is allocated from a length before it is checked.
   */
  @Override
  public Object fromBinaryJava(byte[] bytes, Class<?> manifest) {
    if (bytes.length > MAX_BYTES) {
      throw new IllegalArgumentException(
          "serialized object is too large: " + bytes.length + " > " + MAX_BYTES);
    }
    Kryo kryo = kryos.obtain();
    try {
      return read(kryo, new BoundedInput(bytes));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("cannot deserialize: " + e.getMessage(), e);
    } finally {
      kryos.free(kryo);
    }
  }

  /** What {@code readClassAndObject} reads, with the class checked before its object is read. */
  private static Object read(Kryo kryo, Input in) {
    Registration registration = kryo.readClass(in);
    if (registration == null || !ShroudSerializable.class.isAssignableFrom(registration.getType())) {
      throw new KryoException((registration == null ? "null" : registration.getType().getName())
          + " is not a Shroud message");
    }
    Object o = kryo.readObject(in, registration.getType());
    if (in.position() != in.limit()) {
      throw new KryoException("trailing bytes after " + o.getClass().getName());
    }
    return o;
  }
}
