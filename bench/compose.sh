#!/usr/bin/env bash
# Compose benchmark: times the compose-only check against a bare compose-go
# LoadProject loop over the same generated projects, in the same run, and
# prints the ratios. Usage: bench/compose.sh [apps] (default 40 apps: 160
# compose files plus 5 shared bases they extend = 165 files, 80 projects).
# RUNS=N sets the repetitions (default 7). BASE=REV (for example main)
# also times the front end as of that git revision, in the same run, to
# show a change's gain; the front end is always timed a second time built
# against a copy of compose-go whose tree.Path.Matches does not allocate
# (the upstream proposal in bench/compose-go-proposal.md), to measure what
# that change would give.
#
# Timed as whole processes, best of RUNS for wall time and for CPU time
# (user+sys; the steadier figure on a shared machine):
#   bare       bench/compose/bare: LoadProject for every project in projects.txt
#   front end  bench/compose/check: walk + compose.Check (discovery, compose-go,
#              yaml.v3 positions, rules)
#   dockguard  dockguard check --only compose, once the CLI has compose wired
set -euo pipefail
cd "$(dirname "$0")/.."
apps=${1:-40}
runs=${RUNS:-7}
out=bench/_out/compose
tree=$out/tree-$apps
mkdir -p "$out"
[ -x /usr/bin/time ] || { echo "GNU time is needed: apt-get install time" >&2; exit 2; }
go build -o "$out/bare" ./bench/compose/bare
go build -o "$out/check" ./bench/compose/check
go build -o "$out/dockguard" ./cmd/dockguard 2>/dev/null || rm -f "$out/dockguard"
tmp=$(mktemp -d)
trap 'chmod -R u+w "$tmp"; rm -rf "$tmp"' EXIT
if [ -n "${BASE:-}" ]; then
  mkdir "$tmp/base"
  git archive "$BASE" | tar -x -C "$tmp/base"
  (cd "$tmp/base" && go build -o "$OLDPWD/$out/check-base" ./bench/compose/check)
fi
# The proposal's Matches, built into a copy of the compose-go module that
# go.mod pins (the module cache itself is read-only and left alone).
cgv=$(go list -m -f '{{.Version}}' github.com/compose-spec/compose-go/v2)
cp -r "$(go list -m -f '{{.Dir}}' github.com/compose-spec/compose-go/v2)" "$tmp/compose-go"
chmod -R u+w "$tmp/compose-go"
sed -i 's/^func (p Path) Matches(pattern Path) bool {/func (p Path) matchesBySplit(pattern Path) bool {/' "$tmp/compose-go/tree/path.go"
cat >"$tmp/compose-go/tree/matches_proposal.go" <<'GO'
package tree

import "strings"

// Matches walks both paths part by part without splitting them.
func (p Path) Matches(pattern Path) bool {
	ps, qs := string(p), string(pattern)
	for {
		i, j := strings.Index(ps, pathSeparator), strings.Index(qs, pathSeparator)
		a, b := ps, qs
		if i >= 0 {
			a = ps[:i]
		}
		if j >= 0 {
			b = qs[:j]
		}
		if b != PathMatchAll && a != b {
			return false
		}
		if i < 0 || j < 0 {
			return i < 0 && j < 0
		}
		ps, qs = ps[i+len(pathSeparator):], qs[j+len(pathSeparator):]
	}
}
GO
cp go.mod "$tmp/go.patched.mod"
cp go.sum "$tmp/go.patched.sum"
go mod edit -modfile="$tmp/go.patched.mod" -replace "github.com/compose-spec/compose-go/v2@$cgv=$tmp/compose-go"
go build -modfile="$tmp/go.patched.mod" -o "$out/check-patched" ./bench/compose/check
if [ ! -f "$tree/projects.txt" ]; then
  rm -rf "$tree"
  go run ./bench/compose/gen -out "$tree" -apps "$apps"
fi
nfiles=$(find "$tree" -name '*compose*.y*ml' | wc -l)
nproj=$(wc -l <"$tree/projects.txt")
echo "tree: $nfiles compose files, $nproj projects; $(nproc) CPUs; $(go version | awk '{print $3}')"
cat $(find "$tree" -type f) >/dev/null
"$out/bare" -tree "$tree" # fails loudly if a generated project does not load
"$out/check" -tree "$tree"
# The variants must report exactly what the front end reports.
for v in check-patched ${BASE:+check-base}; do
  if cmp -s <(DG_BENCH_VERBOSE=1 "$out/check" -tree "$tree" 2>/dev/null) <(DG_BENCH_VERBOSE=1 "$out/$v" -tree "$tree" 2>/dev/null); then
    echo "$v: same findings"
  else
    echo "$v: FINDINGS DIFFER"
  fi
done

# measure CMD...: prints "WALL CPU", each the best of $runs runs.
measure() {
  local bw=999999 bc=999999 w u s c
  for _ in $(seq "$runs"); do
    /usr/bin/time -o "$out/time.txt" -f '%e %U %S' "$@" >/dev/null 2>&1 || true
    read -r w u s < <(tail -1 "$out/time.txt")
    c=$(awk -v u="$u" -v s="$s" 'BEGIN{printf "%.2f", u+s}')
    bw=$(awk -v a="$bw" -v b="$w" 'BEGIN{print (b<a)?b:a}')
    bc=$(awk -v a="$bc" -v b="$c" 'BEGIN{print (b<a)?b:a}')
  done
  echo "$bw $bc"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.2f", a/b}'; }
report() { # LABEL "WALL CPU" "BASE_WALL BASE_CPU"
  local w c bw bc
  read -r w c <<<"$2"
  read -r bw bc <<<"$3"
  printf '%-34s wall %6ss (%sx)   cpu %6ss (%sx)\n' "$1" "$w" "$(ratio "$w" "$bw")" "$c" "$(ratio "$c" "$bc")"
}
bare=$(measure "$out/bare" -tree "$tree")
fe=$(measure "$out/check" -tree "$tree")
fe1=$(GOMAXPROCS=1 measure "$out/check" -tree "$tree")
fep=$(measure "$out/check-patched" -tree "$tree")
echo "best of $runs runs; ratios against the bare loop (target <= 1.3x, < 1 s):"
report "bare compose-go LoadProject loop" "$bare" "$bare"
if [ -n "${BASE:-}" ]; then
  report "compose front end as of $BASE" "$(measure "$out/check-base" -tree "$tree")" "$bare"
fi
report "compose front end" "$fe" "$bare"
report "compose front end, GOMAXPROCS=1" "$fe1" "$bare"
report "front end, proposed Path.Matches" "$fep" "$bare"
if [ -x "$out/dockguard" ]; then
  n=$("$out/dockguard" check --only compose --fail-on none --format json "$tree" 2>/dev/null | grep -c '"rule": *"DG2' || true)
  if [ "${n:-0}" -gt 0 ]; then
    report "dockguard check --only compose" "$(measure "$out/dockguard" check --only compose --fail-on none "$tree")" "$bare"
  else
    echo "dockguard check --only compose: compose front end not wired into the CLI; skipped"
  fi
fi
echo "load average during the run: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "Go benchmarks (one process, same tree):"
go test ./compose -run '^$' -bench 'BenchmarkCheck|BenchmarkBareLoad' -benchtime 5x | grep '^Benchmark'
