package fsouza

import docker "github.com/fsouza/go-dockerclient"

func create(c *docker.Client) {
	c.CreateContainer(docker.CreateContainerOptions{Name: "db", Config: &docker.Config{Image: "pg"}})              // want `CreateContainer without a HostConfig.*\(DG301\)`
	c.CreateContainer(docker.CreateContainerOptions{Name: "db", HostConfig: &docker.HostConfig{AutoRemove: true}}) // want `\(DG301\)`
	c.CreateContainer(docker.CreateContainerOptions{Name: "db", HostConfig: &docker.HostConfig{Memory: 256 << 20}})
	c.CreateContainer(docker.CreateContainerOptions{Name: "db", Config: &docker.Config{Image: "pg", Memory: 256 << 20}})
}
