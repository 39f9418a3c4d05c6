#!/usr/bin/env bash
# Repeated downloads on one fresh 5-node devnet with the CPU seconds of every node per round:
# node 2 shares one file per round (public unless the third argument says encrypted), node 5
# fetches round i's file with HOPS_i hops; each line gives the rate and each node's CPU (from
# /proc), and the CPU of all five processes per byte. The relays' and bystanders' CPU per round
# tells how fast the machine is at the moment: compare builds back to back, late rounds only.
# Usage: bench/swarm-cpu-rounds.sh [SIZE_MIB] ["HOPS HOPS ..."] [public|encrypted]
# Environment: SHROUD_JAR=path/to/shroud.jar for another build (an A/B against an older commit);
# PROFILER=path/to/libasyncProfiler.so (async-profiler, `tools.profiler:async-profiler` on Maven
# Central) with PROFILE_ROUND=N loads the agent into every node at start and profiles nodes 5
# and 2 during round N (collapsed stacks in the directory printed at the end). Attaching it to
# a running JVM instead distorted the profiled round (docs/benchmarks.md, "Seventh session").
# PROFILE_EVENT picks what is sampled: cpu (the default, every 1 ms of CPU) or alloc (about
# one sample per 512 KiB allocated; the collapsed stacks count samples, so a stack's bytes are
# roughly its count × 512 KiB). GC_LOG=1 logs every node's collections (-Xlog:gc*) and prints,
# after the rounds, the young and full collections of nodes 5 and 2 over the whole run (their
# count and pause time), as docs/benchmarks.md's "Thirteenth session" counts them.
set -euo pipefail
mib=${1:-256}
rounds=${2:-"1 1 1 1 1 1 1 1 1 1 1 1"}
mode=${3:-public}
case $mode in public|encrypted) ;; *) echo "share mode must be public or encrypted, not $mode" >&2; exit 2;; esac
root="$(cd "$(dirname "$0")/.." && pwd)"
dir=$(mktemp -d /tmp/shroud-cpu-rounds-XXXX)
out=$(mktemp -d /tmp/shroud-profiles-XXXX)
NODE_JAVA_OPTS="${NODE_JAVA_OPTS:-}${PROFILER:+ -agentpath:$PROFILER}"
if [ -n "${GC_LOG:-}" ]; then
  NODE_JAVA_OPTS="$NODE_JAVA_OPTS -Xlog:gc*=info,gc+age=trace:file=$out/gc-%p.log:uptime"
fi
# The seeder serves hidden (issue 26): HOPS are the downloader's side, and the seeder adds its own
# shroud.seeding.hops (3; set NODE_JAVA_OPTS=-Dshroud.seeding.hops=1 for 1). Until 2026-12-07 this
# benchmark measured the named path, removed since (provider records, the seeder as last hop).
source "$root/bench/devnet.sh"
share_rounds "$mib" "$mode" "$rounds"
event=${PROFILE_EVENT:-cpu}
case $event in cpu) sampling="event=cpu,interval=1ms";; alloc) sampling="event=alloc,alloc=512k,total";;
  *) echo "PROFILE_EVENT must be cpu or alloc, not $event" >&2; exit 2;; esac
python3 - "$dir" "$out" "$mib" "$rounds" "${PROFILER:-}" "${PROFILE_ROUND:-0}" "$sampling" "${links[@]}" <<'PY'
import http.client, json, os, subprocess, sys, time
d, out, mib, rounds, lib, prof, sampling, links = (sys.argv[1], sys.argv[2], int(sys.argv[3]),
    [int(h) for h in sys.argv[4].split()], sys.argv[5], int(sys.argv[6]), sys.argv[7], sys.argv[8:])
def node_pid(n):
    return subprocess.check_output(["pgrep", "-f", f"{d}/devnet/node-{n}"]).split()[0].decode()
pids = {n: node_pid(n) for n in range(1, 6)}
tick = os.sysconf("SC_CLK_TCK")
def cpu(pid):
    f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) / tick
def agent(n, command):  # the inner quotes keep jcmd from parsing the agent's key=value pairs
    subprocess.run(["jcmd", pids[n], "JVMTI.agent_load", lib, f'"{command}"'], capture_output=True, check=True)
# One kept-alive HTTP connection for all requests: a new connection per poll costs the
# downloader an accept and a stream materialization each time (a few % of its CPU at 20 polls/s).
api = http.client.HTTPConnection("127.5.0.1", 8558)
auth = {"Authorization": "Bearer " + open(f"{d}/devnet/node-5/control.token").read().strip(),
        "Content-Type": "application/json"}
def call(method, path, body=None):
    api.request(method, "/shroud/v1/downloads" + path, body=body,
                headers=auth)
    return json.loads(api.getresponse().read())
for n, (hops, link) in enumerate(zip(rounds, links), 1):
    profiled = lib and n == prof
    if profiled:
        for node in (5, 2): agent(node, f"start,{sampling}")
    before = {k: cpu(p) for k, p in pids.items()}
    t0 = time.time()
    body = json.dumps({"link": link, "output": f"{d}/out{n}.bin", "hops": hops}).encode()
    did = call("POST", "", body)["id"]
    while True:
        v = call("GET", f"/{did}")
        if v["state"] in ("COMPLETE", "FAILED"): break
        time.sleep(0.05)
    took = time.time() - t0
    used = {k: cpu(p) - before[k] for k, p in pids.items()}
    if profiled:
        for node in (5, 2): agent(node, f"stop,file={out}/round{n}-node{node}.collapsed,collapsed")
    total = sum(used.values())
    print(f"round {n}: {hops}-hop {mib} MiB {v['state']} in {took:.2f} s = {mib * 1.048576 / took:.1f} MB/s; CPU-s "
          + " ".join(f"node{k}={c:.2f}" for k, c in used.items())
          + f"; all {total:.2f} = {total * 1e9 / (mib * 1048576):.1f} ns/B" + (" (profiled)" if profiled else ""), flush=True)
    if os.path.exists(f"{d}/out{n}.bin"): os.remove(f"{d}/out{n}.bin")
import re
for node in (5, 2):
    log = f"{out}/gc-{pids[node]}.log"
    if not os.path.exists(log): continue
    text = open(log).read()
    young = [float(x) for x in re.findall(r"Pause Young \([^)]*\) \S+ ([\d.]+)ms", text)]
    full = [float(ms) for cause, ms in re.findall(r"Pause Full \(([^)]*)\) \S+ ([\d.]+)ms", text)
            if cause == "Ergonomics"]
    print(f"node{node} collections: young {len(young)}, {sum(young):.0f} ms; full (ergonomics) {len(full)}, "
          f"{sum(full):.0f} ms (log {log})", flush=True)
PY
if [ -n "${PROFILER:-}${GC_LOG:-}" ]; then echo "profiles and logs: $out"; else rmdir "$out"; fi
