#!/bin/bash
# Listings restricted to containers that are not running: -f kills nothing.
docker rm -f $(docker ps -aq -f status=exited)
docker rm -f $(docker ps -a -q --filter status=dead)
docker rm -f $(docker ps -aq --filter=status=created --filter status=exited)
docker container rm --force $(docker container ls -aq -f 'status=exited')
docker ps --filter status=exited -q | xargs docker rm -f
docker ps -aq -f status=exited | xargs -r -n1 docker rm -f
for c in $(docker ps -aq -f status=exited); do docker rm -f "$c"; done
gone=$(docker ps -aq -f status=exited)
docker rm -f $gone
docker kill $(docker ps -q -f status=exited)
docker compose ps -q --status exited | xargs docker rm -f
drop() { docker rm -f "$@"; }
drop $(docker ps -aq -f status=exited)

# Traps: the listing may still hold running containers.
docker rm -f $(docker ps -aq -f status=exited -f status=running)
docker rm -f $(docker ps -aq -f status=paused)
docker rm -f $(docker ps -aq -f status=$STATE)
docker rm -f $(docker ps -aq -f name=exited)
docker rm -f $(docker ps -aq -f "$FILTER")
docker ps -aq -f label=status=exited | xargs docker rm -f
docker rm -f $(docker ps -aq -f status=exited) web
drop $(docker ps -aq -f status=restarting)
