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
	"github.com/dockguard/dockguard/rules"
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
	sparse(t, filepath.Join(root, "label", "big.labels"))
	res := checkDirs(t, root, "envfile", "envlist", "label", "include", "extends", "dotenv", "fine")
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

// sparse creates a 2 GiB sparse file at path: no disk is used.
func sparse(t *testing.T, path string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := f.Truncate(2 << 30); err != nil {
		t.Fatal(err)
	}
}

// checkDirs checks the compose.yaml of each folder of root, from root.
func checkDirs(t *testing.T, root string, dirs ...string) rules.Result {
	t.Chdir(root)
	var files []string
	for _, d := range dirs {
		files = append(files, d+"/compose.yaml")
	}
	return Check(context.Background(), files, Options{})
}

func mkfifo(t *testing.T, path string) {
	t.Helper()
	if err := syscall.Mkfifo(path, 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
}

// TestComposeFileEntriesVetted: a COMPOSE_FILE entry of the folder's .env
// is read like every other file of the load: a FIFO, /dev/zero, a sparse
// 2 GiB file or a symlink loop gives DG004 on the COMPOSE_FILE line (it
// was an error that stopped nothing but said little), and the rest of the
// tree is still checked.
func TestComposeFileEntriesVetted(t *testing.T) {
	root := t.TempDir()
	files := map[string]string{"fine/compose.yaml": "services:\n  ok:\n    image: x\n"}
	for _, d := range []string{"fifo", "zero", "big", "loop", "twice"} {
		files[d+"/compose.yaml"] = "services:\n  a:\n    image: x\n"
	}
	files["fifo/.env"] = "A=1\nCOMPOSE_FILE=compose.yaml:f.yml\n"
	files["zero/.env"] = "COMPOSE_FILE=/dev/zero\n"
	files["big/.env"] = "COMPOSE_FILE=big.yml\n"
	files["loop/.env"] = "COMPOSE_FILE=l1\n"
	files["twice/.env"] = "COMPOSE_FILE=compose.yaml:missing.yml\n"
	testfiles.Write(t, root, files)
	mkfifo(t, filepath.Join(root, "fifo", "f.yml"))
	sparse(t, filepath.Join(root, "big", "big.yml"))
	for link, to := range map[string]string{"l1": "l2", "l2": "l1"} {
		if err := os.Symlink(to, filepath.Join(root, "loop", link)); err != nil {
			t.Fatal(err)
		}
	}
	res := checkDirs(t, root, "fifo", "zero", "big", "loop", "twice", "fine")
	got := render(res)
	for _, want := range []string{
		"fifo/.env:2:1-2:32: warning: COMPOSE_FILE names fifo/f.yml, which is not a regular file",
		"zero/.env:1:1-1:23: warning: COMPOSE_FILE names /dev/zero, which is not a regular file",
		"big/.env:1:1-1:21: warning: COMPOSE_FILE names big/big.yml, which is larger than the 16 MiB limit",
		"loop/.env:1:1-1:16: warning: COMPOSE_FILE names loop/l1, which cannot be read: too many levels of symbolic links; dockguard did not load this project",
		"twice/.env:1:1-1:38: warning: Compose refuses this project: COMPOSE_FILE names twice/missing.yml, which does not exist",
		`fine/compose.yaml:2:3-2:5: error: service "ok" has no memory limit`,
		// The readable entry of the broken project is still checked from its raw YAML.
		`fifo/compose.yaml:2:3-2:4: error: service "a" has no memory limit`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in\n%s", want, got)
		}
	}
	if len(res.Errors) != 0 {
		t.Errorf("a vetted COMPOSE_FILE entry is a finding, not an error: %v", res.Errors)
	}
}
