// Package image is a stub of github.com/docker/docker/api/types/image (v28).
package image

type RemoveOptions struct {
	Force         bool
	PruneChildren bool
}

type DeleteResponse struct {
	Deleted  string
	Untagged string
}
