#!/bin/sh
# Cleanup scripts that let awk run the docker command.
docker images | grep old | awk '{system("docker rmi -f " $3)}'
docker ps -a | awk 'NR>1 {system("docker rm -f "$1)}'
awk -F, '{ system("docker kill " $2) }' containers.csv
awk '{print "docker rm -f " $1}' list.txt
awk '{system("echo docker rm -f " $1)}' list.txt
docker ps | awk '{system("docker logs -f " $1)}'
awk -f cleanup.awk list.txt
