package io.shroud.serialization;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.util.Pool;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.serialization.JSerializer;

/**
 * Pekko serializer for {@link ShroudSerializable} types: Kryo with registration required,
 * explicit ids from {@link KryoRegistry}, no references, and a hard size limit on what it
 * writes and reads. Only trusted peers (cluster members, our own journal) ever hand it
 * bytes; bytes from the data plane never come here.
 */
public final class KryoSerializer extends JSerializer {
  /** Largest message or event this serializer writes or reads. */
  public static final int MAX_BYTES = 256 * 1024;

  private static final int INITIAL_BUFFER = 4096;

  private final Pool<Kryo> kryos =
      new Pool<>(true, false, 16) {
        @Override
        protected Kryo create() {
          Kryo kryo = new Kryo();
          KryoRegistry.registerAll(kryo);
          return kryo;
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

  @Override
  public Object fromBinaryJava(byte[] bytes, Class<?> manifest) {
    if (bytes.length > MAX_BYTES) {
      throw new IllegalArgumentException(
          "serialized object is too large: " + bytes.length + " > " + MAX_BYTES);
    }
    Kryo kryo = kryos.obtain();
    try (Input in = new Input(bytes)) {
      Object o = kryo.readClassAndObject(in);
      if (in.position() != bytes.length) {
        throw new IllegalArgumentException(
            "trailing bytes after " + (o == null ? "null" : o.getClass().getName()));
      }
      return o;
    } catch (KryoException e) {
      throw new IllegalArgumentException("cannot deserialize: " + e.getMessage(), e);
    } finally {
      kryos.free(kryo);
    }
  }
}
