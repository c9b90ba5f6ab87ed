// Package dockertest uses the test library that force-removes on Purge and
// Close, and its copy of go-dockerclient.
package dockertest

import (
	"io"

	"github.com/ory/dockertest/v3"
	dc "github.com/ory/dockertest/v3/docker"
)

func purge(pool *dockertest.Pool, r *dockertest.Resource) {
	_ = pool.Purge(r)                    // want `Pool.Purge force-removes.*\(DG101\)`
	_ = pool.RemoveContainerByName("db") // want `Pool.RemoveContainerByName force-removes.*\(DG101\)`
	_ = r.Close()                        // want `Resource.Close force-removes.*\(DG101\)`
	_ = r.Expire(60)
}

func direct(pool *dockertest.Pool, id string) {
	_ = pool.Client.RemoveContainer(dc.RemoveContainerOptions{ID: id, Force: true}) // want `RemoveContainer with Force: true.*StopContainer.*\(DG101\)`
	_ = pool.Client.RemoveContainer(dc.RemoveContainerOptions{ID: id, RemoveVolumes: true})
}

// Stopping with a timeout first leaves nothing to kill.
func stopped(pool *dockertest.Pool, r *dockertest.Resource) {
	if err := pool.Client.StopContainer(r.Container.ID, 10); err != nil {
		return
	}
	_ = pool.Purge(r)
}

// Stopping another resource leaves this one running.
func stoppedOther(pool *dockertest.Pool, r, other *dockertest.Resource) {
	_ = pool.Client.StopContainer(other.Container.ID, 10)
	_ = pool.Purge(r) // want `Pool.Purge force-removes.*\(DG101\)`
	_ = pool.Client.StopContainer(r.Container.ID, 10)
	_ = r.Close()
}

// Traps: Close of other types, and a user type with the same method names.
type myPool struct{}

func (myPool) Purge(r *dockertest.Resource) error { return nil }

func traps(c io.Closer, p myPool, r *dockertest.Resource) {
	_ = c.Close()
	_ = p.Purge(r)
}
