#!/bin/bash
docker rm -f $(docker ps -aq)
docker rm -fv $(docker ps -a -q)
docker rm -f `docker ps -aq`
docker container rm --force $(docker container ls -aq)
docker kill $(docker ps -q)
docker stop -t 0 $(docker ps -q)
docker rm -f $(docker ps -aq --filter label=ci)
docker rm -f $(docker ps -a | grep Exited | awk '{print $1}')
docker ps -q | xargs docker rm -f
docker ps -aq | xargs -r docker rm -f
docker ps -q | xargs -n1 docker kill
docker ps -a | grep old | awk '{print $1}' | xargs docker rm -f
docker ps -q | xargs -I{} docker rm -f {}
for c in $(docker ps -q); do docker rm -f $c; done
for c in `docker ps -aq`; do
  docker kill "$c"
done
ids=$(docker ps -aq)
docker rm -f $ids
docker ps -q | while read -r id; do docker rm -f "$id"; done
while read id; do docker rm -f "$id"; done < <(docker ps -q)
mapfile -t all < <(docker ps -aq)
docker rm -f "${all[@]}"
podman rm -af
docker compose ps -q | xargs docker rm -f
docker ps -q | xargs sh -c 'docker rm -f "$@"' _
docker ps -q | xargs -n1 bash -c 'docker kill "$1"' _
xargs docker rm -f <<< "$(docker ps -aq)"
# Not a mass removal: graceful, or not forced. The mass stop is DG106:
# the CLI stops them all in parallel.
docker stop $(docker ps -q)
docker rm $(docker ps -aq -f status=exited)
docker ps -q | xargs -r -n1 -P3 docker stop --time 10
docker rmi -f $(docker images -q)
