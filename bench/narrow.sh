#!/usr/bin/env bash
# What the go-list relevance rule (gocheck/narrow.go) drops: on each module
# folder, the packages `check --only go` type-checks and the findings, with
# the rule and with every package that holds a prefiltered file
# (bench/gopkgs -all), with the wall time and peak RSS of each, and the
# findings only one of them reports. Usage: bench/narrow.sh MODULE_DIR...
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x /usr/bin/time ] || { echo "GNU time is needed: apt-get install time" >&2; exit 2; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
go build -o "$out/gopkgs" ./bench/gopkgs
for dir in "$@"; do
  echo "== $dir ($(uptime))"
  for mode in narrow all; do
    flag=""; [ "$mode" = all ] && flag=-all
    # shellcheck disable=SC2086
    (cd "$dir" && /usr/bin/time -o "$out/t" -f "%e %M" "$out/gopkgs" $flag -keys "$out/$mode.keys" . >"$out/$mode.dirs" 2>"$out/$mode.err") || { tail "$out/$mode.err"; exit 1; }
    read -r w m < <(tail -n 1 "$out/t")
    printf '%-7s %5d folders %5d findings %8.2f s wall %6d MiB\n' "$mode" "$(wc -l <"$out/$mode.dirs")" "$(wc -l <"$out/$mode.keys")" "$w" "$((m / 1024))"
  done
  if cmp -s "$out/narrow.keys" "$out/all.keys"; then
    echo "same findings"
  else
    echo "FINDINGS DIFFER:"
    comm -3 "$out/narrow.keys" "$out/all.keys" | sed 's/^\t/  all only:    /; t; s/^/  narrow only: /'
  fi
done
