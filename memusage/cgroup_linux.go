package memusage

import (
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"github.com/moby/sys/mountinfo"
)

// CgroupReader reads containers' memory cgroups. The zero value reads the real
// /proc and /sys; it is safe for concurrent use.
type CgroupReader struct {
	// Root is prefixed to every path read ("" is the real root). Tests
	// point it at a fake tree.
	Root string

	once   sync.Once
	mounts []*mountinfo.Info
	err    error
}

// Usage returns the memory in use by the container with ID id, whose init
// process is pid (from the daemon's inspect), without the inactive file
// cache. It returns an error wrapping ErrUnavailable when the container's
// cgroup cannot be found or read from here.
func (r *CgroupReader) Usage(pid int, id string) (int64, error) {
	if pid <= 0 || len(id) < 12 {
		return 0, fmt.Errorf("%w: no process ID or container ID", ErrUnavailable)
	}
	data, err := r.read("/proc/"+strconv.Itoa(pid)+"/cgroup", 64<<10)
	if err != nil {
		return 0, fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	e, v2, ok := MemoryEntry(ParseProcCgroup(data))
	if !ok {
		return 0, fmt.Errorf("%w: process %d has no memory cgroup", ErrUnavailable, pid)
	}
	// The ID in the path proves the process is the container's and that
	// this host sees the daemon's PID namespace.
	if !strings.Contains(e.Path, id) || path.Clean(e.Path) != e.Path {
		return 0, fmt.Errorf("%w: process %d is not in container %.12s's cgroup (another PID namespace?)", ErrUnavailable, pid, id)
	}
	dir, err := r.dir(e.Path, v2)
	if err != nil {
		return 0, err
	}
	usageFile := "memory.usage_in_bytes"
	if v2 {
		usageFile = "memory.current"
	}
	raw, err := r.read(filepath.Join(dir, usageFile), 4096)
	if err != nil {
		return 0, fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	usage, err := strconv.ParseUint(strings.TrimSpace(string(raw)), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%w: %s: %w", ErrUnavailable, usageFile, err)
	}
	stat, err := r.read(filepath.Join(dir, "memory.stat"), 1<<20)
	if err != nil {
		stat = nil // usage without the cache correction is still right
	}
	return workingSet(usage, stat, v2), nil
}

// dir maps a cgroup path to its folder through the matching cgroup mount:
// the one of the right version whose root is the longest prefix of p.
func (r *CgroupReader) dir(p string, v2 bool) (string, error) {
	r.once.Do(func() {
		f, err := os.Open(r.Root + "/proc/self/mountinfo")
		if err != nil {
			r.err = err
			return
		}
		defer f.Close()
		r.mounts, r.err = mountinfo.GetMountsFromReader(f, mountinfo.FSTypeFilter("cgroup", "cgroup2"))
	})
	if r.err != nil {
		return "", fmt.Errorf("%w: reading mounts: %w", ErrUnavailable, r.err)
	}
	var best *mountinfo.Info
	for _, m := range r.mounts {
		if v2 != (m.FSType == "cgroup2") {
			continue
		}
		if !v2 && !hasOption(m.VFSOptions, "memory") {
			continue
		}
		if m.Root != "/" && p != m.Root && !strings.HasPrefix(p, m.Root+"/") {
			continue
		}
		if best == nil || len(m.Root) > len(best.Root) {
			best = m
		}
	}
	if best == nil {
		return "", fmt.Errorf("%w: no cgroup mount holds %s", ErrUnavailable, p)
	}
	rel := p
	if best.Root != "/" {
		rel = strings.TrimPrefix(p, best.Root)
	}
	return filepath.Join(best.Mountpoint, rel), nil
}

func (r *CgroupReader) read(name string, max int64) ([]byte, error) {
	f, err := os.Open(r.Root + name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, max))
}

func hasOption(opts, want string) bool {
	for o := range strings.SplitSeq(opts, ",") {
		if o == want {
			return true
		}
	}
	return false
}
