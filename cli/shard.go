package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/dockguard/dockguard/engine"
	"github.com/dockguard/dockguard/report"
	"github.com/dockguard/dockguard/rules"
)

// shardFlag is --shard i/n: check the i-th of n stable subsets (1-based).
type shardFlag struct{ i, n int }

func (s *shardFlag) String() string {
	if s == nil || s.n == 0 {
		return ""
	}
	return fmt.Sprintf("%d/%d", s.i, s.n)
}

func (s *shardFlag) Set(v string) error {
	a, b, ok := strings.Cut(v, "/")
	i, err1 := strconv.Atoi(strings.TrimSpace(a))
	n, err2 := strconv.Atoi(strings.TrimSpace(b))
	if !ok || err1 != nil || err2 != nil || n < 1 || i < 1 || i > n {
		return fmt.Errorf("want i/n with 1 <= i <= n, such as 2/4")
	}
	s.i, s.n = i, n
	return nil
}

// filter returns the engine's Shard predicate: a file belongs to shard
// hash(key) mod n, where the key is its path relative to the repository
// root (see engine.ShardKey), so every runner of a matrix agrees whatever
// its checkout folder.
func (s *shardFlag) filter() func(string, engine.Kind) bool {
	if s.n <= 1 {
		return nil
	}
	cwd := workDir()
	root := repoRoot(cwd)
	return func(display string, kind engine.Kind) bool {
		p := display
		if !filepath.IsAbs(p) {
			p = filepath.Join(cwd, p)
		}
		if rel, err := filepath.Rel(root, p); err == nil && !strings.HasPrefix(rel, "..") {
			p = rel
		}
		return shardOf(engine.ShardKey(p, kind), s.n) == s.i-1
	}
}

func shardOf(key string, n int) int {
	h := fnv.New64a()
	h.Write([]byte(key))
	return int(h.Sum64() % uint64(n))
}

// jsonInput is the part of the version-1 JSON document that merge reads.
type jsonInput struct {
	Version  int             `json:"version"`
	Tool     report.Tool     `json:"tool"`
	Findings []rules.Finding `json:"findings"`
	Notes    []rules.Note    `json:"notes"`
	Errors   []rules.Note    `json:"errors"`
	Summary  report.Summary  `json:"summary"`
}

func runMerge(env *Env, args []string) int {
	fs := newFlagSet("merge", env.Stderr)
	var c checkFlags
	c.register(fs)
	c.adopt.register(fs)
	fs.Usage = func() {
		fmt.Fprintln(env.Stderr, "Usage: dockguard merge [flags] FILE.json...   (the --format json outputs of check --shard runs)")
		fs.PrintDefaults()
	}
	files, err := parseInterspersed(fs, args)
	if err != nil {
		return flagError(err)
	}
	if len(files) == 0 {
		fmt.Fprintln(env.Stderr, "dockguard merge: name the JSON outputs to merge")
		return ExitUsage
	}
	failOn, err := rules.ParseSeverity(c.failOn)
	if err != nil {
		fmt.Fprintf(env.Stderr, "dockguard merge: --fail-on: %v\n", err)
		return ExitUsage
	}
	if err := c.adopt.outputs.check(c.adopt.output); err != nil {
		fmt.Fprintf(env.Stderr, "dockguard merge: %v\n", err)
		return ExitUsage
	}
	run, err := mergeJSON(files)
	if err != nil {
		fmt.Fprintf(env.Stderr, "dockguard merge: %v\n", err)
		return ExitUsage
	}
	cwd := workDir()
	run.Dir, run.Root, run.Source = cwd, repoRoot(cwd), sourceCache(cwd)
	restoreOffsets(run)
	if err := writeOutputs(env, c.adopt.outputs.specs(c.adopt.output), run, &c.text); err != nil {
		fmt.Fprintf(env.Stderr, "dockguard merge: write output: %v\n", err)
		return ExitErrors
	}
	return exitCode(run, failOn)
}

// mergeJSON combines shard outputs into one run, sorted and deduplicated
// as a single run's result is.
func mergeJSON(files []string) (*report.Run, error) {
	run := &report.Run{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", f, err)
		}
		var doc jsonInput
		dec := json.NewDecoder(bytes.NewReader(b))
		if err := dec.Decode(&doc); err != nil {
			return nil, fmt.Errorf("%s: not a dockguard JSON output: %w", f, err)
		}
		if doc.Version != 1 {
			return nil, fmt.Errorf("%s: JSON output version %d, want 1", f, doc.Version)
		}
		if run.Tool.Name == "" {
			run.Tool = doc.Tool
		} else if doc.Tool != run.Tool {
			return nil, errors.New(f + ": written by " + doc.Tool.Name + " " + doc.Tool.Version + ", the others by " + run.Tool.Version)
		}
		run.Findings = append(run.Findings, doc.Findings...)
		run.Notes = append(run.Notes, doc.Notes...)
		run.Errors = append(run.Errors, doc.Errors...)
		run.FilesScanned += doc.Summary.FilesScanned
		run.Suppressed += doc.Summary.Suppressed
	}
	fs := run.Findings
	sort.SliceStable(fs, func(i, j int) bool { return engine.Less(&fs[i], &fs[j]) })
	run.Findings = dedupFindings(fs)
	run.Notes = dedupNotes(run.Notes)
	run.Errors = dedupNotes(run.Errors)
	return run, nil
}

// dedupFindings drops exact repeats in a sorted list: a finding outside
// any one file (none today) would otherwise appear once per shard.
func dedupFindings(fs []rules.Finding) []rules.Finding {
	out := fs[:0]
	for i, f := range fs {
		if i > 0 {
			p := out[len(out)-1]
			if p.Rule == f.Rule && p.File == f.File && p.Line == f.Line && p.Column == f.Column && p.EndLine == f.EndLine && p.EndColumn == f.EndColumn && p.Message == f.Message {
				continue
			}
		}
		out = append(out, f)
	}
	return out
}

// dedupNotes sorts notes as a run does and drops repeats: run-wide notes
// (without a file) come once from every shard.
func dedupNotes(ns []rules.Note) []rules.Note {
	sort.SliceStable(ns, func(i, j int) bool {
		if ns[i].File != ns[j].File {
			return ns[i].File < ns[j].File
		}
		return ns[i].Message < ns[j].Message
	})
	out := ns[:0]
	for i, n := range ns {
		if i > 0 && out[len(out)-1] == n {
			continue
		}
		out = append(out, n)
	}
	return out
}

// restoreOffsets recomputes the byte offsets that the JSON document leaves
// out, from the line and column, where the file is readable; renderers
// that convert columns (SARIF) read them.
func restoreOffsets(run *report.Run) {
	for i := range run.Findings {
		f := &run.Findings[i]
		src := run.Source(f.File)
		if src == nil {
			continue
		}
		f.Start = rules.Offset(src, f.Line, f.Column)
		f.End = rules.Offset(src, f.EndLine, f.EndColumn)
	}
}

// registerShard adds --shard to check.
func (c *checkFlags) registerShard(fs *flag.FlagSet) {
	fs.Var(&c.shard, "shard", "check only shard `i/n` of the files (stable by repository-relative path; Go packages and compose folders stay whole); combine the JSON outputs with dockguard merge")
}
