//go:build !linux

package memusage

// CgroupReader reads containers' memory cgroups; only Linux has them, so on
// other systems every call falls back to the API.
type CgroupReader struct {
	// Root is prefixed to every path read ("" is the real root).
	Root string
}

// Usage always returns ErrUnavailable off Linux.
func (r *CgroupReader) Usage(pid int, id string) (int64, error) { return 0, ErrUnavailable }
