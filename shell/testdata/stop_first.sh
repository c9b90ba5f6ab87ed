#!/bin/bash
# A forced removal of containers stopped just before kills nothing.
docker stop web || true && docker rm -f web || true
docker stop "$name"; docker rm -f $name
ids=$(docker ps -aq --filter label=ci)
[[ -n "$ids" ]] && { docker stop $ids || true; docker rm -f $ids; }
docker stop --time 30 api db
docker rm --force db api
docker container stop queue && docker container rm -fv queue
docker stop -t 0 worker || true && docker rm -f worker
docker stop m | tee stop.log; docker rm -f m

# Traps: the stop may not have run, or not finished, or was of others.
docker stop a & docker rm -f a
if [ -n "$KEEP" ]; then docker stop b; fi; docker rm -f b
[ -n "$QUICK" ] || docker stop c; docker rm -f c
ready && docker stop d; docker rm -f d
docker stop e | docker rm -f e
docker stop $f; f=other; docker rm -f $f
docker kill -s HUP g; docker rm -f g
docker kill cache; docker rm -f cache
docker stop web2; docker run -d --name web2 img; docker rm -f web2
docker stop api2; docker compose up -d; docker rm -f api2
docker stop q2 && docker start q2 && docker rm -f q2
docker -H tcp://a:2375 stop r2; docker -H tcp://b:2375 rm -f r2
docker stop h; docker rm -f h i
docker rm -f j; docker stop j
for k in 1 2; do docker stop "$k"; done; docker rm -f "$k"
docker stop $(docker ps -q); docker rm -f $(docker ps -aq)
docker stop $(docker ps -aq) && docker rm -f $(docker ps -aq)
drop() { docker rm -f "$1"; }
docker stop "$1"; drop other
while read -r n; do docker stop "$n"; done < names; docker rm -f "$n"
