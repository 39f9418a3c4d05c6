package io.shroud.serialization;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shroud.identity.SignedDescriptor;
import io.shroud.node.KeysActor;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KryoSerializerTest {
  private final KryoSerializer serializer = new KryoSerializer();

  /** Value-based equality for records holding arrays: compare their serialized forms after a round trip. */
  @Test
  void everyRegisteredShroudClassRoundTrips() {
    Set<Class<?>> covered = new HashSet<>();
    for (ShroudSerializable sample : KryoSamples.all()) {
      byte[] bytes = serializer.toBinary(sample);
      Object back = serializer.fromBinary(bytes);
      assertEquals(sample.getClass(), back.getClass());
      assertArrayEquals(bytes, serializer.toBinary(back), "round trip changed " + sample);
      assertEquals(sample.toString().replaceAll("\\[[BI]@\\w+", ""), back.toString().replaceAll("\\[[BI]@\\w+", ""));
      covered.add(sample.getClass());
    }
    assertEquals(new HashSet<>(KryoRegistry.shroudClasses()), covered,
        "every registered Shroud class needs a sample here");
  }

  @Test
  void theDescriptorKeepsItsBytes() {
    SignedDescriptor d = new SignedDescriptor(new byte[] {5, 6, 7}, new byte[] {1, 1});
    assertEquals(d, serializer.fromBinary(serializer.toBinary(d)));
  }

  record NotRegistered(String name) implements ShroudSerializable {}

  @Test
  void anUnregisteredClassIsRefusedOnTheWayOut() {
    var e = assertThrows(IllegalArgumentException.class, () -> serializer.toBinary(new NotRegistered("x")));
    assertTrue(e.getMessage().contains("NotRegistered"), e.getMessage());
  }

  @Test
  void aClassThatIsNotShroudSerializableIsRefused() {
    var e = assertThrows(IllegalArgumentException.class, () -> serializer.toBinary("plain string"));
    assertTrue(e.getMessage().contains("not ShroudSerializable"), e.getMessage());
  }

  @Test
  void bytesNamingAnUnregisteredClassIdAreRefusedOnTheWayIn() {
    // Kryo writes the class id as a varint (id + 2); 99 + 2 = 101 is no registered id
    byte[] bytes = {(byte) 101, 0};
    assertThrows(IllegalArgumentException.class, () -> serializer.fromBinary(bytes));
  }

  @Test
  void trailingGarbageIsRefused() {
    byte[] ok = serializer.toBinary(new KeysActor.OnionKeyRef(3, new byte[] {1}, Instant.EPOCH));
    byte[] longer = java.util.Arrays.copyOf(ok, ok.length + 3);
    assertThrows(IllegalArgumentException.class, () -> serializer.fromBinary(longer));
  }

  @Test
  void oversizedMessagesAreRefused() {
    SignedDescriptor huge = new SignedDescriptor(new byte[KryoSerializer.MAX_BYTES + 1], new byte[64]);
    assertThrows(IllegalArgumentException.class, () -> serializer.toBinary(huge));
    assertThrows(IllegalArgumentException.class,
        () -> serializer.fromBinary(new byte[KryoSerializer.MAX_BYTES + 1]));
  }

  /**
   * Everything a message can name is read by a serializer whose reads were checked for lengths
   * (docs/security.md, "Kryo, bounded"): Kryo's primitives and String (its ids 0-8), records,
   * byte[] and int[] (their lengths checked by BoundedInput), Instant (no length), and the
   * bounded list and map. A class registered with another serializer fails here until that
   * serializer's reads are checked too.
   */
  @Test
  void everyReadableClassHasASerializerWhoseLengthsAreChecked() {
    Set<String> checked = Set.of("RecordSerializer", "ByteArraySerializer", "IntArraySerializer",
        "InstantSerializer", "BoundedArrayList", "BoundedHashMap", "StringSerializer", "IntSerializer",
        "FloatSerializer", "BooleanSerializer", "ByteSerializer", "CharSerializer", "ShortSerializer",
        "LongSerializer", "DoubleSerializer");
    com.esotericsoftware.kryo.Kryo kryo = KryoRegistry.newKryo();
    int readable = 0;
    for (int id = 0; id < 10_000; id++) {
      com.esotericsoftware.kryo.Registration r = kryo.getRegistration(id);
      if (r == null) {
        continue;
      }
      readable++;
      assertTrue(id <= 8 || KryoRegistry.classes().get(id) == r.getType(), id + " " + r);
      String serializer = r.getSerializer().getClass().getSimpleName();
      assertTrue(checked.contains(serializer), r.getType().getName() + " is read by " + serializer);
    }
    assertEquals(9 + KryoRegistry.classes().size(), readable);
  }

  @Test
  void idsAreUniqueAndClassesAreUnique() {
    Map<Integer, Class<?>> classes = KryoRegistry.classes();
    assertEquals(classes.size(), new HashSet<>(classes.values()).size());
    assertTrue(classes.keySet().stream().allMatch(id -> id >= 100), "ids below 100 belong to Kryo");
  }
}
