#!/usr/bin/env bash
# Times `dockguard check` on real modules copied out of the module cache,
# against references in the same run, and prints the ratios:
#   - Go, warm build cache: old and new dockguard (wall, peak RSS) against
#     `go vet -vettool=dockguard` over the same packages;
#   - the result cache: a re-check with nothing changed and after touching
#     one file, against `rg -l docker` on the same tree;
#   - --go-mode=syntax.
# Usage: bench/scale.sh [OLD_DOCKGUARD_BINARY]
# The tree is github.com/moby/moby/v2 (the moby repository, served by the
# module proxy with its own go.mod) plus compose-go's module source (its
# real compose files and Go code).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v rg >/dev/null || { echo "ripgrep is needed: apt-get install ripgrep" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "GNU time is needed: apt-get install time" >&2; exit 2; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
go build -o "$out/dockguard" ./cmd/dockguard
old=${1:-}
moby=github.com/moby/moby/v2@v2.0.0-beta.24
extra=(github.com/compose-spec/compose-go/v2@v2.16.2)
# BENCH_TREE reuses a folder from an earlier run: the go command's build
# cache is keyed by the packages' folders, so a fresh copy of moby means
# compiling all of it again (tens of minutes on 2 CPUs).
tree=${BENCH_TREE:-$out/tree}
mkdir -p "$tree"
copy() { # copy a module out of the module cache into $tree/$2
  [ -d "$tree/$2" ] && return
  local dir
  dir=$(cd "$out" && GOFLAGS=-mod=mod go mod download -json "$1" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
  cp -r "$dir" "$tree/$2"
  chmod -R u+w "$tree/$2"
}
copy "$moby" moby
copy "${extra[0]}" compose-go
for m in moby compose-go; do (cd "$tree/$m" && go mod download && go list -deps -export ./... >/dev/null 2>&1 || true); done
echo "tree: $(find "$tree" -type f | wc -l) files ($(find "$tree" -name '*.go' | wc -l) Go), $(du -sm "$tree" | cut -f1) MB; $(nproc) CPUs; $(go version)"
cat $(find "$tree" -type f) >/dev/null 2>&1 || true

# measure NAME CMD...: wall seconds and peak RSS (MiB) of one run, in $tree/moby.
measure() {
  local name=$1; shift
  (cd "$tree/moby" && /usr/bin/time -o "$out/t" -f "%e %M %U %S" "$@" >"$out/$name.out" 2>"$out/$name.err") || true
  read -r wall rss usr sys < <(tail -n 1 "$out/t")
  printf '%-44s %8.2f s wall %8.2f s CPU %6d MiB\n' "$name" "$wall" "$(awk -v a="$usr" -v b="$sys" 'BEGIN{print a+b}')" "$((rss / 1024))"
  eval "${name//-/_}_wall=$wall; ${name//-/_}_rss=$((rss / 1024))"
}
count() { grep -c '"rule"' "$out/$1.out" || true; }

echo "== Go, warm build cache (moby) =="
if [ -n "$old" ]; then
  measure old-check "$old" check --fail-on none --format json --only go .
  echo "   old findings: $(count old-check)"
fi
measure new-check "$out/dockguard" check --no-cache --fail-on none --format json --only go .
echo "   new findings: $(count new-check)"
if [ -n "$old" ]; then
  if diff <(grep -o '"rule": *"[^"]*",\|"file": *"[^"]*",\|"line": *[0-9]*' "$out/old-check.out") <(grep -o '"rule": *"[^"]*",\|"file": *"[^"]*",\|"line": *[0-9]*' "$out/new-check.out") >/dev/null; then
    echo "   same findings as the old binary"
  else
    echo "   FINDINGS DIFFER from the old binary"
  fi
fi
# The packages holding a file the prefilter keeps, as check type-checks them.
pkgs=$(cd "$tree/moby" && rg -l --type go -e docker -e podman -e nerdctl -e os/exec -e moby/moby -e dockguard: . | xargs -n1 dirname | sort -u | sed 's|^\./||; s|^|./|' | tr '\n' ' ')
echo "   packages with a prefiltered file: $(echo "$pkgs" | wc -w)"
# shellcheck disable=SC2086
measure go-vet-vettool go vet -vettool="$out/dockguard" $pkgs
printf '   new check / go vet wall: %.2fx (target <= 1.2x); peak RSS %d MiB (target <= 250 MiB)\n' "$(awk -v a="$new_check_wall" -v b="$go_vet_vettool_wall" 'BEGIN{print a/b}')" "$new_check_rss"
measure syntax-mode "$out/dockguard" check --no-cache --go-mode syntax --fail-on none --format json --only go .
echo "   syntax-mode findings: $(count syntax-mode)"

echo "== result cache (whole tree: moby and compose-go) =="
cd "$tree"
best() { # best wall of 3 runs
  local b=999999 t
  for _ in 1 2 3; do
    /usr/bin/time -o "$out/t" -f %e "$@" >/dev/null 2>&1 || true
    t=$(tail -1 "$out/t"); b=$(awk -v a="$b" -v c="$t" 'BEGIN{print (c<a)?c:a}')
  done
  echo "$b"
}
export DOCKGUARD_CACHE_DIR=$out/cache
rg_t=$(best rg -l docker .)
/usr/bin/time -o "$out/t" -f "%e %M" "$out/dockguard" check --fail-on none . >/dev/null 2>&1 || true
read -r cold_t cold_rss < <(tail -n 1 "$out/t")
warm_t=$(best "$out/dockguard" check --fail-on none .)
touched=moby/daemon/container/container.go
echo "// touched" >>"$touched"
/usr/bin/time -o "$out/t" -f "%e" "$out/dockguard" check --fail-on none . >/dev/null 2>&1 || true
touch_t=$(tail -1 "$out/t")
printf 'rg -l docker                          %6.2f s\n' "$rg_t"
printf 'check, empty result cache             %6.2f s (%d MiB)\n' "$cold_t" "$((cold_rss / 1024))"
printf 'check, nothing changed                %6.2f s  ratio %.2fx (target <= 2x)\n' "$warm_t" "$(awk -v a="$warm_t" -v b="$rg_t" 'BEGIN{print a/b}')"
printf 'check, after touching %s %6.2f s  ratio %.2fx (target <= 3x)\n' "$touched" "$touch_t" "$(awk -v a="$touch_t" -v b="$rg_t" 'BEGIN{print a/b}')"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
