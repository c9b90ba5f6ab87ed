#!/usr/bin/env bash
# Times `dockguard check` against `rg -l docker` on the same synthetic tree in
# the same run, and prints the ratio and dockguard's peak RSS.
# Usage: bench/run.sh [files] [MB]
set -euo pipefail
cd "$(dirname "$0")/.."
files=${1:-15000}
mb=${2:-150}
out=bench/_out
tree=$out/tree
mkdir -p "$out"
command -v rg >/dev/null || { echo "ripgrep is needed: apt-get install ripgrep" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "GNU time is needed: apt-get install time" >&2; exit 2; }
go build -o "$out/dockguard" ./cmd/dockguard
if [ ! -f "$tree/.complete-$files-$mb" ]; then
  rm -rf "$tree"
  go run ./bench/gentree -out "$tree" -files "$files" -mb "$mb"
  touch "$tree/.complete-$files-$mb"
fi
echo "tree: $(find "$tree" -type f | wc -l) files, $(find "$tree" -type f -printf "%s\n" | awk '{s+=$1} END {printf "%d", s/1e6}') MB; $(nproc) CPUs"

# Warm the page cache for both tools alike.
cat $(find "$tree" -type f) >/dev/null 2>&1 || true

best() { # best wall time of 5 runs, in seconds
  local best=999999 t
  for _ in 1 2 3 4 5; do
    /usr/bin/time -o "$out/time.txt" -f %e "$@" >/dev/null 2>&1 || true
    t=$(tail -1 "$out/time.txt")
    best=$(awk -v a="$best" -v b="$t" 'BEGIN{print (b<a)?b:a}')
  done
  echo "$best"
}
rg_t=$(best rg -l docker "$tree")
dg_t=$(best "$out/dockguard" check --fail-on none "$tree")
/usr/bin/time -o "$out/time.txt" -v "$out/dockguard" check --fail-on none "$tree" >/dev/null 2>&1 || true
rss=$(awk -F: '/Maximum resident/ {gsub(/ /,"",$2); print $2}' "$out/time.txt")
findings=$("$out/dockguard" check --fail-on none --format json "$tree" | grep -c '"rule"' || true)
printf 'rg -l docker:     %ss\n' "$rg_t"
printf 'dockguard check:  %ss (%s findings)\n' "$dg_t" "$findings"
printf 'ratio:            %.2fx (target <= 4x)\n' "$(awk -v a="$dg_t" -v b="$rg_t" 'BEGIN{print a/b}')"
printf 'peak RSS:         %d MiB (target <= 150 MiB)\n' "$((rss / 1024))"
