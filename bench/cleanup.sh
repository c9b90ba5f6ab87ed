#!/usr/bin/env bash
# Benchmark of `dockguard cleanup --apply` on N exited containers, beside
# `docker container prune -f` on the same set (the unpaced, unsafe
# reference), on a private dockerd this script starts and stops itself.
#
# Usage: sudo bench/cleanup.sh [CONTAINERS]   (default 100)
#
# It times, in the same run, each on a freshly staged set of N exited
# containers:
#   - dockguard cleanup --containers --older-than 0s --apply --yes
#     (default pacing: 0.5 s between write starts, so the floor is
#     (N-1) x 0.5 s);
#   - the same with --interval 0;
#   - docker container prune -f.
# It also counts the API calls of a dry run and of `dockguard verify
# --no-usage` on the same set: the dry run must cost what verify costs.
# The daemon runs with --debug and its own log counts the API calls.
# Needs root, dockerd (apt-get install docker.io) and Go.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100}
out=bench/_out/cleanup
mkdir -p "$out"

[ "$(id -u)" = 0 ] || { echo "bench/cleanup.sh: run as root (it starts a private dockerd)" >&2; exit 2; }
command -v dockerd >/dev/null || { echo "bench/cleanup.sh: dockerd is needed: apt-get install docker.io" >&2; exit 2; }

go build -o "$out/dockguard" ./cmd/dockguard
(cd internal/testdaemon/helper && CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o "$OLDPWD/$out/helper" .)

# The private daemon: nothing here ever talks to another one.
# shellcheck source=bench/privatedockerd.sh
. bench/privatedockerd.sh
docker version >/dev/null

tar -C "$out" -cf "$out/helper.tar" helper
docker import --change 'ENTRYPOINT ["/helper"]' "$out/helper.tar" dgbench:latest >/dev/null

calls() { tail -n "+$(( $1 + 1 ))" "$dir/dockerd.log" | grep -c 'Calling \(GET\|HEAD\|POST\|DELETE\|PUT\)' || true; }
lines() { wc -l <"$dir/dockerd.log"; }
now() { date +%s.%N; }

# stage: N containers that ran and exited.
stage() {
  for i in $(seq "$n"); do docker run -d --network none --name "x$i" dgbench:latest exit 0 >/dev/null; done
  while [ "$(docker ps -aq --filter status=exited | wc -l)" -lt "$n" ]; do sleep 0.2; done
}
left() { docker ps -aq | wc -l; }

echo "staging $n exited containers ..."
stage
l0=$(lines)
"$out/dockguard" verify --no-usage --format json --progress never --fail-on none >/dev/null
verify_calls=$(calls "$l0")
l0=$(lines)
"$out/dockguard" cleanup --containers --older-than 0s --format json --progress never >"$out/dry.json" || true
dry_calls=$(calls "$l0")

l0=$(lines); t0=$(now)
"$out/dockguard" cleanup --containers --older-than 0s --apply --yes --format json --progress never >"$out/paced.json"
t1=$(now)
paced_t=$(echo "$t1 - $t0" | bc); paced_calls=$(calls "$l0"); paced_left=$(left)

echo "staging again ..."
stage
l0=$(lines); t0=$(now)
"$out/dockguard" cleanup --containers --older-than 0s --apply --yes --interval 0 --format json --progress never >"$out/unpaced.json"
t1=$(now)
free_t=$(echo "$t1 - $t0" | bc); free_calls=$(calls "$l0"); free_left=$(left)

echo "staging again ..."
stage
l0=$(lines); t0=$(now)
docker container prune -f >/dev/null
t1=$(now)
prune_t=$(echo "$t1 - $t0" | bc); prune_calls=$(calls "$l0"); prune_left=$(left)

floor=$(echo "($n - 1) * 0.5" | bc)
ver=$(docker version --format '{{.Server.Version}} (API {{.Server.APIVersion}})')
{
  echo "# dockguard cleanup benchmark"
  echo
  echo "$n exited containers on a private dockerd $ver, $(nproc) CPUs; $(date -u +%Y-%m-%d)."
  echo
  echo "| Run | Wall time | API calls | Containers left |"
  echo "|---|---:|---:|---:|"
  printf '| `dockguard cleanup --apply` (interval 0.5 s; floor %.1f s) | %.2f s | %s | %s |\n' "$floor" "$paced_t" "$paced_calls" "$paced_left"
  printf '| `dockguard cleanup --apply --interval 0` | %.2f s | %s | %s |\n' "$free_t" "$free_calls" "$free_left"
  printf '| `docker container prune -f` | %.2f s | %s | %s |\n' "$prune_t" "$prune_calls" "$prune_left"
  echo
  printf -- '- paced run / floor: %sx (target <= 1.1x)\n' "$(echo "scale=3; $paced_t / $floor" | bc)"
  printf -- '- --interval 0 / docker container prune -f: %sx (target <= 2x)\n' "$(echo "scale=2; $free_t / $prune_t" | bc)"
  printf -- '- API calls of a dry run: %s; of `dockguard verify --no-usage`: %s\n' "$dry_calls" "$verify_calls"
} | tee "$out/results.md"
