#!/usr/bin/env bash
# Ways of spelling a docker command seen in real scripts: default
# assignments, CLI variables named for what they hold, ssh options after
# the host, and functions that supply the CLI while the caller supplies the
# rest.

: ${CONTAINER_CLI:="docker"}
$CONTAINER_CLI rm -f web

"${ENGINE:-podman}" rm -f db
RUNTIME=${RUNTIME:=nerdctl}
$RUNTIME rmi -f base

# Never set here: the name says what it holds.
$DOCKER rm -f cache
${CONTAINER_RUNTIME} container rm --force queue
$DOCKER_CMD logs -f web
$DOCKER_BIN compose rm -f
$PODMAN rm --force=false web
$DOCKER_BIN rm api
"${DOCKER_CLI}" container rm --force quoted
"$NERDCTL" logs -f quoted
"$DOCKER_COMMAND rm -f" not-a-command-word

# Set here from something unknown: not inferred.
DOCKER_EXE=$(command -v docker || true)
$DOCKER_EXE rm -f web2
read -r PODMAN_BIN < /etc/podman-path
$PODMAN_BIN rm -f web3
$SOME_TOOL rm -f web4

ssh deploy@ci.example.com -p 2222 "docker rm -f legacy"
ssh -i key ci -o BatchMode=yes 'docker stop --time 10 legacy && docker rm legacy'
ssh ci -p 2222 "docker logs -f legacy"

exec::nerdctl() { nerdctl "$@"; }
exec::nerdctl rm -f x1
exec::nerdctl logs -f x1
dk() { command docker --host "$HOST" "$@"; }
dk rm -f x2
dk.sudo() { sudo podman "$@"; }
dk.sudo container rm --force x3
outer-wrap() { exec::nerdctl "$@"; }
outer-wrap rmi -f img
cleanup() { docker rm -f "$@"; }
cleanup x4
echo "exec::nerdctl rm -f x5"

# A mass stop drains the running containers: the mass removal after it
# kills nothing. A stop of a filtered listing does not drain the others.
docker stop $(docker ps -q)
docker rm -f $(docker ps -aq)
docker run -d --name again nginx
docker rm -f $(docker ps -aq)
docker stop $(docker ps -q --filter label=ci)
docker rm -f $(docker ps -aq)
