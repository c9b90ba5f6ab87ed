package memusage

import (
	"reflect"
	"testing"
)

func TestParseProcCgroup(t *testing.T) {
	in := "12:memory:/docker/abc\n1:name=systemd:/init.scope\n0::/user.slice\nbad line\nx:cpu:/\n3:cpu,cpuacct:/a\n4:pids:relative\n"
	got := ParseProcCgroup([]byte(in))
	want := []Entry{
		{Hierarchy: 12, Controllers: []string{"memory"}, Path: "/docker/abc"},
		{Hierarchy: 1, Controllers: []string{"name=systemd"}, Path: "/init.scope"},
		{Hierarchy: 0, Path: "/user.slice"},
		{Hierarchy: 3, Controllers: []string{"cpu", "cpuacct"}, Path: "/a"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %#v\nwant %#v", got, want)
	}
	e, v2, ok := MemoryEntry(got)
	if !ok || v2 || e.Path != "/docker/abc" {
		t.Fatalf("MemoryEntry = %v %v %v, want the v1 memory line", e, v2, ok)
	}
	e, v2, ok = MemoryEntry(got[1:])
	if !ok || !v2 || e.Path != "/user.slice" {
		t.Fatalf("MemoryEntry without v1 memory = %v %v %v, want the unified line", e, v2, ok)
	}
	if _, _, ok := MemoryEntry(got[1:2]); ok {
		t.Fatal("MemoryEntry found memory in a name=systemd line")
	}
}

func TestParseStat(t *testing.T) {
	stat := []byte("cache 1\ninactive_file 77\ntotal_inactive_file notanumber\n")
	if v, ok := ParseStat(stat, "inactive_file"); !ok || v != 77 {
		t.Fatalf("inactive_file = %d %v", v, ok)
	}
	if _, ok := ParseStat(stat, "total_inactive_file"); ok {
		t.Fatal("malformed value accepted")
	}
	if _, ok := ParseStat(stat, "missing"); ok {
		t.Fatal("missing key found")
	}
}

func FuzzParseProcCgroup(f *testing.F) {
	f.Add([]byte("4:memory:/docker/abc\n0::/\n"))
	f.Add([]byte("0::/system.slice/docker-x.scope"))
	f.Add([]byte("::\n:::\n-1:memory:/\n\xff\xfe:memory:/x"))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, e := range ParseProcCgroup(data) {
			if e.Hierarchy < 0 || len(e.Path) == 0 || e.Path[0] != '/' {
				t.Fatalf("bad entry %#v", e)
			}
		}
		_, _, _ = MemoryEntry(ParseProcCgroup(data))
		_, _ = ParseStat(data, "inactive_file")
	})
}
