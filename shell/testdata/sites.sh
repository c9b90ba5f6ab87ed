#!/bin/bash
docker ps | grep web && docker rm -f web
docker rm -f a || true
true && docker rm -f b
(docker rm -f c)
{ docker rm -f d; }
cleanup() {
  docker rm -f e
}
function teardown {
  docker kill f
}
if docker rm -f g; then
  docker rm -f h
elif true; then
  docker rm -f i
else
  docker rm -f j
fi
while true; do docker rm -f k; done
until false; do docker rm -f l; done
for x in 1 2; do docker rmi -f "img$x"; done
case "$1" in
  clean) docker rm -f m ;;
esac
out=$(docker rm -f n)
old=`docker rm -f o`
echo "$(docker rm -f p)"
diff <(docker rm -f q) /dev/null
! docker rm -f r
time docker rm -f s
local_fn() { local v; v=$(docker kill t); }
docker rm -f u > /dev/null 2>&1 &
coproc docker rm -f v
[[ $(docker rm -f w) ]]
