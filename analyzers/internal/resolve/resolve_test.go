package resolve

import "testing"

func TestImportName(t *testing.T) {
	for path, want := range map[string]string{
		"os/exec":                           "exec",
		"github.com/docker/docker/client":   "client",
		"github.com/fsouza/go-dockerclient": "docker",
		"github.com/go-git/go-git/v5":       "git",
		"gopkg.in/yaml.v3":                  "yaml",
		"golang.org/x/sync/errgroup":        "errgroup",
		"example.com/grpc-go":               "grpc",
		"v2":                                "v2",
	} {
		if got := ImportName(path); got != want {
			t.Errorf("ImportName(%q) = %q, want %q", path, got, want)
		}
	}
}
