#!/usr/bin/env bash
# Times the result cache on a big tree against `rg -l docker` on the same
# tree, in the same run, and prints the ratios:
#   - check with an empty result cache (the Go build cache warm);
#   - check with nothing changed (target <= 2x rg);
#   - check after touching one Go file (of a package most of moby imports,
#     and of a main package), one shell script, one compose file (target
#     <= 3x rg);
# and checks that every cached run prints what an uncached run prints.
# Usage: bench/cache.sh
# The tree is github.com/moby/moby/v2 (the moby repository, served by the
# module proxy with its own go.mod), the generated compose projects of
# bench/compose.sh (165 files, 80 projects) and a gentree tree of shell
# scripts, Makefiles, workflows and padding. BENCH_TREE=DIR keeps the tree
# between runs: the go command's build cache is keyed by the packages'
# folders, so a fresh copy of moby compiles all of it again. RUNS=N sets
# the repetitions of each timed case (default 3; best of N is printed).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v rg >/dev/null || { echo "ripgrep is needed: apt-get install ripgrep" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "GNU time is needed: apt-get install time" >&2; exit 2; }
runs=${RUNS:-3}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
go build -o "$out/dockguard" ./cmd/dockguard
tree=${BENCH_TREE:-$out/tree}
mkdir -p "$tree"
if [ ! -d "$tree/moby" ]; then
  dir=$(cd "$out" && GOFLAGS=-mod=mod go mod download -json github.com/moby/moby/v2@v2.0.0-beta.24 | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
  cp -r "$dir" "$tree/moby"
  chmod -R u+w "$tree/moby"
fi
[ -d "$tree/compose" ] || go run ./bench/compose/gen -out "$tree/compose" -apps 40
[ -d "$tree/gen" ] || go run ./bench/gentree -out "$tree/gen" -files 3000 -mb 30
(cd "$tree/moby" && go mod download)
echo "tree: $(find "$tree" -type f | wc -l) files ($(find "$tree" -name '*.go' | wc -l) Go), $(du -sm "$tree" | cut -f1) MB; $(nproc) CPUs; $(go version | awk '{print $3}')"
cd "$tree"
cat $(find . -type f) >/dev/null 2>&1 || true # the page cache, for rg and dockguard alike
export DOCKGUARD_CACHE_DIR=$out/cache
check=("$out/dockguard" check --fail-on none --format json .)

# The reference: an uncached run, which also warms the Go build cache for
# the packages check type-checks.
"$out/dockguard" check --no-cache --fail-on none --format json . >"$out/ref.json" 2>"$out/ref.err"
echo "uncached run: $(grep -c '"rule"' "$out/ref.json") findings"

# best N CMD...: the best wall time and the best CPU time (user+sys) of
# N runs, in seconds. On a machine shared with other work the CPU time is
# the steadier figure.
best() {
  local n=$1 b=999999 c=999999 w u s
  shift
  for _ in $(seq "$n"); do
    /usr/bin/time -o "$out/t" -f "%e %U %S" "$@" >"$out/last.json" 2>"$out/last.err" || true
    read -r w u s < <(tail -1 "$out/t")
    b=$(awk -v a="$b" -v x="$w" 'BEGIN{print (x<a)?x:a}')
    c=$(awk -v a="$c" -v x="$u" -v y="$s" 'BEGIN{print (x+y<a)?x+y:a}')
  done
  echo "$b $c"
}
same() { # same FILE: the last run printed what FILE holds
  if cmp -s "$out/last.json" "$1"; then echo "same JSON as uncached"; else echo "JSON DIFFERS from uncached"; fi
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.2f", a/b}'; }
wall() { echo "${1% *}"; }
cpu() { echo "${1#* }"; }

rg_t=$(best "$runs" rg -l docker .)
rm -rf "$DOCKGUARD_CACHE_DIR"
cold_t=$(best 1 "${check[@]}")
cold_same=$(same "$out/ref.json")
warm_t=$(best "$runs" "${check[@]}")
warm_same=$(same "$out/ref.json")

# touch KIND FILE: the best of RUNS runs, each after a new line is appended
# to FILE (a comment, so the findings stay those of the reference).
touched() {
  local kind=$1 file=$2 b=999999 c=999999 t
  for i in $(seq "$runs"); do
    case $kind in
      go) echo "// touched $i" >>"$file" ;;
      *) echo "# touched $i" >>"$file" ;;
    esac
    t=$(best 1 "${check[@]}")
    b=$(awk -v a="$b" -v x="$(wall "$t")" 'BEGIN{print (x<a)?x:a}')
    c=$(awk -v a="$c" -v x="$(cpu "$t")" 'BEGIN{print (x<a)?x:a}')
  done
  echo "$b $c"
}
gofile=moby/daemon/container/container.go # imported by most of the daemon
leaffile=moby/cmd/docker-proxy/main_linux.go # a main package: nothing imports it
shfile=$(cd "$tree" && find gen -name '*.sh' | sort | sed -n 1p)
composefile=$(cd "$tree" && find compose -name 'compose.yaml' -o -name 'docker-compose.yml' | sort | sed -n 1p)
[ -n "$composefile" ] || composefile=$(cd "$tree" && find compose -name '*compose*.y*ml' | sort | sed -n 1p)
cp "$gofile" "$out/go.orig"
cp "$leaffile" "$out/leaf.orig"
cp "$shfile" "$out/sh.orig"
cp "$composefile" "$out/compose.orig"
go_t=$(touched go "$gofile")
# The touched Go file's findings keep their lines (the comments are
# appended), so the uncached reference still holds.
go_same=$(same "$out/ref.json")
leaf_t=$(touched go "$leaffile")
leaf_same=$(same "$out/ref.json")
sh_t=$(touched sh "$shfile")
sh_same=$(same "$out/ref.json")
compose_t=$(touched compose "$composefile")
compose_same=$(same "$out/ref.json")
cp "$out/go.orig" "$gofile"
cp "$out/leaf.orig" "$leaffile"
cp "$out/sh.orig" "$shfile"
cp "$out/compose.orig" "$composefile"

row() { # row LABEL TIMES TARGET SAME
  printf '%-44s %6.2f s %6.2f s  %6sx %6sx  %s%s\n' "$1" "$(wall "$2")" "$(cpu "$2")" "$(ratio "$(wall "$2")" "$(wall "$rg_t")")" "$(ratio "$(cpu "$2")" "$(cpu "$rg_t")")" "$4" "${3:+ (target <= $3 rg)}"
}
printf '%-44s %8s %8s  %7s %7s\n' "" "wall" "CPU" "wall/rg" "CPU/rg"
row "rg -l docker (best of $runs)" "$rg_t" "" ""
row "check, empty result cache" "$cold_t" "" "$cold_same"
row "check, nothing changed (best of $runs)" "$warm_t" "2x" "$warm_same"
row "check, one Go file touched (best of $runs)" "$go_t" "3x" "$go_same"
row "check, one Go file of a main package touched" "$leaf_t" "3x" "$leaf_same"
row "check, one shell file touched (best of $runs)" "$sh_t" "3x" "$sh_same"
row "check, one compose file touched (best of $runs)" "$compose_t" "3x" "$compose_same"
echo "touched: $gofile, $leaffile, $shfile, $composefile"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
