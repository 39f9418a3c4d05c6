package io.shroud.content;

import io.shroud.content.BValue.BBytes;
import io.shroud.content.BValue.BDict;
import io.shroud.content.BValue.BInt;
import io.shroud.content.BValue.BList;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Crafts v2 and hybrid multi-file .torrent files in memory, right or wrong on purpose. */
final class TorrentFixtures {
  private TorrentFixtures() {}

  /** Four files: one empty, one in a subfolder, one several pieces long. */
  static Map<List<String>, byte[]> folder() {
    Map<List<String>, byte[]> files = new LinkedHashMap<>();
    files.put(List.of("a.txt"), TestFiles.pattern(1000));
    files.put(List.of("empty"), new byte[0]);
    files.put(List.of("sub", "big.bin"), TestFiles.pattern(70_000));
    files.put(List.of("z.bin"), TestFiles.pattern(16384));
    return files;
  }

  static byte[] multiFile(String name, Map<List<String>, byte[]> files, int pl, boolean hybrid) {
    return Bencode.encode(torrent(name, files, pl, hybrid));
  }

  /** The torrent as a value, for tests that change one key. */
  static BDict torrent(String name, Map<List<String>, byte[]> files, int pl, boolean hybrid) {
    TreeMap<BBytes, BValue> layers = new TreeMap<>();
    Map<List<String>, BDict> leaves = new LinkedHashMap<>();
    for (Map.Entry<List<String>, byte[]> f : files.entrySet()) {
      TreeMap<BBytes, BValue> entry = new TreeMap<>();
      entry.put(BBytes.of("length"), new BInt(f.getValue().length));
      if (f.getValue().length > 0) {
        MerkleTree tree = hash(f.getValue(), pl);
        entry.put(BBytes.of("pieces root"), BBytes.of(tree.root()));
        if (f.getValue().length > pl) {
          layers.put(BBytes.of(tree.root()), BBytes.of(tree.pieceLayerBytes()));
        }
      }
      leaves.put(f.getKey(), BDict.of(Map.of("", new BDict(entry))));
    }
    TreeMap<BBytes, BValue> info = new TreeMap<>();
    info.put(BBytes.of("file tree"), tree(leaves, 0));
    info.put(BBytes.of("meta version"), new BInt(2));
    info.put(BBytes.of("name"), BBytes.of(name));
    info.put(BBytes.of("piece length"), new BInt(pl));
    if (hybrid) {
      List<BValue> v1 = new ArrayList<>();
      long offset = 0;
      for (Map.Entry<List<String>, byte[]> f : sorted(files).entrySet()) {
        if (offset % pl != 0 && f.getValue().length > 0) {
          long pad = pl - offset % pl;
          v1.add(v1File(List.of(".pad", Long.toString(pad)), pad, "p"));
          offset += pad;
        }
        v1.add(v1File(f.getKey(), f.getValue().length, null));
        offset += f.getValue().length;
      }
      info.put(BBytes.of("files"), new BList(v1));
      info.put(BBytes.of("pieces"), BBytes.of(new byte[(int) ((offset + pl - 1) / pl) * 20]));
    }
    return BDict.of(Map.of("info", new BDict(info), "piece layers", new BDict(layers)));
  }

  static BDict v1File(List<String> path, long length, String attr) {
    TreeMap<BBytes, BValue> m = new TreeMap<>();
    m.put(BBytes.of("length"), new BInt(length));
    m.put(BBytes.of("path"), new BList(path.stream().<BValue>map(BBytes::of).toList()));
    if (attr != null) {
      m.put(BBytes.of("attr"), BBytes.of(attr));
    }
    return new BDict(m);
  }

  /** Files in file-tree order (sorted by path bytes, component by component). */
  static Map<List<String>, byte[]> sorted(Map<List<String>, byte[]> files) {
    List<List<String>> keys = new ArrayList<>(files.keySet());
    keys.sort((a, b) -> {
      for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
        int c = BBytes.of(a.get(i)).compareTo(BBytes.of(b.get(i)));
        if (c != 0) {
          return c;
        }
      }
      return Integer.compare(a.size(), b.size());
    });
    Map<List<String>, byte[]> out = new LinkedHashMap<>();
    keys.forEach(k -> out.put(k, files.get(k)));
    return out;
  }

  private static BDict tree(Map<List<String>, BDict> leaves, int depth) {
    Map<String, Map<List<String>, BDict>> groups = new LinkedHashMap<>();
    TreeMap<BBytes, BValue> node = new TreeMap<>();
    for (Map.Entry<List<String>, BDict> e : leaves.entrySet()) {
      String head = e.getKey().get(depth);
      if (e.getKey().size() == depth + 1) {
        node.put(BBytes.of(head), e.getValue());
      } else {
        groups.computeIfAbsent(head, k -> new LinkedHashMap<>()).put(e.getKey(), e.getValue());
      }
    }
    groups.forEach((head, sub) -> node.put(BBytes.of(head), tree(sub, depth + 1)));
    return new BDict(node);
  }

  static MerkleTree hash(byte[] data, int pl) {
    try {
      return Bep52Hasher.hash(new ByteArrayInputStream(data), pl);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
