#!/usr/bin/env bash
# Benchmark of `dockguard guard`: the latency it adds to reads and the
# streaming throughput it keeps, against the daemon's own socket, in the
# same run on a private dockerd.
#
# Usage: sudo [BASE=REV] bench/guard.sh [REQUESTS] [CP_MIB]   (defaults 2000 and 200)
#
# With BASE=REV the guard built from that revision runs too, on its own
# socket, alternated with the others, so that a change's effect is
# measured in the same run (columns "base").
#
# For GET /containers/json (20 containers) and GET /_ping: p50 and p99 over
# REQUESTS requests, sequential and at 16 concurrent clients, straight to
# the socket and through the guard, alternated three times (the medians
# are printed), and the throughput ratio. Then `docker cp` of a CP_MIB
# file into a container and back, straight and through the guard. Needs
# root, dockerd (apt-get install docker.io) and Go.
#
# The daemon runs without --debug (its logging of every call would slow
# it and blur the comparison), from a fresh data-root, with the same 20
# containers every time; the versions and the load are printed, so that
# a run can be compared with another. ROUNDS (default 3) sets how often
# each measurement alternates; the medians are printed, and with the
# spread (min-max) of the throughput ratio over the rounds.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-2000}
mib=${2:-200}
out=bench/_out/guard
mkdir -p "$out"

[ "$(id -u)" = 0 ] || { echo "bench/guard.sh: run as root (it starts a private dockerd)" >&2; exit 2; }
command -v dockerd >/dev/null || { echo "bench/guard.sh: dockerd is needed: apt-get install docker.io" >&2; exit 2; }

go build -o "$out/dockguard" ./cmd/dockguard
if [ -n "${BASE:-}" ]; then
  wt=$(mktemp -d "${TMPDIR:-/tmp}/dgbase.XXXXXX")
  git archive "$BASE" | tar -x -C "$wt"
  (cd "$wt" && go build -o "$OLDPWD/$out/dockguard-base" ./cmd/dockguard)
  rm -rf "$wt"
fi
go build -o "$out/guardlat" ./bench/guardlat
(cd internal/testdaemon/helper && CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o "$OLDPWD/$out/helper" .)

# shellcheck source=bench/privatedockerd.sh
DOCKERD_DEBUG=0 . bench/privatedockerd.sh
rounds=${ROUNDS:-3}

tar -C "$out" -cf "$out/helper.tar" helper
docker import --change 'ENTRYPOINT ["/helper"]' "$out/helper.tar" dgbench:latest >/dev/null
for i in $(seq 20); do docker run -d --network none --name "c$i" dgbench:latest sleep >/dev/null; done

gsock=$dir/guard.sock
"$out/dockguard" guard --listen "unix://$gsock" --upstream "unix://$sock" --status never >"$out/guard.out" 2>"$out/guard.err" &
gpid=$!
bpid=
bsock=$dir/base.sock
if [ -n "${BASE:-}" ]; then
  "$out/dockguard-base" guard --listen "unix://$bsock" --upstream "unix://$sock" --status never >"$out/base.out" 2>"$out/base.err" &
  bpid=$!
fi
trap 'kill -INT $gpid $bpid 2>/dev/null || true; wait $gpid $bpid 2>/dev/null || true; stop' EXIT
for _ in $(seq 100); do [ -S "$gsock" ] && { [ -z "$bpid" ] || [ -S "$bsock" ]; } && break; sleep 0.1; done

median() { sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
echo "machine: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg) at the start"
echo "dockerd $(docker version --format '{{.Server.Version}}'), $(go version | cut -d' ' -f3), guard at $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $rounds rounds"
printf '%-18s %-5s %10s %10s %10s %10s %12s %12s %8s %10s' endpoint conc "p50 direct" "p50 guard" "p99 direct" "p99 guard" "req/s direct" "req/s guard" ratio "ratio min-max"
[ -n "$bpid" ] && printf ' %10s %12s %10s' "p50 base" "req/s base" "base ratio"
echo
for path in /containers/json /_ping; do
  for c in 1 16; do
    d50=(); d99=(); dr=(); g50=(); g99=(); gr=(); b50=(); br=(); rr=()
    for _ in $(seq "$rounds"); do
      read -r a b r < <("$out/guardlat" -socket "$sock" -path "$path" -n "$n" -c "$c")
      d50+=("$a"); d99+=("$b"); dr+=("$r")
      read -r a b r < <("$out/guardlat" -socket "$gsock" -path "$path" -n "$n" -c "$c")
      g50+=("$a"); g99+=("$b"); gr+=("$r")
      rr+=("$(echo "$r / ${dr[-1]}" | bc -l)")
      if [ -n "$bpid" ]; then
        read -r a b r < <("$out/guardlat" -socket "$bsock" -path "$path" -n "$n" -c "$c")
        b50+=("$a"); br+=("$r")
      fi
    done
    D50=$(printf '%s\n' "${d50[@]}" | median); G50=$(printf '%s\n' "${g50[@]}" | median)
    D99=$(printf '%s\n' "${d99[@]}" | median); G99=$(printf '%s\n' "${g99[@]}" | median)
    DR=$(printf '%s\n' "${dr[@]}" | median); GR=$(printf '%s\n' "${gr[@]}" | median)
    lo=$(printf '%s\n' "${rr[@]}" | sort -n | head -1); hi=$(printf '%s\n' "${rr[@]}" | sort -n | tail -1)
    printf '%-18s %-5s %8sus %8sus %8sus %8sus %12s %12s %7.2f  %4.2f-%4.2f' "$path" "$c" "$D50" "$G50" "$D99" "$G99" "$DR" "$GR" "$(echo "$GR / $DR" | bc -l)" "$lo" "$hi"
    if [ -n "$bpid" ]; then
      B50=$(printf '%s\n' "${b50[@]}" | median); BR=$(printf '%s\n' "${br[@]}" | median)
      printf ' %8sus %12s %10.2f' "$B50" "$BR" "$(echo "$BR / $DR" | bc -l)"
    fi
    echo
  done
done

# docker cp of a large file, in and out, straight and through the guard.
head -c "$((mib << 20))" /dev/urandom >"$out/big.bin"
docker create --network none --name cp dgbench:latest sleep >/dev/null
now() { date +%s.%N; }
cp_time() { # host direction
  local t0 t1
  t0=$(now)
  if [ "$2" = in ]; then DOCKER_HOST=$1 docker cp "$out/big.bin" cp:/big.bin; else DOCKER_HOST=$1 docker cp cp:/big.bin "$out/back.bin"; fi
  t1=$(now)
  echo "$t1 - $t0" | bc -l
}
for dirn in in out; do
  dt=(); gt=()
  for _ in $(seq "$rounds"); do
    dt+=("$(cp_time "unix://$sock" "$dirn")")
    gt+=("$(cp_time "unix://$gsock" "$dirn")")
  done
  D=$(printf '%s\n' "${dt[@]}" | median); G=$(printf '%s\n' "${gt[@]}" | median)
  printf 'docker cp %s MiB %-3s direct %.2fs (%.0f MiB/s), guard %.2fs (%.0f MiB/s), guard/direct throughput %.2f\n' \
    "$mib" "$dirn" "$D" "$(echo "$mib / $D" | bc -l)" "$G" "$(echo "$mib / $G" | bc -l)" "$(echo "$D / $G" | bc -l)"
done
cmp "$out/big.bin" "$out/back.bin" && echo "docker cp through the guard: the file came back byte for byte"
echo "machine: load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"
