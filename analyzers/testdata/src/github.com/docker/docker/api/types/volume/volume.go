// Package volume is a stub of github.com/docker/docker/api/types/volume.
package volume

type PruneReport struct{ VolumesDeleted []string }
