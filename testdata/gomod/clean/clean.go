// Package clean does everything right.
package clean

import (
	"context"
	"os/exec"
	"time"
)

// Stop stops a container gracefully with a deadline.
func Stop(id string) error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	return exec.CommandContext(ctx, "docker", "stop", "--time", "10", id).Run()
}
