#!/bin/bash
docker rm -f before
if true; then
  docker kill inside
fi
echo "oops $(
docker rm -f after
