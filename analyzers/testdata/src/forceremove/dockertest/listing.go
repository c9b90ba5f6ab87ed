package dockertest

import (
	"github.com/ory/dockertest/v3"
	dc "github.com/ory/dockertest/v3/docker"
)

// One container picked from a listing by a constant index is a single force
// removal, not a removal of every container listed.
func first(pool *dockertest.Pool) {
	cs, _ := pool.Client.ListContainers(dc.ListContainersOptions{All: true})
	if len(cs) == 0 {
		return
	}
	_ = pool.Client.RemoveContainer(dc.RemoveContainerOptions{ID: cs[0].ID, Force: true}) // want `RemoveContainer with Force: true kills.*\(DG101\)`
	for i := range cs {
		_ = pool.Client.RemoveContainer(dc.RemoveContainerOptions{ID: cs[i].ID, Force: true}) // want `\(DG105\)`
	}
	rest := cs[1:]
	_ = pool.Client.RemoveContainer(dc.RemoveContainerOptions{ID: rest[len(rest)-1].ID, Force: true}) // want `\(DG101\)`
}
