// Package dockertest is a stub of github.com/ory/dockertest/v3.
package dockertest

import dc "github.com/ory/dockertest/v3/docker"

type Pool struct{ Client *dc.Client }

type Resource struct {
	pool      *Pool
	Container *dc.Container
}

func NewPool(endpoint string) (*Pool, error) { return &Pool{Client: &dc.Client{}}, nil }

func (d *Pool) Run(repository, tag string, env []string) (*Resource, error) {
	return &Resource{pool: d, Container: &dc.Container{}}, nil
}

func (d *Pool) Purge(r *Resource) error { return nil }

func (d *Pool) RemoveContainerByName(containerName string) error { return nil }

func (r *Resource) Close() error { return r.pool.Purge(r) }

func (r *Resource) Expire(seconds uint) error { return nil }
