package cishell

import (
	"bytes"
	"path"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/dockguard/dockguard/cishell/fragment"
	"github.com/dockguard/dockguard/internal/shquote"
	"github.com/dockguard/dockguard/rules"
	"github.com/dockguard/dockguard/shell"
)

// CheckComposeCommands checks the commands a compose file's services run,
// for the stacks that drive a Docker daemon from inside (docker-in-docker,
// a cleaner service with the socket mounted): command, entrypoint and
// healthcheck.test. Shell code is checked as shell: a string form, the
// script of `sh -c` (`bash -c`, `sh -ec`...) in a list form, and a
// healthcheck's CMD-SHELL test or string form. Other list forms, and a
// healthcheck's CMD test, are argv: each element one word, unexpanded,
// with advice but no fix. Compose's `$$` is the shell's `$`.
//
// YAML syntax errors are not reported here: the compose front end reads
// the same file and reports them.
func CheckComposeCommands(file string, src []byte, cfg *shell.Config) []rules.Finding {
	c, _ := collectAll(file, src, composeCommands)
	h := fragment.NewHost(file, src)
	var out []rules.Finding
	for _, f := range c.frags {
		out = append(out, h.Check(f, cfg)...)
	}
	return out
}

func composeCommands(c *checker, root *yaml.Node) {
	for _, svc := range pairs(get(root, "services")) {
		s := resolve(svc.value)
		if s == nil || s.Kind != yaml.MappingNode {
			continue
		}
		c.composeCommand(get(s, "entrypoint"), false)
		c.composeCommand(get(s, "command"), false)
		c.composeCommand(get(get(s, "healthcheck"), "test"), true)
	}
}

// composeCommand checks one command attribute; test says it is a
// healthcheck test, whose list form starts with CMD, CMD-SHELL or NONE.
func (c *checker) composeCommand(n *yaml.Node, test bool) {
	n = resolve(n)
	if n == nil {
		return
	}
	if n.Kind == yaml.ScalarNode {
		k := len(c.frags)
		c.script(n, composeTemplate)
		if !test && len(c.frags) > k {
			// Compose splits a command string into argv itself, with
			// no shell: a fix written as shell would be words of it.
			c.frags[k].NoFixes()
		}
		return
	}
	args := items(n)
	if test {
		if len(args) < 2 {
			return
		}
		switch str(args[0]) {
		case "CMD-SHELL":
			c.script(args[1], composeTemplate)
			return
		case "CMD":
			args = args[1:]
		default:
			return
		}
	}
	if len(args) == 0 {
		return
	}
	for _, a := range args {
		if a.Kind != yaml.ScalarNode {
			return
		}
	}
	if code := shellScript(args); code != nil {
		c.script(code, composeTemplate)
		return
	}
	if c.seen[args[0]] {
		return
	}
	c.seen[args[0]] = true
	c.frags = append(c.frags, c.src.argvFragment(args))
}

// shellScript returns the element holding the script of an argv that
// runs a POSIX shell with -c (sh -c, /bin/bash -ec, ash -xc), or nil.
func shellScript(args []*yaml.Node) *yaml.Node {
	switch path.Base(str(args[0])) {
	case "sh", "bash", "dash", "ash", "zsh", "ksh":
	default:
		return nil
	}
	for i := 1; i+1 < len(args); i++ {
		a := str(args[i])
		if !strings.HasPrefix(a, "-") || strings.HasPrefix(a, "--") {
			return nil
		}
		if strings.Contains(a, "c") {
			return args[i+1]
		}
	}
	return nil
}

// argvFragment makes shell words of list elements: each element's value,
// single-quoted, standing for the element's text in the file.
func (s *source) argvFragment(ns []*yaml.Node) *fragment.Fragment {
	var b fragment.Builder
	for i, n := range ns {
		start := s.offset(n.Line, n.Column)
		end := start + s.width(n, start)
		if i > 0 {
			b.Replace([]byte(" "), start, start)
		}
		b.Replace([]byte(shquote.Word(unescapeDollars(n.Value))), start, end)
	}
	// An argv is no shell code: a fix written as shell would be a word.
	b.FixText(func(string) (string, bool) { return "", false })
	return b.Fragment()
}

// unescapeDollars is Compose's interpolation of $$ as $.
func unescapeDollars(v string) string { return strings.ReplaceAll(v, "$$", "$") }

// width is how many bytes scalar n spans from start when it sits on its
// line as written (plain, or quoted without escapes), else 1.
func (s *source) width(n *yaml.Node, start int) int {
	_, end, ok := s.lineBounds(n.Line)
	if !ok || start >= end || strings.ContainsAny(n.Value, "\n\r") {
		return 1
	}
	line := s.src[start:end]
	if n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
		if len(line) >= len(n.Value)+2 && string(line[1:1+len(n.Value)]) == n.Value && line[1+len(n.Value)] == line[0] {
			return len(n.Value) + 2
		}
		return 1
	}
	if bytes.HasPrefix(line, []byte(n.Value)) && n.Value != "" {
		return len(n.Value)
	}
	return 1
}
