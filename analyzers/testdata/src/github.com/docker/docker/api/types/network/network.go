// Package network is a stub of github.com/docker/docker/api/types/network.
package network

type NetworkingConfig struct{}
