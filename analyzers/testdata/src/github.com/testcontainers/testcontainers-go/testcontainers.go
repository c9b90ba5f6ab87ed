// Package testcontainers is a stub of github.com/testcontainers/testcontainers-go
// with the real signature of Container.Exec (options left out).
package testcontainers

import (
	"context"
	"io"
)

// Container is a running container.
type Container interface {
	Exec(ctx context.Context, cmd []string) (int, io.Reader, error)
}
