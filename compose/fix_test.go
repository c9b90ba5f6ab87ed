package compose

import (
	"bufio"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/compose-spec/compose-go/v2/cli"
	units "github.com/docker/go-units"

	"github.com/dockguard/dockguard/memusage"
	"github.com/dockguard/dockguard/rules"
)

// Each folder under testdata/fix is a fixer case: the compose files as in
// a repository, case.txt, the expected fixed files under want/ (a file
// missing there must stay unchanged) and recheck.txt, the check of the
// fixed files.
//
// case.txt lines (all optional):
//
//	files: a.yaml b.yaml      the files handed to Check (default: every compose file)
//	default: 256m             Sizing.Default
//	headroom: 1.3             Sizing.Headroom
//	reservation               Sizing.WithReservation
//	no-comment                Sizing.NoComment
//	observe: SERVICE window=60s [oom limit=SIZE] SIZE...   an observation of SERVICE
//	no-sizing                 Options.Sizing is nil
func TestFixGolden(t *testing.T) {
	root := filepath.Join("testdata", "fix")
	ents, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if !e.IsDir() {
			continue
		}
		dir := filepath.Join(root, e.Name())
		t.Run(e.Name(), func(t *testing.T) { runFixCase(t, dir) })
	}
}

type fixCase struct {
	files  []string
	sizing *Sizing
}

func readFixCase(t *testing.T, dir string) fixCase {
	obs := map[string]memusage.Observation{}
	c := fixCase{sizing: &Sizing{From: "test", Observed: func(_, _, svc string) (memusage.Observation, bool) {
		o, ok := obs[svc]
		return o, ok
	}}}
	f, err := os.Open(filepath.Join(dir, "case.txt"))
	if err != nil {
		return c
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, _ := strings.Cut(sc.Text(), ":")
		v = strings.TrimSpace(v)
		switch strings.TrimSpace(k) {
		case "files":
			c.files = strings.Fields(v)
		case "default":
			n, err := units.RAMInBytes(v)
			if err != nil {
				t.Fatal(err)
			}
			c.sizing.Default = n
		case "headroom":
			h, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Fatal(err)
			}
			c.sizing.Headroom = h
		case "reservation":
			c.sizing.WithReservation = true
		case "no-comment":
			c.sizing.NoComment = true
		case "no-sizing":
			c.sizing = nil
		case "observe":
			fs := strings.Fields(v)
			o := memusage.Observation{Service: fs[0], Containers: 1}
			for _, w := range fs[1:] {
				switch {
				case strings.HasPrefix(w, "window="):
					d, err := time.ParseDuration(w[len("window="):])
					if err != nil {
						t.Fatal(err)
					}
					o.Window = d
				case w == "oom":
					o.OOMKilled = true
				case strings.HasPrefix(w, "limit="):
					n, err := units.RAMInBytes(w[len("limit="):])
					if err != nil {
						t.Fatal(err)
					}
					o.Limit = n
				default:
					n, err := units.RAMInBytes(w)
					if err != nil {
						t.Fatal(err)
					}
					o.Samples = append(o.Samples, n)
				}
			}
			obs[o.Service] = o
		}
	}
	return c
}

// copyCase copies the case's inputs (not want/, case.txt, recheck.txt)
// into a temporary folder.
func copyCase(t *testing.T, dir string) string {
	tmp := t.TempDir()
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if rel == "want" || rel == "case.txt" || rel == "recheck.txt" {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(tmp, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(tmp, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return tmp
}

func caseFiles(t *testing.T, dir string, c fixCase) []string {
	if c.files != nil {
		return c.files
	}
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && IsCandidate(d.Name()) {
			rel, _ := filepath.Rel(dir, p)
			files = append(files, rel)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func checkIn(dir string, files []string, opts Options) rules.Result {
	c := newFileCache(dir)
	return run(context.Background(), c, files, opts)
}

// applyFixes applies every finding's edits, per file, in offset order; an
// edit overlapping an earlier one is dropped, as the fix package does.
// It returns how many edits it applied.
func applyFixes(t *testing.T, dir string, fs []rules.Finding) int {
	t.Helper()
	byFile := map[string][]rules.Edit{}
	for _, f := range fs {
		byFile[f.File] = append(byFile[f.File], f.Fixes...)
	}
	n := 0
	for file, es := range byFile {
		if len(es) == 0 {
			continue
		}
		p := filepath.Join(dir, file)
		src, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		sort.SliceStable(es, func(i, j int) bool { return es[i].Start < es[j].Start })
		var b strings.Builder
		pos := 0
		for _, e := range es {
			if e.Start < pos {
				t.Errorf("%s: overlapping edits at %d", file, e.Start)
				continue
			}
			b.Write(src[pos:e.Start])
			b.WriteString(e.NewText)
			pos = e.End
			n++
		}
		b.Write(src[pos:])
		if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return n
}

func snapshot(t *testing.T, dir string) map[string]string {
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func runFixCase(t *testing.T, dir string) {
	c := readFixCase(t, dir)
	tmp := copyCase(t, dir)
	before := snapshot(t, tmp)
	files := caseFiles(t, tmp, c)
	opts := Options{Sizing: c.sizing, Fix: rules.FixSettings{Explain: true}}
	res := checkIn(tmp, files, opts)
	for _, f := range res.Findings {
		src := []byte(before[filepath.ToSlash(f.File)])
		for _, e := range f.Fixes {
			if e.Start < 0 || e.End < e.Start || e.End > len(src) {
				t.Errorf("%s %s: edit [%d,%d) outside the file", f.Rule, f.Key, e.Start, e.End)
			}
		}
	}
	applyFixes(t, tmp, res.Findings)
	after := snapshot(t, tmp)

	// The fixed files, against want/.
	for name, got := range after {
		wantPath := filepath.Join(dir, "want", filepath.FromSlash(name))
		want, err := os.ReadFile(wantPath)
		if *update && got != before[name] {
			if err := os.MkdirAll(filepath.Dir(wantPath), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(wantPath, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err != nil {
			if got != before[name] {
				t.Errorf("%s changed, but want/%s does not exist (run with -update):\n%s", name, name, got)
			}
			continue
		}
		if got != string(want) {
			t.Errorf("fixed %s differs from %s\n--- got\n%s--- want\n%s", name, wantPath, got, want)
		}
	}

	// The re-check of the fixed files, with the fix messages of the run.
	recheck := checkIn(tmp, files, opts)
	var b strings.Builder
	b.WriteString("# first run\n")
	b.WriteString(render(res))
	b.WriteString("# after the fixes\n")
	b.WriteString(render(recheck))
	got := b.String()
	rp := filepath.Join(dir, "recheck.txt")
	if *update {
		if err := os.WriteFile(rp, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	} else if want, err := os.ReadFile(rp); err != nil || got != string(want) {
		t.Errorf("re-check differs from %s (run with -update)\n--- got\n%s--- want\n%s", rp, got, want)
	}
	// A fixed finding must not come back.
	fixed := map[string]bool{}
	for _, f := range res.Findings {
		if len(f.Fixes) > 0 {
			fixed[f.Rule+" "+f.Key] = true
		}
	}
	for _, f := range recheck.Findings {
		if fixed[f.Rule+" "+f.Key] {
			t.Errorf("%s %s is still reported after its fix: %s", f.Rule, f.Key, f.Message)
		}
		if f.Rule == "DG004" || f.Rule == "DG001" {
			if !strings.Contains(render(res), f.Message) {
				t.Errorf("the fix broke the file: %s", f.Message)
			}
		}
	}
	// compose-go loads every fixed project that loaded before.
	if !strings.Contains(render(res), "DG004") && !strings.Contains(render(res), "DG001") {
		loadFixed(t, tmp, files)
	}
	// Idempotence: a second fix changes nothing.
	again := checkIn(tmp, files, opts)
	if n := applyFixes(t, tmp, again.Findings); n > 0 {
		t.Errorf("a second fix applied %d more edits", n)
	}
	if s := snapshot(t, tmp); !equalMaps(s, after) {
		t.Errorf("a second fix changed the files")
	}
}

// loadFixed loads each fixed default project with compose-go, as docker
// compose would.
func loadFixed(t *testing.T, dir string, files []string) {
	t.Helper()
	var cfgs []string
	for _, f := range files {
		if strings.Contains(f, "override") || strings.Contains(f, "common") {
			continue
		}
		cfgs = append(cfgs, filepath.Join(dir, f))
	}
	for _, f := range files {
		if strings.Contains(f, "override") {
			cfgs = append(cfgs, filepath.Join(dir, f))
		}
	}
	if len(cfgs) == 0 {
		return
	}
	po, err := cli.NewProjectOptions(cfgs, cli.WithWorkingDirectory(dir), cli.WithName("fixcase"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := po.LoadProject(context.Background()); err != nil {
		t.Errorf("compose-go refuses the fixed project: %v", err)
	}
}

func equalMaps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
