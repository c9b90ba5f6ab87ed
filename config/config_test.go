package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dockguard/dockguard/engine"
	"github.com/dockguard/dockguard/internal/testfiles"
	"github.com/dockguard/dockguard/rules"
)

const full = `# every key
rules:
  DG101: warning
  force-remove-image: {severity: error}
  DG302: off
exclude:
  - "vendor/**"
  - testdata
kinds:
  shell: ["bin/*", run]
  compose: deploy/*.yml
memory-budget: 6GiB
parallel-limit: 4
binaries: [docker, podman]
fail-on: error
baseline: .dockguard-baseline.json
compose:
  profiles: [dev, db]
live:
  stale-after: 3d
  build-cache-threshold: 10GiB
  rate: 2.5
  in-flight: 2
  deadline: 5m
  slow-ping: 1500ms
`

func TestParseFull(t *testing.T) {
	cfg, err := Parse("x/.dockguard.yaml", []byte(full))
	if err != nil {
		t.Fatal(err)
	}
	if s := cfg.Rules["DG101"]; s.Severity != rules.SeverityWarning || s.Off {
		t.Errorf("DG101 %+v", s)
	}
	if s := cfg.Rules["DG102"]; s.Severity != rules.SeverityError {
		t.Errorf("DG102 (by name) %+v", s)
	}
	if !cfg.Rules["DG302"].Off || cfg.RuleOn("DG302") || !cfg.RuleOn("DG101") {
		t.Errorf("DG302 should be off: %+v", cfg.Rules["DG302"])
	}
	if strings.Join(cfg.Exclude, " ") != "vendor/** testdata" {
		t.Errorf("exclude %v", cfg.Exclude)
	}
	if cfg.MemoryBudget != 6<<30 || cfg.ParallelLimit != 4 || strings.Join(cfg.Binaries, ",") != "docker,podman" {
		t.Errorf("limits %d %d %v", cfg.MemoryBudget, cfg.ParallelLimit, cfg.Binaries)
	}
	if cfg.FailOn == nil || *cfg.FailOn != rules.SeverityError || cfg.Baseline != ".dockguard-baseline.json" {
		t.Errorf("fail-on/baseline %v %q", cfg.FailOn, cfg.Baseline)
	}
	if strings.Join(cfg.Compose.Profiles, ",") != "dev,db" {
		t.Errorf("profiles %v", cfg.Compose.Profiles)
	}
	want := Live{StaleAfter: 72 * time.Hour, BuildCacheThreshold: 10 << 30, Rate: 2.5, InFlight: 2, Deadline: 5 * time.Minute, SlowPing: 1500 * time.Millisecond}
	if cfg.Live != want {
		t.Errorf("live %+v, want %+v", cfg.Live, want)
	}
	fs := []rules.Finding{{Rule: "DG101", Severity: rules.SeverityError}, {Rule: "DG104", Severity: rules.SeverityWarning}}
	cfg.ApplySeverities(fs)
	if fs[0].Severity != rules.SeverityWarning || fs[1].Severity != rules.SeverityWarning {
		t.Errorf("severities %v %v", fs[0].Severity, fs[1].Severity)
	}
}

func TestParseEmpty(t *testing.T) {
	for _, src := range []string{"", "# nothing\n", "---\n", "~\n"} {
		cfg, err := Parse("c.yaml", []byte(src))
		if err != nil {
			t.Errorf("%q: %v", src, err)
			continue
		}
		if cfg.EffectiveParallelLimit() != 3 || cfg.EffectiveMemoryBudget() != 8<<30 || len(cfg.EffectiveBinaries()) != 3 {
			t.Errorf("%q: defaults not applied", src)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		src, want string
	}{
		{"exlude: [a]\n", `c.yaml:1:1: unknown key "exlude" (did you mean "exclude"?)`},
		{"rules:\n  DG1O1: off\n", `c.yaml:2:3: rules: unknown rule "DG1O1" (did you mean DG101?)`},
		{"rules:\n  DG101: warnning\n", `c.yaml:2:10: rules.DG101: unknown severity "warnning" (did you mean "warning"?)`},
		{"rules:\n  DG101: {sevrity: off}\n", `c.yaml:2:11: unknown key "rules.*.sevrity" (did you mean "severity"?)`},
		{"live:\n  stale_after: 1h\n", `c.yaml:2:3: unknown key "live.stale_after" (did you mean "stale-after"?)`},
		{"live:\n  stale-after: soon\n", `c.yaml:2:16: live.stale-after: want a positive duration`},
		{"live:\n  rate: -1\n", `live.rate: want a positive number`},
		{"live:\n  in-flight: 0\n", `live.in-flight: want a whole number of at least 1`},
		{"live:\n  deadline: 0s\n", `live.deadline: want a positive duration`},
		{"live:\n  slow-ping: fast\n", `live.slow-ping: want a positive duration`},
		{"memory-budget: lots\n", `c.yaml:1:16: memory-budget: want a positive size`},
		{"memory-budget: 4\n", `c.yaml:1:16: memory-budget: "4" has no unit, so it is 4 bytes; write the unit: 4MiB or 4GiB`},
		{"parallel-limit: [3]\n", `parallel-limit: want a single value, got a list`},
		{"binaries: [docker, podmn]\n", `c.yaml:1:20: binaries: unknown binary "podmn" (did you mean "podman"?)`},
		{"exclude: ['a/[b']\n", `exclude: bad glob`},
		{"kinds:\n  shel: [run]\n", `c.yaml:2:3: kinds: unknown file kind "shel" (did you mean "shell"?) (valid: shell, makefile, github-workflow,`},
		{"kinds:\n  shell: ['a/[b']\n", `c.yaml:2:11: kinds.shell: bad glob "a/[b"`},
		{"kinds: [shell]\n", `kinds: want a mapping`},
		{"fail-on: fatal\n", `fail-on: unknown severity "fatal"`},
		{"exclude: []\nexclude: []\n", `c.yaml:2:1: exclude: repeated key`},
		{"- a\n- b\n", `c.yaml:1:1: the file: want a mapping`},
		{"rules: [DG101]\n", `rules: want a mapping of rule IDs`},
		{"a: b: c\n", `c.yaml: mapping values are not allowed`},
		{"a:\n  - b\n c: d\n", `c.yaml:2:1: did not find expected key`},
		{"rules:\n  DG101: off\n  force-remove-container: error\n", `c.yaml:3:3: rules: DG101 is configured twice`},
		// Columns are bytes, also after multi-byte characters.
		{"compose: {profiles: [dév, 3]}\nlive: {ráte: 1}\n", `c.yaml:2:8: unknown key "live.ráte" (did you mean "rate"?)`},
	}
	for _, tt := range tests {
		_, err := Parse("c.yaml", []byte(tt.src))
		if err == nil {
			t.Errorf("%q: no error, want %q", tt.src, tt.want)
			continue
		}
		if !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q:\n got %s\nwant %s", tt.src, err, tt.want)
		}
	}
}

func TestAllErrorsReported(t *testing.T) {
	_, err := Parse("c.yaml", []byte("exlude: []\nparallel-limit: x\nlive: {rate: 0}\n"))
	var es Errors
	if !errors.As(err, &es) || len(es) != 3 {
		t.Fatalf("want 3 errors, got %v", err)
	}
}

func TestFind(t *testing.T) {
	root := t.TempDir()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	repo := filepath.Join(root, "repo")
	sub := filepath.Join(repo, "a", "b")
	must(os.MkdirAll(sub, 0o755))
	must(os.MkdirAll(filepath.Join(repo, ".git"), 0o755))
	// A file above the repository root must not be picked up.
	must(os.WriteFile(filepath.Join(root, ".dockguard.yaml"), []byte("{}\n"), 0o644))
	got, err := Find(sub)
	if err != nil || got != "" {
		t.Errorf("Find above repo root = %q, %v; want none", got, err)
	}
	must(os.WriteFile(filepath.Join(repo, ".dockguard.yml"), []byte("{}\n"), 0o644))
	got, _ = Find(sub)
	if got != filepath.Join(repo, ".dockguard.yml") {
		t.Errorf("Find = %q", got)
	}
	must(os.WriteFile(filepath.Join(repo, "a", ".dockguard.yaml"), []byte("{}\n"), 0o644))
	must(os.WriteFile(filepath.Join(sub, "x.sh"), nil, 0o644))
	got, _ = Find(filepath.Join(sub, "x.sh"))
	if got != filepath.Join(repo, "a", ".dockguard.yaml") {
		t.Errorf("Find from a file = %q, want the nearest", got)
	}
}

func TestExclude(t *testing.T) {
	pats := []string{"vendor/**", "testdata", "*.bats", "build/tmp/", "./gen/*.sh"}
	for rel, want := range map[string]bool{
		"vendor/x/a.sh":        true,
		"vendor":               true, // ** also matches nothing, so the directory itself is pruned
		"a/testdata/x.sh":      true,
		"testdata":             true,
		"testdata2/x.sh":       false,
		"ci/t.bats":            true,
		"build/tmp/x.sh":       true,
		"build/tmpx/x.sh":      false,
		"gen/a.sh":             true,
		"gen/sub/a.sh":         false,
		"scripts/vendor.sh":    false,
		"docs/testdata.md/x.y": false,
	} {
		if got := MatchExclude(pats, rel); got != want {
			t.Errorf("MatchExclude(%q) = %v, want %v", rel, got, want)
		}
	}
	dir := t.TempDir()
	cfg, err := Parse(filepath.Join(dir, ".dockguard.yaml"), []byte("exclude: [testdata]\n"))
	if err != nil {
		t.Fatal(err)
	}
	if !cfg.Excluded(filepath.Join(cfg.Dir, "x", "testdata", "a.sh")) || cfg.Excluded(filepath.Join(cfg.Dir, "a.sh")) || cfg.Excluded("/elsewhere/testdata/a.sh") {
		t.Error("Excluded resolves against the file's directory only")
	}
}

func TestForcedKind(t *testing.T) {
	dir := t.TempDir()
	cfg, err := Parse(filepath.Join(dir, ".dockguard.yaml"), []byte("kinds:\n  compose: [deploy/*.yml]\n  shell: [\"bin/*\", run, deploy/run.yml]\n"))
	if err != nil {
		t.Fatal(err)
	}
	for rel, want := range map[string]string{
		"bin/cleanup":      "shell",
		"bin/sub/cleanup":  "",
		"run":              "shell",
		"ci/run":           "shell", // no slash: a name at any depth
		"runner":           "",
		"bin":              "",
		"deploy/x/a.yml":   "",
		"deploy/stack.yml": "compose",
		"deploy/run.yml":   "compose", // the first entry that matches wins
	} {
		got, ok := cfg.ForcedKind(filepath.Join(cfg.Dir, filepath.FromSlash(rel)))
		if got != want || ok != (want != "") {
			t.Errorf("ForcedKind(%s) = %q, %v; want %q", rel, got, ok, want)
		}
	}
	if k, ok := cfg.ForcedKind("/elsewhere/run"); ok {
		t.Errorf("a file outside the configuration's folder is forced to %s", k)
	}
	if !strings.Contains(cfg.YAML(), "kinds:\n  compose:\n    - deploy/*.yml\n  shell:\n    - bin/*\n") {
		t.Errorf("config print does not show kinds:\n%s", cfg.YAML())
	}
	if !strings.Contains(Default().YAML(), "\nkinds: {}\n") {
		t.Errorf("config print without kinds:\n%s", Default().YAML())
	}
}

// TestFileKindsAreTheEngines keeps kinds:' names those of --only and --kind.
func TestFileKindsAreTheEngines(t *testing.T) {
	if got, want := strings.Join(FileKinds, " "), strings.Join(engine.KindNames(), " "); got != want {
		t.Errorf("config.FileKinds = %s\nengine.KindNames() = %s", got, want)
	}
}

func TestYAMLRoundTrip(t *testing.T) {
	for _, src := range []string{full, ""} {
		cfg, err := Parse("c.yaml", []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		out := cfg.YAML()
		back, err := Parse("c.yaml", []byte(out))
		if err != nil {
			t.Fatalf("printed configuration does not parse: %v\n%s", err, out)
		}
		if back.YAML() != out {
			t.Errorf("round trip changed the configuration:\n%s\nvs\n%s", out, back.YAML())
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add(full)
	f.Add("rules: {DG101: [a]}\n")
	f.Add("live: &a {rate: *a}\n")
	f.Add("a: b: c")
	f.Add(testfiles.MergeBomb(6, 10) + "live:\n  <<: *m6\n")
	for _, s := range aliasBombs {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		cfg, err := Parse("c.yaml", []byte(src))
		if err == nil {
			_ = cfg.YAML()
		}
	})
}

// aliasBombs are files in which one bad value is reached through many
// aliases; each once gave one error per alias.
var aliasBombs = map[string]string{
	"list of lists": "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nexclude: [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n",
	"bad severity":  "x: &bad [1, 2]\nrules:\n  DG101: *bad\n  DG102: *bad\n  DG103: *bad\n",
	"bad scalar":    "live:\n  rate: &r nope\n  in-flight: *r\nfix: {stop-timeout: *r}\nparallel-limit: *r\n",
}

func TestAliasBombOneError(t *testing.T) {
	for name, src := range aliasBombs {
		t.Run(name, func(t *testing.T) {
			_, err := Parse("c.yaml", []byte(src))
			var errs Errors
			if !errors.As(err, &errs) {
				t.Fatalf("want Errors, got %v", err)
			}
			seen := map[string]bool{}
			for _, e := range errs {
				if s := e.Error(); seen[s] {
					t.Errorf("repeated error %q in %v", s, errs)
				} else {
					seen[s] = true
				}
			}
		})
	}
}

// TestLoadRefusesNonRegularFiles: --config /dev/zero once exhausted
// memory and a FIFO hung the run; both are a clear error now.
func TestLoadRefusesNonRegularFiles(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo.yaml")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	big := filepath.Join(dir, "big.yaml")
	if err := os.WriteFile(big, []byte("exclude: ["+strings.Repeat(`"x", `, MaxFileSize/5)+"]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{
		"/dev/zero": "is not a regular file",
		fifo:        "is not a regular file",
		big:         "is larger than 1024 KiB",
	} {
		if _, err := Load(path); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Load(%s) = %v, want %q", path, err, want)
		}
	}
}

// TestFindForPackage: from a package directory the search stops at the
// module root unless the module lies in a repository, where it goes on to
// the repository root as Find does.
func TestFindForPackage(t *testing.T) {
	top := t.TempDir()
	pkg := filepath.Join(top, "mod", "internal", "pkg")
	if err := os.MkdirAll(pkg, 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(rel, content string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(top, rel), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("mod/go.mod", "module example.com/mod\n")
	write(".dockguard.yaml", "rules: {}\n")
	if got, err := FindForPackage(pkg); err != nil || got != "" {
		t.Errorf("outside a repository: %q, %v; want the file above go.mod ignored", got, err)
	}
	if err := os.Mkdir(filepath.Join(top, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	if got, err := FindForPackage(pkg); err != nil || got != filepath.Join(top, ".dockguard.yaml") {
		t.Errorf("in a repository: %q, %v; want the repository root's file", got, err)
	}
	write("mod/.dockguard.yaml", "rules: {}\n")
	if got, err := FindForPackage(pkg); err != nil || got != filepath.Join(top, "mod", ".dockguard.yaml") {
		t.Errorf("with a file at the module root: %q, %v; want the nearest", got, err)
	}
}
