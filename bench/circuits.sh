#!/usr/bin/env bash
# Circuit benchmark on loopback: starts a 5-node devnet, then through node 1's management API
#  - builds BUILDS circuits to node 5 (3 hops, no echo) and reports median and p95 build time;
#  - echoes ECHO_MIB MiB through a 3-hop and a 1-hop circuit to node 5 and reports MB/s
#    (the echo sends the bytes out and back: each byte crosses every link twice).
# Usage: bench/circuits.sh [BUILDS] [ECHO_MIB]      (needs target/shroud.jar: mvn -B package)
set -euo pipefail
builds=${1:-40}
mib=${2:-16}
root="$(cd "$(dirname "$0")/.." && pwd)"
dir=$(mktemp -d /tmp/shroud-bench-XXXX)
source "$root/bench/devnet.sh"
dest=$(api 5 node | python3 -c 'import json,sys; print(json.load(sys.stdin)["nodeId"])')
for _ in $(seq 1 60); do
  [ "$(api 1 directory | python3 -c 'import json,sys; print(json.load(sys.stdin)["size"])')" = 5 ] && break; sleep 0.5
done
post() { api 1 -X POST -d "$1" circuits; }
post "{\"destination\":\"$dest\",\"hops\":3,\"echoBytes\":1048576}" > /dev/null   # warm-up
for _ in $(seq 1 "$builds"); do post "{\"destination\":\"$dest\",\"hops\":3,\"echoBytes\":0}"; echo; done > "$dir/builds.json"
python3 - "$dir/builds.json" <<'PY'
import json, sys, statistics
ms = sorted(json.loads(l)["buildMillis"] for l in open(sys.argv[1]) if l.strip() and json.loads(l)["ok"])
p95 = ms[min(len(ms) - 1, int(round(0.95 * (len(ms) - 1))))]
print(f"3-hop circuit build on loopback: n={len(ms)} median={statistics.median(ms):.0f} ms p95={p95} ms min={ms[0]} max={ms[-1]}")
PY
for hops in 3 1; do
  for run in 1 2 3; do post "{\"destination\":\"$dest\",\"hops\":$hops,\"echoBytes\":$((mib * 1048576))}"; echo; done > "$dir/echo$hops.json"
  python3 - "$dir/echo$hops.json" "$hops" <<'PY'
import json, sys, statistics
r = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
rates = [x["echoBytes"] / 1e6 / (x["echoMillis"] / 1000) for x in r if x["ok"]]
print(f"{sys.argv[2]}-hop echo of {r[0]['echoBytes'] >> 20} MiB: " + ", ".join(f"{v:.1f}" for v in rates)
      + f" MB/s (median {statistics.median(rates):.1f} MB/s, bytes out and back)")
PY
done
