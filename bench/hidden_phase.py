"""One phase of bench/hidden.sh on a running devnet: shares on node 2, downloads on the last node.

Usage: python3 hidden_phase.py BENCH DIR NAME HOPS HIDDEN(on|off) MIB SHA256 WARMUP ROUNDS FIRSTBYTE SUMMARY
DIR holds file.bin (MIB MiB, SHA-256 SHA256), warm1.bin… (64 MiB) and small1.bin… (4 MiB).
Every file is shared encrypted (the default) on node 2 and fetched through HOPS hops by the last
node of the devnet, one download at a time, each from POST /shroud/v1/downloads to COMPLETE:
  cold     the big file, the first download after the nodes started;
  warm-up  WARMUP files of 64 MiB (so the data path is JIT-compiled on every node, as in swarm.sh);
  timed    ROUNDS downloads of the big file;
  first    FIRSTBYTE files of 4 MiB, each a share of its own (so each download looks up its own
           descriptors, introduces itself and meets the seeder at its own rendezvous point),
           polled every 20 ms: the time to the first poll where bytesDone > 0.
Before downloading, hidden mode waits until every share's intro points are ESTABLISHED
(GET /shares/{hash}/hidden on node 2) and 3 s more for the descriptors to be stored; the named
path (HIDDEN off, removed on 2026-12-07) waited one announce interval for the provider records.
A download that does not finish within its time box is printed (view, states) and cancelled.
One line per figure goes to SUMMARY.
"""
import http.client
import json
import os
import re
import statistics
import subprocess
import sys
import time

bench, d, name, hops, hidden, mib, sha, warmup, rounds, firstbyte, summary = sys.argv[1:12]
hops, mib, warmup, rounds, firstbyte = int(hops), int(mib), int(warmup), int(rounds), int(firstbyte)
sys.path.insert(0, bench)
import hsperf  # noqa: E402

tick = os.sysconf("SC_CLK_TCK")
nodes = {}
for pid in subprocess.check_output(["pgrep", "-f", "shroud.jar node"]).split():
    cmd = open(f"/proc/{pid.decode()}/cmdline").read().replace("\0", " ")
    if f"{d}/devnet" in cmd:
        nodes[int(re.search(r"--host 127\.(\d+)\.", cmd).group(1))] = pid.decode()
last = max(nodes)
heaps = {n: hsperf.PerfCounters(pid) for n, pid in nodes.items()}
peak = {n: 0 for n in nodes}


def cpu():
    out = {}
    for n, pid in nodes.items():
        f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
        out[n] = (int(f[11]) + int(f[12])) / tick
    return out


class Api:
    """One kept-alive connection to node n's API, opened again when the node closed it (idle timeout)."""

    def __init__(self, n):
        self.host = f"127.{n}.0.1"
        self.conn = http.client.HTTPConnection(self.host, 8558, timeout=120)
        self.headers = {"Authorization": "Bearer " + open(f"{d}/devnet/node-{n}/control.token").read().strip(),
                        "Content-Type": "application/json"}

    def call(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        try:
            self.conn.request(method, "/shroud/v1/" + path, body=data, headers=self.headers)
            r = self.conn.getresponse()
        except (ConnectionError, http.client.RemoteDisconnected, http.client.CannotSendRequest):
            self.conn.close()
            self.conn = http.client.HTTPConnection(self.host, 8558, timeout=120)
            self.conn.request(method, "/shroud/v1/" + path, body=data, headers=self.headers)
            r = self.conn.getresponse()
        text = r.read()
        return r.status, (json.loads(text) if text else {})


seeder, fetcher = Api(2), Api(last)
number = {}  # node id -> node number, from the downloader's directory


def who(node_id):
    if node_id not in number:
        _, directory = fetcher.call("GET", "directory")
        for desc in directory.get("descriptors", []):
            number[desc["nodeId"]] = "node" + desc["clusterAddress"].split(".")[1]
        number.setdefault(node_id, "?" + node_id[:8])
    return number[node_id]


def out_line(text):
    print(text, flush=True)


def record(text):
    out_line(f"{name}: {text}")
    with open(summary, "a") as f:
        f.write(f"{name}: {text}\n")


def share(path):
    status, body = seeder.call("POST", "shares", {"path": path})
    if status not in (200, 201) or "link" not in body:
        raise SystemExit(f"sharing {path} failed: {status} {body}")
    return body["link"]


def info_hash(link):
    return re.search(r"urn:btmh:1220([0-9a-f]{64})", link).group(1)


def await_published(links, limit=180):
    t0 = time.monotonic()
    if hidden != "on":
        time.sleep(12)
        out_line(f"  waited one announce interval (12 s) for the provider records")
        return
    pending = {info_hash(link) for link in links}
    states = {}
    while pending and time.monotonic() - t0 < limit:
        for h in sorted(pending):
            status, view = seeder.call("GET", f"shares/{h}/hidden")
            points = [p["state"] for p in view.get("introPoints", [])] if status == 200 else []
            states[h] = points
            if points and all(s == "ESTABLISHED" for s in points):
                pending.discard(h)
        if pending:
            time.sleep(0.5)
    took = time.monotonic() - t0
    if pending:
        out_line(f"  after {took:.0f} s, {len(pending)} of {len(links)} services still not ready: "
                 + "; ".join(f"{h[:12]}… {states.get(h)}" for h in sorted(pending)))
    else:
        out_line(f"  all intro points of {len(links)} services ESTABLISHED after {took:.1f} s")
    time.sleep(3)


runs = 0


def fetch(link, size, label, poll=0.1, limit=300.0, measure=False, expect=None):
    """One download; returns (seconds to COMPLETE or None, to the first bytesDone > 0, to the first state past
    FINDING_PROVIDERS), each None when not reached."""
    global runs
    runs += 1
    out = f"{d}/out-{runs}.bin"
    before = cpu()
    t0 = time.monotonic()
    status, body = fetcher.call("POST", "downloads", {"link": link, "output": out, "hops": hops})
    if status != 201:
        out_line(f"  {label}: POST answered {status} {body}")
        return None, None, None
    did = body["id"]
    first = found = None
    seen = []
    paths = set()
    while True:
        if measure:
            for n, h in heaps.items():
                peak[n] = max(peak[n], h.total())
        _, view = fetcher.call("GET", f"downloads/{did}")
        now = time.monotonic() - t0
        state = view.get("state")
        if not seen or seen[-1][1] != state:
            seen.append((round(now, 2), state))
        for c in view.get("circuits") or []:
            paths.add(" > ".join(who(h) for h in c.get("path", [])))
        if found is None and state not in ("STARTING", "FINDING_PROVIDERS"):
            found = now
        if first is None and view.get("bytesDone", 0) > 0:
            first = now
        if state in ("COMPLETE", "FAILED", "CANCELLED"):
            break
        if now > limit:
            out_line(f"  {label}: no COMPLETE within {limit:.0f} s; states {seen}; view: "
                     + json.dumps({k: view.get(k) for k in ("state", "bytesDone", "bytesTotal", "rate", "sources",
                                                             "circuits", "error")}))
            fetcher.call("DELETE", f"downloads/{did}")
            state = "TIMED OUT"
            break
        time.sleep(poll)
    took = time.monotonic() - t0
    after = cpu()
    ok = state == "COMPLETE" and (expect is None or view.get("sha256") == expect)
    rate = f"{size * 1.048576 / took:.2f} MB/s" if ok else "no rate"
    out_line(f"  {label}: {hops}-hop download of {size} MiB: {state} in {took:.1f} s = {rate}"
             + ("" if expect is None or view.get("sha256") == expect else f" (SHA-256 {view.get('sha256')} != file)")
             + ("" if state == "COMPLETE" else f"; error {view.get('error')}; states {seen}"))
    if measure or found is None or found > 5:
        strikes = [(s.get("state"), s.get("strikes")) for s in view.get("sources") or []]
        out_line(f"    states {seen}; downloader's circuits seen: {sorted(paths)}; sources at the end {strikes}")
    if measure:
        out_line("    CPU-s per node: " + ", ".join(f"node{n} {after[n] - before[n]:.1f}" for n in sorted(nodes)))
    if os.path.exists(out):
        os.remove(out)
    return (took if ok else None), first, found


def mbps(result):
    """POST to COMPLETE, and from the sources found (the first state past FINDING_PROVIDERS) to COMPLETE."""
    took, _, found = result
    if not took:
        return "did not complete"
    return (f"{mib * 1.048576 / took:.1f} MB/s ({took:.1f} s; sources found after {found:.2f} s, "
            f"then {mib * 1.048576 / (took - found):.1f} MB/s)")


out_line(f"{name}: devnet of {len(nodes)} nodes; node 2 seeds, node {last} fetches through {hops} hops "
         f"(hidden seeding {hidden})")
big = share(f"{d}/file.bin")
await_published([big])
record(f"cold {mbps(fetch(big, mib, 'cold', measure=True, expect=sha))}")
warm_links = [share(f"{d}/warm{i}.bin") for i in range(1, warmup + 1)]
await_published(warm_links)
for i, link in enumerate(warm_links, 1):
    fetch(link, 64, f"warm-up {i}", limit=180)
timed = []
for i in range(1, rounds + 1):
    timed.append(fetch(big, mib, f"timed {i}", measure=True, expect=sha))
record("warm " + "; ".join(mbps(t) for t in timed))
if hidden == "on":
    _, view = seeder.call("GET", f"shares/{info_hash(big)}/hidden")
    out_line(f"  node 2's service of the big share: intro points "
             + ", ".join(f"{who(p['relay'])} {p['state']}" for p in view.get("introPoints", []))
             + f"; introductions queued {view.get('queued')}, rendezvous served {view.get('served')}")
out_line(f"  peak heap used per node JVM over cold and timed runs (MiB): "
         + ", ".join(f"node{n} {peak[n] / 1048576:.0f}" for n in sorted(peak)))
if firstbyte:
    small = [share(f"{d}/small{i}.bin") for i in range(1, firstbyte + 1)]
    await_published(small)
    limit = 60
    firsts, founds, failed = [], [], 0
    for i, link in enumerate(small, 1):
        took, first, found = fetch(link, 4, f"first byte {i}", poll=0.02, limit=limit)
        if first is None:
            failed += 1
        else:
            firsts.append(first)
            out_line(f"    first bytesDone > 0 after {first:.3f} s (sources found after {found:.3f} s)")
            founds.append(found)
    # A download without a byte in its time box counts as the time box: the median is of all of them.
    every = firsts + [float(limit)] * failed
    slow = sum(1 for t in every if t > 1.5)
    record(f"first verified byte of {firstbyte} fresh 4 MiB shares: median {statistics.median(every):.3f} s "
           f"({failed} without a byte within {limit} s counted as {limit} s), min {min(every):.3f} s, "
           + (f"max {max(firsts):.3f} s of those with a byte; " if firsts else "")
           + f"{slow} over 1.5 s"
           + (f"; sources found: median {statistics.median(founds):.3f} s" if founds else ""))
