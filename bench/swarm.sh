#!/usr/bin/env bash
# Swarm download benchmark on loopback: starts a 5-node devnet, shares a SIZE_MIB file (public)
# on node 2 and fetches it on node 5 through 3-hop and then 1-hop circuits, timing each from
# POST to COMPLETE (provider lookup included). Before the timed runs, WARMUP downloads of 64 MiB
# (separate files, alternating 3 and 1 hops) let the JIT compile the data path on every node:
# a node that runs for hours works with compiled code, and on two cores the first minute of a
# fresh JVM mostly compiles. For each timed run it prints the CPU seconds and context switches
# of every node process (from /proc). Peak heap per node comes from `jstat -gc PID 1000`.
# The ceiling is the same file over one plain TCP connection between two JVM processes on the
# node addresses (bench/java/io/shroud/bench/DirectCopyBench.java), and a same-disk copy.
# ROUNDS timed pairs (3 hops, then 1 hop) of the same file follow, each printed on its own.
# Usage: bench/swarm.sh [SIZE_MIB] [WARMUP] [ROUNDS]   (needs target/shroud.jar: mvn -B package)
set -euo pipefail
mib=${1:-256}
warmup=${2:-8}
rounds=${3:-1}
root="$(cd "$(dirname "$0")/.." && pwd)"
dir=$(mktemp -d /tmp/shroud-swarm-bench-XXXX)
sampler=
on_exit='kill $sampler 2>/dev/null || true'
source "$root/bench/devnet.sh"
head -c $((mib * 1048576)) /dev/urandom > "$dir/file.bin"

# Ceilings: a plain TCP copy between two JVMs on the node addresses, and a same-disk copy.
mkdir -p "$dir/classes"
javac -d "$dir/classes" "$root/bench/java/io/shroud/bench/DirectCopyBench.java"
java -cp "$dir/classes" io.shroud.bench.DirectCopyBench serve 127.2.0.1 7499 "$dir/file.bin" &
server=$!
sleep 1
java -cp "$dir/classes" io.shroud.bench.DirectCopyBench fetch 127.2.0.1 7499 "$dir/copy.bin"
wait $server
rm "$dir/copy.bin"
start=$(date +%s.%N); cp "$dir/file.bin" "$dir/copy.bin"; sync "$dir/copy.bin"; end=$(date +%s.%N)
python3 -c "print(f'same-disk copy (cp + sync) of $mib MiB: {$mib*1.048576/($end-$start):.1f} MB/s')"
rm "$dir/copy.bin"

node_of() { tr '\0' ' ' < /proc/$1/cmdline | grep -o -- '--host 127\.[0-9]*' | awk -F. '{print $2}'; }
# per node: "nodeN cpu-ticks context-switches"
counters() {
  for pid in $(pgrep -f "shroud.jar node"); do
    echo "node$(node_of $pid) $(awk '{print $14+$15}' /proc/$pid/stat) $(cat /proc/$pid/task/*/status | awk '/ctxt_switches/{s+=$2} END{print s}')"
  done | sort
}
# fetch LINK HOPS SIZE_MIB LABEL: downloads on node 5 and prints the rate (and, for timed runs, CPU)
fetch() {
  local before after t0 t1 id state
  runs=$((runs + 1))
  local out="$dir/out-$runs.bin"
  before=$(counters)
  t0=$(date +%s.%N)
  id=$(curl -s -X POST http://127.5.0.1:8558/shroud/v1/downloads \
    -d "{\"link\":\"$1\",\"output\":\"$out\",\"hops\":$2}" | grep -o '"id": *"[0-9a-zA-Z-]*"' | head -1 | cut -d'"' -f4)
  # polled with curl and grep only: a python3 start per poll cost tens of ms of CPU on the two
  # cores being measured, four times a second
  while true; do
    # the download's own state is the first "state" field (its sources have one each too)
    state=$(curl -s http://127.5.0.1:8558/shroud/v1/downloads/$id | grep -o '"state": *"[A-Z_]*"' | head -1 | tr -dc 'A-Z_')
    [ "$state" = COMPLETE ] || [ "$state" = FAILED ] && break
    sleep 0.1
  done
  t1=$(date +%s.%N)
  after=$(counters)
  python3 -c "print(f'$4: $2-hop download of $3 MiB: $state in {$t1-$t0:.1f} s = {$3*1.048576/($t1-$t0):.2f} MB/s')"
  if [ "$4" != warmup ]; then
    join <(echo "$before") <(echo "$after") | awk -v t="$t1" -v s="$t0" \
      '{printf "    %s: %.1f CPU-s, %dk context switches\n", $1, ($4-$2)/100, ($5-$3)/1000}'
  fi
  rm -f "$out"
}
runs=0
links=()
for i in $(seq 1 "$warmup"); do
  head -c $((64 * 1048576)) /dev/urandom > "$dir/warm$i.bin"
  links+=("$(share_public "$dir/warm$i.bin")")
done
link=$(share_public "$dir/file.bin")
sleep 12   # one announce interval, so the provider records are in the DHT
for i in $(seq 1 "$warmup"); do
  fetch "${links[$((i - 1))]}" $(( i % 2 == 0 ? 1 : 3 )) 64 warmup
done
# Heap used (KiB) of every node JVM during the timed runs: one long-running `jstat -gc PID 1000`
# per node (starting a jstat JVM every second would itself load the two cores).
samplers=()
for pid in $(pgrep -f "shroud.jar node"); do
  jstat -gc "$pid" 1000 > "$dir/heap-$pid.txt" &
  samplers+=($!)
done
sampler="${samplers[*]}"
for _ in $(seq 1 "$rounds"); do
  fetch "$link" 3 "$mib" timed
  fetch "$link" 1 "$mib" timed
done
kill $sampler 2>/dev/null || true
python3 - "$dir"/heap-*.txt <<'PY'
import sys
peaks = []
for name in sys.argv[1:]:
    rows = [l.split() for l in open(name)]
    header = rows[0]
    cols = [header.index(c) for c in ("S0U", "S1U", "EU", "OU")]
    used = [sum(float(r[i]) for i in cols) for r in rows[1:] if len(r) == len(header) and r[0] != header[0]]
    peaks.append(max(used) / 1024 if used else float("nan"))
print("peak heap used per node JVM (MiB): " + ", ".join(f"{v:.0f}" for v in sorted(peaks)))
PY
