package io.shroud.serialization;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Registration;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.serializers.CollectionSerializer;
import com.esotericsoftware.kryo.serializers.MapSerializer;
import com.esotericsoftware.kryo.util.DefaultClassResolver;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Objects;

/**
 * Kryo's collection and map serializers with their announced size checked before the collection
 * is created (Kryo sizes an {@code ArrayList} or a {@code HashMap}'s table from it), and a class
 * resolver that reads registered ids only. Same wire format as Kryo's defaults for the types they
 * replace: they only refuse more.
 */
final class BoundedSerializers {
  private BoundedSerializers() {}

  /**
   * {@link CollectionSerializer} for {@code ArrayList}: a size the bytes left cannot hold at one
   * byte per element is refused. Every element costs at least that (a class id, a null marker or
   * a value) except in one form: Kryo writes a list whose elements are all null as "all of one
   * type: none", without a byte per element. Such a list is written here element by element
   * instead (a null marker each, Kryo's form for mixed lists, which any Kryo reads), so that
   * everything written can be read back; Shroud's events hold no such list.
   */
  @SuppressWarnings("rawtypes")
  static final class BoundedArrayList extends CollectionSerializer<ArrayList> {
    @Override
    public void write(Kryo kryo, Output output, ArrayList list) {
      if (list != null && !list.isEmpty() && list.stream().allMatch(Objects::isNull)) {
        output.writeVarIntFlag(false, list.size() + 1, true); // not all of one type, the size
        for (int i = 0; i < list.size(); i++) {
          kryo.writeClassAndObject(output, null);
        }
        return;
      }
      super.write(kryo, output, list);
    }

    @Override
    protected ArrayList create(Kryo kryo, Input input, Class<? extends ArrayList> type, int size) {
      BoundedInput.checkLength(input, "ArrayList", size, 1);
      return super.create(kryo, input, type, size);
    }
  }

  /** {@link MapSerializer} for {@code HashMap}: a size the bytes left cannot hold at one byte per entry is refused. */
  @SuppressWarnings("rawtypes")
  static final class BoundedHashMap extends MapSerializer<HashMap> {
    @Override
    protected HashMap create(Kryo kryo, Input input, Class<? extends HashMap> type, int size) {
      BoundedInput.checkLength(input, "HashMap", size, 1);
      return super.create(kryo, input, type, size);
    }
  }

  /**
   * Reads registered class ids only. Kryo's resolver also reads a class written by name, reading
   * the name and loading the class before it finds it unregistered; with registration required
   * nothing is ever written by name, so a name in the bytes is refused at once.
   */
  static final class RegisteredIdsOnly extends DefaultClassResolver {
    @Override
    protected Registration readName(Input input) {
      throw new KryoException("a class given by name is refused: only registered class ids are read");
    }
  }
}
