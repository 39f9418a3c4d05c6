#!/usr/bin/python3
"""Independent oracle for Shroud's BEP 52 known-answer tests.

Uses libtorrent (Debian package python3-libtorrent 2.0.8, run with /usr/bin/python3) to create
v2-only torrents for deterministic files and prints, per case: size, piece length, pieces root,
v2 info-hash, and the SHA-256 of the piece-layers value (if any).

File bytes: byte i = (i*31 + 7) % 251, file name "kat.bin".

Run: /usr/bin/python3 src/test/scripts/bep52_oracle.py
"""
import hashlib
import os
import sys
import tempfile

import libtorrent as lt

CASES = [
    (1, 16384), (16383, 16384), (16384, 16384), (16385, 16384),
    (32768, 32768), (32769, 32768),            # exactly one piece; one byte past a piece boundary
    (5 * 65536 + 1000, 65536),                 # several pieces (6), last one short
    (3 * 32768, 32768),                        # 3 pieces: piece layer padded to 4 with pad hashes
    (1000000, 262144),                         # larger piece, 4 pieces, last short
    (0, 16384),                                # zero-length file
]


def content(n):
    return bytes((i * 31 + 7) % 251 for i in range(n))


def run(size, piece_length):
    d = tempfile.mkdtemp()
    path = os.path.join(d, "kat.bin")
    with open(path, "wb") as f:
        f.write(content(size))
    fs = lt.file_storage()
    lt.add_files(fs, path)
    ct = lt.create_torrent(fs, piece_length, flags=lt.create_torrent.v2_only)
    lt.set_piece_hashes(ct, d)
    t = ct.generate()
    info = t[b"info"]
    entry = info[b"file tree"][b"kat.bin"][b""]
    root = entry.get(b"pieces root")
    ti = lt.torrent_info(lt.bencode(t))
    ih = ti.info_hashes().v2.to_bytes().hex()
    own_ih = hashlib.sha256(lt.bencode(info)).hexdigest()
    assert ih == own_ih, (ih, own_ih)
    layers = t.get(b"piece layers", {})
    layer = layers.get(root) if root else None
    print(f"size={size} pl={piece_length} root={root.hex() if root else None} "
          f"infohash={ih} layerLen={len(layer) if layer else 0} "
          f"layerSha256={hashlib.sha256(layer).hexdigest() if layer else None} "
          f"info={lt.bencode(info).hex() if size < 100 else '...'}")


if __name__ == "__main__":
    for s, p in CASES:
        try:
            run(s, p)
        except Exception as e:  # report, keep going
            print(f"size={s} pl={p} ERROR {e!r}", file=sys.stdout)
