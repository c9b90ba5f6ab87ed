#!/bin/bash
sh -c "docker rm -f web"
bash -c 'docker kill web'
bash -euxc 'set -x; docker rm -f web'
sudo sh -c "docker rm -f web && echo done"
eval "docker rm -f web"
eval docker kill web
trap 'docker rm -f tmp' EXIT
trap "docker kill tmp" INT TERM
bash <<EOF2
docker rm -f web
EOF2
sh -s <<'EOF2'
docker kill web
EOF2
sudo bash <<-EOF2
	docker rmi -f img
	EOF2
bash <<< "docker rm -f web"
sh -c "bash -c 'docker rm -f deep'"
sh -c "docker rm -f \"web\""
sh -c "docker rm -f $(docker ps -aq)"
cmd='docker rm -f web'
eval "$cmd"
sh -c "$cmd"
# Not code:
cat <<EOF2
docker rm -f web
EOF2
python3 - <<EOF2
docker kill web
EOF2
bash script.sh docker rm -f web
trap - EXIT
sh -c 'echo docker rm -f web'
# A string of code that does not parse is reported, the file goes on.
sh -c 'docker rm -f "web'
su -c 'echo not followed' root
docker rm -f last
ssh deploy@prod "docker rm -f web"
ssh -i ~/.ssh/id -p 2222 prod docker kill web
su -c 'docker rm -f web' root
ssh prod 'echo docker rm -f web'
ssh prod
eval "docker rm -f $(docker ps -aq)"
eval "docker rm -f $name"
