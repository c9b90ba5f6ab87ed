#!/usr/bin/env bash
# Cold build cache on moby, in one run, each command with a GOCACHE of its
# own that starts empty (the same GOMODCACHE for all):
#   - go list -deps -export ./...   the floor: compiling every dependency
#                                   for its export data;
#   - go vet ./...
#   - dockguard check --no-cache --only go --go-load auto .   (auto:
#                                   from source when the build cache is cold)
#   - the same with --go-load=export (the export-data load, the default)
#   - srcload ./...                 a from-source load (bench/srcload):
#                                   nothing compiled, every package
#                                   type-checked from source, as gopls does.
# Prints wall, CPU (user+system of the whole process tree) and the largest
# process's peak RSS, and each one's ratio to the floor.
# Usage: bench/cold.sh [MOBY_COPY]   (default: a fresh copy from the module cache)
# ORDER lists the commands to run (default: "floor vet check export srcload");
# KEEP, a folder, keeps each run's build cache there (KEEP/NAME) instead of
# removing it, for warm measurements after (bench/warm.sh with GOCACHE).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x /usr/bin/time ] || { echo "GNU time is needed: apt-get install time" >&2; exit 2; }
out=$(mktemp -d)
trap 'chmod -R u+w "$out" 2>/dev/null; rm -rf "$out"' EXIT
go build -o "$out/dockguard" ./cmd/dockguard
go build -o "$out/srcload" ./bench/srcload
moby=${1:-}
if [ -z "$moby" ]; then
  dir=$(cd "$out" && go mod init x >/dev/null 2>&1 && GOFLAGS=-mod=mod go mod download -json github.com/moby/moby/v2@v2.0.0-beta.24 | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
  cp -r "$dir" "$out/moby"
  chmod -R u+w "$out/moby"
  moby=$out/moby
fi
(cd "$moby" && go mod download)
echo "moby: $(find "$moby" -name '*.go' | wc -l) Go files, $(cd "$moby" && go list ./... | wc -l) packages; $(nproc) CPUs; $(go version)"
declare -A cmd=(
  [floor]="go list -deps -export ./..."
  [vet]="go vet ./..."
  [check]="$out/dockguard check --no-cache --only go --fail-on none --format json --go-load auto ."
  [export]="$out/dockguard check --no-cache --only go --fail-on none --format json --go-load export ."
  [srcload]="$out/srcload ./..."
)
declare -A wall
for name in ${ORDER:-floor vet check export srcload}; do
  cache=$(mktemp -d "$out/cache.XXXXXX")
  echo "start $name: $(uptime)"
  # shellcheck disable=SC2086
  (cd "$moby" && GOCACHE=$cache /usr/bin/time -o "$out/t" -f "%e %U %S %M" ${cmd[$name]} >"$out/$name.out" 2>"$out/$name.err") || true
  read -r w u s m < <(tail -n 1 "$out/t")
  wall[$name]=$w
  printf '%-8s %-60s %8.2f s wall %8.2f s CPU %6d MiB\n' "$name" "${cmd[$name]#"$out/"}" "$w" "$(awk -v a="$u" -v b="$s" 'BEGIN{print a+b}')" "$((m / 1024))"
  tail -n 2 "$out/$name.err" | sed 's/^/   stderr: /'
  if [ -n "${KEEP:-}" ]; then
    mkdir -p "$KEEP"; rm -rf "${KEEP:?}/$name"; mv "$cache" "$KEEP/$name"
  else
    chmod -R u+w "$cache"; rm -rf "$cache"
  fi
done
[ -n "${wall[floor]:-}" ] && for name in "${!wall[@]}"; do
  printf '%-8s / floor: %.2fx\n' "$name" "$(awk -v a="${wall[$name]}" -v b="${wall[floor]}" 'BEGIN{print a/b}')"
done
for name in check export; do
  grep -c '"rule"' "$out/$name.out" 2>/dev/null | sed "s/^/$name findings: /" || true
done
cmp -s "$out/check.out" "$out/export.out" 2>/dev/null && echo "check and export: the same JSON"
cat "$out/srcload.out" 2>/dev/null || true
echo "end: $(uptime)"
