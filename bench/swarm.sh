#!/usr/bin/env bash
# Swarm download benchmark on loopback: starts a 5-node devnet, shares a SIZE_MIB file (public)
# on node 2 and fetches it on node 5 through 3-hop and then 1-hop circuits, timing each from
# POST to COMPLETE (provider lookup included). Before the timed runs, WARMUP downloads of 64 MiB
# (separate files, alternating 3 and 1 hops) let the JIT compile the data path on every node:
# a node that runs for hours works with compiled code, and on two cores the first minute of a
# fresh JVM mostly compiles. For each timed run it prints the CPU seconds and context switches
# of every node process (from /proc). Peak heap per node: the largest heap use (eden, survivors
# and old generation, as `jstat -gc` adds them) read from each node's performance counters at
# every poll of the timed runs (bench/hsperf.py).
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
# The seeder serves hidden (issue 26): HOPS are the downloader's side, and the seeder adds its own
# shroud.seeding.hops (3; set NODE_JAVA_OPTS=-Dshroud.seeding.hops=1 for 1). Until 2026-12-07 this
# benchmark measured the named path, removed since (provider records, the seeder as last hop).
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

warm_links=()
for i in $(seq 1 "$warmup"); do
  head -c $((64 * 1048576)) /dev/urandom > "$dir/warm$i.bin"
  warm_links+=("$(share_public "$dir/warm$i.bin")")
done
link=$(share_public "$dir/file.bin")
sleep 14   # an announce interval and the intro points: the share's descriptor is published
# One python3 process makes every download and polls it over one kept-alive HTTP connection,
# and reads each node's heap from its performance counters (bench/hsperf.py) at every poll:
# a curl, grep and tr per poll and a `jstat` JVM per node took ~10 % of the two cores being
# measured (docs/benchmarks.md, "Fourteenth session").
python3 - "$root/bench" "$dir" "$mib" "$warmup" "$rounds" "$link" "${warm_links[@]}" <<'PY'
import http.client, json, os, re, subprocess, sys, time
bench, d, mib, warmup, rounds, link, warm_links = (sys.argv[1], sys.argv[2], int(sys.argv[3]),
    int(sys.argv[4]), int(sys.argv[5]), sys.argv[6], sys.argv[7:])
sys.path.insert(0, bench)
import hsperf
tick = os.sysconf("SC_CLK_TCK")
nodes = {}
for pid in subprocess.check_output(["pgrep", "-f", "shroud.jar node"]).split():
    cmd = open(f"/proc/{pid.decode()}/cmdline").read().replace("\0", " ")
    nodes[int(re.search(r"--host 127\.(\d+)\.", cmd).group(1))] = pid.decode()
def counters():
    out = {}
    for n, pid in nodes.items():
        f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
        switches = 0
        for task in os.listdir(f"/proc/{pid}/task"):
            try:
                for line in open(f"/proc/{pid}/task/{task}/status"):
                    if "ctxt_switches" in line: switches += int(line.split()[1])
            except FileNotFoundError:
                pass  # a thread that ended meanwhile
        out[n] = ((int(f[11]) + int(f[12])) / tick, switches)
    return out
heaps = {n: hsperf.PerfCounters(pid) for n, pid in nodes.items()}
peak = {n: 0 for n in nodes}
api = http.client.HTTPConnection("127.5.0.1", 8558)
auth = {"Authorization": "Bearer " + open(f"{d}/devnet/node-5/control.token").read().strip(),
        "Content-Type": "application/json"}
def call(method, path, body=None):
    api.request(method, "/shroud/v1/downloads" + path, body=body,
                headers=auth)
    return json.loads(api.getresponse().read())
runs = 0
def fetch(link, hops, size, label):
    global runs
    runs += 1
    out = f"{d}/out-{runs}.bin"
    before = counters()
    t0 = time.time()
    did = call("POST", "", json.dumps({"link": link, "output": out, "hops": hops}).encode())["id"]
    while True:
        if label != "warmup":
            for n, h in heaps.items(): peak[n] = max(peak[n], h.total())
        state = call("GET", f"/{did}")["state"]
        if state in ("COMPLETE", "FAILED"): break
        time.sleep(0.1)
    took = time.time() - t0
    after = counters()
    print(f"{label}: {hops}-hop download of {size} MiB: {state} in {took:.1f} s = {size * 1.048576 / took:.2f} MB/s",
          flush=True)
    if label != "warmup":
        for n in sorted(nodes):
            print(f"    node{n}: {after[n][0] - before[n][0]:.1f} CPU-s, "
                  f"{(after[n][1] - before[n][1]) // 1000}k context switches", flush=True)
    if os.path.exists(out): os.remove(out)
for i, warm in enumerate(warm_links, 1):
    fetch(warm, 1 if i % 2 == 0 else 3, 64, "warmup")
for _ in range(rounds):
    fetch(link, 3, mib, "timed")
    fetch(link, 1, mib, "timed")
print("peak heap used per node JVM (MiB): " + ", ".join(f"{v / 1048576:.0f}" for v in sorted(peak.values())))
PY
