package a

import (
	"context"
	"os/exec"
	"sync"

	"github.com/moby/moby/client"
	"golang.org/x/sync/errgroup"
	"golang.org/x/sync/semaphore"
)

func unbounded(ctx context.Context, cli *client.Client, ids []string) {
	var wg sync.WaitGroup
	for _, id := range ids {
		wg.Add(1)
		go func() { // want `goroutines started in a loop call the Docker API with no bound.*\(DG106\)`
			defer wg.Done()
			cli.ContainerStop(ctx, id, client.ContainerStopOptions{})
		}()
	}
	wg.Wait()
}

func viaHelper(ctx context.Context, cli *client.Client, ids []string) {
	for _, id := range ids {
		go stopOne(ctx, cli, id) // want `\(DG106\)`
	}
}

func stopOne(ctx context.Context, cli *client.Client, id string) { removeOne(ctx, cli, id) }

func removeOne(ctx context.Context, cli *client.Client, id string) {
	cli.ContainerRemove(ctx, id, client.ContainerRemoveOptions{})
}

func execs(ids []string) {
	for _, id := range ids {
		go exec.Command("docker", "stop", id).Run() // want `\(DG106\)`
	}
}

func errgroupNoLimit(ctx context.Context, cli *client.Client, ids []string) error {
	g, ctx := errgroup.WithContext(ctx)
	for _, id := range ids {
		g.Go(func() error { // want `\(DG106\)`
			_, err := cli.ContainerStop(ctx, id, client.ContainerStopOptions{})
			return err
		})
	}
	return g.Wait()
}

func errgroupLimit(ctx context.Context, cli *client.Client, ids []string) error {
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(3)
	for _, id := range ids {
		g.Go(func() error {
			_, err := cli.ContainerStop(ctx, id, client.ContainerStopOptions{})
			return err
		})
	}
	return g.Wait()
}

func errgroupTooHigh(ctx context.Context, cli *client.Client, ids []string) error {
	var g errgroup.Group
	g.SetLimit(32)
	for _, id := range ids {
		g.Go(func() error { // want `up to errgroup limit 32 at a time, above the limit of 3.*\(DG106\)`
			_, err := cli.ContainerStop(ctx, id, client.ContainerStopOptions{})
			return err
		})
	}
	return g.Wait()
}

func waitGroupGo(ctx context.Context, cli *client.Client, ids []string) {
	var wg sync.WaitGroup
	for _, id := range ids {
		wg.Go(func() { // want `\(DG106\)`
			cli.ContainerStop(ctx, id, client.ContainerStopOptions{})
		})
	}
	wg.Wait()
}

func channelSemaphore(ctx context.Context, cli *client.Client, ids []string) {
	sem := make(chan struct{}, 3)
	for _, id := range ids {
		sem <- struct{}{}
		go func() {
			defer func() { <-sem }()
			cli.ContainerStop(ctx, id, client.ContainerStopOptions{})
		}()
	}
}

func channelSemaphoreInside(ctx context.Context, cli *client.Client, ids []string, n int) {
	sem := make(chan struct{}, n)
	for _, id := range ids {
		go func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			cli.ContainerStop(ctx, id, client.ContainerStopOptions{})
		}()
	}
}

func channelTooWide(ctx context.Context, cli *client.Client, ids []string) {
	sem := make(chan struct{}, 50)
	for _, id := range ids {
		sem <- struct{}{}
		go func() { // want `semaphore of 50.*\(DG106\)`
			defer func() { <-sem }()
			cli.ContainerStop(ctx, id, client.ContainerStopOptions{})
		}()
	}
}

func resultsChannelIsNotABound(ctx context.Context, cli *client.Client, ids []string) {
	errs := make(chan error)
	for _, id := range ids {
		go func() { // want `\(DG106\)`
			_, err := cli.ContainerStop(ctx, id, client.ContainerStopOptions{})
			errs <- err
		}()
	}
}

func weighted(ctx context.Context, cli *client.Client, ids []string) {
	sem := semaphore.NewWeighted(2)
	for _, id := range ids {
		if err := sem.Acquire(ctx, 1); err != nil {
			return
		}
		go func() {
			defer sem.Release(1)
			cli.ContainerStop(ctx, id, client.ContainerStopOptions{})
		}()
	}
}

func workerPool(ctx context.Context, cli *client.Client, jobs chan string) {
	for i := 0; i < 3; i++ {
		go func() {
			for id := range jobs {
				cli.ContainerStop(ctx, id, client.ContainerStopOptions{})
			}
		}()
	}
	for range 2 {
		go cli.ContainerStop(ctx, "x", client.ContainerStopOptions{})
	}
	for range 10 {
		go cli.ContainerStop(ctx, "x", client.ContainerStopOptions{}) // want `\(DG106\)`
	}
}

func notDocker(ids []string) {
	for _, id := range ids {
		go func() { println(id) }()
	}
}

func notInLoop(ctx context.Context, cli *client.Client) {
	go cli.ContainerStop(ctx, "x", client.ContainerStopOptions{})
}

func shellFanout(ctx context.Context) {
	exec.CommandContext(ctx, "sh", "-c", "docker ps -q | xargs -P 0 -n1 docker stop") // want `\(DG106\)`
	exec.CommandContext(ctx, "sh", "-c", "docker ps -q | xargs -P 3 -n1 docker stop")
}

func runners(ctx context.Context) {
	exec.CommandContext(ctx, "xargs", "-P0", "-n1", "docker", "stop")     // want `xargs runs docker with no limit on concurrency.*\(DG106\)`
	exec.CommandContext(ctx, "xargs", "-P", "8", "-n1", "docker", "stop") // want `up to 8 docker commands at once.*\(DG106\)`
	exec.CommandContext(ctx, "xargs", "-P", "2", "-n1", "docker", "stop")
	exec.CommandContext(ctx, "xargs", "-n1", "docker", "stop")
}
