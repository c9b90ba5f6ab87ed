// Package cmdops runs the docker CLI through commands built as values and
// changed by options before they run (gotest.tools' icmd and the
// integration suites built on it).
package cmdops

import (
	"fmt"
	"testing"
	"time"

	cli "example.com/itcli"
	"gotest.tools/v3/icmd"
)

// withFlags returns an option that appends its arguments to the command.
func withFlags(flags ...string) icmd.CmdOp {
	return func(c *icmd.Cmd) { c.Command = append(c.Command, flags...) }
}

// force is an option that appends a constant.
func force(c *icmd.Cmd) { c.Command = append(c.Command, "--force") }

// replace swaps the command for another: not followed.
func replace(c *icmd.Cmd) { c.Command = []string{"true"} }

// args is the package's own argv carrier.
func args(a ...string) icmd.Cmd { return icmd.Cmd{Command: a} }

// dockerCmdWithError is a helper of the suite built on the CLI package.
func dockerCmdWithError(a ...string) (string, error) {
	r := cli.Docker(cli.Args(a...))
	return fmt.Sprint(r.ExitCode), nil
}

func suite(t *testing.T, id string) {
	cli.DockerCmd(t, "rm", "-f", id)                                   // want `took DockerCmd for a runner of docker from its name\) \(DG101\)`
	cli.DockerCmd(t, "rmi", "-f", "app")                               // want `\(DG102\)`
	cli.DockerCmd(t, "rm", "--force", id)                              // want `\(DG101\)`
	cli.Docker(cli.Args("rm", "-f", id))                               // want `\(DG101\)`
	cli.Docker(cli.Args("rm", "-f", id), cli.WithTimeout(time.Second)) // want `\(DG101\)`
	cli.Docker(cli.Args("rm", id), cli.WithFlags("-f"))                // want `\(DG101\)`
	_, _ = dockerCmdWithError("rm", "-f", id)                          // want `\(DG101\)`
	_, _ = dockerCmdWithError("rmi", "--force", "app")                 // want `\(DG102\)`

	// Not force removals, or not runners.
	cli.DockerCmd(t, "logs", "-f", id)
	cli.DockerCmd(t, "compose", "rm", "-f")
	cli.DockerCmd(t, "rm", "--force=false", id)
	cli.DockerCmd(t, "rm", id)
	cli.Docker(cli.Args("rm", id), cli.WithTimeout(time.Second))
	cli.DockerCompose(t, "rm", "-f")
	_ = cli.Dockerfile("rm", "-f", id)
	_, _ = dockerCmdWithError("ps", "-f", "status=exited")
	fmt.Println("docker", "rm", "-f", id)
	t.Log("cli.DockerCmd(t, \"rm\", \"-f\", id)")
}

func operators(id string) {
	icmd.RunCmd(icmd.Command("docker", "rm", id), withFlags("-f"))                  // want `\(DG101\)`
	icmd.RunCmd(icmd.Command("docker", "rm", id), force)                            // want `\(DG101\)`
	icmd.RunCmd(icmd.Command("docker", "rm", "-f", id), icmd.WithTimeout(0))        // want `\(DG101\)`
	icmd.RunCmd(icmd.Cmd{Command: []string{"docker", "container", "rm", "-f", id}}) // want `\(DG101\)`
	icmd.StartCmd(icmd.Command("docker", "rm", id), force)                          // want `\(DG101\)`
	cmd := icmd.Command("docker", "rmi", "app")
	icmd.RunCmd(cmd, withFlags("--force"))       // want `\(DG102\)`
	icmd.RunCmd(args("docker", "rm", id), force) // want `\(DG101\)`

	icmd.RunCmd(icmd.Command("docker", "rm", id), withFlags("-v"))
	icmd.RunCmd(icmd.Command("docker", "logs", id), withFlags("-f"))
	icmd.RunCmd(icmd.Command("docker", "compose", "rm"), force)
	icmd.RunCmd(icmd.Command("docker", "rm", id), replace)
	icmd.RunCmd(icmd.Command("docker", "rm", id), icmd.WithTimeout(0))
}

// dockerBinary is where the suite found the CLI, set at run time.
var dockerBinary = lookup()

func lookup() string { return "" }

func namedProgram(images []string) {
	args := []string{dockerBinary, "rmi", "-f"}
	icmd.RunCmd(icmd.Cmd{Command: append(args, images...)}) // want `took dockerBinary for docker from its name\) \(DG102\)`
	icmd.RunCommand(dockerBinary, "rm", "-f", "web")        // want `\(DG101\)`

	icmd.RunCommand(dockerBinary, "logs", "-f", "web")
	toolPath := lookup()
	icmd.RunCommand(toolPath, "rm", "-f", "web")
}
