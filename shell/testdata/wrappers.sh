#!/bin/bash
sudo docker rm -f web
sudo -u root docker rm -f web
sudo -E -H -- docker rm -f web
sudo --user=ops DOCKER_HOST=unix:///x docker kill web
command docker rm -f web
exec docker rm -f web
env DOCKER_HOST=tcp://h docker rm -f web
env -i PATH=/usr/bin docker kill web
env -S 'docker rm -f web'
timeout 30 docker rm -f web
timeout -s TERM -k 5 30s docker rm -f web
nice docker rm -f web
nice -n 10 docker rm -f web
nohup docker rm -f web
time docker rm -f web
/usr/bin/time -v docker rm -f web
sudo timeout 10 nice -n 5 nohup docker rm -f web
stdbuf -oL docker rm -f web
setsid docker kill web
cat ids.txt | xargs docker rm -f
xargs -r -n1 docker kill < ids.txt
xargs -0 -I{} docker rm -f {} < ids.txt
sudo -l docker rm -f web
command -v docker rm -f web
