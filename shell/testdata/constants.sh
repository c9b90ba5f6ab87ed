#!/bin/bash
DOCKER=docker
FORCE=-f
$DOCKER rm $FORCE web
${DOCKER} rm ${FORCE} web
"$DOCKER" kill web
DOCKER_CMD="sudo docker"
$DOCKER_CMD rm -f web
RM_CMD="docker rm -f web"
$RM_CMD
D=${DOCKER_BIN:-docker}
$D kill web
export COMPOSE="docker compose"
$COMPOSE down -v
SIGNAL=HUP
docker kill -s $SIGNAL web
TIMEOUT=0
docker stop -t $TIMEOUT web
TIMEOUT=10
docker stop -t $TIMEOUT web
FORCE=$(get_flag)
docker rm $FORCE web
unset DOCKER
$DOCKER rm -f web
