package fsouza

import docker "github.com/fsouza/go-dockerclient"

func kills(c *docker.Client, id string) {
	c.KillContainer(docker.KillContainerOptions{ID: id})                         // want `KillContainer: the default signal.*use StopContainer.*\(DG104\)`
	c.KillContainer(docker.KillContainerOptions{ID: id, Signal: docker.SIGKILL}) // want `\(DG104\)`
	c.KillContainer(docker.KillContainerOptions{ID: id, Signal: docker.SIGHUP})
	c.StopContainer(id, 0)    // want `StopContainer: a timeout of 0.*\(DG104\)`
	c.RestartContainer(id, 0) // want `\(DG104\)`
	c.StopContainer(id, 10)
}
