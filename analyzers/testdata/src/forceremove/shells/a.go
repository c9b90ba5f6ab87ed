package shells

import (
	"context"
	"os/exec"
)

const script = "docker rm --force web"

func shells(ctx context.Context) {
	exec.CommandContext(ctx, "sh", "-c", "docker rm -f web")               // want `\(DG101\)`
	exec.CommandContext(ctx, "bash", "-euxc", `set -e; docker rmi -f app`) // want `\(DG102\)`
	exec.CommandContext(ctx, "sh", "-c", "docker rm -f $(docker ps -aq)")  // want `\(DG105\)`
	exec.CommandContext(ctx, "sh", "-c", script)                           // want `\(DG101\)`
	exec.CommandContext(ctx, "sh", "-c", "echo docker rm -f web")
	exec.CommandContext(ctx, "sh", "script.sh", "-c", "docker rm -f web")
	exec.CommandContext(ctx, "sh", "-c", "docker stop --time 10 web && docker rm web")
	exec.CommandContext(ctx, "sh", "-c", "# docker rm -f web")
}
