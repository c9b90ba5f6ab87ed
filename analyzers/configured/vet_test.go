package configured

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestVetOptions(t *testing.T) {
	for _, tc := range []struct {
		args     []string
		file     string
		noConfig bool
		err      string
	}{
		{args: nil},
		{args: []string{"-json", "-forceremove.stop-timeout=30"}},
		{args: []string{"-config=/repo/dg.yaml"}, file: "/repo/dg.yaml"},
		{args: []string{"--config", "/repo/dg.yaml", "-json"}, file: "/repo/dg.yaml"},
		{args: []string{"-no-config"}, noConfig: true},
		{args: []string{"-no-config=false"}},
		{args: []string{"-config=dg.yaml"}, err: "absolute path"},
		{args: []string{"-config"}, err: "needs a file"},
		{args: []string{"-no-config=maybe"}, err: "maybe"},
		{args: []string{"-no-config", "-config=/x.yaml"}, err: "contradict"},
	} {
		o, err := vetOptions(tc.args)
		switch {
		case tc.err != "":
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("vetOptions(%q) error %v, want one containing %q", tc.args, err, tc.err)
			}
		case err != nil:
			t.Errorf("vetOptions(%q): %v", tc.args, err)
		case o.ConfigFile != tc.file || o.NoConfig != tc.noConfig:
			t.Errorf("vetOptions(%q) = config %q, no-config %v; want %q, %v", tc.args, o.ConfigFile, o.NoConfig, tc.file, tc.noConfig)
		}
	}
}

// TestVetAnalyzersReadPackageDir: the configuration is the one of the
// package directory the vet.cfg names, and -no-config skips it.
func TestVetAnalyzersReadPackageDir(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/m\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, ".dockguard.yaml"), []byte("parallel-limit: nope\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(t.TempDir(), "vet.cfg")
	if err := os.WriteFile(cfg, []byte(`{"Dir": "`+filepath.ToSlash(dir)+`", "ImportPath": "example.com/m"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := VetAnalyzers([]string{cfg}); err == nil || !strings.Contains(err.Error(), "parallel-limit") {
		t.Errorf("a bad .dockguard.yaml in the package directory: error %v, want one about parallel-limit", err)
	}
	as, err := VetAnalyzers([]string{"-no-config", cfg})
	if err != nil {
		t.Fatalf("-no-config: %v", err)
	}
	if last := as[len(as)-1]; last.Name != DirectivesName || len(last.Requires) != len(as)-1 {
		t.Errorf("the last analyzer is %s requiring %d, want %s requiring the %d others", last.Name, len(last.Requires), DirectivesName, len(as)-1)
	}
	if _, err := VetAnalyzers([]string{"-flags"}); err != nil {
		t.Errorf("-flags must not read a configuration: %v", err)
	}
}
