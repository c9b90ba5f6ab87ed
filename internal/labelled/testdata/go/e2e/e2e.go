// Package e2e holds the CLI-wrapper shapes of end-to-end test suites.
package e2e

import (
	"context"
	"log"
	"strings"
	"testing"

	"github.com/bitfield/script"
	"gotest.tools/v3/icmd"
	"sigs.k8s.io/kind/pkg/exec"
)

func cleanup(t *testing.T, id string) {
	icmd.RunCommand("docker", "container", "rm", "-f", id) // dg:DG101
	icmd.RunCommand("docker", "kill", id)                  // dg:DG104
	icmd.RunCommand("docker", "logs", "-f", id)            // dg:none
	icmd.RunCommand("docker", "compose", "rm", "-f")       // dg:none
	_ = exec.Command("docker", "rm", "-f", "-v", id).Run() // dg:DG101
	_, _ = script.Exec("docker rm -f " + id).String()      // dg:DG101
	log.Printf("docker", "rm", "-f", id)                   // dg:none
	_ = strings.Replace(id, "docker", "podman", -1)        // dg:none
	t.Run("docker", func(t *testing.T) {})                 // dg:none
}

const command = "docker"

func removeAll(names []string) error {
	args := make([]string, 0, 3+len(names))
	args = append(args, "rm", "-f", "-v")
	args = append(args, names...)
	return exec.Command(command, args...).Run() // dg:DG101
}

func runCmd(ctx context.Context, name string, args ...string) error {
	return exec.CommandContext(ctx, name, args...).Run()
}

func stopAll(ctx context.Context, id string) {
	_ = runCmd(ctx, "docker", "rm", "--force", id) // dg:DG101
	_ = runCmd(ctx, "docker", "rm", id)            // dg:none
}

func dockerCmd(args ...string) *exec.Cmd { return exec.Command("docker", args...) }

func viaHelper(id string) {
	_ = dockerCmd("container", "rm", "-f", id).Run() // dg:DG101
	_ = dockerCmd("container", "stop", id).Run()     // dg:none
}

// withArgs is an option helper whose result is its arguments.
func withArgs(args ...string) []string { return args }

// withHost puts a fixed daemon before the caller's words.
func withHost(args ...string) []string {
	return append([]string{"--host", "unix:///run/ci.sock"}, args...)
}

func runArgs(args []string) error { return exec.Command("docker", args...).Run() }

func viaOptions(id string) {
	_ = dockerCmd(withArgs("rm", "-f", id)...).Run()        // dg:DG101
	_ = runArgs(withHost("container", "rm", "--force", id)) // dg:DG101
	_ = dockerCmd(withArgs("logs", "-f", id)...).Run()      // dg:none
	_ = runArgs(withHost("compose", "rm", "-f"))            // dg:none
}
