// Package justfile finds the recipes of justfiles (the command runner
// just) and checks their bodies with the shell front end, reporting
// findings at their real line and column.
//
// just runs a recipe line by line, each line in a shell of its own (the
// `set shell := [...]` setting, `sh -cu` by default), after stripping the
// line's `@` (echo) and `-` (ignore errors) prefixes and expanding
// `{{expression}}` interpolations. A recipe whose body starts with a
// shebang, or that has the [script] attribute, is one script for its
// interpreter. So: each line of a linewise recipe (with its backslash
// continuations) is one fragment, a shebang recipe's body is one
// fragment, interpolations are unknown words (`{{{{` is a literal `{{`),
// PowerShell recipes go to the PowerShell splitter of package cishell,
// and other interpreters (python, node) are not checked.
package justfile

import (
	"bytes"
	"regexp"
	"strings"

	"github.com/dockguard/dockguard/cishell"
	"github.com/dockguard/dockguard/cishell/fragment"
	"github.com/dockguard/dockguard/rules"
	"github.com/dockguard/dockguard/shell"
)

type shellKind int

const (
	posixShell shellKind = iota
	pwshShell
	otherShell
)

// Check checks the recipes of a justfile. Findings have File set to file
// and positions in src. A recipe line that does not parse as shell is a
// DG001 finding, as in scripts; the other lines are still checked.
func Check(file string, src []byte, cfg *shell.Config) []rules.Finding {
	if !fragment.Relevant(src, cfg) {
		return nil
	}
	h := fragment.NewHost(file, src)
	var out []rules.Finding
	for _, f := range extract(src) {
		switch f.sh {
		case posixShell:
			out = append(out, h.Check(f.f, cfg)...)
		case pwshShell:
			out = append(out, cishell.CheckPowerShell(file, src, f.f, cfg)...)
		}
	}
	return out
}

type frag struct {
	f  *fragment.Fragment
	sh shellKind
}

// line is one physical line of the file.
type line struct {
	start, end int // content, without the newline (nor a CR before it)
}

func (l line) text(src []byte) []byte { return src[l.start:l.end] }

var (
	// recipeRE matches a recipe header: an optional @, the name, the
	// parameters, then a colon that is not :=.
	recipeRE = regexp.MustCompile(`^@?[A-Za-z_][A-Za-z0-9_-]*(\s[^:]*)?:($|[^=])`)
	// shellSettingRE matches `set shell := ["prog", ...]` and the
	// script-interpreter setting; group 1 is the setting, 2 the program.
	shellSettingRE = regexp.MustCompile(`^set\s+(shell|script-interpreter)\s*:=\s*\[\s*(?:'([^']*)'|"([^"]*)")`)
	// scriptAttrRE matches the [script] attribute and its interpreter.
	scriptAttrRE = regexp.MustCompile(`\bscript\s*(?:\(\s*(?:'([^']*)'|"([^"]*)"))?`)
	// interpRE matches an interpolation.
	interpRE = regexp.MustCompile(`\{\{[^\n]*?\}\}`)
)

func splitLines(src []byte) []line {
	var ls []line
	for off := 0; off <= len(src); {
		i := bytes.IndexByte(src[off:], '\n')
		end := len(src)
		if i >= 0 {
			end = off + i
		}
		e := end
		if e > off && src[e-1] == '\r' {
			e--
		}
		ls = append(ls, line{off, e})
		if i < 0 {
			break
		}
		off = end + 1
	}
	return ls
}

func classify(prog string) shellKind {
	prog = strings.TrimSpace(prog)
	if prog == "" {
		return posixShell
	}
	base := strings.ToLower(prog[strings.LastIndexAny(prog, `/\`)+1:])
	base = strings.TrimSuffix(base, ".exe")
	switch base {
	case "sh", "bash", "dash", "ash", "zsh", "ksh", "mksh":
		return posixShell
	case "pwsh", "powershell":
		return pwshShell
	}
	return otherShell
}

func isBlank(b []byte) bool { return len(bytes.TrimSpace(b)) == 0 }

func indented(b []byte) bool { return len(b) > 0 && (b[0] == ' ' || b[0] == '\t') }

// extract returns the fragments of every recipe.
func extract(src []byte) []frag {
	ls := splitLines(src)
	lineShell, scriptShell := posixShell, posixShell
	for _, l := range ls {
		if m := shellSettingRE.FindSubmatch(l.text(src)); m != nil {
			k := classify(string(m[2]) + string(m[3]))
			if string(m[1]) == "shell" {
				lineShell = k
			} else {
				scriptShell = k
			}
		}
	}
	var out []frag
	script, scriptProg := false, ""
	for i := 0; i < len(ls); i++ {
		t := ls[i].text(src)
		if len(t) > 0 && t[0] == '[' {
			if m := scriptAttrRE.FindSubmatch(t); m != nil {
				script, scriptProg = true, string(m[1])+string(m[2])
			}
			continue
		}
		if indented(t) || isBlank(t) || t[0] == '#' {
			continue
		}
		if !recipeRE.Match(t) || bytes.HasPrefix(t, []byte("set ")) || bytes.HasPrefix(t, []byte("alias ")) || bytes.HasPrefix(t, []byte("export ")) {
			script = false
			continue
		}
		// The body: the indented lines after the header, blank lines
		// included, up to the first line at the margin.
		j := i + 1
		for j < len(ls) && (indented(ls[j].text(src)) || isBlank(ls[j].text(src))) {
			j++
		}
		body := ls[i+1 : j]
		for len(body) > 0 && isBlank(body[len(body)-1].text(src)) {
			body = body[:len(body)-1]
		}
		switch {
		case len(body) == 0:
		case script:
			sh := scriptShell
			if scriptProg != "" {
				sh = classify(strings.Fields(scriptProg + " x")[0])
			}
			out = appendScript(out, src, body, sh)
		case bytes.HasPrefix(bytes.TrimLeft(body[0].text(src), " \t"), []byte("#!")):
			first := bytes.TrimLeft(body[0].text(src), " \t")
			out = appendScript(out, src, body, classify(shell.Interpreter(first)))
		default:
			out = appendLines(out, src, body, lineShell)
		}
		script = false
		i = j - 1
	}
	return out
}

// appendScript adds a script recipe's body as one fragment.
func appendScript(out []frag, src []byte, body []line, sh shellKind) []frag {
	if sh == otherShell {
		return out
	}
	var b fragment.Builder
	for k, l := range body {
		s := l.start
		for s < l.end && (src[s] == ' ' || src[s] == '\t') {
			s++
		}
		if k > 0 {
			prev := body[k-1]
			b.Copy([]byte("\n"), prevNewline(src, prev))
		}
		b.Copy(src[s:l.end], s)
	}
	return append(out, frag{f: finish(&b), sh: sh})
}

// prevNewline is the offset of the newline after line l.
func prevNewline(src []byte, l line) int {
	if i := bytes.IndexByte(src[l.end:], '\n'); i >= 0 {
		return l.end + i
	}
	return l.end
}

// appendLines adds each command of a linewise recipe: a line after its @
// and - prefixes, with the lines its trailing backslashes continue onto.
func appendLines(out []frag, src []byte, body []line, sh shellKind) []frag {
	if sh == otherShell {
		return out
	}
	for k := 0; k < len(body); k++ {
		l := body[k]
		s := l.start
		for s < l.end && (src[s] == ' ' || src[s] == '\t') {
			s++
		}
		if s == l.end {
			continue
		}
		for n := 0; n < 2 && s < l.end && (src[s] == '@' || src[s] == '-'); n++ {
			s++
		}
		var b fragment.Builder
		b.Copy(src[s:l.end], s)
		for bytes.HasSuffix(src[l.start:l.end], []byte(`\`)) && k+1 < len(body) {
			b.Copy([]byte("\n"), prevNewline(src, l))
			k++
			l = body[k]
			b.Copy(src[l.start:l.end], l.start)
		}
		out = append(out, frag{f: finish(&b), sh: sh})
	}
	return out
}

// finish masks the interpolations and sets how fixes are written: never
// across lines, never with braces just would read as an interpolation.
// An escaped {{{{ (just writes {{) stays as it is: literal text to the
// shell either way.
func finish(b *fragment.Builder) *fragment.Fragment {
	code := b.Bytes()
	for i := 0; i < len(code); {
		j := bytes.Index(code[i:], []byte("{{"))
		if j < 0 {
			break
		}
		j += i
		if bytes.HasPrefix(code[j:], []byte("{{{{")) {
			i = j + 4
			continue
		}
		m := interpRE.FindIndex(code[j:])
		if m == nil || m[0] != 0 {
			i = j + 2
			continue
		}
		b.Mask(j, j+m[1])
		i = j + m[1]
	}
	b.FixText(func(t string) (string, bool) {
		return t, !strings.Contains(t, "\n") && !strings.Contains(t, "{{")
	})
	return b.Fragment()
}
