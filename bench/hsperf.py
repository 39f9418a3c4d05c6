"""Heap use of a running HotSpot JVM read from its performance-counter file, for the benchmarks.

HotSpot publishes its counters (the ones `jstat` prints) in a memory-mapped file,
/tmp/hsperfdata_<user>/<pid>. Reading that file here costs a few microseconds per sample,
where a `jstat -gc PID 1000` per node is a JVM of its own: five of them took ~4 % of the
2-core benchmark machine (docs/benchmarks.md, "Fourteenth session").

The layout is HotSpot's PerfDataPrologue and PerfDataEntry (src/hotspot/share/runtime/
perfMemory.hpp and perfData.hpp): a 32-byte prologue (magic 0xcafec0c0 in big-endian, then the
byte order of everything else, versions, accessible flag, used, overflow, modification time,
entry offset, entry count) and entries of a 20-byte header (entry length, name offset, vector
length, type, flags, units, variability, data offset), a NUL-terminated name and the data.
"""
import glob
import mmap
import struct

# jstat -gc's S0U + S1U + EU + OU: the survivor spaces, eden and the old generation.
HEAP_USED = (
    "sun.gc.generation.0.space.0.used",
    "sun.gc.generation.0.space.1.used",
    "sun.gc.generation.0.space.2.used",
    "sun.gc.generation.1.space.0.used",
)


class PerfCounters:
    """The long counters `names` of process `pid`, read on every `values()` call."""

    def __init__(self, pid, names=HEAP_USED):
        found = glob.glob(f"/tmp/hsperfdata_*/{pid}")
        if not found:
            raise FileNotFoundError(f"no performance counters for JVM {pid}")
        path = found[0]
        with open(path, "rb") as f:
            self.map = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        if struct.unpack_from(">I", self.map, 0)[0] != 0xCAFEC0C0:
            raise ValueError(f"{path} is not a HotSpot performance-counter file")
        self.order = ">" if self.map[4] == 0 else "<"
        entry_offset, entries = struct.unpack_from(self.order + "ii", self.map, 24)
        where = {}
        at = entry_offset
        for _ in range(entries):
            length, name_at, vector, kind, _flags, _units, _var, data_at = struct.unpack_from(
                self.order + "iiibbbbi", self.map, at)
            end = self.map.find(b"\0", at + name_at)
            name = self.map[at + name_at:end].decode("ascii", "replace")
            if name in names and kind == ord("J") and vector == 0:
                where[name] = at + data_at
            at += length
        missing = [n for n in names if n not in where]
        if missing:
            raise KeyError(f"JVM {pid} publishes no {', '.join(missing)}")
        self.offsets = [where[n] for n in names]

    def values(self):
        return [struct.unpack_from(self.order + "q", self.map, o)[0] for o in self.offsets]

    def total(self):
        return sum(self.values())
