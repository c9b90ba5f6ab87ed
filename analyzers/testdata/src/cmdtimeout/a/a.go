package a

import (
	"context"
	"os/exec"
)

func run(ctx context.Context, id string, prog string) {
	exec.Command("docker", "stop", id)                 // want `exec.Command runs docker with no deadline.*\(DG302\)`
	exec.Command("sudo", "podman", "ps")               // want `exec.Command runs podman.*\(DG302\)`
	exec.Command("docker-compose", "up", "-d")         // want `\(DG302\)`
	exec.Command("sh", "-c", "docker ps -q | head -1") // want `\(DG302\)`
	exec.CommandContext(ctx, "docker", "stop", id)
	exec.Command("echo", "docker")
	exec.Command("git", "status")
	exec.Command(prog, "stop", id)
}

// dockerCmd is a helper: its own exec.Command is the site, not its callers.
func dockerCmd(args ...string) *exec.Cmd {
	return exec.Command("docker", args...) // want `\(DG302\)`
}

func helpers(id string) {
	dockerCmd("stop", id)
	dockerCmd("rm", "-f", id)
}
