#!/usr/bin/env bash
# Times `dockguard check --fix` against `dockguard check` on the synthetic
# tree of bench/run.sh, in the same run, and prints the ratio. Each run gets
# a fresh copy of the tree (the copy is not timed), so --fix always has
# every fixable finding to fix; --fix-label lets DG105 be fixed too.
# Usage: bench/fix.sh [files] [MB] [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
files=${1:-15000}
mb=${2:-150}
runs=${3:-3}
out=bench/_out
tree=$out/tree
work=$out/fixtree
mkdir -p "$out"
[ -x /usr/bin/time ] || { echo "GNU time is needed: apt-get install time" >&2; exit 2; }
go build -o "$out/dockguard" ./cmd/dockguard
if [ ! -f "$tree/.complete-$files-$mb" ]; then
  rm -rf "$tree"
  go run ./bench/gentree -out "$tree" -files "$files" -mb "$mb"
  touch "$tree/.complete-$files-$mb"
fi
echo "tree: $(find "$tree" -type f | wc -l) files, $(find "$tree" -type f -printf "%s\n" | awk '{s+=$1} END {printf "%d", s/1e6}') MB; $(nproc) CPUs"

fresh() { rm -rf "$work"; cp -a "$tree" "$work"; cat $(find "$work" -type f) >/dev/null 2>&1 || true; }
timed() { # wall time of one run on a fresh copy, in seconds
  fresh
  /usr/bin/time -o "$out/time.txt" -f %e "$@" >/dev/null 2>"$out/stderr.txt" || true
  tail -1 "$out/time.txt"
}
best_check=999999 best_fix=999999
for _ in $(seq "$runs"); do
  t=$(timed "$out/dockguard" check --no-config --fail-on none "$work")
  best_check=$(awk -v a="$best_check" -v b="$t" 'BEGIN{print (b<a)?b:a}')
  t=$(timed "$out/dockguard" check --no-config --fail-on none --fix --fix-label bench=1 "$work")
  best_fix=$(awk -v a="$best_fix" -v b="$t" 'BEGIN{print (b<a)?b:a}')
done
fixed=$(grep -o 'fixed [0-9]* findings in [0-9]* files' "$out/stderr.txt" || echo "fixed ? findings")
left=$(tail -1 "$out/stderr.txt")
fresh
before=$("$out/dockguard" check --no-config --fail-on none --format json "$work" | grep -c '"rule"' || true)
printf 'dockguard check:        %ss (%s findings)\n' "$best_check" "$before"
printf 'dockguard check --fix:  %ss (%s; after: %s)\n' "$best_fix" "$fixed" "$left"
printf 'ratio:                  %.2fx (target <= 1.5x)\n' "$(awk -v a="$best_fix" -v b="$best_check" 'BEGIN{print a/b}')"
rm -rf "$work"
