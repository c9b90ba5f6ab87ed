package fix

import (
	"context"
	"os/exec"
)

// Traps: no context in scope, only a nil one, a shadowing non-context,
// a package-level context, a computed one, two without a ctx among them.
// None of these gets a fix (this file has no golden).

var background = context.Background()

func none(id string) {
	_ = exec.Command("docker", "stop", id).Run() // want `\(DG302\)`
}

func nilContext(id string) {
	var ctx context.Context
	_ = exec.Command("docker", "stop", id).Run() // want `\(DG302\)`
	_ = ctx
}

func shadowed(ctx context.Context, id string) {
	{
		ctx := "not a context"
		_ = exec.Command("docker", "stop", id).Run() // want `\(DG302\)`
		_ = ctx
	}
}

func packageLevel(id string) {
	_ = exec.Command("docker", "stop", id).Run() // want `\(DG302\)`
}

func computed(id string) {
	_ = exec.Command("docker", "stop", id).Run() // want `\(DG302\)`
	ctx := context.Background()                  // declared after the call
	_ = ctx
}

func ambiguous(a, b context.Context, id string) {
	_ = exec.Command("docker", "stop", id).Run() // want `\(DG302\)`
}

func pointer(ctx *context.Context, id string) {
	_ = exec.Command("docker", "stop", id).Run() // want `\(DG302\)`
}
