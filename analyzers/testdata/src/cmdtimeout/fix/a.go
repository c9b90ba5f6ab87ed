// Package fix holds DG302 findings whose fix passes the context in scope to
// exec.CommandContext.
package fix

import (
	"context"
	"os/exec"
	"time"
)

func param(ctx context.Context, id string) error {
	return exec.Command("docker", "stop", id).Run() // want `\(DG302\)`
}

func local(id string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.Command("docker", "rm", id) // want `\(DG302\)`
	return cmd.Output()
}

// One context under another name.
func named(c context.Context) {
	_ = exec.Command("sh", "-c", "docker ps -q").Run() // want `\(DG302\)`
}

// Inside a closure, the enclosing function's context.
func closure(ctx context.Context, ids []string) {
	for _, id := range ids {
		go func() {
			_ = exec.Command("docker", "logs", id).Run() // want `\(DG302\)`
		}()
	}
}

// Two contexts in scope: ctx wins.
func two(ctx, parent context.Context) {
	_ = exec.Command("docker", "ps").Run() // want `\(DG302\)`
}
