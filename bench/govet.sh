#!/usr/bin/env bash
# Benchmark dockguard's Go analyzers under go vet, and dockguard check's Go
# front end, on real code that uses the Docker API.
#
#  1. go vet -vettool=dockguard and go vet -vettool=vettool-noop (the same
#     vet driver with no analyzers, cmd/vettool-noop) on every package of the
#     bench/govet module's build list: testcontainers-go, both Docker SDK
#     generations, fsouza/go-dockerclient, their dependencies and the
#     standard library (several hundred packages). Each run gets a GOCACHE of
#     its own, because vet caches results:
#       cold:   an empty GOCACHE (compilation of every dependency included);
#       seeded: a copy of a GOCACHE that already holds the compiled packages
#               but no vet results, so the runs time vet itself.
#     Seeded runs go noop, dockguard, dockguard, noop; cold runs (minutes
#     each) go noop, dockguard unless COLD_ORDER says otherwise. The ratio
#     compares sums.
#  2. dockguard check on a copy of testcontainers-go's source, with an empty
#     GOCACHE (cold) and then again with the same cache (warm).
#
# Usage: bench/govet.sh [--write]   (--write also updates bench/govet-results.md)
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
write=false
[ "${1:-}" = "--write" ] && write=true

work=$(mktemp -d -t dockguard-govet.XXXXXX)
cleanup() { chmod -R u+w "$work" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
log() { printf 'govet.sh: %s\n' "$*" >&2; }

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

log "building dockguard and vettool-noop"
(cd "$repo" && go build -o "$work/bin/dockguard" ./cmd/dockguard && go build -o "$work/bin/vettool-noop" ./cmd/vettool-noop)

mod="$repo/bench/govet"
(cd "$mod" && go mod download)
mapfile -t pkgs < <(cd "$mod" && go list -deps .)
npkgs=${#pkgs[@]}
nstd=$(cd "$mod" && go list -deps -f '{{if .Standard}}x{{end}}' . | grep -c x || true)
log "$npkgs packages ($((npkgs - nstd)) outside the standard library)"

# vet TOOL CACHE: time one go vet run; prints "wall cpu" in seconds, cpu
# being user+system time of go vet and every process it ran (less sensitive
# than wall time to other load on the machine). Diagnostics make go vet exit
# 1, which is expected for dockguard.
vet() {
  local tool=$1 cache=$2 status
  set +e
  (cd "$mod" && GOCACHE="$cache" GOFLAGS=-mod=mod /usr/bin/time -f '%e %U %S' -o "$work/time" \
    go vet -vettool="$tool" "${pkgs[@]}") >"$work/vet.out" 2>&1
  status=$?
  set -e
  if [ "$status" -gt 1 ]; then
    log "go vet -vettool=$(basename "$tool") failed with status $status:"
    tail -20 "$work/vet.out" >&2
    exit 1
  fi
  if [ "$(basename "$tool")" = dockguard ]; then
    grep -c '(DG[0-9]\{3\})$' "$work/vet.out" >"$work/findings" || echo 0 >"$work/findings"
  fi
  tail -n 1 "$work/time" | awk '{ printf "%.2f %.2f\n", $1, $2 + $3 }'
}

fresh() { mktemp -d "$work/cache.XXXXXX"; }

seed=$(fresh)
log "seeding a build cache (compiled packages, no vet results)"
(cd "$mod" && GOCACHE="$seed" GOFLAGS=-mod=mod go build "${pkgs[@]}" >/dev/null 2>&1)
seeded() { local c; c=$(fresh); cp -a "$seed/." "$c/"; echo "$c"; }

declare -A sum cpu
for mode in cold seeded; do
  sum[$mode,noop]=0
  sum[$mode,dockguard]=0
  cpu[$mode,noop]=0
  cpu[$mode,dockguard]=0
  order="vettool-noop dockguard dockguard vettool-noop"
  [ "$mode" = cold ] && order=${COLD_ORDER:-"vettool-noop dockguard"}
  for tool in $order; do
    if [ "$mode" = cold ]; then cache=$(fresh); else cache=$(seeded); fi
    read -r t c < <(vet "$work/bin/$tool" "$cache")
    key=${tool#vettool-}
    sum[$mode,$key]=$(awk -v a="${sum[$mode,$key]}" -v b="$t" 'BEGIN { printf "%.2f", a + b }')
    cpu[$mode,$key]=$(awk -v a="${cpu[$mode,$key]}" -v b="$c" 'BEGIN { printf "%.2f", a + b }')
    log "$mode $tool: ${t}s wall, ${c}s cpu"
    chmod -R u+w "$cache"; rm -rf "$cache"
  done
done
findings=$(cat "$work/findings")
ratio() { awk -v a="${sum[$1,dockguard]}" -v b="${sum[$1,noop]}" 'BEGIN { printf "%.3f", a / b }'; }
cpuratio() { awk -v a="${cpu[$1,dockguard]}" -v b="${cpu[$1,noop]}" 'BEGIN { printf "%.3f", a / b }'; }
declare -A runs
runs[cold]=$(wc -w <<<"${COLD_ORDER:-vettool-noop dockguard}")
runs[seeded]=4
mean() { awk -v a="$1" -v n="$2" 'BEGIN { printf "%.2f", a / (n / 2) }'; }

# dockguard check on testcontainers-go's source.
tcdir=$(cd "$mod" && go list -m -f '{{.Dir}}' github.com/testcontainers/testcontainers-go)
tcver=$(cd "$mod" && go list -m -f '{{.Version}}' github.com/testcontainers/testcontainers-go)
cp -R "$tcdir" "$work/tc"
chmod -R u+w "$work/tc"
(cd "$work/tc" && go mod download)
ngo=$(find "$work/tc" -name '*.go' | wc -l)
checkcache=$(fresh)
check() {
  local t0 t1 status
  t0=$(now)
  set +e
  (cd "$work/tc" && GOCACHE="$checkcache" "$work/bin/dockguard" check --format json . >"$work/check.json" 2>"$work/check.err")
  status=$?
  set -e
  t1=$(now)
  if [ "$status" -gt 1 ]; then
    log "dockguard check failed with status $status:"
    tail -20 "$work/check.err" >&2
  fi
  elapsed "$t0" "$t1"
}
cold=$(check)
log "dockguard check cold: ${cold}s"
warm=$(check)
log "dockguard check warm: ${warm}s"
checkfindings=$(grep -o '"rule": *"DG[0-9]*"' "$work/check.json" | wc -l)

report=$(cat <<MD
# go vet and dockguard check benchmark

Produced by \`bench/govet.sh\` on $(date -u +%Y-%m-%d) ($(go env GOVERSION), $(nproc) CPUs, $(uname -m)).

## go vet -vettool

Module: \`bench/govet\`, whose build list holds testcontainers-go $tcver,
github.com/docker/docker v28.5.2+incompatible, github.com/moby/moby/client
v0.6.2 and github.com/fsouza/go-dockerclient v1.13.3. Every package of
\`go list -deps\` is vetted: $npkgs packages, $((npkgs - nstd)) of them
outside the standard library. dockguard reported $findings diagnostics.

Each run had a GOCACHE of its own. Cold runs: one of each tool (order
\`${COLD_ORDER:-vettool-noop dockguard}\`, set COLD_ORDER to repeat); seeded
runs: the mean of two of each (order no-op, dockguard, dockguard, no-op).

| cache | vettool-noop wall | dockguard wall | wall ratio | vettool-noop CPU | dockguard CPU | CPU ratio |
|---|---|---|---|---|---|---|
| cold (empty GOCACHE) | $(mean "${sum[cold,noop]}" "${runs[cold]}") s | $(mean "${sum[cold,dockguard]}" "${runs[cold]}") s | $(ratio cold)× | $(mean "${cpu[cold,noop]}" "${runs[cold]}") s | $(mean "${cpu[cold,dockguard]}" "${runs[cold]}") s | $(cpuratio cold)× |
| seeded (compiled packages, no vet results) | $(mean "${sum[seeded,noop]}" 4) s | $(mean "${sum[seeded,dockguard]}" 4) s | $(ratio seeded)× | $(mean "${cpu[seeded,noop]}" 4) s | $(mean "${cpu[seeded,dockguard]}" 4) s | $(cpuratio seeded)× |

Target: ≤ 1.15×. CPU is user+system time of go vet and all the processes it
ran; it is the steadier figure on a machine with other load. The machine
was shared with other work during the run (load average $(cut -d' ' -f1-3 /proc/loadavg) at the end).

## dockguard check

The source of testcontainers-go $tcver ($ngo Go files), checked with
\`dockguard check --format json .\`: $checkfindings findings.

| run | time |
|---|---|
| cold (empty GOCACHE) | ${cold} s |
| warm (same GOCACHE again) | ${warm} s |
MD
)
printf '%s\n' "$report"
if $write; then
  printf '%s\n' "$report" >"$repo/bench/govet-results.md"
  log "wrote bench/govet-results.md"
fi
