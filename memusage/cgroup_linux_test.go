package memusage

import (
	"errors"
	"github.com/dockguard/dockguard/internal/testfiles"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const id = "3f4e0c1d2b5a69788796a5b4c3d2e1f00112233445566778899aabbccddeeff0"

// v1Mounts is a hybrid host: memory on v1, an empty unified hierarchy.
const v1Mounts = `31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
`

const v2Mounts = `25 23 0:22 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:9 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot
`

// tree writes files (path → content) under a new root.
func tree(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	testfiles.Write(t, root, files)
	return root
}

func TestUsage(t *testing.T) {
	v1dir := "sys/fs/cgroup/memory/docker/" + id + "/"
	v2dir := "sys/fs/cgroup/system.slice/docker-" + id + ".scope/"
	tests := []struct {
		name  string
		files map[string]string
		pid   int
		id    string
		want  int64
		fails bool
	}{
		{
			name: "cgroup v1 minus total_inactive_file",
			files: map[string]string{
				"proc/self/mountinfo":           v1Mounts,
				"proc/42/cgroup":                "5:cpu:/docker/" + id + "\n4:memory:/docker/" + id + "\n0::/\n",
				v1dir + "memory.usage_in_bytes": "52428800\n",
				v1dir + "memory.stat":           "cache 20000\ninactive_file 1\ntotal_inactive_file 10485760\n",
			},
			pid: 42, id: id, want: 52428800 - 10485760,
		},
		{
			name: "cgroup v2 with the systemd driver, minus inactive_file",
			files: map[string]string{
				"proc/self/mountinfo":    v2Mounts,
				"proc/42/cgroup":         "0::/system.slice/docker-" + id + ".scope\n",
				v2dir + "memory.current": "8388608\n",
				v2dir + "memory.stat":    "anon 4194304\ninactive_file 1048576\n",
			},
			pid: 42, id: id, want: 8388608 - 1048576,
		},
		{
			name: "a bind-mounted subtree: the mount root is stripped",
			files: map[string]string{
				"proc/self/mountinfo": "35 31 0:32 /docker /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n",
				"proc/42/cgroup":      "4:memory:/docker/" + id + "\n",
				"sys/fs/cgroup/memory/" + id + "/memory.usage_in_bytes": "4096\n",
			},
			pid: 42, id: id, want: 4096,
		},
		{
			name: "no memory.stat: usage as read",
			files: map[string]string{
				"proc/self/mountinfo": v2Mounts,
				"proc/42/cgroup":      "0::/docker/" + id + "\n",
				"sys/fs/cgroup/docker/" + id + "/memory.current": "123\n",
			},
			pid: 42, id: id, want: 123,
		},
		{
			name: "inactive file above usage is ignored",
			files: map[string]string{
				"proc/self/mountinfo": v2Mounts,
				"proc/42/cgroup":      "0::/docker/" + id + "\n",
				"sys/fs/cgroup/docker/" + id + "/memory.current": "100\n",
				"sys/fs/cgroup/docker/" + id + "/memory.stat":    "inactive_file 500\n",
			},
			pid: 42, id: id, want: 100,
		},
		{
			name: "a process of another container (PID reused or another namespace)",
			files: map[string]string{
				"proc/self/mountinfo": v2Mounts,
				"proc/42/cgroup":      "0::/docker/0000000000000000000000000000000000000000000000000000000000000000\n",
			},
			pid: 42, id: id, fails: true,
		},
		{
			name: "a host process",
			files: map[string]string{
				"proc/self/mountinfo": v2Mounts,
				"proc/42/cgroup":      "0::/user.slice\n",
			},
			pid: 42, id: id, fails: true,
		},
		{
			name:  "no such process",
			files: map[string]string{"proc/self/mountinfo": v2Mounts},
			pid:   42, id: id, fails: true,
		},
		{name: "PID 0 (not running)", files: map[string]string{}, pid: 0, id: id, fails: true},
		{name: "short ID", files: map[string]string{}, pid: 42, id: "abc", fails: true},
		{
			name: "a path climbing out of the mount",
			files: map[string]string{
				"proc/self/mountinfo": v2Mounts,
				"proc/42/cgroup":      "0::/../docker/" + id + "\n",
			},
			pid: 42, id: id, fails: true,
		},
		{
			name: "no cgroup mount",
			files: map[string]string{
				"proc/self/mountinfo": "22 1 0:5 / /proc rw - proc proc rw\n",
				"proc/42/cgroup":      "0::/docker/" + id + "\n",
			},
			pid: 42, id: id, fails: true,
		},
		{
			name: "v1 mount without the memory controller",
			files: map[string]string{
				"proc/self/mountinfo": "32 31 0:29 / /sys/fs/cgroup/cpu rw - cgroup cgroup rw,cpu\n",
				"proc/42/cgroup":      "4:memory:/docker/" + id + "\n",
			},
			pid: 42, id: id, fails: true,
		},
		{
			name: "garbage in memory.current",
			files: map[string]string{
				"proc/self/mountinfo": v2Mounts,
				"proc/42/cgroup":      "0::/docker/" + id + "\n",
				"sys/fs/cgroup/docker/" + id + "/memory.current": "max\n",
			},
			pid: 42, id: id, fails: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &CgroupReader{Root: tree(t, tt.files)}
			got, err := r.Usage(tt.pid, tt.id)
			if tt.fails {
				if !errors.Is(err, ErrUnavailable) {
					t.Fatalf("Usage = %d, %v; want ErrUnavailable", got, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("Usage = %d, %v; want %d", got, err, tt.want)
			}
		})
	}
}

// TestUsageOwnProcess reads this test process's own memory cgroup through
// the real /proc and /sys, treating its cgroup path as the "container".
func TestUsageOwnProcess(t *testing.T) {
	data, err := os.ReadFile("/proc/self/cgroup")
	if err != nil {
		t.Skipf("no /proc/self/cgroup: %v", err)
	}
	e, _, ok := MemoryEntry(ParseProcCgroup(data))
	if !ok {
		t.Skip("this host has no memory cgroup")
	}
	name := filepath.Base(e.Path)
	if len(name) < 12 {
		// The test needs a cgroup path with a name long enough to pass
		// the container-ID check; the root cgroup has none.
		t.Skipf("own memory cgroup %q has no long name", e.Path)
	}
	var r CgroupReader
	got, err := r.Usage(os.Getpid(), name)
	if err != nil {
		t.Fatalf("own usage: %v", err)
	}
	if got <= 0 {
		t.Fatalf("own usage = %d, want > 0", got)
	}
	if _, err := r.Usage(os.Getpid(), strings.Repeat("0", 64)); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("foreign ID accepted: %v", err)
	}
}
