// Package integration holds the shapes of an integration suite that runs
// the CLI through commands built as values: a runner named for the CLI,
// an argv carrier, and options (closures) that change the command.
package integration

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/testcontainers/testcontainers-go"

	"github.com/docker/docker/api/types/image"
	"github.com/docker/docker/client"
	"github.com/docker/docker/integration-cli/cli"
	"gotest.tools/v3/icmd"
)

// dockerCmdWithResult runs the suite's CLI with the caller's words.
func dockerCmdWithResult(args ...string) *icmd.Result {
	return cli.Docker(cli.Args(args...))
}

// withForce is an option that appends a flag to the command.
func withForce() icmd.CmdOp {
	return func(c *icmd.Cmd) { c.Command = append(c.Command, "--force") }
}

// withArgs is an option that appends its arguments to the command.
func withArgs(args ...string) func(*icmd.Cmd) {
	return func(c *icmd.Cmd) { c.Command = append(c.Command, args...) }
}

func TestRemove(c *testing.T) {
	id := "web"
	cli.DockerCmd(c, "rm", "-f", id)                                      // dg:DG101
	cli.DockerCmd(c, "rm", "-f", "-v", "data1")                           // dg:DG101
	cli.DockerCmd(c, "rmi", "-f", "busybox:latest")                       // dg:DG102
	cli.Docker(cli.Args("rm", "-f", id), cli.WithTimeout(10*time.Second)) // dg:DG101
	cli.Docker(cli.Args("container", "rm", id), cli.WithFlags("--force")) // dg:DG101
	dockerCmdWithResult("rm", "-f", id)                                   // dg:DG101
	icmd.RunCmd(icmd.Command("docker", "rm", id), withForce())            // dg:DG101
	icmd.RunCmd(icmd.Command("docker", "rm"), withArgs("-f", id))         // dg:DG101
	icmd.RunCmd(icmd.Cmd{Command: []string{"docker", "rm", "-f", id}})    // dg:DG101
	cli.DockerCmd(c, "logs", "-f", id)                                    // dg:none
	cli.DockerCmd(c, "ps", "-a", "-f", "status=exited")                   // dg:none
	cli.DockerCmd(c, "compose", "rm", "-f")                               // dg:none
	cli.DockerCmd(c, "rm", "--force=false", id)                           // dg:none
	cli.Docker(cli.Args("rm", id), cli.WithTimeout(10*time.Second))       // dg:none
	icmd.RunCmd(icmd.Command("docker", "rm", id), withArgs("-v"))         // dg:none
	c.Log(`cli.DockerCmd(c, "rm", "-f", id)`)                             // dg:none
	// cli.DockerCmd(c, "rm", "-f", id) in a comment                            // dg:none
}

// execInContainer runs the CLI inside a container whose type is not known
// here (no type information).
func execInContainer(ctx context.Context, ctr testcontainers.Container, id string) {
	_, _, _ = ctr.Exec(ctx, []string{"docker", "rm", "-f", id})   // dg:DG101
	_, _, _ = ctr.Exec(ctx, []string{"docker", "logs", "-f", id}) // dg:none
	fmt.Println([]string{"docker", "rm", "-f", id})               // dg:none
	_ = strings.Join([]string{"docker", "rm", "-f", id}, " ")     // dg:none
}

// dockerClient embeds the SDK's client, whose type is not known here.
type dockerClient struct{ *client.Client }

func removeImage(ctx context.Context, c *dockerClient, img string) {
	_, _ = c.ImageRemove(ctx, img, image.RemoveOptions{Force: true}) // dg:DG102
	_, _ = c.ImageRemove(ctx, img, image.RemoveOptions{})            // dg:none
}

// dockerBinary is where the suite finds the CLI, set at run time.
var dockerBinary = os.Getenv("DOCKER_BINARY")

func deleteImages(images ...string) error {
	args := []string{dockerBinary, "rmi", "-f"}
	return icmd.RunCmd(icmd.Cmd{Command: append(args, images...)}).Error // dg:DG102
}
