package compose

import (
	"bytes"
	"context"
	"github.com/dockguard/dockguard/internal/testfiles"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
)

// TestCheckPaths pins the path rule: as given, else relative to the current
// directory when under it, else absolute.
func TestCheckPaths(t *testing.T) {
	root := t.TempDir()
	outside := t.TempDir()
	testfiles.Write(t, root, map[string]string{
		"app/compose.yaml": "services:\n  api:\n    extends:\n      file: ../shared/base.yml\n      service: base\n",
		"shared/base.yml":  "services:\n  base:\n    image: x\n    oom_kill_disable: true\n",
	})
	testfiles.Write(t, outside, map[string]string{
		"compose.yaml": "services:\n  far:\n    image: x\n",
	})
	t.Chdir(root)
	res := Check(context.Background(), []string{"./app/compose.yaml", filepath.Join(outside, "compose.yaml")}, Options{})
	got := render(res)
	for _, want := range []string{
		"./app/compose.yaml:2:3-2:6: error: service \"api\" has no memory limit",
		"shared/base.yml:4:23-4:27: error: service \"api\" sets oom_kill_disable",
		filepath.ToSlash(filepath.Join(outside, "compose.yaml")) + ":2:3-2:6: error: service \"far\"",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in\n%s", want, got)
		}
	}
}

// TestExplicitOnly: --compose-file works without any discovered file.
func TestExplicitOnly(t *testing.T) {
	root := t.TempDir()
	testfiles.Write(t, root, map[string]string{
		"a.yml": "services:\n  api:\n    image: x\n",
		"b.yml": "services:\n  api:\n    mem_limit: 1g\n  db:\n    image: y\n",
	})
	t.Chdir(root)
	res := Check(context.Background(), nil, Options{ComposeFiles: []string{"a.yml", "b.yml"}})
	got := render(res)
	if !strings.Contains(got, `b.yml:4:3-4:5: error: service "db" has no memory limit`) || strings.Contains(got, `"api"`) {
		t.Errorf("unexpected result:\n%s", got)
	}
}

// TestBadInput: hostile bytes never crash and the rest is still checked.
func TestBadInput(t *testing.T) {
	root := t.TempDir()
	huge := "services:\n" + strings.Repeat("  s:\n    image: x\n", 1) + "x-pad: |\n" + strings.Repeat("  "+strings.Repeat("a", 100)+"\n", 100_000)
	testfiles.Write(t, root, map[string]string{
		"bin/compose.yaml":   "\x00\x01\x02services:\x00\xff",
		"utf8/compose.yaml":  "services:\n  a\xffb:\n    image: \"\xfe\"\n",
		"empty/compose.yaml": "",
		"huge/compose.yaml":  huge,
		"deep/compose.yaml":  strings.Repeat("[", 5000),
		"alias/compose.yaml": "x: &a [*a]\nservices:\n  s:\n    image: x\n",
		"merge/compose.yaml": "x: &m\n  <<: *m\n  image: y\nservices:\n  s:\n    <<: *m\n    environment: {A: b}\n",
		"bomb/compose.yaml":  "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\nservices:\n  s:\n    image: x\n",
		"ok/compose.yaml":    "services:\n  fine:\n    image: x\n",
	})
	t.Chdir(root)
	var files []string
	for _, d := range []string{"bin", "utf8", "empty", "huge", "deep", "alias", "merge", "bomb", "ok"} {
		files = append(files, d+"/compose.yaml")
	}
	got := render(Check(context.Background(), files, Options{}))
	if !strings.Contains(got, `ok/compose.yaml:2:3-2:7: error: service "fine" has no memory limit`) {
		t.Errorf("the good file was not checked:\n%s", got)
	}
	if !strings.Contains(got, "deep/compose.yaml:1:") || !strings.Contains(got, "DG001") {
		t.Errorf("want DG001 for the unterminated flow sequence:\n%s", got)
	}
	// CheckSource with the same garbage.
	for _, src := range []string{"\x00\xff", "services:\n  a:\n    image: [", strings.Repeat("{", 10000)} {
		_ = CheckSource(context.Background(), "compose.yaml", []byte(src), Options{})
	}
}

// TestCanceled: a canceled context stops early and says so.
func TestCanceled(t *testing.T) {
	root := t.TempDir()
	testfiles.Write(t, root, map[string]string{"compose.yaml": "services:\n  a:\n    image: x\n"})
	t.Chdir(root)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res := Check(ctx, []string{"compose.yaml"}, Options{})
	if len(res.Errors) == 0 {
		t.Errorf("want an error note for a canceled run, got %+v", res)
	}
}

func FuzzCheckSource(f *testing.F) {
	seeds := []string{
		"services:\n  a:\n    image: x\n    mem_limit: 512m\n",
		"services:\n  a:\n    image: x\n    mem_limit: 1g\n    deploy: {resources: {limits: {memory: 2g}}}\n",
		"x-a: &a\n  mem_limit: 1g\nservices:\n  s:\n    <<: *a\n    image: x\n    command: redis-server --maxmemory 2gb\n",
		"services:\n  s:\n    image: x\n    mem_limit: ${UNSET_FUZZ_VAR}\n",
		"services:\n  s:\n    image: x\n    mem_limit: 64m\n    environment: [JAVA_OPTS=-Xmx1g, NODE_OPTIONS=--max-old-space-size=99]\n",
		"services:\n  s:\n    extends: s\n",
		"services:\n  s:\n    image: x\n    deploy: {mode: global, replicas: 3}\n    oom_kill_disable: true\n    memswap_limit: -1\n",
		"include:\n  - missing.yaml\n",
		mergeBomb(6, 10),
		"services:\n  a:\n    image: x\n   bad: indent\n",
		"apiVersion: v1\nkind: Pod\n",
		"services:\n  s:\n    image: x\n    mem_limit: !reset null\n",
		"services:\n  s:\n    image: x\n    mem_limit: 1g\n    environment:\n      JAVA_OPTS: >-\n        -Da=1\n        -Xmx1g\n",
		"services:\n  s:\n    image: x\n    mem_limit: 1g\n    command: >\n      redis-server --maxmemory\n      2gb\n",
		"services:\n  s:\n    image: x\n    volumes:\n      - ${FUZZ_UNSET_DIR}:/data\n",
		"services:\n  s:\n    image: x\n    memswap_limit: 1g\n",
	}
	// Files compose-go would read itself: devices, a FIFO, an entry that
	// is missing (issue 11's hostile reads).
	for _, ref := range []string{"/dev/zero", "fifo", "./fifo", "missing.env"} {
		seeds = append(seeds,
			"services:\n  a:\n    image: x\n    env_file: "+ref+"\n",
			"services:\n  a:\n    image: x\n    env_file:\n      - path: "+ref+"\n        required: false\n",
			"services:\n  a:\n    image: x\n    label_file: ["+ref+"]\n",
			"include:\n  - path: "+ref+"\nservices:\n  a:\n    image: x\n",
			"services:\n  a:\n    extends:\n      file: "+ref+"\n      service: b\n")
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	dir := f.TempDir()
	name := filepath.Join(dir, "compose.yaml")
	// A FIFO for the seeds above to name: reading it would hang the target.
	_ = syscall.Mkfifo(filepath.Join(dir, "fifo"), 0o644)
	f.Fuzz(func(t *testing.T, src []byte) {
		res := CheckSource(context.Background(), name, src, Options{})
		for _, fd := range res.Findings {
			if fd.Start < 0 || fd.End < fd.Start || fd.End > len(src) && fd.File == name {
				t.Fatalf("bad range %d-%d for %d bytes: %+v", fd.Start, fd.End, len(src), fd)
			}
			if fd.File == name && fd.Line > bytes.Count(src, []byte("\n"))+1 {
				t.Fatalf("line %d past the end: %+v", fd.Line, fd)
			}
		}
	})
}

// TestRuntimeCapWholeFlag pins that DG204 points at the value of the flag
// itself, not inside a longer flag that starts with the same letters
// (--maxmemory-policy), in the list and the string forms, for Redis, the
// JVM and Node.js.
func TestRuntimeCapWholeFlag(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "compose.yaml")
	for src, want := range map[string]string{
		"services:\n  r:\n    image: redis\n    mem_limit: 512m\n    command: [\"redis-server\", \"--maxmemory\", \"1gb\", \"--maxmemory-policy\", \"allkeys-lru\"]\n": `"1gb"`,
		"services:\n  r:\n    image: redis\n    mem_limit: 512m\n    command: [\"redis-server\", \"--maxmemory=1gb\", \"--maxmemory-policy=allkeys-lru\"]\n":           `--maxmemory=1gb`,
		"services:\n  r:\n    image: redis\n    mem_limit: 512m\n    command: redis-server --maxmemory 1gb --maxmemory-policy allkeys-lru\n":                           `--maxmemory 1gb`,
		"services:\n  r:\n    image: redis\n    mem_limit: 512m\n    command: >\n      redis-server --maxmemory\n      1gb --maxmemory-policy allkeys-lru\n":           `--maxmemory`,
		"services:\n  n:\n    image: node\n    mem_limit: 512m\n    command: [\"node\", \"--max-old-space-size\", \"1024\", \"--max-old-space-size-percentage=50\"]\n": `"1024"`,
		"services:\n  j:\n    image: java\n    mem_limit: 512m\n    command: [\"java\", \"-Xmx1g\", \"-Xmxfoo\"]\n":                                                    `-Xmx1g`,
	} {
		res := CheckSource(context.Background(), name, []byte(src), Options{})
		var got []string
		for _, f := range res.Findings {
			if f.Rule == "DG204" {
				got = append(got, src[f.Start:f.End])
			}
		}
		if len(got) != 1 || got[0] != want {
			t.Errorf("%s: DG204 spans %q, want [%q]", src, got, want)
		}
	}
}

// TestLimitVarNotesUseLoadEnv: the note about a limit variable without a
// default appears only when the load's environment (.env included) does
// not set it; ${X:-d} is never named as an unset variable.
func TestLimitVarNotesUseLoadEnv(t *testing.T) {
	dir := t.TempDir()
	src := "services:\n  a:\n    image: x\n    mem_limit: ${DG_TEST_SET_MEM}\n  b:\n    image: x\n    mem_limit: ${DG_TEST_UNSET_MEM}\n"
	if err := os.WriteFile(filepath.Join(dir, "compose.yaml"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, ".env"), []byte("DG_TEST_SET_MEM=2g\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	res := Check(context.Background(), []string{"compose.yaml"}, Options{})
	var notes []string
	for _, n := range res.Notes {
		notes = append(notes, n.Message)
	}
	joined := strings.Join(notes, "\n")
	if strings.Contains(joined, "DG_TEST_SET_MEM") {
		t.Errorf("a note names DG_TEST_SET_MEM, which .env sets:\n%s", joined)
	}
	if !strings.Contains(joined, "{DG_TEST_UNSET_MEM}, which has no default") {
		t.Errorf("no note for the unset DG_TEST_UNSET_MEM:\n%s", joined)
	}
	var m sync.Map
	m.Store("REDIS_MEM", true)
	m.Store("PG_MEM", true)
	if got := unsetIn("${REDIS_MEM:-256m} ${PG_MEM} ${OTHER-1g}", &m); len(got) != 1 || got[0] != "PG_MEM" {
		t.Errorf("unsetIn = %v, want [PG_MEM]", got)
	}
}

// TestDG004NamesOnlyUnsetVarsWithoutDefault: Compose refuses a file whose
// limit is an unset ${APP_MEM}; DG004 names APP_MEM, and not REDIS_MEM,
// whose ${REDIS_MEM:-256m} default Compose used (it looked REDIS_MEM up
// too), nor PG_MEM, which .env sets.
func TestDG004NamesOnlyUnsetVarsWithoutDefault(t *testing.T) {
	dir := t.TempDir()
	src := "services:\n  db:\n    image: x\n    mem_limit: ${DG_TEST_PG_MEM}\n  redis:\n    image: x\n    mem_limit: ${DG_TEST_REDIS_MEM:-256m}\n" +
		"  app:\n    image: x\n    mem_limit: ${DG_TEST_APP_MEM}\n"
	if err := os.WriteFile(filepath.Join(dir, "compose.yaml"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, ".env"), []byte("DG_TEST_PG_MEM=2g\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	res := Check(context.Background(), []string{"compose.yaml"}, Options{})
	var msg string
	for _, f := range res.Findings {
		if f.Rule == "DG004" {
			msg = f.Message
		}
	}
	if !strings.Contains(msg, "(unset variable(s): DG_TEST_APP_MEM)") {
		t.Errorf("DG004 = %q, want it to name DG_TEST_APP_MEM alone", msg)
	}
}
