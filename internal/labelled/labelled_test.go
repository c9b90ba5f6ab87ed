package labelled

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/dockguard/dockguard/cli"
)

// targets are issue 14's goals on real code: precision and recall per
// front end (0 means no goal).
var targets = map[string]struct{ precision, recall float64 }{
	"shell":   {0.98, 0.95},
	"go":      {0, 0.85},
	"compose": {0, 0.98},
}

// label is what one line of the set expects: groups of rules, each group
// met by a finding of any of its rules.
type label struct {
	groups [][]string
	none   bool
}

var labelRE = regexp.MustCompile(`dg:((?:DG[0-9]{3}[|,]?)+|none)`)

type lineKey struct {
	file string
	line int
}

// readLabels collects the labels of every file under root, by path
// relative to root.
func readLabels(t *testing.T, root string) map[lineKey]label {
	t.Helper()
	out := map[lineKey]label{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		for i, ln := range strings.Split(string(src), "\n") {
			m := labelRE.FindStringSubmatch(ln)
			if m == nil {
				continue
			}
			var l label
			if m[1] == "none" {
				l.none = true
			} else {
				for _, g := range strings.Split(strings.TrimRight(m[1], ",|"), ",") {
					l.groups = append(l.groups, strings.Split(g, "|"))
				}
			}
			out[lineKey{filepath.ToSlash(rel), i + 1}] = l
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func copyTree(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, path)
		dst := filepath.Join(to, rel)
		if d.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(dst, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

type finding struct {
	Rule string `json:"rule"`
	File string `json:"file"`
	Line int    `json:"line"`
}

type score struct{ tp, fp, fn int }

func (s score) precision() float64 {
	if s.tp+s.fp == 0 {
		return 1
	}
	return float64(s.tp) / float64(s.tp+s.fp)
}

func (s score) recall() float64 {
	if s.tp+s.fn == 0 {
		return 1
	}
	return float64(s.tp) / float64(s.tp+s.fn)
}

// TestPrecisionRecall scores the labelled set. The set is copied out of
// the repository first: the repository's own configuration excludes
// testdata folders from checks.
func TestPrecisionRecall(t *testing.T) {
	labels := readLabels(t, "testdata")
	dir := t.TempDir()
	copyTree(t, "testdata", dir)
	t.Chdir(dir)
	t.Setenv("DOCKGUARD_CACHE", "off")
	var stdout, stderr bytes.Buffer
	args := []string{"check", "--no-cache", "--fail-on", "none", "--disable", "DG002",
		"--go-mode", "syntax", "--format", "json", "."}
	if code := cli.Run(args, nil, &stdout, &stderr); code != 0 {
		t.Fatalf("dockguard check exited %d: %s", code, stderr.String())
	}
	var rep struct {
		Findings []finding `json:"findings"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
		t.Fatalf("decode check's JSON: %v", err)
	}
	byLine := map[lineKey][]string{}
	for _, f := range rep.Findings {
		k := lineKey{filepath.ToSlash(f.File), f.Line}
		byLine[k] = append(byLine[k], f.Rule)
	}
	family := func(file string) string { return strings.SplitN(file, "/", 2)[0] }
	scores := map[string]*score{}
	get := func(fam string) *score {
		if scores[fam] == nil {
			scores[fam] = &score{}
		}
		return scores[fam]
	}
	var wrong []string
	for k, l := range labels {
		got := byLine[k]
		for _, g := range l.groups {
			if slices.ContainsFunc(got, func(r string) bool { return slices.Contains(g, r) }) {
				get(family(k.file)).tp++
			} else {
				get(family(k.file)).fn++
				wrong = append(wrong, fmt.Sprintf("miss %s:%d: want %s, got %v", k.file, k.line, strings.Join(g, "|"), got))
			}
		}
	}
	for k, rs := range byLine {
		l := labels[k]
		for _, r := range rs {
			if !slices.ContainsFunc(l.groups, func(g []string) bool { return slices.Contains(g, r) }) {
				get(family(k.file)).fp++
				wrong = append(wrong, fmt.Sprintf("false alarm %s:%d: %s", k.file, k.line, r))
			}
		}
	}
	sort.Strings(wrong)
	for _, w := range wrong {
		t.Log(w)
	}
	fams := make([]string, 0, len(scores))
	for f := range scores {
		fams = append(fams, f)
	}
	sort.Strings(fams)
	t.Logf("%-8s %4s %4s %4s %9s %6s", "family", "TP", "FP", "FN", "precision", "recall")
	for _, f := range fams {
		s := scores[f]
		t.Logf("%-8s %4d %4d %4d %9.2f %6.2f", f, s.tp, s.fp, s.fn, s.precision(), s.recall())
	}
	for f, goal := range targets {
		s, ok := scores[f]
		if !ok {
			t.Errorf("%s: no labelled lines", f)
			continue
		}
		if s.precision() < goal.precision {
			t.Errorf("%s: precision %.2f, below the target %.2f", f, s.precision(), goal.precision)
		}
		if s.recall() < goal.recall {
			t.Errorf("%s: recall %.2f, below the target %.2f", f, s.recall(), goal.recall)
		}
	}
}
