// Package filters is a stub of github.com/docker/docker/api/types/filters.
package filters

type Args struct{}

func NewArgs() Args { return Args{} }
