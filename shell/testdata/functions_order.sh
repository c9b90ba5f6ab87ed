#!/bin/bash
# A call inside a function body is resolved when the body runs, so a
# function defined after the body, but before the body's function is
# called, counts.
main() {
  cleanup $(docker ps -aq)
}
cleanup() { docker rm -f "$@"; }
main "$@"
# Through a chain of functions, each defined after its caller.
up() { down; }
down() { zap $(docker ps -q); }
zap() { docker kill "$@"; }
up
# Standard input that is a listing, inside a body.
pipe_main() { docker ps -q | drain; }
drain() { while read -r c; do docker rm -f "$c"; done; }
pipe_main
# A dispatcher: run through case, in a condition, in a subshell.
stop_all() { purge $(docker ps -aq); }
purge() { docker rm -f "$@"; }
case "$1" in
stop) stop_all ;;
esac
# Redefined to the dangerous version before the call.
swapped() { docker stop "$@"; }
run_swapped() { swapped $(docker ps -q); }
swapped() { docker rm -f "$@"; }
run_swapped
# A function that a running body defines exists for the caller afterwards.
setup() { wipe_all() { docker rm -f "$@"; }; }
setup
wipe_all $(docker ps -aq)
# Never called by name (a library, or "$@" dispatch): checked with every
# function of the file defined.
lib_reset() { lib_rm $(docker container ls -aq); }
lib_rm() { docker container rm --force "$@"; }
# Reported once, though both the definition and the run see it.
early_rm() { docker rm -f "$@"; }
twice() { early_rm $(docker ps -aq); }
twice
twice
# Traps: none of the calls below is DG105.
# A function never defined anywhere.
t_undefined() { nowhere $(docker ps -aq); }
t_undefined
# A function defined only inside a function that is never called.
t_wrapper() { t_inner() { docker rm -f "$@"; }; }
t_inner $(docker ps -aq)
t_caller() { t_inner $(docker ps -aq); }
t_caller
# A helper that ignores its parameters.
t_main() { t_fixed $(docker ps -aq); }
t_fixed() { docker rm -f web; }
t_main
# Data, comments, here-documents and a child shell inside the body.
t_data() {
  echo cleanup $(docker ps -aq)
  # cleanup $(docker ps -aq)
  cat <<EOF2
cleanup $(docker ps -aq)
EOF2
  cat <<'EOF2'
cleanup $(docker ps -aq)
EOF2
  bash -c 'cleanup $(docker ps -aq)'
  sh -c "cleanup \$(docker ps -aq)"
  docker ps -q | xargs cleanup
}
t_data
# Redefined to a safe version before the call.
t_run_swap() { t_swap $(docker ps -q); }
t_swap() { docker rm -f "$@"; }
t_swap() { docker stop --time 10 "$@"; }
t_run_swap
# Unset before the call.
t_run_gone() { t_gone $(docker ps -aq); }
t_gone() { docker rm -f "$@"; }
unset -f t_gone
t_run_gone
# Called before the helper exists, and never again.
t_run_early() { t_late $(docker ps -aq); }
t_run_early
t_late() { docker rm -f "$@"; }
# At the top level, source order still holds.
t_top $(docker ps -aq)
t_top() { docker rm -f "$@"; }
# Recursion.
t_rec() { t_rec; t_rec_rm $(docker ps -aq); }
t_rec_rm() { docker rm "$@"; }
t_rec
