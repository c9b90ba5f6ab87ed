package fsouza

import (
	docker "github.com/fsouza/go-dockerclient"
)

func cleanup(c *docker.Client, id string) {
	c.RemoveContainer(docker.RemoveContainerOptions{ID: id, Force: true, RemoveVolumes: true}) // want `RemoveContainer with Force: true .*StopContainer.*\(DG101\)`
	c.RemoveContainer(docker.RemoveContainerOptions{ID: id})
	c.RemoveImageExtended("app", docker.RemoveImageOptions{Force: true}) // want `\(DG102\)`
	c.RemoveImage("app")
	c.RemoveVolumeWithOptions(docker.RemoveVolumeOptions{Name: "v", Force: true})
}

func purge(c *docker.Client) {
	cs, _ := c.ListContainers(docker.ListContainersOptions{All: true})
	for _, ct := range cs {
		c.RemoveContainer(docker.RemoveContainerOptions{ID: ct.ID, Force: true}) // want `\(DG105\)`
	}
}
