// Package jenkinsfile finds the shell steps of Jenkins pipelines
// (Jenkinsfile, declarative or scripted, and shared-library steps) and
// checks them with the shell front end, reporting findings at their real
// line and column.
//
// A step is `sh`, `powershell` or `pwsh` called with a string literal:
// `sh 'docker rm -f web'`, `sh "…"`, `sh ”'…”'`, `sh """…"""`,
// `sh(script: '…', returnStdout: true)`. Only string literals are code:
// Groovy interpolation in double-quoted forms (`${name}`, `$name`) is an
// unknown word, as is any expression concatenated with `+`, and a step
// whose script is a variable is not checked. Groovy escapes are decoded
// (`\$` is the shell's `$`). `bat` steps run in cmd.exe and are not
// checked. Comments and slashy strings are skipped, so `// sh 'docker rm
// -f x'` is no step.
package jenkinsfile

import (
	"strings"

	"github.com/dockguard/dockguard/cishell"
	"github.com/dockguard/dockguard/cishell/fragment"
	"github.com/dockguard/dockguard/rules"
	"github.com/dockguard/dockguard/shell"
)

// steps maps a step name to whether it runs PowerShell.
var steps = map[string]bool{"sh": false, "powershell": true, "pwsh": true}

// Check checks the shell steps of a Jenkins pipeline. Findings have File
// set to file and positions in src. A string or comment that is never
// closed is a DG001 finding; the steps before it are still checked.
func Check(file string, src []byte, cfg *shell.Config) []rules.Finding {
	if !fragment.Relevant(src, cfg) {
		return nil
	}
	s := scan(src)
	var out []rules.Finding
	if r, ok := rules.Lookup("DG001"); ok {
		for _, e := range s.errs {
			out = append(out, rules.New(r, file, src, e.off, lineEnd(src, e.off), "Jenkinsfile: "+e.msg))
		}
	}
	h := fragment.NewHost(file, src)
	for _, st := range s.steps() {
		f := st.fragment()
		if st.ps {
			out = append(out, cishell.CheckPowerShell(file, src, f, cfg)...)
			continue
		}
		out = append(out, h.Check(f, cfg)...)
	}
	return out
}

func lineEnd(src []byte, off int) int {
	for i := off; i < len(src); i++ {
		if src[i] == '\n' {
			return i
		}
	}
	return len(src)
}

// step is one shell step's script: a literal, then what is concatenated
// to it (literals, and spans of unknown expressions).
type step struct {
	ps    bool
	items []item
}

type item struct {
	lit        *literal // nil for an unknown expression
	start, end int
}

// steps finds the steps: a step name (not a method of something else,
// except steps.sh), then its argument list with or without parentheses,
// whose first positional argument or script: argument is a literal.
func (s *scanner) steps() []step {
	var out []step
	toks := s.toks
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if t.kind != tokIdent {
			continue
		}
		ps, ok := steps[string(s.src[t.start:t.end])]
		if !ok || i > 0 && s.isPunct(toks[i-1], '.') && !s.isIdent(i-2, "steps") {
			continue
		}
		j := i + 1
		paren := j < len(toks) && s.isPunct(toks[j], '(')
		if paren {
			j++
		}
		if st, ok := s.args(j, paren); ok {
			st.ps = ps
			out = append(out, st)
		}
	}
	return out
}

func (s *scanner) isPunct(t token, c byte) bool {
	return t.kind == tokPunct && s.src[t.start] == c
}

func (s *scanner) isIdent(i int, name string) bool {
	return i >= 0 && s.toks[i].kind == tokIdent && string(s.src[s.toks[i].start:s.toks[i].end]) == name
}

// args reads a step's arguments from token j: a literal script, or named
// arguments among which script: is a literal.
func (s *scanner) args(j int, paren bool) (step, bool) {
	toks := s.toks
	skipNL := func(j int) int {
		for paren && j < len(toks) && toks[j].kind == tokNewline {
			j++
		}
		return j
	}
	j = skipNL(j)
	if j < len(toks) && toks[j].kind == tokString {
		return s.script(j)
	}
	// Named arguments: label: value, ... at depth 0.
	depth := 0
	for ; j < len(toks); j++ {
		t := toks[j]
		switch {
		case t.kind == tokNewline && !paren && depth == 0:
			return step{}, false
		case t.kind == tokPunct && strings.IndexByte("([{", s.src[t.start]) >= 0:
			depth++
		case t.kind == tokPunct && strings.IndexByte(")]}", s.src[t.start]) >= 0:
			if depth == 0 {
				return step{}, false
			}
			depth--
		case depth == 0 && s.isIdent(j, "script") && j+1 < len(toks) && s.isPunct(toks[j+1], ':'):
			k := skipNL(j + 2)
			if k < len(toks) && toks[k].kind == tokString {
				return s.script(k)
			}
			return step{}, false
		}
	}
	return step{}, false
}

// script reads the literal at token j and what is concatenated to it.
func (s *scanner) script(j int) (step, bool) {
	toks := s.toks
	st := step{items: []item{{lit: toks[j].lit, start: toks[j].start, end: toks[j].end}}}
	j++
	for j < len(toks) && s.isPunct(toks[j], '+') {
		j++
		for j < len(toks) && toks[j].kind == tokNewline {
			j++
		}
		if j >= len(toks) {
			break
		}
		if toks[j].kind == tokString && !s.followedByCall(j) {
			st.items = append(st.items, item{lit: toks[j].lit, start: toks[j].start, end: toks[j].end})
			j++
			continue
		}
		// An expression: unknown up to the next + or the end of the
		// argument at depth 0.
		start, depth := toks[j].start, 0
		end := toks[j].end
		for ; j < len(toks); j++ {
			t := toks[j]
			if depth == 0 && (t.kind == tokNewline || s.isPunct(t, '+') || s.isPunct(t, ',') || s.isPunct(t, ')')) {
				break
			}
			if t.kind == tokPunct && strings.IndexByte("([{", s.src[t.start]) >= 0 {
				depth++
			} else if t.kind == tokPunct && strings.IndexByte(")]}", s.src[t.start]) >= 0 {
				depth--
			}
			end = t.end
		}
		st.items = append(st.items, item{start: start, end: end})
	}
	if j < len(toks) && toks[j].kind == tokPunct && s.src[toks[j].start] == '.' {
		// 'docker rm -f x'.execute() and the like: not this step's script.
		return step{}, false
	}
	return st, true
}

// followedByCall reports a literal that is the receiver of a method call
// ("a".trim()), which makes it an expression.
func (s *scanner) followedByCall(j int) bool {
	return j+1 < len(s.toks) && s.isPunct(s.toks[j+1], '.')
}

// fragment builds the step's shell code: the literals' text, verbatim
// where the file holds it, decoded escapes in place of their spelling,
// and a placeholder word for each interpolation and expression.
func (st step) fragment() *fragment.Fragment {
	var b fragment.Builder
	quote := ""
	for _, it := range st.items {
		if it.lit == nil {
			b.Unknown(it.start, it.end)
			quote = "" // the edit would straddle literals: no fix
			continue
		}
		if quote == "" {
			quote = it.lit.quote
		}
		for _, p := range it.lit.parts {
			switch {
			case p.interp:
				b.Unknown(p.start, p.end)
			case p.exact:
				b.Copy([]byte(p.text), p.start)
			default:
				b.Replace([]byte(p.text), p.start, p.end)
			}
		}
	}
	if len(st.items) > 1 {
		quote = ""
	}
	b.FixText(func(t string) (string, bool) { return escapeFor(quote, t) })
	return b.Fragment()
}

// escapeFor writes shell code t as the body of a Groovy literal in
// quote, or reports false when it cannot (a newline in a one-line
// literal, a slashy string).
func escapeFor(quote, t string) (string, bool) {
	switch quote {
	case "'", "'''":
		if quote == "'" && strings.Contains(t, "\n") {
			return "", false
		}
		return strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(t), true
	case `"`, `"""`:
		if quote == `"` && strings.Contains(t, "\n") {
			return "", false
		}
		return strings.NewReplacer(`\`, `\\`, `"`, `\"`, `$`, `\$`).Replace(t), true
	}
	return "", false
}
