package fixexec

import (
	"context"
	"os/exec"
)

// Traps: rm -f without a stop on every path before it keeps its finding
// and gets no fix (this file has no golden).

func noStop(id string) error {
	return exec.Command("docker", "rm", "-f", id).Run() // want `docker rm -f .*stop it first: docker stop --time 10 .*\(DG101\)`
}

// The stop's failure is ignored: on a missing container rm -f exits 0
// and rm 1, so dropping -f would change what the program sees.
func stopErrorIgnored(id string) error {
	_ = exec.Command("docker", "stop", id).Run()
	return exec.Command("docker", "rm", "-f", id).Run() // want `\(DG101\)`
}

// The stop's error is checked but the path goes on.
func stopErrorLogged(id string) error {
	if err := exec.Command("docker", "stop", id).Run(); err != nil {
		println(err.Error())
	}
	return exec.Command("docker", "rm", "-f", id).Run() // want `\(DG101\)`
}

func stopOnOneBranch(id string, graceful bool) error {
	if graceful {
		_ = exec.Command("docker", "stop", id).Run()
	}
	return exec.Command("docker", "rm", "-f", id).Run() // want `\(DG101\)`
}

func stopNotWaited(id string) error {
	_ = exec.Command("docker", "stop", id).Start()
	return exec.Command("docker", "rm", "-f", id).Run() // want `\(DG101\)`
}

func stopNeverRun(id string) error {
	stop := exec.Command("docker", "stop", id)
	_ = stop
	return exec.Command("docker", "rm", "-f", id).Run() // want `\(DG101\)`
}

func killingStop(ctx context.Context, id string) error {
	_ = exec.CommandContext(ctx, "docker", "stop", "-t", "0", id).Run()
	return exec.CommandContext(ctx, "docker", "rm", "-f", id).Run() // want `\(DG101\)`
}

func otherContainer(ctx context.Context, a, b string) error {
	_ = exec.CommandContext(ctx, "docker", "stop", a).Run()
	return exec.CommandContext(ctx, "docker", "rm", "-f", b).Run() // want `\(DG101\)`
}

func stopAfter(ctx context.Context, id string) error {
	err := exec.CommandContext(ctx, "docker", "rm", "-f", id).Run() // want `\(DG101\)`
	_ = exec.CommandContext(ctx, "docker", "stop", id).Run()
	return err
}

func flagFromSlice(ctx context.Context, id string) error {
	_ = exec.CommandContext(ctx, "docker", "stop", id).Run()
	args := []string{"rm", "-f", id}
	return exec.CommandContext(ctx, "docker", args...).Run() // want `\(DG101\)`
}

// Look-alikes: not force removals of containers.
func lookAlikes(ctx context.Context, id string) {
	_ = exec.CommandContext(ctx, "docker", "rm", "--force=false", id).Run()
	_ = exec.CommandContext(ctx, "docker", "compose", "rm", "-f").Run()
	_ = exec.CommandContext(ctx, "docker", "logs", "-f", id).Run()
	_ = exec.CommandContext(ctx, "echo", "docker", "rm", "-f", id).Run()
}
