#!/usr/bin/env bash
# Compose benchmark: times the compose-only check against a bare compose-go
# LoadProject loop over the same generated projects, in the same run, and
# prints the ratio. Usage: bench/compose.sh [apps] (default 40 apps = 165
# compose files with the 5 shared bases).
#
# Timed as whole processes (best wall time of 7 runs each):
#   bare      bench/compose/bare: LoadProject for every project in projects.txt
#   front end bench/compose/check: walk + compose.Check (discovery, compose-go,
#             yaml.v3 positions, rules)
#   dockguard dockguard check --only compose, when the CLI has compose wired
set -euo pipefail
cd "$(dirname "$0")/.."
apps=${1:-40}
out=bench/_out/compose
tree=$out/tree-$apps
mkdir -p "$out"
go build -o "$out/bare" ./bench/compose/bare
go build -o "$out/check" ./bench/compose/check
go build -o "$out/dockguard" ./cmd/dockguard 2>/dev/null || rm -f "$out/dockguard"
if [ ! -f "$tree/projects.txt" ]; then
  rm -rf "$tree"
  go run ./bench/compose/gen -out "$tree" -apps "$apps"
fi
nfiles=$(find "$tree" -name '*compose*.y*ml' | wc -l)
nproj=$(wc -l <"$tree/projects.txt")
echo "tree: $nfiles compose files, $nproj projects; $(nproc) CPUs; $(go version | awk '{print $3}')"
cat $(find "$tree" -type f) >/dev/null

best() { # best wall time of 7 runs, in seconds
  local best=999999 s e t
  for _ in 1 2 3 4 5 6 7; do
    s=$(date +%s.%N)
    "$@" >/dev/null 2>&1 || true
    e=$(date +%s.%N)
    t=$(awk -v s="$s" -v e="$e" 'BEGIN{printf "%.3f", e-s}')
    best=$(awk -v a="$best" -v b="$t" 'BEGIN{print (b<a)?b:a}')
  done
  echo "$best"
}
"$out/bare" -tree "$tree" # fails loudly if a generated project does not load
bare_t=$(best "$out/bare" -tree "$tree")
fe_t=$(best "$out/check" -tree "$tree")
fe1_t=$(GOMAXPROCS=1 best "$out/check" -tree "$tree")
"$out/check" -tree "$tree"
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.2f", a/b}'; }
printf 'bare compose-go LoadProject loop:   %ss\n' "$bare_t"
printf 'compose front end (all CPUs):        %ss  ratio %sx (target <= 1.3x, < 1 s)\n' "$fe_t" "$(ratio "$fe_t" "$bare_t")"
printf 'compose front end (GOMAXPROCS=1):    %ss  ratio %sx\n' "$fe1_t" "$(ratio "$fe1_t" "$bare_t")"
if [ -x "$out/dockguard" ]; then
  n=$("$out/dockguard" check --only compose --fail-on none --format json "$tree" 2>/dev/null | grep -c '"rule": *"DG2' || true)
  if [ "${n:-0}" -gt 0 ]; then
    dg_t=$(best "$out/dockguard" check --only compose --fail-on none "$tree")
    printf 'dockguard check --only compose:      %ss  ratio %sx (%s compose findings)\n' "$dg_t" "$(ratio "$dg_t" "$bare_t")" "$n"
  else
    echo "dockguard check --only compose: compose front end not wired into the CLI yet; skipped"
  fi
fi
echo "Go benchmarks (same process, same tree; ns/op):"
go test ./compose -run '^$' -bench 'BenchmarkCheck|BenchmarkBareLoad' -benchtime 5x | grep '^Benchmark'
