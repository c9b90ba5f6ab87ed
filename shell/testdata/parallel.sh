#!/bin/bash
docker ps -q | xargs -P 0 -n1 docker stop
docker ps -q | xargs -P 8 -n1 docker stop
docker ps -q | xargs -P8 docker stop
docker ps -q | xargs --max-procs=16 docker stop
docker ps -q | xargs -P 0 -I{} sh -c 'docker stop {}'
docker ps -q | parallel docker stop
parallel -j 10 docker stop ::: a b c
for c in a b c; do
  docker stop "$c" &
done
for c in a b c; do docker rm -f "$c" & done
while read c; do (docker stop "$c") & done < ids
# Within the limit, or bounded by wait.
docker ps -q | xargs -P 3 -n1 docker stop
docker ps -q | xargs -P2 docker stop
parallel -j 3 docker stop ::: a b c
docker ps -q | xargs -P 0 -n1 echo
for c in a b c; do
  docker stop "$c" &
  wait
done
docker stop a &
for f in *.log; do gzip "$f" & done
