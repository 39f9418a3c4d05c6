#!/usr/bin/env bash
# The abuse harness with long budgets (issue 25): runs multi-jvm-tests' AbuseIT against a real
# five-node loopback network and prints its verdict lines. The short run is part of `mvn -B verify`.
# Usage: bench/abuse.sh [HALF_OPEN] [BUILDS] [FLOOD]     (defaults 1000 sockets, 100 builds, 300 requests)
# Needs: Maven, Java 17; builds target/shroud.jar. Traffic stays on 127.0.0.0/8.
set -euo pipefail
half_open=${1:-1000}
builds=${2:-100}
flood=${3:-300}
root="$(cd "$(dirname "$0")/.." && pwd)"
log=$(mktemp /tmp/shroud-abuse-XXXX.log)
cd "$root"
mvn -B -o verify -Dshroud.fuzz.skip=true -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=AbuseIT \
  -Dshroud.abuse.half-open="$half_open" -Dshroud.abuse.builds="$builds" -Dshroud.abuse.flood="$flood" > "$log" 2>&1 \
  || status=$?
echo "abuse harness, $(date -u +%F), half-open=$half_open builds=$builds flood=$flood (log: $log)"
grep -E '^ABUSE ' "$log" || true
grep -E 'Tests run: [0-9]+, Failures' "$log" | tail -1
exit "${status:-0}"
