#!/usr/bin/env bash
# Cleanup script shapes seen in public repositories: hits and traps.
set -euo pipefail
: "${CONTAINER_CLI:=docker}"
$CONTAINER_CLI rm -f "$NAME" # dg:DG101
"${DOCKER_BIN}" container rm --force api # dg:DG101
$PODMAN rm -f db # dg:DG101
ssh deploy@build-host -p 2222 "docker rm -f worker" # dg:DG101
ssh -o StrictHostKeyChecking=no ci@runner docker rm -f cache # dg:DG101
exec::nerdctl() { nerdctl "$@"; }
exec::nerdctl rm -f registry # dg:DG101
docker images | grep none | awk '{system("docker rmi -f " $3)}' # dg:DG102
docker ps -aq --filter label=ci | xargs -I{} sh -c 'docker rm -f {}' # dg:DG101|DG105
docker kill $(docker ps -aq) # dg:DG105
docker stop $(docker ps -q) # dg:DG106
docker rm -f $(docker ps -aq) # dg:none
docker compose rm -f # dg:none
docker-compose -f ci.yml rm -f -s # dg:none
docker logs -f web # dg:none
docker rm --force=false web # dg:none
docker network rm -f backend # dg:none
docker volume rm -f data # dg:none
docker kill -s HUP nginx # dg:none
echo "docker rm -f web" # dg:none
printf 'run: docker kill %s\n' web # dg:none
cat <<'DOC' # dg:none
docker rm -f quoted-heredoc
DOC
# docker rm -f in a comment
docker stop --time 10 gateway || true # dg:none
docker rm -f gateway || true # dg:none
for c in $(docker ps -q --filter label=ci); do docker stop "$c"; done # dg:none
docker ps -q --filter label=ci | xargs -r -n1 -P3 docker stop --time 10 # dg:none
DOCKER=docker
$DOCKER stop -t 0 web # dg:DG104
podman volume rm --force pgdata # dg:DG103
docker system prune -af --volumes # dg:DG107
docker compose down -v # dg:DG107
docker compose kill # dg:DG104
docker ps -q | xargs -P 8 -n1 docker restart # dg:DG106
