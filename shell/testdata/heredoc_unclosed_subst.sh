#!/bin/bash
# An open here-document inside $( ) is a real syntax error: the shells read
# the ) as body text and then miss it.
docker rm -f before
x=$(cat <<EOF
docker rm -f body
)
