// Command govet-bench pulls the Docker SDK generations and testcontainers-go
// into one build list, so that bench/govet.sh can vet hundreds of real
// packages that use the Docker API.
package main

import (
	_ "github.com/docker/docker/client"
	_ "github.com/fsouza/go-dockerclient"
	_ "github.com/moby/moby/client"
	_ "github.com/testcontainers/testcontainers-go"
	_ "github.com/testcontainers/testcontainers-go/wait"
)

func main() {}
