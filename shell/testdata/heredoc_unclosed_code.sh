#!/bin/bash
docker kill first
bash <<'EOF'
docker rm -f inner
echo "docker rm -f quoted"