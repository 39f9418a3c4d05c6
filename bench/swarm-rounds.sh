#!/usr/bin/env bash
# Repeated downloads on one 5-node devnet, one line each with the download's phases: node 2
# shares one public SIZE_MIB file per round, node 5 fetches round i's file with HOPS_i hops.
# One python3 process polls the download every 40 ms and prints the total time and rate, when
# the first and the last bytes were verified (the rate in between is the steady rate) and when
# each phase (FINDING_PROVIDERS, FETCHING_PIECE_LAYER, DOWNLOADING, FINISHING, COMPLETE) began.
# The later rounds show the warm rate (C2 keeps compiling for several downloads on 2 cores).
# Usage: bench/swarm-rounds.sh [SIZE_MIB] ["HOPS HOPS ..."] [public|encrypted]
# (needs target/shroud.jar; the files are shared publicly unless the third argument says encrypted)
set -euo pipefail
mib=${1:-128}
rounds=${2:-"3 1 3 1 3 1 3 1 3 1 3 1 3 1 3 1"}
mode=${3:-public}
case $mode in public|encrypted) ;; *) echo "share mode must be public or encrypted, not $mode" >&2; exit 2;; esac
root="$(cd "$(dirname "$0")/.." && pwd)"
dir=$(mktemp -d /tmp/shroud-swarm-rounds-XXXX)
# The seeder serves hidden (issue 26): HOPS are the downloader's side, and the seeder adds its own
# shroud.seeding.hops (3; set NODE_JAVA_OPTS=-Dshroud.seeding.hops=1 for 1). Until 2026-12-07 this
# benchmark measured the named path, removed since (provider records, the seeder as last hop).
source "$root/bench/devnet.sh"
share_rounds "$mib" "$mode" "$rounds"
python3 - "$dir" "$mib" "$rounds" "${links[@]}" <<'PY'
import json, os, sys, time, urllib.request
d, mib, rounds, links = sys.argv[1], int(sys.argv[2]), [int(h) for h in sys.argv[3].split()], sys.argv[4:]
base = "http://127.5.0.1:8558/shroud/v1/downloads"
auth = {"Authorization": "Bearer " + open(f"{d}/devnet/node-5/control.token").read().strip(),
        "Content-Type": "application/json"}
for n, (hops, link) in enumerate(zip(rounds, links), 1):
    out = f"{d}/out{n}.bin"
    t0 = time.time()
    body = json.dumps({"link": link, "output": out, "hops": hops}).encode()
    did = json.load(urllib.request.urlopen(urllib.request.Request(base, data=body, method="POST", headers=auth)))["id"]
    last, marks, first, all_at = None, [], None, None
    while True:
        v = json.load(urllib.request.urlopen(urllib.request.Request(f"{base}/{did}", headers=auth)))
        t = time.time() - t0
        if v["bytesDone"] > 0 and first is None:
            first = (t, v["bytesDone"])
        if all_at is None and v["bytesTotal"] > 0 and v["bytesDone"] == v["bytesTotal"]:
            all_at = t
        if v["state"] != last:
            marks.append(f"{v['state']}@{t:.2f}")
            last = v["state"]
        if v["state"] in ("COMPLETE", "FAILED"):
            break
        time.sleep(0.04)
    total = time.time() - t0
    steady = ""
    if first and all_at and all_at > first[0]:
        steady = f" (steady {(mib * 1048576 - first[1]) / 1e6 / (all_at - first[0]):.1f} MB/s)"
    print(f"round {n}: {hops}-hop {mib} MiB: {total:.2f} s = {mib * 1.048576 / total:.1f} MB/s; "
          f"first bytes at {first[0] if first else float('nan'):.2f} s, all at {all_at or float('nan'):.2f} s"
          f"{steady}; {' '.join(marks)}", flush=True)
    if os.path.exists(out):
        os.remove(out)
PY
