// Package dockerhelp is another package of the module whose helpers fix
// the container CLI and pass the caller's words on: what its callers run is
// known only from the facts it exports.
package dockerhelp

import (
	"context"
	"fmt"
	"os/exec"
)

// DockerCmd runs docker with args.
func DockerCmd(args ...string) *exec.Cmd { return exec.Command("docker", args...) }

// Remote runs docker against host, with fixed flags before the caller's.
func Remote(ctx context.Context, host string, args ...string) error {
	return exec.CommandContext(ctx, "docker", append([]string{"-H", host}, args...)...).Run()
}

// Podman is a helper of a helper.
func Podman(args ...string) error { return run("podman", args...) }

func run(name string, args ...string) error { return exec.Command(name, args...).Run() }

// Client wraps the CLI for one daemon.
type Client struct{ Host string }

// Docker runs docker against the client's daemon.
func (c *Client) Docker(args ...string) *exec.Cmd {
	return exec.Command("docker", append([]string{"--host", c.Host}, args...)...)
}

// Describe has a runner's words but only prints them.
func Describe(args ...string) string { return fmt.Sprint("docker", args) }
