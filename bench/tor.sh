#!/usr/bin/env bash
# A private Tor network on loopback, next to Shroud's hidden-seeding benchmark (issue 26,
# bench/hidden.sh): what Tor itself does on this machine, in one sitting.
#
# Network (written here, in the spirit of chutney's "basic" networks; every process on 127.0.0.1,
# TestingTorNetwork 1, only the private DirAuthority lines below, no bridges, descriptors published
# only to the private authorities, never the public Tor network):
#   3 directory authorities (keys from tor-gencert, fingerprints from tor --list-fingerprint),
#     non-exit relays as well;
#   5 relays, 2 of them exits whose policy accepts 127.0.0.0/8 only (TestingDirAuthVoteGuard/Exit/
#     HSDir * give every relay the Guard, Exit and HSDir flags it can use);
#   1 client with a SOCKS port;
#   1 onion-service host (a client too, not a relay): v3 services pointing at the HTTP server.
# A python3 http.server on 127.0.0.1 serves a SIZE_MIB file of random bytes. Measured, with curl:
#   direct      the file straight from the server (no Tor), once: the server and curl's own ceiling;
#   tor 3-hop   through the client's SOCKS port (curl --socks5-hostname): client, guard, middle,
#               exit, and the exit connects to the server;
#   onion 3+3   the same file from a v3 onion service: descriptor lookup, introduction,
#               rendezvous; tor's default paths (vanguards-lite, route_len_for_purpose in tor's
#               circuitbuild.c): each side guard, layer-2 vanguard, middle, then the rendezvous
#               point: 3 relays a side plus the rendezvous point.
# Each of the two Tor paths: 1 cold fetch (the first one: for the onion, with no descriptor cached)
# then ROUNDS warm ones. Every fetch uses its own SOCKS user name (IsolateSOCKSAuth, the default),
# so it gets circuits of its own (the onion: a new rendezvous circuit, its descriptor cached).
# MB/s = SIZE / curl's time_total (request to last byte), MB = 10^6 bytes; the output's SHA-256
# is checked. Then FIRSTBYTE fresh onion services (each first contacted then: descriptor lookup,
# introduction, rendezvous) serve a 4 MiB file: curl's time_starttransfer (request to first byte
# of the response), median. Each big fetch also prints how busy the machine's CPU was meanwhile
# (100 % = both cores): whether Tor's rate here is bound by the CPU. ~9 minutes on the 2-core machine.
#
# Usage: bench/tor.sh [SIZE_MIB] [ROUNDS] [FIRSTBYTE]   (defaults 256 2 10)
#        TOR_BENCH_PORT=base port (default 21000; uses base..base+310 on 127.0.0.1),
#        KEEP_LOGS=DIR copies every tor's notice.log there.
# Needs tor and tor-gencert (Debian/Ubuntu: sudo apt-get install tor), curl and python3. The
# system's own tor service is not used and need not run.
set -euo pipefail
mib=${1:-256}
rounds=${2:-2}
firstbyte=${3:-10}
port=${TOR_BENCH_PORT:-21000}
for c in tor tor-gencert curl python3; do
  if ! command -v "$c" > /dev/null; then
    echo "bench/tor.sh needs '$c' on the PATH. tor and tor-gencert: sudo apt-get install tor" >&2
    exit 1
  fi
done
if ss -Hltn 2>/dev/null | awk '{print $4}' | grep -qE "^127\.0\.0\.1:($port|$((port + 300)))$"; then
  echo "port $port or $((port + 300)) on 127.0.0.1 is in use; set TOR_BENCH_PORT" >&2
  exit 1
fi

net=$(mktemp -d /tmp/shroud-tor-bench-XXXX)
pids=()
cleanup() {
  local p
  [ -z "${KEEP_LOGS:-}" ] || { mkdir -p "$KEEP_LOGS"; for n in "$net"/nodes/*/; do
    cp "$n/notice.log" "$KEEP_LOGS/$(basename "$n").log" 2>/dev/null || true; done; }
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for _ in $(seq 1 20); do
    local alive=0
    for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
    [ "$alive" = 1 ] || break
    sleep 0.25
  done
  for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
  rm -rf "$net"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "private Tor network benchmark, $(date -u '+%F %H:%M') UTC, $(tor --version | head -1 | sed 's/\.$//')," \
  "$(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"

# ---- the HTTP server and the files ----
mkdir -p "$net/www" "$net/nodes" "$net/out"
head -c $((mib * 1048576)) /dev/urandom > "$net/www/big.bin"
head -c $((4 * 1048576)) /dev/urandom > "$net/www/small.bin"
head -c 1024 /dev/urandom > "$net/www/probe.bin"
big_sha=$(sha256sum "$net/www/big.bin" | cut -d' ' -f1)
small_sha=$(sha256sum "$net/www/small.bin" | cut -d' ' -f1)
probe_sha=$(sha256sum "$net/www/probe.bin" | cut -d' ' -f1)
http=$((port + 300))
(cd "$net/www" && exec python3 -m http.server "$http" --bind 127.0.0.1 > "$net/http.log" 2>&1) &
pids+=($!)

# ---- keys and torrcs ----
# node i: ORPort port+i; authorities also DirPort port+100+i; the client's SOCKS port port+200.
auths=3
relays=5
exits=2
socks=$((port + 200))
common() { # common NICK DIR
  cat << EOF
TestingTorNetwork 1
DataDirectory $2
Nickname $1
RunAsDaemon 0
Log notice file $2/notice.log
SafeLogging 0
ShutdownWaitLength 0
ClientUseIPv6 0
AssumeReachable 1
PathsNeededToBuildCircuits 0.25
TestingDirAuthVoteGuard *
TestingDirAuthVoteExit *
TestingDirAuthVoteHSDir *
TestingMinExitFlagThreshold 0
V3AuthNIntervalsValid 2
EOF
  cat "$net/dirauthorities"
}
relay() { # relay I EXIT(0|1)
  cat << EOF
Address 127.0.0.1
ORPort 127.0.0.1:$((port + $1))
SocksPort 0
ContactInfo shroud-tor-bench@localhost
PublishServerDescriptor v3
ServerDNSDetectHijacking 0
EOF
  if [ "$2" = 1 ]; then
    printf 'ExitRelay 1\nExitPolicy accept 127.0.0.0/8:*\nExitPolicy reject *:*\n'
  else
    printf 'ExitRelay 0\nExitPolicy reject *:*\n'
  fi
}
: > "$net/dirauthorities"
for i in $(seq 0 $((auths + relays - 1))); do
  if [ "$i" -lt "$auths" ]; then nick="auth$i"; else nick="relay$i"; fi
  d="$net/nodes/$nick"
  mkdir -p "$d/keys"
  chmod 700 "$d"
  fpr=$(tor --quiet --ignore-missing-torrc -f /dev/null --DataDirectory "$d" --ORPort 1 --DisableNetwork 1 \
    --Nickname "$nick" --list-fingerprint | awk '{$1=""; gsub(/ /, ""); print}')
  if [ "$i" -lt "$auths" ]; then
    printf '\n' | tor-gencert --create-identity-key --passphrase-fd 0 -m 12 -a "127.0.0.1:$((port + 100 + i))" \
      -i "$d/keys/authority_identity_key" -s "$d/keys/authority_signing_key" \
      -c "$d/keys/authority_certificate" > /dev/null 2>&1
    v3=$(awk '/^fingerprint /{print $2}' "$d/keys/authority_certificate")
    echo "DirAuthority $nick orport=$((port + i)) no-v2 v3ident=$v3 127.0.0.1:$((port + 100 + i)) $fpr" \
      >> "$net/dirauthorities"
  fi
done
for i in $(seq 0 $((auths - 1))); do
  d="$net/nodes/auth$i"
  { common "auth$i" "$d"; relay "$i" 0; cat << EOF; } > "$d/torrc"
DirPort 127.0.0.1:$((port + 100 + i))
AuthoritativeDirectory 1
V3AuthoritativeDirectory 1
TestingV3AuthInitialVotingInterval 10
TestingV3AuthInitialVoteDelay 2
TestingV3AuthInitialDistDelay 2
V3AuthVotingInterval 20
V3AuthVoteDelay 4
V3AuthDistDelay 4
EOF
done
for i in $(seq "$auths" $((auths + relays - 1))); do
  d="$net/nodes/relay$i"
  { common "relay$i" "$d"; relay "$i" $((i < auths + exits ? 1 : 0)); } > "$d/torrc"
done
d="$net/nodes/client"
mkdir -p "$d" && chmod 700 "$d"
# Full descriptors, not microdescriptors: a microdescriptor's exit-policy summary covers public
# addresses only, so exits to 127.0.0.0/8 alone look like no exits at all (tor bug 11264).
{ common client "$d"; printf 'SocksPort 127.0.0.1:%s\nUseMicrodescriptors 0\n' "$socks"; } > "$d/torrc"
d="$net/nodes/onion"
mkdir -p "$d" && chmod 700 "$d"
{
  common onion "$d"
  echo "SocksPort 0"
  for s in big probe $(seq -f 'fb%g' 1 "$firstbyte"); do
    printf 'HiddenServiceDir %s\nHiddenServicePort 80 127.0.0.1:%s\n' "$d/hs-$s" "$http"
  done
} > "$d/torrc"

# ---- start and wait until the network is up ----
started=$SECONDS
for n in "$net"/nodes/*/; do
  tor -f "$n/torrc" > "$n/stdout.log" 2>&1 &
  pids+=($!)
done
wait_log() { # wait_log FILE PATTERN TIMEOUT_S
  local t
  for t in $(seq 1 $(($3 * 2))); do
    grep -q "$2" "$1" 2>/dev/null && return 0
    sleep 0.5
  done
  echo "timed out after $3 s waiting for '$2' in $1" >&2
  tail -20 "$1" >&2 || true
  return 1
}
wait_log "$net/nodes/client/notice.log" "Bootstrapped 100%" 300
wait_log "$net/nodes/onion/notice.log" "Bootstrapped 100%" 120
echo "client bootstrapped $((SECONDS - started)) s after start"
# every relay in the client's consensus (an early consensus may list only some of them)
in_consensus() { cat "$net/nodes/client/cached-consensus" 2>/dev/null | awk '/^r / { n++ } END { print n + 0 }'; }
for _ in $(seq 1 240); do [ "$(in_consensus)" -ge $((auths + relays)) ] && break; sleep 0.5; done
echo "relays in the client's consensus: $(in_consensus) of $((auths + relays)), $((SECONDS - started)) s after start"
onion() { cat "$net/nodes/onion/hs-$1/hostname"; }

# fetch URL USER SHA [MAX_S]: one isolated fetch through the client; prints "time_total ttfb bytes"
# and checks the SHA-256, or prints "FAILED (curl exit N)".
fetch() {
  local out="$net/out/$2" w rc=0
  w=$(curl -s --max-time "${4:-600}" --socks5-hostname "127.0.0.1:$socks" --proxy-user "$2:x" -o "$out" \
    -w '%{time_total} %{time_starttransfer} %{size_download}' "$1") || rc=$?
  if [ "$rc" != 0 ]; then rm -f "$out"; echo "FAILED (curl exit $rc)"; return 0; fi
  if [ "$(sha256sum "$out" | cut -d' ' -f1)" != "$3" ]; then rm -f "$out"; echo "FAILED (SHA-256 differs)"; return 0; fi
  rm -f "$out"
  echo "$w"
}
# retry URL USER_PREFIX TIMEOUT_S: probe fetches (20 s each at most) until one succeeds
retry() {
  local t=0 r deadline=$((SECONDS + $3))
  while [ $SECONDS -lt $deadline ]; do
    r=$(fetch "$1" "$2$t" "$probe_sha" 20)
    case "$r" in FAILED*) sleep 2; t=$((t + 1));; *) return 0;; esac
  done
  echo "no probe fetch of $1 went through in $3 s ($t tries, the last: $r)" >&2
  return 1
}
retry "http://127.0.0.1:$http/probe.bin" probe3hop 90
echo "3-hop path up $((SECONDS - started)) s after start"
retry "http://$(onion probe)/probe.bin" probeonion 120
echo "onion service reachable $((SECONDS - started)) s after start (a probe service of the same host);" \
  "10 s more for the other services' descriptors"
sleep 10

# ---- measure ----
summary="$net/summary.txt"
# cpu_ticks: "busy total" jiffies of the whole machine (all cores), from /proc/stat
cpu_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9 }' /proc/stat; }
busy() { # busy "BEFORE" "AFTER": the machine's CPU busy % in between (100 = every core)
  echo "$1 $2" | awk '{ printf "%.0f", $4 == $2 ? 0 : 100 * ($3 - $1) / ($4 - $2) }'
}
mbs() { awk -v t="$1" -v b="$2" 'BEGIN { printf "%.1f", b / t / 1e6 }'; }
run() { # run LABEL URL
  local k r total first bytes c0 line="$1: cold"
  for k in $(seq 0 "$rounds"); do
    c0=$(cpu_ticks)
    r=$(fetch "$2" "$(echo "$1" | tr -dc a-z0-9)$k" "$big_sha")
    case "$r" in
      FAILED*) echo "  $1 $([ "$k" = 0 ] && echo cold || echo "warm $k"): $r"; line="$line $r;";;
      *) read -r total first bytes <<< "$r"
         echo "  $1 $([ "$k" = 0 ] && echo cold || echo "warm $k"): $(mbs "$total" "$bytes") MB/s" \
           "($bytes bytes in $total s, first byte after $first s; machine CPU busy $(busy "$c0" "$(cpu_ticks)") %)"
         line="$line $(mbs "$total" "$bytes")";;
    esac
    [ "$k" != 0 ] || line="$line, warm"
  done
  echo "$line" >> "$summary"
}
echo "$mib MiB: cold, then $rounds warm (MB/s from request to last byte, SHA-256 checked)"
c0=$(cpu_ticks)
r=$(curl -s -o /dev/null -w '%{time_total} %{size_download}' "http://127.0.0.1:$http/big.bin")
read -r total bytes <<< "$r"
echo "direct (no Tor): $(mbs "$total" "$bytes") MB/s (machine CPU busy $(busy "$c0" "$(cpu_ticks)") %)" | tee -a "$summary"
run "tor 3-hop" "http://127.0.0.1:$http/big.bin"
run "onion 3+3" "http://$(onion big)/big.bin"
fb=()
for k in $(seq 1 "$firstbyte"); do
  r=$(fetch "http://$(onion "fb$k")/small.bin" "firstbyte$k" "$small_sha")
  echo "  fresh onion service $k, 4 MiB: $r (time_total time_starttransfer bytes)"
  case "$r" in FAILED*) ;; *) read -r _ first _ <<< "$r"; fb+=("$first");; esac
done
if [ "${#fb[@]}" -gt 0 ]; then
  printf '%s\n' "${fb[@]}" | sort -g | awk -v n="$firstbyte" '{ v[NR] = $1 } END {
    m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
    printf "onion first byte, fresh services: median %.3f s, min %.3f s, max %.3f s (%d of %d)\n", m, v[1], v[NR], NR, n
  }' >> "$summary"
fi
echo "  load average at the end $(cut -d' ' -f1-3 /proc/loadavg)"

echo
echo "=== summary: $mib MiB, $auths authorities + $relays relays ($exits exits) + client + onion host on" \
  "loopback; cold, then $rounds warm; $SECONDS s in all ==="
cat "$summary"
