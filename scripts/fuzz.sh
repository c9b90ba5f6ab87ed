#!/usr/bin/env bash
# Runs every Fuzz target in the module for a short time each.
# Usage: scripts/fuzz.sh [duration]   (default 20s per target)
# The minimizer gets 5 s per crasher: its default (60 s) can eat a short budget.
set -euo pipefail
cd "$(dirname "$0")/.."
t=${1:-20s}
grep -rl --include='*_test.go' -E '^func Fuzz[A-Za-z0-9_]*\(f \*testing\.F\)' . | grep -v '/testdata/' | while read -r file; do
  pkg=./$(dirname "${file#./}")
  for fn in $(grep -oE '^func Fuzz[A-Za-z0-9_]*' "$file" | sed 's/^func //'); do
    echo "== $pkg $fn ($t)"
    go test -run '^$' -fuzz "^${fn}\$" -fuzztime "$t" -fuzzminimizetime=5s "$pkg"
  done
done
