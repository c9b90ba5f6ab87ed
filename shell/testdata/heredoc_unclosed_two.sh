#!/bin/bash
# Two here-documents on one line, both left open; the body ends in a
# backslash that would swallow a delimiter line.
docker stop --time 10 web
docker kill early
cat <<A <<-B
docker rm -f text
	line \