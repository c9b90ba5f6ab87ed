#!/usr/bin/env bash
# Memory per input byte (issue 17 item 14): checks one generated shell
# script of SIZE_MB (default 50) with --max-file-size 100MiB and prints the
# peak RSS (GNU time) against the target of 8x the input plus 50 MiB.
# Usage: bench/bigscript.sh [OLD_DOCKGUARD_BINARY]; an old binary is timed
# on the same file in the same run, and the findings of both compared.
# The script mixes what real scripts hold: docker run with limits, tests,
# loops, here-documents, command substitutions, comments and quoted text
# that name docker (traps), and one `docker rm -f` every 4,000 lines.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x /usr/bin/time ] || { echo "GNU time is needed: apt-get install time" >&2; exit 2; }
size_mb=${SIZE_MB:-50}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
go build -o "$out/dockguard" ./cmd/dockguard
awk -v limit=$((size_mb * 1000000)) 'BEGIN {
  while (n < limit) {
    i++; r = i % 40
    if (r == 0) l = "docker run --rm --memory 256m --name job" i " registry.example.com/app:1." i " ./run.sh --step " i
    else if (r == 1) l = "if [ -f \"/var/lib/app/state-" i "\" ]; then"
    else if (r == 2) l = "  echo \"state file " i " found, continuing with the next step\" >&2"
    else if (r == 3) l = "fi"
    else if (r == 4) l = "for f in /srv/data/part-" i "/*.csv; do gzip -9 \"$f\"; done"
    else if (r == 5) l = "VALUE_" i "=$(printf \"%s-%d\" \"$PREFIX\" " i ")"
    else if (r == 6 && i % 4000 == 6) l = "docker rm -f web" i
    else if (r == 7) l = "docker logs -f --tail 10 job" i " | grep -v DEBUG || true"
    else if (r == 8) l = "cat <<EOF > /tmp/conf-" i ".ini\n[section]\nkey = value " i "\nEOF"
    else if (r == 9) l = "# step " i ": docker rm -f is not run here, this is a comment"
    else l = "run_step " i " --input \"/srv/in/" i ".json\" --output \"/srv/out/" i ".json\" --retries 3"
    print l; n += length(l) + 1
  }
}' >"$out/big.sh"
bytes=$(stat -c %s "$out/big.sh")
target_kib=$(((8 * bytes + 50 * 1048576) / 1024))
echo "input: $out/big.sh, $bytes bytes ($(wc -l <"$out/big.sh") lines); $(nproc) CPUs; load average $(cut -d' ' -f1-3 /proc/loadavg)"
measure() { # NAME BINARY
  /usr/bin/time -o "$out/t" -f '%e %U %S %M' "$2" check --no-cache --max-file-size 100MiB --fail-on none --format json "$out/big.sh" >"$out/$1.json" 2>/dev/null || true
  read -r wall usr sys rss <"$out/t"
  printf '%-10s %7.2f s wall %7.2f s CPU  peak RSS %5d MiB = %.2f bytes per input byte  (%d findings)\n' "$1" "$wall" "$(awk -v a="$usr" -v b="$sys" 'BEGIN{print a+b}')" $((rss / 1024)) "$(awk -v r="$rss" -v b="$bytes" 'BEGIN{print r*1024/b}')" "$(grep -c '"rule"' "$out/$1.json" || true)"
  eval "rss_$1=$rss"
}
if [ -n "${1:-}" ]; then
  measure old "$1"
fi
measure new "$out/dockguard"
if [ -n "${1:-}" ]; then
  if cmp -s <(grep -v '"version"' "$out/old.json") <(grep -v '"version"' "$out/new.json"); then echo "same JSON findings as the old binary"; else echo "FINDINGS DIFFER from the old binary"; fi
fi
printf 'target: peak RSS <= 8x input + 50 MiB = %d MiB: %s\n' $((target_kib / 1024)) "$([ "$rss_new" -le "$target_kib" ] && echo met || echo NOT met)"
