#!/bin/bash
# Shapes met on real build and test scripts: the CLI held in an array, a
# SIGKILL before the forced removal, cleanup functions that assign
# listings, and eval strings whose code is only known at run time.

# The CLI in an array, read from a here-string with the user's options.
IFS=" " read -r -a ENGINE <<< "docker ${ENGINE_OPTS}"
"${ENGINE[@]}" rm -f -v builder-data          # hit: DG101
"${ENGINE[@]}" kill builder-rsync             # hit: DG104

# The CLI in an array assignment, with a command prefix.
RUNNER=(sudo docker)
${RUNNER[@]} rm --force web                   # hit: DG101
"${RUNNER[*]}" rm -f web                      # trap: one word "sudo docker"
RUNNER=(echo docker)
"${RUNNER[@]}" rm -f web                      # trap: echo prints it

# A CLI-named array set in a sourced file.
"${DOCKER[@]}" rmi -f old-image               # hit: DG102

# Kill, wait, then remove: the kill is the finding, the removal kills
# nothing more.
destroy_container() {
  "${ENGINE[@]}" kill "$1" >/dev/null 2>&1 || true   # hit: DG104
  if [[ $("${ENGINE[@]}" version --format '{{.Server.Version}}') = 17.* ]]; then
    API_VERSION=1.29 "${ENGINE[@]}" wait "$1" >/dev/null 2>&1 || true
  else
    "${ENGINE[@]}" wait "$1" >/dev/null 2>&1 || true
  fi
  "${ENGINE[@]}" rm -f -v "$1" >/dev/null 2>&1 || true   # trap: killed above
}
destroy_container kube-build-1

# A signal that may not end it does not count as a stop.
docker kill -s HUP reloader
docker rm -f reloader                         # hit: DG101

# A kill in the background has not finished when the removal runs.
docker kill racer &
docker rm -f racer                            # hit: DG101 (and DG104 above)

# A cleanup function that keeps a listing in a variable.
drain() {
  running=$(docker ps -q)
  docker stop $running
}

# eval strings whose code is known only at run time are not parse errors.
for var_name in ${PROVIDER_VARS}; do
  eval "local var_value=\$(quote \${${var_name}})"
done
eval "_docker_${plugin_name}() { complete_plugin \"${plugin_path}\"; }"

# A kill without a wait: docker kill returns once the signal is sent.
docker kill cache
docker rm -f cache                            # hit: DG101 (and DG104 above)

# Stops on every branch of an if with an else hold after it.
if [ -n "$slow" ]; then docker stop y; else docker stop --time 30 y; fi
docker rm -f y                                # trap: stopped on both branches
if [ -n "$slow" ]; then docker stop x; fi
docker rm -f x                                # hit: DG101, the stop may not run
if [ -n "$a" ]; then docker stop z; elif [ -n "$b" ]; then docker stop z; fi
docker rm -f z                                # hit: DG101, no else
if [ -n "$a" ]; then docker stop w; else docker stop v; fi
docker rm -f w                                # hit: DG101, only one branch
if [ -n "$a" ]; then docker stop q; else docker stop q; docker start q; fi
docker rm -f q                                # hit: DG101, started again

# docker wait returns once the container has stopped.
id=$(docker run -d cert-image update-ca-certificates)
docker wait "${id}"
docker rm -f "${id}"                          # trap: it has exited
docker wait api &
docker rm -f api                              # hit: DG101, the wait runs alongside

# A container that was created and never started has nothing to kill.
cid=$(docker create "moby/buildkit:$release")
trap 'docker rm -f "$cid" >/dev/null 2>&1 || true' EXIT   # trap: never started
docker cp "$cid:/usr/bin/buildkitd" "$bindir/buildkitd"
docker rm -f "$cid" >/dev/null                # trap: never started
c2=$(docker create img)
docker start "$c2"
docker rm -f "$c2"                            # hit: DG101, started since
c3=$(docker container create img)
c3=$other
docker rm -f "$c3"                            # hit: DG101, another container now
