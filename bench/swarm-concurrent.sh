#!/usr/bin/env bash
# Does a second circuit add throughput? On a 5-node devnet, node 2 shares public files of
# SIZE_MIB and node 5 fetches them: WARMUP single downloads (alternating 3 and 1 hops) let the
# JIT compile the data path, then for each HOPS given, one download alone and then two other
# files at once (two downloads, two circuits; through 3 hops usually through different relays),
# printing the single rate and the aggregate rate of the pair.
# Usage: bench/swarm-concurrent.sh [SIZE_MIB] [WARMUP] ["HOPS ..."]   (needs target/shroud.jar)
set -euo pipefail
mib=${1:-128}
warmup=${2:-10}
pairs=${3:-"3 1 3 1 3 1"}
root="$(cd "$(dirname "$0")/.." && pwd)"
dir=$(mktemp -d /tmp/shroud-swarm-concurrent-XXXX)
# The seeder serves hidden (issue 26): HOPS are the downloader's side, and the seeder adds its own
# shroud.seeding.hops (3; set NODE_JAVA_OPTS=-Dshroud.seeding.hops=1 for 1). Until 2026-12-07 this
# benchmark measured the named path, removed since (provider records, the seeder as last hop).
source "$root/bench/devnet.sh"
files=$((warmup + 3 * $(echo $pairs | wc -w)))
links=()
for i in $(seq 1 $files); do
  head -c $((mib * 1048576)) /dev/urandom > "$dir/file$i.bin"
  links+=("$(share_public "$dir/file$i.bin")")
done
sleep 14   # an announce interval and the intro points: the share's descriptor is published
# One python3 process polls every download (a python3 start per poll would cost the measured
# cores tens of milliseconds of CPU each time).
python3 - "$dir" "$mib" "$warmup" "$pairs" "${links[@]}" <<'PY'
import json, os, sys, time, urllib.request
d, mib, warmup, pairs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4].split()
links = iter(sys.argv[5:])
base = "http://127.5.0.1:8558/shroud/v1/downloads"
auth = {"Authorization": "Bearer " + open(f"{d}/devnet/node-5/control.token").read().strip(),
        "Content-Type": "application/json"}
n = 0
def start(hops):
    global n
    n += 1
    body = json.dumps({"link": next(links), "output": f"{d}/out{n}.bin", "hops": hops}).encode()
    return json.load(urllib.request.urlopen(urllib.request.Request(base, data=body, method="POST", headers=auth)))["id"]
def run(hops, count):
    t0 = time.time()
    ids = [start(hops) for _ in range(count)]
    while True:
        states = [json.load(urllib.request.urlopen(urllib.request.Request(f"{base}/{i}", headers=auth)))["state"] for i in ids]
        if all(s in ("COMPLETE", "FAILED") for s in states):
            break
        time.sleep(0.05)
    rate = count * mib * 1.048576 / (time.time() - t0)
    for f in os.listdir(d):
        if f.startswith("out"):
            os.remove(os.path.join(d, f))
    return rate, states
for i in range(warmup):
    hops = 3 if i % 2 == 0 else 1
    rate, states = run(hops, 1)
    print(f"warmup: {hops}-hop {mib} MiB: {rate:.1f} MB/s {states}")
for hops in map(int, pairs):
    rate, states = run(hops, 1)
    print(f"{hops}-hop, one download:   {rate:.1f} MB/s {states}")
    rate, states = run(hops, 2)
    print(f"{hops}-hop, two at once:    {rate:.1f} MB/s in aggregate {states}")
PY
