// Package follow starts one goroutine per container to wait on it or to
// follow its log, which is meant to run side by side, next to goroutines
// that do real work.
package follow

import (
	"context"
	"io"
	"os"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/client"
	"golang.org/x/sync/errgroup"
)

// waitAll waits for every container to exit: no burst of work.
func waitAll(ctx context.Context, cli *client.Client, ids []string) error {
	eg, ctx := errgroup.WithContext(ctx)
	for _, id := range ids {
		eg.Go(func() error {
			okC, errC := cli.ContainerWait(ctx, id, "not-running")
			select {
			case <-okC:
				return nil
			case err := <-errC:
				return err
			}
		})
	}
	return eg.Wait()
}

// followAll follows every log, through helpers; the inspect before it is a
// short read.
func followAll(ctx context.Context, cli *client.Client, ids []string, follow bool) error {
	eg, ctx := errgroup.WithContext(ctx)
	for _, id := range ids {
		eg.Go(func() error { return logOne(ctx, cli, id, follow) })
	}
	return eg.Wait()
}

func logOne(ctx context.Context, cli *client.Client, id string, follow bool) error {
	if _, err := cli.ContainerInspect(ctx, id); err != nil {
		return err
	}
	return stream(ctx, cli, id, container.LogsOptions{ShowStdout: true, Follow: follow})
}

func stream(ctx context.Context, cli *client.Client, id string, opts container.LogsOptions) error {
	r, err := cli.ContainerLogs(ctx, id, opts)
	if err != nil {
		return err
	}
	defer r.Close()
	_, err = io.Copy(os.Stdout, r)
	return err
}

// Traps.

// A log read without Follow is a short read like any other: a burst.
func tails(ctx context.Context, cli *client.Client, ids []string) {
	for _, id := range ids {
		go func() { // want `\(DG106\)`
			r, _ := cli.ContainerLogs(ctx, id, container.LogsOptions{Tail: "10"})
			_ = r.Close()
		}()
	}
}

// Inspects alone are still a burst of API calls.
func inspectAll(ctx context.Context, cli *client.Client, ids []string) {
	for _, id := range ids {
		go cli.ContainerInspect(ctx, id) // want `\(DG106\)`
	}
}

// Start then wait: the starts are a burst even if the goroutine then waits.
func startAndWait(ctx context.Context, cli *client.Client, ids []string) {
	for _, id := range ids {
		go func() { // want `\(DG106\)`
			_ = cli.ContainerStart(ctx, id, container.StartOptions{})
			cli.ContainerWait(ctx, id, "not-running")
		}()
	}
}

// Following logs, then removing through a helper: the removals are a burst.
func followThenRemove(ctx context.Context, cli *client.Client, ids []string) {
	var eg errgroup.Group
	for _, id := range ids {
		eg.Go(func() error { // want `\(DG106\)`
			_ = stream(ctx, cli, id, container.LogsOptions{Follow: true})
			return remove(ctx, cli, id)
		})
	}
	_ = eg.Wait()
}

func remove(ctx context.Context, cli *client.Client, id string) error {
	return cli.ContainerRemove(ctx, id, container.RemoveOptions{})
}
