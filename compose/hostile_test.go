package compose

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/dockguard/dockguard/internal/testfiles"
)

// mergeBomb is a compose file whose service's labels merge the widest
// anchor of testfiles.MergeBomb.
func mergeBomb(levels, width int) string {
	return testfiles.MergeBomb(levels, width) + fmt.Sprintf("services:\n  web:\n    image: x\n    labels:\n      <<: *m%d\n", levels)
}

// TestMergeBomb: a merge-key bomb is refused at once with DG004 on its key,
// and the other projects of the tree are still checked.
func TestMergeBomb(t *testing.T) {
	root := t.TempDir()
	testfiles.Write(t, root, map[string]string{
		"bomb/compose.yaml": mergeBomb(11, 10),
		"ok/compose.yaml":   "services:\n  api:\n    image: x\n",
		"mild/compose.yaml": mergeBomb(3, 10) + "  other:\n    image: y\n    mem_limit: 1g\n",
	})
	t.Chdir(root)
	got := render(Check(context.Background(), []string{"bomb/compose.yaml", "ok/compose.yaml", "mild/compose.yaml"}, Options{}))
	for _, want := range []string{
		"bomb/compose.yaml:15:3-15:5: warning: merge keys too deep or too wide to resolve",
		`ok/compose.yaml:2:3-2:6: error: service "api" has no memory limit`,
		`mild/compose.yaml:12:3-12:6: error: service "web" has no memory limit`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in\n%s", want, got)
		}
	}
	if strings.Contains(got, "mild/compose.yaml:") && strings.Contains(got, "mild/compose.yaml:5:3-5:5: warning") {
		t.Errorf("a 1,000-key merge is ordinary, not a bomb:\n%s", got)
	}
}

// TestUnsafeReads: files compose-go would read itself (env_file,
// label_file, include, extends.file, .env) that are devices, FIFOs or too
// large get DG004 on the value naming them; the project is checked from its
// raw YAML and the rest of the tree is still reported. Without the vetting
// a FIFO hangs the run and /dev/zero exhausts memory.
func TestUnsafeReads(t *testing.T) {
	root := t.TempDir()
	testfiles.Write(t, root, map[string]string{
		"envfile/compose.yaml": "services:\n  a:\n    image: x\n    env_file: /dev/zero\n",
		"envlist/compose.yaml": "services:\n  a:\n    image: x\n    env_file:\n      - ok.env\n      - path: ./fifo\n        required: false\n",
		"envlist/ok.env":       "A=1\n",
		"label/compose.yaml":   "services:\n  a:\n    image: x\n    label_file: [big.labels]\n",
		"include/compose.yaml": "include:\n  - path: /dev/zero\nservices:\n  a:\n    image: x\n",
		"extends/compose.yaml": "services:\n  a:\n    extends:\n      file: fifo\n      service: b\n",
		"dotenv/compose.yaml":  "services:\n  a:\n    image: x\n    mem_limit: ${M:-1g}\n",
		"fine/compose.yaml":    "services:\n  ok:\n    image: x\n",
	})
	for _, d := range []string{"envlist", "extends", "dotenv"} {
		mkfifo(t, filepath.Join(root, d, map[string]string{"envlist": "fifo", "extends": "fifo", "dotenv": ".env"}[d]))
	}
	big, err := os.Create(filepath.Join(root, "label", "big.labels"))
	if err != nil {
		t.Fatal(err)
	}
	if err := big.Truncate(2 << 30); err != nil { // sparse: 2 GiB, no disk used
		t.Fatal(err)
	}
	big.Close()
	t.Chdir(root)
	var files []string
	for _, d := range []string{"envfile", "envlist", "label", "include", "extends", "dotenv", "fine"} {
		files = append(files, d+"/compose.yaml")
	}
	res := Check(context.Background(), files, Options{})
	got := render(res)
	for _, want := range []string{
		"envfile/compose.yaml:4:15-4:24: warning: env_file /dev/zero is not a regular file",
		"envlist/compose.yaml:6:15-6:21: warning: env_file ./fifo is not a regular file",
		"label/compose.yaml:4:18-4:28: warning: label_file big.labels is larger than the 16 MiB limit",
		"include/compose.yaml:2:11-2:20: warning: include /dev/zero is not a regular file",
		"extends/compose.yaml:4:13-4:17: warning: extends.file fifo is not a regular file",
		`fine/compose.yaml:2:3-2:5: error: service "ok" has no memory limit`,
		`envfile/compose.yaml:2:3-2:4: error: service "a" has no memory limit`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in\n%s", want, got)
		}
	}
	notes := fmt.Sprint(res.Notes)
	if !strings.Contains(notes, ".env is not a regular file") {
		t.Errorf("no note for the FIFO .env: %s", notes)
	}
}

func mkfifo(t *testing.T, path string) {
	t.Helper()
	if err := syscall.Mkfifo(path, 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
}
