// Package livetest runs real clients (the docker CLI, docker-compose, the
// moby Go client, docker-py) through `dockguard guard` in front of a
// private dockerd, with a recording proxy between the guard and the
// daemon, so that the tests see what the daemon received.
package livetest
