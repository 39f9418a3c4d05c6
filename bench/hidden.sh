#!/usr/bin/env bash
# Hidden seeding benchmark (issue 26) on loopback, in one sitting: two 7-node devnets one after
# the other (bench/devnet.sh with DEVNET_NODES=7: with 5 relays the rendezvous point, drawn among
# relays that are neither the seeder's intro points nor the downloader, is often the seeder
# itself). Node 2 shares a SIZE_MIB file encrypted; node 7 fetches it (bench/hidden_phase.py):
#   hidden 3+3   hops 3, shroud.seeding.hops = 3 (the defaults)
#   hidden 1+1   hops 1, -Dshroud.seeding.hops=1
# (A third phase, "named 3-hop", ran the provider-record path until it was removed on 2026-12-07;
# its figures beside the hidden ones are on the benchmark page.)
# Each phase times the first download after the nodes started (cold), then WARMUP downloads of
# 64 MiB (JIT), then ROUNDS downloads of the big file (warm), from POST /shroud/v1/downloads to
# COMPLETE (descriptor lookup, introduction and rendezvous included) with the output's SHA-256
# checked. The 3+3 phase then times the first verified byte of FIRSTBYTE fresh 4 MiB shares
# (POST to the first poll, every 20 ms, where bytesDone > 0). Every phase runs with
# -Dshroud.seeding.after-download=off, so node 2 stays the only seeder. A summary at the end.
# KEEP_LOGS=DIR copies the nodes' logs of each phase to DIR/<phase>/.
# Usage: bench/hidden.sh [SIZE_MIB] [WARMUP] [ROUNDS] [FIRSTBYTE]   (defaults 256 10 6 20;
#        needs target/shroud.jar: mvn -B -DskipTests package)
set -euo pipefail
mib=${1:-256}
warmup=${2:-10}
rounds=${3:-6}
firstbyte=${4:-20}
root="$(cd "$(dirname "$0")/.." && pwd)"
base=$(mktemp -d /tmp/shroud-hidden-bench-XXXX)
trap 'rm -rf "$base"' EXIT
export DEVNET_NODES=7
head -c $((mib * 1048576)) /dev/urandom > "$base/file.bin"
sha=$(sha256sum "$base/file.bin" | cut -d' ' -f1)
echo "hidden seeding benchmark, $(date -u '+%F %H:%M') UTC, commit $(git -C "$root" rev-parse --short HEAD)," \
  "$(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"

# phase NAME HOPS HIDDEN(on|off) FIRSTBYTE JAVA_OPTS: one devnet, started and stopped in a subshell
# (bench/devnet.sh stops it and removes its directory when the subshell exits).
phase() {
  local started=$SECONDS rc=0
  set +e
  (
    set -e
    dir=$(mktemp -d /tmp/shroud-hidden-phase-XXXX)
    NODE_JAVA_OPTS="-Dshroud.seeding.after-download=off $5"
    keep="${KEEP_LOGS:-}"
    [ -z "$keep" ] || on_exit="mkdir -p '$keep/$1' && cp '$dir'/devnet/*.log '$keep/$1/' 2>/dev/null || true"
    # shellcheck source=bench/devnet.sh
    source "$root/bench/devnet.sh"
    ln "$base/file.bin" "$dir/file.bin"
    for i in $(seq 1 "$warmup"); do head -c $((64 * 1048576)) /dev/urandom > "$dir/warm$i.bin"; done
    for i in $(seq 1 "$4"); do head -c $((4 * 1048576)) /dev/urandom > "$dir/small$i.bin"; done
    python3 "$root/bench/hidden_phase.py" "$root/bench" "$dir" "$1" "$2" "$3" "$mib" "$sha" "$warmup" \
      "$rounds" "$4" "$base/summary.txt"
    echo "  WARN/ERROR lines in the node logs: $(cat "$dir"/devnet/*.log | grep -cE ' (WARN|ERROR) ' || true)"
  )
  rc=$?
  set -e
  [ "$rc" = 0 ] || echo "$1: the phase failed (exit $rc)" | tee -a "$base/summary.txt"
  echo "  ($1 took $((SECONDS - started)) s with the devnet's start and stop)"
}
phase "hidden 3+3" 3 on "$firstbyte" ""
phase "hidden 1+1" 1 on 0 "-Dshroud.seeding.hops=1"

echo
echo "=== summary: $mib MiB encrypted share, node 2 -> node 7, 7-node devnet, $warmup warm-ups," \
  "$rounds warm rounds; $SECONDS s in all ==="
cat "$base/summary.txt"
