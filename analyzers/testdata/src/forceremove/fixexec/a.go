// Package fixexec holds `docker rm -f` run through os/exec after a graceful
// stop of the same container: the fix drops -f.
package fixexec

import (
	"context"
	"os/exec"
)

func direct(id string) error {
	if err := exec.Command("docker", "stop", "--time", "10", id).Run(); err != nil {
		return err
	}
	return exec.Command("docker", "rm", "-f", id).Run() // want `already stopped before this on every path, so dropping -f is enough \(DG101\)`
}

func throughVariable(ctx context.Context, id string) ([]byte, error) {
	stop := exec.CommandContext(ctx, "docker", "stop", id)
	if out, err := stop.CombinedOutput(); err != nil {
		return out, err
	}
	return exec.CommandContext(ctx, "docker", "container", "rm", "--force", id).Output() // want `dropping --force is enough \(DG101\)`
}

func cluster(ctx context.Context) error {
	if err := exec.CommandContext(ctx, "docker", "stop", "web").Run(); err != nil {
		panic(err)
	}
	return exec.CommandContext(ctx, "docker", "rm", "-fv", "web").Run() // want `dropping the f of -fv is enough \(DG101\)`
}

// A stop through the SDK-free helper of the package counts too.
func halt(ctx context.Context, name string) error {
	return exec.CommandContext(ctx, "docker", "stop", name).Run()
}

func viaHelper(ctx context.Context, name string) error {
	if err := halt(ctx, name); err != nil {
		return err
	}
	return exec.CommandContext(ctx, "sudo", "docker", "rm", "--force=true", name).Run() // want `dropping --force=true is enough \(DG101\)`
}
