#!/usr/bin/env bash
# Times `dockguard check --format F` for every format on one script with
# 16,000 findings, against `--format text` in the same run, and prints each
# format's ratio to text (target <= 1.5x). Usage: bench/output.sh [findings]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-16000}
out=bench/_out/output
mkdir -p "$out"
[ -x /usr/bin/time ] || { echo "GNU time is needed: apt-get install time" >&2; exit 2; }
go build -o "$out/dockguard" ./cmd/dockguard
# One finding per line, after multi-byte text so that UTF-16 columns differ
# from byte columns.
awk -v n="$n" 'BEGIN { print "#!/bin/sh"; for (i = 0; i < n; i++) printf "echo \"🐳 ü %d\"; docker rm -f web%d\n", i, i }' >"$out/many.sh"
echo "input: $(wc -c <"$out/many.sh") bytes, $n findings expected; $(nproc) CPUs, load $(cut -d' ' -f1 /proc/loadavg)"

best() { # best wall time of 3 runs, in seconds
  local best=999999 t
  for _ in 1 2 3; do
    /usr/bin/time -o "$out/time.txt" -f %e "$@" >/dev/null 2>&1 || true
    t=$(tail -1 "$out/time.txt")
    best=$(awk -v a="$best" -v b="$t" 'BEGIN{print (b<a)?b:a}')
  done
  echo "$best"
}
dg=("$out/dockguard" check --no-cache --fail-on none)
got=$("${dg[@]}" --format text "$out/many.sh" 2>/dev/null | grep -c '\[DG101 ' || true)
[ "$got" -eq "$n" ] || { echo "expected $n findings in text, got $got" >&2; exit 1; }
text_t=$(best "${dg[@]}" --format text "$out/many.sh")
printf '%-11s %6ss\n' text "$text_t"
for f in json sarif github checkstyle junit rdjson; do
  t=$(best "${dg[@]}" --format "$f" "$out/many.sh")
  printf '%-11s %6ss  %.2fx text\n' "$f" "$t" "$(awk -v a="$t" -v b="$text_t" 'BEGIN{print (b>0)?a/b:0}')"
done
