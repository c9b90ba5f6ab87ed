#!/bin/bash
# None of these lines is a finding.
# docker rm -f web
echo "docker rm -f web"
echo docker rm -f web
printf '%s\n' "docker kill web"
msg="docker rm -f web"
readonly HINT='docker system prune --volumes'
docker rm --force=false web
docker rm -f=false web
docker rm web
docker compose rm -f
docker compose rm -fsv web
docker-compose rm -f
docker compose -f docker-compose.yml rm -s web
docker compose -f docker-compose.yml up -d
docker network rm -f net
docker build --force-rm -t app .
docker ps -f status=exited
docker logs -f web
docker context rm -f old
docker buildx rm --force builder
docker container prune -f
docker image prune -af
docker builder prune -f
docker system prune -f
docker system prune -af
docker volume rm -f pgdata
docker compose down
docker kill -s HUP web
docker stop web
docker run --rm alpine rm -f /tmp/x
docker exec web kill 1
cat <<EOF2
docker rm -f web
EOF2
cat <<'EOF2'
docker kill web
EOF2
grep -c "docker rm -f" README.md
command -v docker
which docker
type docker
docker rm $FLAGS web
docker stop -t "$T" web
docker kill -s "$SIG" web
$UNKNOWN rm -f web
kubectl delete -f manifest.yaml
dockerd --debug
docker run --rm -v /var/run/docker.sock:/s docker:cli sh -c "docker rm -f inner"
docker exec -i web bash <<EOF2
docker rm -f web
EOF2
alias dlogs='docker logs -f' dcrm='docker compose rm -f'
x='docker kill web'
: "docker rm -f web"
test "docker rm -f web"
docker rm --volumes web
docker rm -l link
docker stop --time=30 web
