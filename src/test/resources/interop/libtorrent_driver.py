#!/usr/bin/python3
"""libtorrent 2.0.8 (Debian's python3-libtorrent) as an oracle for LibtorrentInteropTest.

Run with /usr/bin/python3. Every command prints one JSON object on stdout; an error prints
{"error": "..."} and exits 2. Nothing here opens a network connection: the recheck session
listens on loopback only, with DHT, LSD, UPnP and NAT-PMP off.

  auto SIZE...                       libtorrent's automatic piece length for each total size
  create PATH PIECE_LENGTH MODE OUT  create_torrent (MODE v2 = v2_only, hybrid = no flags) of a
                                     file or directory; PIECE_LENGTH 0 = automatic; writes OUT
  info TORRENT                       the v1/v2 info-hashes, name and size libtorrent reads
  magnet TORRENT [TRACKER...]        make_magnet_uri(torrent_info), after add_tracker for each TRACKER
  parse-magnet URI                   parse_magnet_uri: v2 hash, name
  recheck TORRENT SAVE_PATH SECONDS  add_torrent (no seed mode), force_recheck, wait for progress
"""
import json
import os
import sys
import time

import libtorrent as lt


def out(obj):
    print(json.dumps(obj))


def hashes(ti):
    ih = ti.info_hashes()
    return {
        "v2": ih.v2.to_bytes().hex() if ih.has_v2() else None,
        "v1": ih.v1.to_bytes().hex() if ih.has_v1() else None,
    }


def auto(sizes):
    result = {}
    for s in sizes:
        fs = lt.file_storage()
        fs.add_file("f", int(s))
        result[s] = lt.create_torrent(fs).piece_length()
    out({"pieceLengths": result})


def create(path, piece_length, mode, dest):
    path = os.path.abspath(path)
    fs = lt.file_storage()
    lt.add_files(fs, path)
    flags = lt.create_torrent.v2_only if mode == "v2" else 0
    ct = lt.create_torrent(fs, int(piece_length), flags=flags)
    lt.set_piece_hashes(ct, os.path.dirname(path))
    t = ct.generate()
    data = lt.bencode(t)
    with open(dest, "wb") as f:
        f.write(data)
    ti = lt.torrent_info(data)
    o = hashes(ti)
    o["pieceLength"] = ct.piece_length()
    o["info"] = lt.bencode(t[b"info"]).hex()
    out(o)


def info(torrent):
    ti = lt.torrent_info(torrent)
    o = hashes(ti)
    o["name"] = ti.name()
    o["size"] = ti.total_size()
    o["files"] = ti.num_files()
    out(o)


def magnet(torrent, *trackers):
    ti = lt.torrent_info(torrent)
    for t in trackers:
        ti.add_tracker(t)
    out({"magnet": lt.make_magnet_uri(ti)})


def parse_magnet(uri):
    p = lt.parse_magnet_uri(uri)
    ih = p.info_hashes
    out({"v2": ih.v2.to_bytes().hex() if ih.has_v2() else None, "name": p.name})


def recheck(torrent, save_path, seconds):
    ses = lt.session({
        "listen_interfaces": "127.0.0.1:0",
        "enable_dht": False, "enable_lsd": False, "enable_upnp": False, "enable_natpmp": False,
        "alert_mask": 0,
    })
    atp = lt.add_torrent_params()
    atp.ti = lt.torrent_info(torrent)
    atp.save_path = save_path
    atp.flags &= ~lt.torrent_flags.seed_mode
    atp.flags &= ~lt.torrent_flags.auto_managed
    atp.flags &= ~lt.torrent_flags.paused
    h = ses.add_torrent(atp)
    h.force_recheck()
    deadline = time.time() + float(seconds)
    st = h.status()
    checking = (lt.torrent_status.checking_files, lt.torrent_status.checking_resume_data)
    seen_checking = False
    while time.time() < deadline:
        st = h.status()
        if st.state in checking:
            seen_checking = True
        elif st.progress_ppm == 1000000 or seen_checking:
            break
        time.sleep(0.05)
    out({"progressPpm": st.progress_ppm, "state": str(st.state), "pieces": st.num_pieces,
         "error": st.errc.message() if st.errc.value() else None})


def main(argv):
    cmd, args = argv[1], argv[2:]
    if cmd == "auto":
        auto(args)
    elif cmd == "create":
        create(*args)
    elif cmd == "info":
        info(*args)
    elif cmd == "magnet":
        magnet(*args)
    elif cmd == "parse-magnet":
        parse_magnet(*args)
    elif cmd == "recheck":
        recheck(*args)
    else:
        raise ValueError("unknown command " + cmd)


if __name__ == "__main__":
    try:
        main(sys.argv)
    except Exception as e:  # the Java test shows the message
        out({"error": type(e).__name__ + ": " + str(e)})
        sys.exit(2)
