// Package wrappers runs the docker CLI through libraries that wrap os/exec,
// through functions shaped like exec.Command, and through the package's own
// helpers.
package wrappers

import (
	"context"
	"fmt"
	"log"
	"os/exec"
	"strings"
	"testing"

	"example.com/dockerhelp"
	"example.com/runnerlib"

	gocmd "github.com/go-cmd/cmd"

	"github.com/bitfield/script"
	"github.com/magefile/mage/sh"
	"github.com/testcontainers/testcontainers-go"
	"gotest.tools/v3/icmd"
	kindexec "sigs.k8s.io/kind/pkg/exec"
)

func libraries(ctx context.Context, id string, c testcontainers.Container) {
	icmd.RunCommand("docker", "container", "rm", "-f", id)    // want `\(DG101\)`
	icmd.Command("docker", "rmi", "-f", "app")                // want `\(DG102\)`
	kindexec.Command("docker", "rm", "-f", "-v", id)          // want `\(DG101\)`
	kindexec.CommandContext(ctx, "podman", "rm", "-f", id)    // want `\(DG101\)`
	_ = sh.Run("docker", "rm", "-f", id)                      // want `\(DG101\)`
	_ = sh.RunV("docker", "rm", "--force", id)                // want `\(DG101\)`
	_, _ = sh.Output("docker", "rm", "-f", id)                // want `\(DG101\)`
	_ = sh.RunWith(nil, "docker", "rm", "-f", id)             // want `\(DG101\)`
	script.Exec("docker rm -f web")                           // want `\(DG101\)`
	script.Echo("x").Exec("docker rmi -f app")                // want `\(DG102\)`
	gocmd.NewCmd("docker", "rm", "-f", id)                    // want `\(DG101\)`
	_, _, _ = c.Exec(ctx, []string{"docker", "rm", "-f", id}) // want `\(DG101\)`
	_ = runnerlib.Run(ctx, "docker", "rm", "-f", id)          // want `\(DG101\)`
	script.Exec("docker rm -f " + id)                         // want `\(DG101\)`
	script.Exec("docker " + "rmi -f " + id + " --no-prune")   // want `\(DG102\)`
	_ = sh.RunCmd("docker", "container")("rm", "-f", id)      // want `\(DG101\)`
	docker := sh.RunCmd("docker")
	_ = docker("rm", "-f", id) // want `\(DG101\)`
	_ = docker("logs", "-f", id)

	// Not force removals, or not commands.
	icmd.RunCommand("docker", "compose", "rm", "-f")
	icmd.RunCommand("docker", "logs", "-f", id)
	_ = sh.Run("docker", "rm", "--force=false", id)
	script.Echo("docker rm -f web")
	script.Exec(id + " rm -f web")
	script.Exec("docker logs -f " + id)
	rmv := sh.RunCmd("docker", "rm")
	_ = rmv("-v", id)
	other := sh.RunCmd("podman")
	other = sh.RunCmd("echo")
	_ = other("rm", "-f", id)
	_ = runnerlib.Run(ctx, "docker", "version")
	runnerlib.Tag("docker", "nightly", "-f")
}

const command = "docker"

// stepwise builds the argv in steps.
func stepwise(ctx context.Context, names []string) {
	args := make([]string, 0, 3+len(names))
	args = append(args, "rm", "-f", "-v")
	args = append(args, names...)
	exec.Command(command, args...) // want `\(DG101\)`
	runCmd(ctx, command, args...)  // want `\(DG101\)`
	kept := make([]string, 0, 4)
	kept = append(kept, "rm")
	kept = append(kept, names...)
	exec.Command(command, kept...)
}

// dockerCmd fixes the binary and takes the rest.
func dockerCmd(args ...string) *exec.Cmd { return exec.Command("docker", args...) }

// runCmd is a project's own runner.
func runCmd(ctx context.Context, name string, args ...string) error {
	return exec.CommandContext(ctx, name, args...).Run()
}

// dockerRun is a helper of a helper.
func dockerRun(args ...string) error { return runCmd(context.Background(), "docker", args...) }

// remote runs docker against a host, with fixed flags before the caller's.
func remote(host string, args ...string) *exec.Cmd {
	return exec.Command("docker", append([]string{"--host", host}, args...)...)
}

// logCmd has a runner's shape but only prints.
func logCmd(name string, args ...string) { fmt.Println(name, strings.Join(args, " ")) }

func helpers(ctx context.Context, id, img string) {
	dockerCmd("container", "rm", "-f", id)      // want `\(DG101\)`
	_ = runCmd(ctx, "docker", "rmi", "-f", img) // want `\(DG102\)`
	_ = dockerRun("rm", "--force", id)          // want `\(DG101\)`
	remote("tcp://ci:2375", "rm", "-f", id)     // want `\(DG101\)`
	rm := []string{"rm", "-f", id}
	dockerCmd(rm...) // want `\(DG101\)`

	dockerCmd("ps", "-a")
	dockerCmd("rm", id)
	_ = runCmd(ctx, "ls", "-f")
	logCmd("docker", "rm", "-f", id)
}

func storm() {
	out, _ := exec.Command("docker", "ps", "-aq").Output()
	for _, id := range strings.Fields(string(out)) {
		dockerCmd("rm", "-f", id) // want `\(DG105\)`
	}
}

func traps(t *testing.T, s string) {
	log.Printf("docker", "rm", "-f")
	_ = strings.Replace(s, "docker", "podman", -1)
	t.Run("docker", func(t *testing.T) {})
	fmt.Println("docker", "rm", "-f", s)
}

// crossPackage calls helpers of another package of the module, known from
// the facts that package exports.
func crossPackage(ctx context.Context, id string, c *dockerhelp.Client) {
	dockerhelp.DockerCmd("container", "rm", "-f", id)               // want `\(DG101\)`
	_ = dockerhelp.Remote(ctx, "tcp://ci:2375", "rmi", "-f", "app") // want `\(DG102\)`
	_ = dockerhelp.Podman("rm", "--force", id)                      // want `\(DG101\)`
	c.Docker("rm", "-f", id)                                        // want `\(DG101\)`
	rm := []string{"rm", "-f", id}
	dockerhelp.DockerCmd(rm...) // want `\(DG101\)`

	dockerhelp.DockerCmd("logs", "-f", id)
	dockerhelp.DockerCmd("compose", "rm", "-f")
	dockerhelp.DockerCmd("rm", "--force=false", id)
	c.Docker("stop", id)
	_ = dockerhelp.Describe("rm", "-f", id)
}

// withArgs is an option helper whose result is its arguments.
func withArgs(args ...string) []string { return args }

// withHost puts fixed words before the caller's.
func withHost(args ...string) []string { return append([]string{"--host", "tcp://ci:2375"}, args...) }

// withVar puts a value the call cannot know before the caller's words.
func withVar(v string, args ...string) []string { return append([]string{v}, args...) }

func runArgs(args []string) error { return exec.Command("docker", args...).Run() }

func optionHelpers(id string) {
	dockerCmd(withArgs("rm", "-f", id)...)                  // want `\(DG101\)`
	_ = runArgs(withHost("container", "rm", "--force", id)) // want `\(DG101\)`
	exec.Command("docker", withArgs("rmi", "-f", "app")...) // want `\(DG102\)`

	dockerCmd(withArgs("logs", "-f", id)...)
	_ = runArgs(withHost("compose", "rm", "-f"))
	_ = runArgs(withVar("rm", "-f", id))
	dockerCmd(withArgs("rm", "--force=false", id)...)
}
