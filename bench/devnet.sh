# Sourced by the bench scripts: starts a devnet of DEVNET_NODES nodes (default 5) in "$dir/devnet"
# (needs $root and $dir), waits until it is up and the last node's directory lists all of them,
# and stops it on exit.
# Defines `share_public PATH` and `share_encrypted PATH` (share PATH on node 2, publicly or
# encrypted as by default, and print its link), `share_rounds` (one file per round, below) and
# `api N ARGS…` (curl to node N's management API with its token, read from the cookie file the
# node writes at start, $dir/devnet/node-N/control.token). The nodes may share files and write
# downloads under "$dir" (--share-root/--download-root).
# Set before
# sourcing: `on_exit` (optional) runs first in the EXIT trap, e.g. to stop samplers.
if pgrep -f "shroud.jar node" > /dev/null; then
  echo "Shroud nodes are already running (another devnet or test?); stop them first." >&2
  exit 1
fi
# SHROUD_JAR picks another build (an A/B against an older commit); NODE_JAVA_OPTS reaches every
# node through JAVA_TOOL_OPTIONS (e.g. a profiler agent, or -D settings to try).
devnet_nodes=${DEVNET_NODES:-5}
JAVA_TOOL_OPTIONS="${NODE_JAVA_OPTS:-}" java -jar "${SHROUD_JAR:-$root/target/shroud.jar}" devnet --nodes "$devnet_nodes" \
  --dir "$dir/devnet" --share-root "$dir" --download-root "$dir" > "$dir/devnet.out" 2>&1 &
devnet=$!
stop_devnet() {
  # SIGTERM lets the devnet stop its nodes gracefully (each may take ~20 s to leave the
  # cluster); anything of this run still alive after 40 s is killed.
  kill -TERM $devnet 2>/dev/null || true
  for _ in $(seq 1 80); do pgrep -f "$dir/devnet" > /dev/null || break; sleep 0.5; done
  pkill -9 -f "$dir/devnet" 2>/dev/null || true
}
trap 'eval "${on_exit:-true}"; stop_devnet; rm -rf "$dir"' EXIT
for _ in $(seq 1 240); do grep -q "$devnet_nodes nodes up" "$dir/devnet.out" 2>/dev/null && break; sleep 0.5; done
grep -q "$devnet_nodes nodes up" "$dir/devnet.out" || { cat "$dir/devnet.out"; exit 1; }
# api N [curl options] PATH: a request to node N's /shroud/v1/PATH with its bearer token
api() {
  local n=$1; shift
  local path=${!#}
  curl -s -H "Authorization: Bearer $(cat "$dir/devnet/node-$n/control.token")" \
    -H 'Content-Type: application/json' "${@:1:$#-1}" "http://127.$n.0.1:8558/shroud/v1/$path"
}
for _ in $(seq 1 60); do
  [ "$(api "$devnet_nodes" directory | grep -o '"size": *[0-9]*' | tr -dc '0-9')" = "$devnet_nodes" ] && break
  sleep 0.5
done
share_public() {
  api 2 -X POST -d "{\"path\":\"$1\",\"public\":true}" shares \
    | grep -o '"link": *"[^"]*"' | cut -d'"' -f4
}
share_encrypted() {
  api 2 -X POST -d "{\"path\":\"$1\"}" shares \
    | grep -o '"link": *"[^"]*"' | cut -d'"' -f4
}
# share_rounds SIZE_MIB public|encrypted "HOPS HOPS ...": one fresh random file of SIZE_MIB per
# round, shared on node 2 as "$dir/fileN.bin", their links in the array `links` in round order;
# then one announce interval, so that the provider records are in the DHT.
share_rounds() {
  links=()
  local i=0 _
  for _ in $3; do
    i=$((i + 1))
    head -c $(($1 * 1048576)) /dev/urandom > "$dir/file$i.bin"
    links+=("$(share_$2 "$dir/file$i.bin")")
  done
  sleep 12
}
