// Package python is dockguard's Python front end. It parses Python files
// with package python/syntax and reports what the shell and Go front ends
// report, with the same rules:
//
//   - commands run through subprocess, os.system/popen/exec*/spawn*,
//     asyncio's subprocess functions, sh and plumbum: their argv is
//     resolved (literals, constants, concatenation, [*base, …],
//     shlex.split, str.format and f-strings whose docker words are literal)
//     and judged by package dockercli; a shell string goes through the
//     shell front end with a position map;
//   - the Docker SDK for Python (docker), python-on-whales and
//     testcontainers, by receivers known from how they were made
//     (docker.from_env(), containers.get/run/create/list, annotations,
//     pytest fixtures across conftest.py files); one table maps each
//     method to its rule.
//
// An unresolvable word is an unknown target, never a guess; a method call
// on something not known to be a container is never reported.
package python

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/dockguard/dockguard/dockercli"
	"github.com/dockguard/dockguard/python/syntax"
	"github.com/dockguard/dockguard/rules"
	"github.com/dockguard/dockguard/shell"
)

// Needles are the byte strings that make a Python file worth parsing
// besides the container CLIs' names: the libraries judged here, and the
// SDK call shapes a test file can make on a fixture from conftest.py
// without naming docker itself.
var Needles = []string{"python_on_whales", "testcontainers", "force=True", ".kill(", "timeout=0"}

// Checker checks Python files. It caches the fixtures of conftest.py
// files, which the tests below them share; it is safe for concurrent use.
type Checker struct {
	mu       sync.Mutex
	conftest map[string]fixtureSet
}

// New returns a Checker with an empty conftest cache (one per run).
func New() *Checker { return &Checker{conftest: map[string]fixtureSet{}} }

// Check checks one file with a fresh Checker.
func Check(file string, src []byte, cfg *shell.Config) []rules.Finding {
	return New().Check(file, src, cfg)
}

// Check checks the Python source src of file. A syntax error is a DG001
// finding at its position; the rest of the file is still checked.
func (c *Checker) Check(file string, src []byte, cfg *shell.Config) (out []rules.Finding) {
	ck := &checker{c: c, file: file, src: src, cfg: cfg, limit: limitOf(cfg), bins: binariesOf(cfg)}
	defer func() {
		if r := recover(); r != nil {
			ck.findings = append(ck.findings, rules.New(rules.MustLookup("DG001"), file, src, 0, 0,
				fmt.Sprintf("internal error while checking this file: %v", r)))
			out = ck.findings
		}
	}()
	f := syntax.Parse(src)
	if len(f.Errors) > 0 {
		e := f.Errors[0]
		msg := "Python syntax error: " + e.Msg
		if len(f.Errors) > 1 {
			msg += fmt.Sprintf(" (and %d more); the rest of the file was checked as far as it could be parsed", len(f.Errors)-1)
		}
		fd := rules.New(rules.MustLookup("DG001"), file, src, e.Offset, e.Offset, msg)
		fd.Key = "parse-error"
		ck.findings = append(ck.findings, fd)
	}
	ck.mod = newModule(f, src)
	ck.mod.fixtures = c.fixturesFor(file, ck.mod)
	ck.run()
	return ck.findings
}

func limitOf(cfg *shell.Config) int {
	if cfg == nil || cfg.ParallelLimit <= 0 {
		return shell.DefaultParallelLimit
	}
	return cfg.ParallelLimit
}

func binariesOf(cfg *shell.Config) []string {
	if cfg == nil || len(cfg.Binaries) == 0 {
		return dockercli.DefaultBinaries
	}
	return cfg.Binaries
}

type seenKey struct {
	rule string
	s, e int
}

type checker struct {
	c        *Checker
	file     string
	src      []byte
	cfg      *shell.Config
	limit    int
	bins     []string
	mod      *module
	findings []rules.Finding
	seen     map[seenKey]bool
	// dockerFuncs are the functions whose bodies run a docker command or
	// call the SDK, for DG106 on what is submitted to a pool.
	dockerFuncs map[string]bool
	pools       []poolUse
}

func (ck *checker) report(rule string, s, e int, msg, key string) {
	r := rules.MustLookup(rule)
	k := seenKey{rule, s, e}
	if ck.seen == nil {
		ck.seen = map[seenKey]bool{}
	}
	if ck.seen[k] {
		return
	}
	ck.seen[k] = true
	f := rules.New(r, ck.file, ck.src, s, e, msg)
	f.Key = key
	ck.findings = append(ck.findings, f)
}

// text returns a node's source, blanks collapsed, for messages and keys.
func (ck *checker) text(n syntax.Node) string {
	s, e := n.Span()
	if s < 0 || e > len(ck.src) || s > e {
		return ""
	}
	return strings.Join(strings.Fields(string(ck.src[s:e])), " ")
}

// fixturesFor returns the fixtures a test in file can take by name: its
// own module's, over those of every conftest.py from its folder up to the
// repository root.
func (c *Checker) fixturesFor(file string, m *module) fixtureSet {
	abs, err := filepath.Abs(file)
	var inherited fixtureSet
	if err == nil && file != "" && !strings.HasPrefix(file, "<") {
		dir := filepath.Dir(abs)
		if filepath.Base(abs) == "conftest.py" {
			// A conftest.py sees its parents' fixtures, not its own copy.
			if parent := filepath.Dir(dir); parent != dir && !isRoot(dir) {
				inherited = c.dirFixtures(parent)
			}
		} else {
			inherited = c.dirFixtures(dir)
		}
	}
	return m.fixtureKinds(inherited)
}

// isRoot reports a folder that ends the search for conftest.py files: the
// repository's root.
func isRoot(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, ".git"))
	return err == nil
}

// dirFixtures returns the fixtures of dir/conftest.py over its parents'.
func (c *Checker) dirFixtures(dir string) fixtureSet {
	c.mu.Lock()
	fs, ok := c.conftest[dir]
	c.mu.Unlock()
	if ok {
		return fs
	}
	var parent fixtureSet
	if up := filepath.Dir(dir); up != dir && !isRoot(dir) {
		parent = c.dirFixtures(up)
	}
	fs = parent
	if src, err := os.ReadFile(filepath.Join(dir, "conftest.py")); err == nil && len(src) <= 4<<20 && bytes.Contains(src, []byte("fixture")) {
		m := newModule(syntax.Parse(src), src)
		fs = m.fixtureKinds(parent)
	}
	c.mu.Lock()
	c.conftest[dir] = fs
	c.mu.Unlock()
	return fs
}
