package memusage

import (
	"bufio"
	"bytes"
	"errors"
	"strconv"
	"strings"
)

// ErrUnavailable means the container's memory cgroup cannot be read from
// here; the caller should fall back to the stats API.
var ErrUnavailable = errors.New("memory cgroup not readable from this host")

// Entry is one line of /proc/PID/cgroup: "hierarchy:controllers:path".
type Entry struct {
	// Hierarchy is the hierarchy ID; 0 is the cgroup v2 unified hierarchy.
	Hierarchy int
	// Controllers are the v1 controllers bound to the hierarchy (empty for
	// v2; "name=systemd" style entries are kept as written).
	Controllers []string
	// Path is the cgroup's path relative to the reader's cgroup namespace.
	Path string
}

// ParseProcCgroup parses the content of /proc/PID/cgroup. Malformed lines
// are skipped; it never fails, so a torn read yields fewer entries.
func ParseProcCgroup(data []byte) []Entry {
	var out []Entry
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		id, rest, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		ctrl, path, ok := strings.Cut(rest, ":")
		if !ok || !strings.HasPrefix(path, "/") {
			continue
		}
		h, err := strconv.Atoi(id)
		if err != nil || h < 0 {
			continue
		}
		e := Entry{Hierarchy: h, Path: path}
		if ctrl != "" {
			e.Controllers = strings.Split(ctrl, ",")
		}
		out = append(out, e)
	}
	return out
}

// MemoryEntry picks the entry that carries the memory controller: the v1
// hierarchy that lists "memory" when there is one (hybrid hosts keep
// memory on v1), otherwise the v2 unified entry. ok is false when neither
// is present.
func MemoryEntry(es []Entry) (e Entry, v2 bool, ok bool) {
	for _, e := range es {
		for _, c := range e.Controllers {
			if c == "memory" {
				return e, false, true
			}
		}
	}
	for _, e := range es {
		if e.Hierarchy == 0 && len(e.Controllers) == 0 {
			return e, true, true
		}
	}
	return Entry{}, false, false
}

// ParseStat reads one counter from the content of a memory.stat file
// ("key value" lines). ok is false when the key is absent or malformed.
func ParseStat(data []byte, key string) (v uint64, ok bool) {
	for line := range strings.SplitSeq(string(data), "\n") {
		k, val, found := strings.Cut(line, " ")
		if !found || k != key {
			continue
		}
		n, err := strconv.ParseUint(strings.TrimSpace(val), 10, 64)
		if err != nil {
			return 0, false
		}
		return n, true
	}
	return 0, false
}

// workingSet subtracts the inactive file cache from usage, as the docker
// CLI does for `docker stats`, when the counter is present and smaller.
func workingSet(usage uint64, stat []byte, v2 bool) int64 {
	key := "total_inactive_file"
	if v2 {
		key = "inactive_file"
	}
	if v, ok := ParseStat(stat, key); ok && v < usage {
		return int64(usage - v)
	}
	return int64(usage)
}
