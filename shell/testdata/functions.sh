#!/bin/bash
# A function that force-removes what it is given, called with a listing.
nuke() { docker rm -f "$@"; }
nuke $(docker ps -aq)
nuke "$(docker ps -aq)"
nuke `docker ps -q`
nuke web
ids=$(docker ps -aq)
nuke $ids
# Filtered listings count, as for docker rm -f $(docker ps -aq --filter ...).
nuke $(docker ps -aq --filter label=ci)
# A loop over the parameters, in every spelling.
reap() {
  for c; do
    docker rm -f "$c"
  done
}
reap $(docker ps -q)
reap2() { for c in "$@"; do docker kill "$c"; done; }
reap2 $(docker container ls -q)
first() { docker rm -f "$1"; }
first $(docker ps -aq)
rest() { docker stop -t 0 $*; }
rest $(docker ps -q)
# A function calling a function.
outer() { nuke "$@"; }
outer $(docker ps -aq)
# Standard input that is a listing.
drain() { while read -r c; do docker rm -f "$c"; done; }
docker ps -q | drain
# Named like a docker subcommand.
rm() { docker rm -f "$@"; }
rm $(docker ps -aq)
function killall { docker kill "$@"; }
killall $(docker ps -q)
# Traps: none of the calls below is DG105.
# Used before it is defined.
early $(docker ps -aq)
early() { docker rm -f "$@"; }
# Parameters not used.
fixed() { docker rm -f web; }
fixed $(docker ps -aq)
# $1 is a constant here; the listing starts at $2.
one() { docker rm -f "$1"; }
one web $(docker ps -aq)
# Graceful.
gentle() { docker stop --time 10 "$@" && docker rm "$@"; }
gentle $(docker ps -q)
# Redefined to something safe.
swap() { docker rm -f "$@"; }
swap() { docker stop "$@"; }
swap $(docker ps -q)
# Unset.
gone() { docker rm -f "$@"; }
unset -f gone
gone $(docker ps -aq)
# Recursive.
loop() { loop "$@"; }
loop $(docker ps -aq)
countdown() { [ $# -gt 0 ] || return; echo "$1"; shift; countdown "$@"; }
countdown $(docker ps -q)
# A body whose own mass removal is reported in the body, not again at the call.
wipe() { docker rm -f $(docker ps -aq); }
wipe $(docker ps -q)
# Data, comments, strings, here-documents, a new shell.
echo nuke $(docker ps -aq)
# nuke $(docker ps -aq)
msg="nuke $(docker ps -aq)"
cat <<EOF2
nuke $(docker ps -aq)
EOF2
cat <<'EOF2'
nuke $(docker ps -aq)
EOF2
bash <<'EOF2'
nuke $(docker ps -aq)
EOF2
bash -c 'nuke $(docker ps -aq)'
# Not a listing.
nuke $(docker images -q)
nuke $(cat ids.txt)
# A function named docker wraps the CLI: the line is judged as docker's.
docker() { command docker "$@"; }
docker rm -f $(docker ps -aq)
# More hits: through eval (same shell), in a subshell, in the background,
# from a function body, and for c; do ... in code xargs runs.
eval 'nuke $(docker ps -aq)'
( nuke $(docker ps -aq) )
nuke $(docker ps -aq) &
main() { nuke $(docker ps -q); }
docker ps -q | xargs sh -c 'for c; do docker rm -f "$c"; done' _
# More traps: xargs cannot run a function; a function that only reads;
# piping into a function that ignores its input. Not a trap: late_main's
# call resolves when late_main runs, by when later is defined.
docker ps -q | xargs nuke
show() { docker inspect "$@"; }
show $(docker ps -q)
late_main() { later $(docker ps -aq); }
later() { docker rm -f "$@"; }
docker ps -q | fixed
# Positional parameters one by one: $2 is the listing here, $1 is not.
second() { docker rm -f "$2"; }
second web $(docker ps -aq)
one "$name" $(docker ps -aq)
