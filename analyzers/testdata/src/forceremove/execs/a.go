package execs

import (
	"golang.org/x/sys/execabs"

	"context"
	"os/exec"
	"strings"
)

const bin = "docker"

const cleanup = "rm -f web"

func direct(ctx context.Context, id string) {
	exec.Command("docker", "rm", "-f", id)                               // want `docker rm -f .*\(DG101\)`
	exec.CommandContext(ctx, "podman", "container", "rm", "--force", id) // want `\(DG101\)`
	exec.Command(bin, "rmi", "-f", "app:dev")                            // want `\(DG102\)`
	exec.Command("/usr/bin/docker", "rm", id, "-fv")                     // want `\(DG101\)`
	exec.Command("podman", "volume", "rm", "-f", "pgdata")               // want `\(DG103\)`
	exec.Command("docker", "rm", id)
	exec.Command("docker", "stop", "--time", "10", id)
}

func slices(ctx context.Context, id string, extra []string) {
	args := []string{"rm", "-f", id}
	exec.CommandContext(ctx, "docker", args...) // want `\(DG101\)`

	more := []string{"rm"}
	more = append(more, "--force")
	more = append(more, id)
	exec.Command("nerdctl", more...) // want `\(DG101\)`

	exec.Command(bin, strings.Fields(cleanup)...)                     // want `\(DG101\)`
	exec.Command("docker", append([]string{"rmi", "--force"}, id)...) // want `\(DG102\)`
	exec.Command("docker", extra...)
	exec.Command("docker", append([]string{"rm"}, extra...)...)
}

func lookPath(id string) {
	docker, err := exec.LookPath("docker")
	if err != nil {
		return
	}
	exec.Command(docker, "rm", "-f", id) // want `\(DG101\)`
}

func wrapped(id string) {
	exec.Command("sudo", "-u", "ci", "docker", "rm", "-f", id) // want `\(DG101\)`
	exec.Command("timeout", "30", "docker", "rmi", "-f", id)   // want `\(DG102\)`
}

func storm() error {
	out, err := exec.Command("docker", "ps", "-aq").Output()
	if err != nil {
		return err
	}
	for _, id := range strings.Fields(string(out)) {
		exec.Command("docker", "rm", "-f", id) // want `\(DG105\)`
	}
	return nil
}

func viaExecabs(id string) {
	execabs.Command("docker", "rm", "-f", id) // want `\(DG101\)`
}

func stormArgs() {
	out, _ := exec.Command("docker", "ps", "-q").Output()
	ids := strings.Fields(string(out))
	exec.Command("docker", append([]string{"rm", "-f"}, ids...)...) // want `every container from .*\(DG105\)`
	names, _ := exec.Command("docker", "images", "-q").Output()
	exec.Command("docker", append([]string{"rmi", "-f"}, strings.Fields(string(names))...)...) // want `\(DG102\)`
}
