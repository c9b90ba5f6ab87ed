#!/usr/bin/env bash
# Benchmark of `dockguard verify` against the docker-bench-security way of
# reading a daemon (one `docker inspect` per container per check), on a
# private dockerd with N small containers, half of them with a memory limit.
#
# Usage: sudo bench/verify.sh [CONTAINERS] [CHECKS]   (defaults 100 and 31)
#
# CHECKS is the number of per-container checks of the baseline; 31 is the
# size of docker-bench-security's container-runtime section. The daemon is
# started privately (data-root, exec-root, pidfile and socket in a temporary
# folder, no bridge, no iptables), runs with --debug so that its own log
# counts the API calls each side makes, and is stopped by PID at the end.
# Needs root, dockerd (apt-get install docker.io) and Go.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100}
checks=${2:-31}
out=bench/_out/verify
mkdir -p "$out"

[ "$(id -u)" = 0 ] || { echo "bench/verify.sh: run as root (it starts a private dockerd)" >&2; exit 2; }
command -v dockerd >/dev/null || { echo "bench/verify.sh: dockerd is needed: apt-get install docker.io" >&2; exit 2; }

go build -o "$out/dockguard" ./cmd/dockguard
(cd internal/testdaemon/helper && CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o "$OLDPWD/$out/helper" .)

# shellcheck source=bench/privatedockerd.sh
. bench/privatedockerd.sh

tar -C "$out" -cf "$out/helper.tar" helper
docker import --change 'ENTRYPOINT ["/helper"]' "$out/helper.tar" dgbench:latest >/dev/null
echo "starting $n containers (half with --memory 32m) ..."
for i in $(seq "$n"); do
  if [ $((i % 2)) = 0 ]; then lim=(--memory 32m); else lim=(); fi
  docker run -d --network none --name "c$i" "${lim[@]}" dgbench:latest sleep >/dev/null
done

# calls: API requests the daemon logged since line $1 of its log.
calls() { tail -n "+$(( $1 + 1 ))" "$dir/dockerd.log" | grep -c 'Calling \(GET\|HEAD\|POST\|DELETE\|PUT\)' || true; }
lines() { wc -l <"$dir/dockerd.log"; }
now() { date +%s.%N; }

# dockguard verify with default options, three runs; the median is reported.
times=()
for r in 1 2 3; do
  sleep 2 # let the daemon's stats collector go idle, as it is between runs in real use
  l0=$(lines); t0=$(now)
  "$out/dockguard" verify --format json --progress never --fail-on none >"$out/verify.json"
  t1=$(now)
  times+=("$(echo "$t1 - $t0" | bc)")
  dg_calls=$(calls "$l0")
done
dg_t=$(printf '%s\n' "${times[@]}" | sort -n | sed -n 2p)
budget=$(grep -m1 '"apiCallBudget"' "$out/verify.json" | tr -dc 0-9)
cgroup=$(grep -m1 '"cgroupReads"' "$out/verify.json" | tr -dc 0-9 || true)
stats=$(grep -m1 '"containers/stats"' "$out/verify.json" | tr -dc 0-9 || true)

# Usage through the API only (one-shot stats for the unlimited containers),
# as when dockguard does not run on the daemon's host.
sleep 2
l0=$(lines); t0=$(now)
"$out/dockguard" verify --format json --progress never --fail-on none --usage-source api >/dev/null
t1=$(now)
api_t=$(echo "$t1 - $t0" | bc); api_calls=$(calls "$l0")

# Without usage samples (--no-usage), then also without /system/df.
sleep 2
l0=$(lines); t0=$(now)
"$out/dockguard" verify --format json --progress never --fail-on none --no-usage >/dev/null
t1=$(now)
nousage_t=$(echo "$t1 - $t0" | bc); nousage_calls=$(calls "$l0")
l0=$(lines); t0=$(now)
"$out/dockguard" verify --format json --progress never --fail-on none --no-usage --no-disk-usage >/dev/null
t1=$(now)
fast_t=$(echo "$t1 - $t0" | bc); fast_calls=$(calls "$l0")

# Baseline: docker-bench-security style, one `docker inspect` per container
# per check, CHECKS checks in turn (the field read varies with the check).
# docker-bench-security runs whichever docker CLI the host has; the time of
# one inspect depends a lot on the CLI's version, so every distinct docker CLI
# on PATH is timed (here often Debian's docker.io 20.10 CLI and a newer one).
fields=('{{.HostConfig.Memory}}' '{{.State.OOMKilled}}' '{{.RestartCount}}' '{{.State.FinishedAt}}'
  '{{.HostConfig.Privileged}}' '{{.HostConfig.PidsLimit}}' '{{.HostConfig.CpuShares}}' '{{.HostConfig.ReadonlyRootfs}}'
  '{{.HostConfig.NetworkMode}}' '{{.AppArmorProfile}}' '{{.HostConfig.SecurityOpt}}' '{{.Mounts}}')
ids=$(docker ps -aq)
base_rows=()
ratios=()
for cli in $(type -ap docker | xargs -n1 readlink -f | awk '!seen[$0]++'); do
  cliver=$("$cli" version --format '{{.Client.Version}}' 2>/dev/null || echo unknown)
  l0=$(lines); t0=$(now)
  for c in $(seq "$checks"); do
    f=${fields[$(( (c - 1) % ${#fields[@]} ))]}
    for id in $ids; do "$cli" inspect --format "$f" "$id" >/dev/null; done
  done
  t1=$(now)
  base_t=$(echo "$t1 - $t0" | bc); base_calls=$(calls "$l0")
  base_rows+=("$(printf '| one `docker inspect` per container per check, %s checks, docker CLI %s | %.2f s | %s |' "$checks" "$cliver" "$base_t" "$base_calls")")
  ratios+=("docker CLI $cliver: $(echo "scale=1; $base_t / $dg_t" | bc)x with defaults, $(echo "scale=1; $base_t / $nousage_t" | bc)x with --no-usage")
done

ver=$(docker version --format '{{.Server.Version}} (API {{.Server.APIVersion}})')
{
  echo "# dockguard verify benchmark"
  echo
  echo "$n containers (half limited) on a private dockerd $ver, $(nproc) CPUs; $(date -u +%Y-%m-%d)."
  echo
  echo "| Run | Wall time | API calls |"
  echo "|---|---:|---:|"
  printf '| `dockguard verify` (defaults; median of 3) | %.2f s | %s (budget %s; %s stats, %s cgroup reads) |\n' "$dg_t" "$dg_calls" "$budget" "${stats:-0}" "${cgroup:-0}"
  printf '| `dockguard verify --usage-source api` | %.2f s | %s |\n' "$api_t" "$api_calls"
  printf '| `dockguard verify --no-usage` | %.2f s | %s |\n' "$nousage_t" "$nousage_calls"
  printf '| `dockguard verify --no-usage --no-disk-usage` | %.2f s | %s |\n' "$fast_t" "$fast_calls"
  printf '%s\n' "${base_rows[@]}"
  echo
  echo "Speed-up against the baseline run with each CLI:"
  printf -- '- %s\n' "${ratios[@]}"
} | tee "$out/results.md"
