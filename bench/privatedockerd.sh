# Sourced by the live benches: starts a private dockerd (its data-root,
# exec-root, pidfile and socket in a temporary folder; no bridge, no
# iptables), points DOCKER_HOST at it, waits until it answers, and stops it
# by PID on exit. Nothing a bench sources this into talks to another daemon.
# Sets: dir (the temporary folder), sock, pid; the daemon's log is
# $dir/dockerd.log, with --debug (so benches can count API calls in it)
# unless DOCKERD_DEBUG=0: debug logging costs the daemon time per call.
dir=$(mktemp -d "${TMPDIR:-/tmp}/dgbench.XXXXXX")
sock=$dir/docker.sock
debug=(--debug)
[ "${DOCKERD_DEBUG:-1}" = 0 ] && debug=()
dockerd "${debug[@]}" --data-root "$dir/data" --exec-root "$dir/exec" --pidfile "$dir/dockerd.pid" \
  --host "unix://$sock" --bridge=none --iptables=false --ip6tables=false >"$dir/dockerd.log" 2>&1 &
pid=$!
stop() {
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  rm -rf "$dir"
}
trap stop EXIT
export DOCKER_HOST=unix://$sock DOCKER_CONTEXT=
for _ in $(seq 300); do docker version >/dev/null 2>&1 && break; sleep 0.2; done
