#!/usr/bin/env bash
# Precision and recall of `check --go-mode=syntax` against the typed mode,
# taken as the truth, on Go modules: a finding is its file, line, column and
# rule. Usage: bench/gomode.sh MODULE_DIR...
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
go build -o "$out/dockguard" ./cmd/dockguard
keys() { # file:line:col rule, one per finding, from check's JSON
  python3 -c '
import json, sys
for f in json.load(sys.stdin)["findings"]:
    print("%s:%d:%d %s" % (f["file"], f["line"], f["column"], f["rule"]))' | sort -u
}
printf '%-40s %6s %6s %6s %9s %7s\n' module typed syntax both precision recall
for dir in "$@"; do
  (cd "$dir" && "$out/dockguard" check --no-cache --only go --fail-on none --format json . | keys >"$out/typed")
  (cd "$dir" && "$out/dockguard" check --no-cache --only go --go-mode syntax --fail-on none --format json . | keys >"$out/syntax")
  t=$(wc -l <"$out/typed"); s=$(wc -l <"$out/syntax"); b=$(comm -12 "$out/typed" "$out/syntax" | wc -l)
  printf '%-40s %6d %6d %6d %8.1f%% %6.1f%%\n' "$(basename "$dir")" "$t" "$s" "$b" \
    "$(awk -v b="$b" -v s="$s" 'BEGIN{print s ? 100*b/s : 100}')" "$(awk -v b="$b" -v t="$t" 'BEGIN{print t ? 100*b/t : 100}')"
  comm -3 "$out/typed" "$out/syntax" | sed 's/^\t/  syntax only: /; t; s/^/  typed only:  /' | head -"${DIFFS:-20}"
done
