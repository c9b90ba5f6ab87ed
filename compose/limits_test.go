package compose

import (
	"context"
	"github.com/dockguard/dockguard/internal/testfiles"
	"path/filepath"
	"testing"
)

func TestDeclaredLimits(t *testing.T) {
	dir := t.TempDir()
	testfiles.Write(t, dir, map[string]string{
		"compose.yaml": `services:
  db:
    image: postgres:16
    mem_limit: 512m
  cache:
    image: redis:7
    deploy:
      resources:
        limits:
          memory: ${CACHE_MEM:-256m}
  web:
    image: nginx
  debug:
    image: busybox
    profiles: [debug]
    mem_limit: 1g
`,
		"compose.override.yaml": `services:
  web:
    deploy:
      resources:
        limits:
          memory: 300m
`,
		".env": "CACHE_MEM=128m\n",
	})
	got, err := DeclaredLimits(context.Background(), dir, []string{
		filepath.Join(dir, "compose.yaml"), "compose.override.yaml"}, "myproj")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int64{"db": 512 << 20, "cache": 128 << 20, "web": 300 << 20, "debug": 1 << 30}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: got %d, want %d", k, got[k], v)
		}
	}

	// A project compose refuses is an error, not a guess.
	testfiles.Write(t, dir, map[string]string{"bad.yaml": "services:\n  a:\n    image: x\n    mem_limit: 1g\n    deploy: {resources: {limits: {memory: 2g}}}\n"})
	if _, err := DeclaredLimits(context.Background(), dir, []string{"bad.yaml"}, ""); err == nil {
		t.Error("conflicting limits: want an error")
	}
	if _, err := DeclaredLimits(context.Background(), dir, nil, ""); err == nil {
		t.Error("no files: want an error")
	}
}
