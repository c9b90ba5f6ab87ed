#!/usr/bin/env bash
# Go, warm build cache: `dockguard check --only go .` against
# `go vet -vettool=dockguard` over the same packages (the folders check
# type-checks, from bench/gopkgs; vet also checks their test variants), in
# the same run, alternating, best of ROUNDS (default 3) by wall time; CPU
# is user+system of the whole process tree, peak RSS that of its largest
# process (/usr/bin/time). One unmeasured run of each first fills the build
# cache. go vet caches its results (every package's facts and output) by
# the vet tool's content, so each measured vet round runs a copy of the
# binary with bytes appended (a tool vet has not seen): compiled packages
# are reused and every analysis runs, as for check --no-cache. VETCACHED=1
# runs the same binary every round instead (vet's own result cache warm).
# Usage: bench/warm.sh MODULE_DIR
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x /usr/bin/time ] || { echo "GNU time is needed: apt-get install time" >&2; exit 2; }
dir=${1:?usage: bench/warm.sh MODULE_DIR}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
go build -o "$out/dockguard" ./cmd/dockguard
go build -o "$out/gopkgs" ./bench/gopkgs
cd "$dir"
mapfile -t pkgs < <("$out/gopkgs" . 2>/dev/null)
echo "$(basename "$dir"): ${#pkgs[@]} package folders type-checked by check; $(nproc) CPUs; $(go version)"
check=("$out/dockguard" check --no-cache --only go --fail-on none --format json .)
vet=(go vet -vettool="$out/dockguard" "${pkgs[@]}")
"${check[@]}" >/dev/null 2>&1 || true
"${vet[@]}" >/dev/null 2>&1 || true
declare -A best cpu rss
for round in $(seq "${ROUNDS:-3}"); do
  for name in check vet; do
    if [ "$name" = check ]; then
      cmd=("${check[@]}")
    elif [ -n "${VETCACHED:-}" ]; then
      cmd=("${vet[@]}")
    else
      cp "$out/dockguard" "$out/dockguard-$round"
      printf 'round %d\n' "$round" >>"$out/dockguard-$round"
      cmd=(go vet -vettool="$out/dockguard-$round" "${pkgs[@]}")
    fi
    /usr/bin/time -o "$out/t" -f "%e %U %S %M" "${cmd[@]}" >"$out/$name.out" 2>"$out/$name.err" || true
    read -r w u s m < <(tail -n 1 "$out/t")
    c=$(awk -v a="$u" -v b="$s" 'BEGIN{print a+b}')
    printf 'round %d %-6s %8.2f s wall %8.2f s CPU %6d MiB  (load %s)\n' "$round" "$name" "$w" "$c" "$((m / 1024))" "$(cut -d' ' -f1 /proc/loadavg)"
    if [ -z "${best[$name]:-}" ] || awk -v a="$w" -v b="${best[$name]}" 'BEGIN{exit !(a<b)}'; then
      best[$name]=$w; cpu[$name]=$c; rss[$name]=$((m / 1024))
    fi
  done
done
echo "check findings: $(grep -c '"rule"' "$out/check.out" || true); go vet diagnostics: $(grep -c '(DG[0-9]\{3\})$' "$out/vet.err" || true)"
printf 'best of %d: check %.2f s (%.2f s CPU, %d MiB), go vet %.2f s (%.2f s CPU, %d MiB)\n' "${ROUNDS:-3}" \
  "${best[check]}" "${cpu[check]}" "${rss[check]}" "${best[vet]}" "${cpu[vet]}" "${rss[vet]}"
printf 'check / go vet: %.2fx wall (target <= 1.2x), %.2fx CPU\n' \
  "$(awk -v a="${best[check]}" -v b="${best[vet]}" 'BEGIN{print a/b}')" "$(awk -v a="${cpu[check]}" -v b="${cpu[vet]}" 'BEGIN{print a/b}')"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
