#!/usr/bin/env bash
# Fuzz campaign (issue 25): fuzzes every Jazzer @FuzzTest method under src/test/java for SECONDS
# each, one JVM per method (Jazzer fuzzes one method per JVM; a class's other methods would only
# replay their seeds), then prints one line per method and a summary.
#
# Usage: bench/fuzz-campaign.sh [SECONDS] [FILTER]
#   SECONDS  fuzzing budget per method, default 120 (JVM start and instrumentation come on top,
#            about 20-40 s per method)
#   FILTER   only methods whose "Class#method" matches this extended regex
#   FUZZ_FRESH_CORPUS=1  start from the checked-in seeds only: the generated corpus
#            (.cifuzz-corpus/, git-ignored, grown by earlier runs) is moved into the log directory
#
# Budget: @FuzzTest(maxDuration) is a compile-time constant, and Jazzer 0.24.0 has no option to
# override it; but it passes the JUnit configuration parameters jazzer.internal.arg.N to libFuzzer
# AFTER its own -max_total_time, and libFuzzer takes the last value of a flag. Surefire hands
# -D properties to the test JVM, where JUnit reads them as configuration parameters.
# (arg.0 stands for argv[0].)
#
# Findings: Jazzer writes a crashing input as crash-<sha1> (timeout-/oom-/slow-unit- likewise)
# into the test's seed directory src/test/resources/<package>/<Class>Inputs/<method>/ when it
# exists, and the run fails with FuzzTestFindingException. Both are reported. Logs and a Markdown
# table: target/fuzz-campaign/. Exit status 1 if any method had a finding or did not run.
set -uo pipefail
seconds=${1:-120}
filter=${2:-.}
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
out="$root/target/fuzz-campaign"
mkdir -p "$out"
started=$(date -u +%Y-%m-%dT%H:%MZ)

if [ "${FUZZ_FRESH_CORPUS:-0}" = 1 ] && [ -d .cifuzz-corpus ]; then
  mv .cifuzz-corpus "$out/cifuzz-corpus-before-$(date -u +%Y%m%d%H%M%S)"
fi

# Class#method for every @FuzzTest, in file order (other annotations may sit between the two lines)
mapfile -t targets < <(
  find src/test/java -name '*FuzzTest.java' | sort | while read -r f; do
    cls=$(echo "${f#src/test/java/}" | sed 's|/|.|g; s|\.java$||')
    awk -v cls="$cls" '/@FuzzTest/ {want=1; next}
      want && match($0, /void [A-Za-z0-9_]+\(/) {m=substr($0, RSTART+5, RLENGTH-6); print cls "#" m; want=0}' "$f"
  done | grep -E "$filter")
if [ ${#targets[@]} -eq 0 ]; then
  echo "no @FuzzTest methods match '$filter'" >&2
  exit 2
fi

echo "fuzz campaign: ${#targets[@]} methods x ${seconds} s, $(nproc) CPUs, $(java -version 2>&1 | head -1)"
mvn -B -o -q test-compile || { echo "test-compile failed" >&2; exit 2; }

findings_in() { # crash files in a seed directory, one per line
  find "$1" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' -o -name 'slow-unit-*' \) 2>/dev/null | sort
}

printf '%-58s %11s %8s %6s %6s %7s  %s\n' "fuzz test" "executions" "exec/s" "cov" "ft" "corpus" "findings"
echo "| fuzz test | budget | executions | exec/s | cov | ft | corpus | findings |" > "$out/summary.md"
echo "|---|---|---|---|---|---|---|---|" >> "$out/summary.md"
total_runs=0
bad=0
for t in "${targets[@]}"; do
  cls=${t%#*}
  method=${t#*#}
  seeds="src/test/resources/$(echo "${cls%.*}" | tr . /)/${cls##*.}Inputs/$method"
  before=$(findings_in "$seeds")
  log="$out/$t.log"
  start=$(date +%s)
  JAZZER_FUZZ=1 mvn -B -o surefire:test -Dtest="$t" -Dsurefire.failIfNoSpecifiedTests=false \
    -Djazzer.internal.arg.0=fake_argv0 -Djazzer.internal.arg.1=-max_total_time="$seconds" > "$log" 2>&1
  status=$?
  wall=$(( $(date +%s) - start ))
  # the last libFuzzer status line: "#RUNS <event> cov: C ft: F corp: N/SIZE ... exec/s: E ..."
  stats=$(grep -aE '^#[0-9]+[[:space:]]+(INITED|NEW|REDUCE|pulse|DONE|RELOAD)' "$log" | tail -1)
  runs=$(echo "$stats" | sed -nE 's/^#([0-9]+).*/\1/p')
  done_runs=$(sed -nE 's/^Done ([0-9]+) runs in ([0-9]+) second.*/\1/p' "$log" | tail -1)
  [ -n "$done_runs" ] && runs=$done_runs
  cov=$(echo "$stats" | sed -nE 's/.* cov: ([0-9]+).*/\1/p')
  ft=$(echo "$stats" | sed -nE 's/.* ft: ([0-9]+).*/\1/p')
  corp=$(echo "$stats" | sed -nE 's/.* corp: ([0-9]+)\/.*/\1/p')
  eps=$(echo "$stats" | sed -nE 's/.* exec\/s: ([0-9]+).*/\1/p')
  new=$(comm -13 <(echo "$before") <(findings_in "$seeds") | sed '/^$/d')
  finding=""
  if [ -n "$new" ]; then
    finding="$(echo "$new" | xargs -n1 basename | tr '\n' ' ')"
  fi
  if grep -aq 'FuzzTestFindingException' "$log"; then
    what=$(grep -aE 'FuzzTestFindingException: ' "$log" | head -1 | sed -E 's/.*FuzzTestFindingException: //' | cut -c1-120)
    finding="${finding}${what}"
  fi
  if [ -z "$runs" ] || { [ $status -ne 0 ] && [ -z "$finding" ]; }; then
    finding="${finding}DID NOT RUN (mvn exit $status, see $log)"
  fi
  [ -n "$finding" ] && bad=$((bad + 1))
  total_runs=$((total_runs + ${runs:-0}))
  printf '%-58s %11s %8s %6s %6s %7s  %s\n' "$t" "${runs:--}" "${eps:--}" "${cov:--}" "${ft:--}" "${corp:--}" \
    "${finding:-none} (${wall} s wall)"
  echo "| \`$t\` | ${seconds} s | ${runs:--} | ${eps:--} | ${cov:--} | ${ft:--} | ${corp:--} | ${finding:-none} |" >> "$out/summary.md"
done
echo "summary: ${#targets[@]} methods, ${seconds} s each, ${total_runs} executions in all, $bad with findings or not run;" \
  "started $started, ended $(date -u +%Y-%m-%dT%H:%MZ); logs and summary.md in ${out#$root/}"
[ $bad -eq 0 ]
