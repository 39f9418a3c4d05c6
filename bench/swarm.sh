#!/usr/bin/env bash
# Swarm download benchmark on loopback: starts a 5-node devnet, shares a SIZE_MIB file
# (public) on node 2, and fetches it on node 5 through 3-hop and then 1-hop circuits, timing
# each from POST to COMPLETE. The ceiling is a plain copy of the same file on the same disk.
# Peak heap of each node during the transfers comes from `jstat -gc` sampled every second.
# Usage: bench/swarm.sh [SIZE_MIB]          (needs target/shroud.jar: mvn -B package)
set -euo pipefail
mib=${1:-256}
root="$(cd "$(dirname "$0")/.." && pwd)"
dir=$(mktemp -d /tmp/shroud-swarm-bench-XXXX)
java -jar "$root/target/shroud.jar" devnet --nodes 5 --dir "$dir/devnet" > "$dir/devnet.out" 2>&1 &
devnet=$!
trap 'kill $sampler 2>/dev/null; kill -TERM $devnet 2>/dev/null; wait $devnet 2>/dev/null; rm -rf "$dir"' EXIT
sampler=
for _ in $(seq 1 240); do grep -q "5 nodes up" "$dir/devnet.out" 2>/dev/null && break; sleep 0.5; done
grep -q "5 nodes up" "$dir/devnet.out" || { cat "$dir/devnet.out"; exit 1; }
head -c $((mib * 1048576)) /dev/urandom > "$dir/file.bin"
start=$(date +%s.%N); cp "$dir/file.bin" "$dir/copy.bin"; sync "$dir/copy.bin"; end=$(date +%s.%N)
python3 -c "print(f'plain copy (cp + sync) of $mib MiB: {$mib*1.048576/($end-$start):.1f} MB/s')"
rm "$dir/copy.bin"
# sample heap used (KiB) of every node JVM
( while true; do
    for pid in $(pgrep -f "shroud.jar node"); do
      echo "$pid $(jstat -gc "$pid" 2>/dev/null | awk 'NR==2 {print $3+$4+$6+$8}')"
    done
    sleep 1
  done > "$dir/heap.txt" ) &
sampler=$!
for _ in $(seq 1 60); do
  [ "$(curl -s http://127.5.0.1:8558/shroud/v1/directory | python3 -c 'import json,sys; print(json.load(sys.stdin)["size"])')" = 5 ] && break; sleep 0.5
done
link=$(curl -s -X POST http://127.2.0.1:8558/shroud/v1/shares -d "{\"path\":\"$dir/file.bin\",\"public\":true}" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["link"])')
sleep 12   # one announce interval, so the provider record is in the DHT
for hops in 3 1; do
  t0=$(date +%s.%N)
  id=$(curl -s -X POST http://127.5.0.1:8558/shroud/v1/downloads \
    -d "{\"link\":\"$link\",\"output\":\"$dir/out-$hops.bin\",\"hops\":$hops}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
  while true; do
    state=$(curl -s http://127.5.0.1:8558/shroud/v1/downloads/$id | python3 -c 'import json,sys; print(json.load(sys.stdin)["state"])')
    [ "$state" = COMPLETE ] || [ "$state" = FAILED ] && break
    sleep 0.5
  done
  t1=$(date +%s.%N)
  python3 -c "print(f'$hops-hop download of $mib MiB: $state in {$t1-$t0:.1f} s = {$mib*1.048576/($t1-$t0):.2f} MB/s (provider lookup included)')"
done
kill $sampler 2>/dev/null || true
python3 - "$dir/heap.txt" <<'PY'
import sys, collections
peak = collections.defaultdict(float)
for line in open(sys.argv[1]):
    parts = line.split()
    if len(parts) == 2:
        peak[parts[0]] = max(peak[parts[0]], float(parts[1]))
print("peak heap used per node JVM (MiB): " + ", ".join(f"{v/1024:.0f}" for v in sorted(peak.values())))
PY
