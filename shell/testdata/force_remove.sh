#!/bin/sh
# DG101: every spelling of a forced container removal.
docker rm -f web
docker rm --force web
docker rm -fv web
docker rm -vf web
docker rm --force=true web
docker container rm -f web
docker container remove --force web db
docker rm "$id" -f
docker rm -f "$@"
podman rm -f web
nerdctl rm -f web
docker -H tcp://10.0.0.1:2375 --tlsverify rm -f web
docker --context=prod rm -f web
docker rm -f 'web' "db"
/usr/local/bin/docker rm -f web
# DG102
docker rmi -f app:dev
docker image rm -f app:dev
docker image remove --force app:dev
podman rmi -f app:dev
# DG103: podman only
podman volume rm -f pgdata
docker volume rm -f pgdata
# DG104
docker kill web
docker container kill web
docker kill -s KILL web
docker kill --signal=SIGKILL web
docker kill -s 9 web
docker kill -s HUP web
docker kill --signal=USR1 web
docker stop -t 0 web
docker stop --time=0 web
docker stop --timeout 0 web
docker restart -t 0 web
docker stop -s KILL web
docker stop -t 10 web
docker compose kill
docker compose kill -s SIGTERM web
docker compose stop -t 0
# DG107
docker system prune --volumes
docker system prune -af --volumes
docker volume prune -f
docker compose down -v
docker compose --project-name ci down --volumes
docker-compose down -v
docker-compose -f a.yml -f b.yml down --remove-orphans -v
