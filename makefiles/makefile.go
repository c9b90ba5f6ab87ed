// Package makefiles finds the shell code in a Makefile's recipes and checks it
// with the shell front end, reporting findings at their real line and column.
//
// It reads Makefile syntax the way GNU make does where it matters for that:
// recipe lines (tab-prefixed, or after "target: ;"), the @ - + prefixes,
// backslash continuations, $$ escapes, .ONESHELL, .RECIPEPREFIX, define
// blocks (which are not recipes) and variables assigned in the same file with
// =, :=, ::=, :::=, ?=, += and != (expanded recursively, with cycle
// protection). An undefined $(DOCKER), $(PODMAN), $(NERDCTL) or
// $(DOCKER_COMPOSE), set by an included makefile or the environment, is
// read as the CLI it is named after. The commands make runs while reading the file, the bodies of
// $(shell ...) and the values of != assignments, are checked too. It does
// not evaluate conditionals: both branches of an ifeq are read in order, and
// anything it cannot know is a placeholder word that the shell front end
// treats as unknown.
package makefiles

import (
	"bytes"
	"path"
	"strings"

	"github.com/dockguard/dockguard/cishell/fragment"
	"github.com/dockguard/dockguard/rules"
	"github.com/dockguard/dockguard/shell"
)

// Check checks the recipes of a Makefile (Makefile, GNUmakefile, *.mk), and
// its $(shell ...) calls and != assignments. Findings have File set to file
// and positions in src. Each recipe line is checked as the separate shell
// invocation make runs it as (one per rule under .ONESHELL). A SHELL that is
// not a POSIX shell skips the file.
func Check(file string, src []byte, cfg *shell.Config) []rules.Finding {
	var out []rules.Finding
	h := fragment.NewHost(file, src)
	frags, seqs := extract(src, cfg)
	seen := map[dedupKey]bool{}
	for _, f := range frags {
		for _, fd := range h.Check(f, cfg) {
			// A canned recipe used by several rules is reported once, on
			// its own line.
			k := dedupKey{fd.Rule, fd.Start, fd.End, fd.Message}
			if !seen[k] {
				seen[k] = true
				out = append(out, fd)
			}
		}
	}
	return stoppedBefore(out, seqs, h, cfg)
}

type dedupKey struct {
	rule       string
	start, end int
	msg        string
}

// stoppedBefore drops the forced removals of containers that an earlier
// recipe line of the same rule stopped (docker stop web || true, then
// docker rm -f web || true): each line runs in a shell of its own, but
// in order. Each rule's lines are checked once more as one script; a
// DG101 that this script does not report was excused by such a stop.
func stoppedBefore(fs []rules.Finding, seqs []sequence, h *fragment.Host, cfg *shell.Config) []rules.Finding {
	if len(seqs) == 0 {
		return fs
	}
	type span struct{ start, end int }
	inRule := map[span]bool{} // DG101s inside some rule's lines
	kept := map[span]bool{}   // DG101s the whole rule still reports
	for _, seq := range seqs {
		lo, hi := seq.start, seq.end
		for _, f := range fs {
			if f.Rule == "DG101" && f.Start >= lo && f.End <= hi {
				inRule[span{f.Start, f.End}] = true
			}
		}
		for _, f := range h.Check(seq.frag, cfg) {
			if f.Rule == "DG101" {
				kept[span{f.Start, f.End}] = true
			}
		}
	}
	out := fs[:0]
	for _, f := range fs {
		k := span{f.Start, f.End}
		if f.Rule == "DG101" && inRule[k] && !kept[k] {
			continue
		}
		out = append(out, f)
	}
	return out
}

// physLine is one physical line: content is src[start:end], without the
// line break ("\n" or "\r\n"), which starts at end.
type physLine struct{ start, end int }

func splitLines(src []byte) []physLine {
	var ls []physLine
	for start := 0; start < len(src); {
		i := bytes.IndexByte(src[start:], '\n')
		next, end := len(src), len(src)
		if i >= 0 {
			end = start + i
			next = end + 1
		}
		if end > start && src[end-1] == '\r' {
			end--
		}
		ls = append(ls, physLine{start, end})
		start = next
	}
	return ls
}

// piece is a span of recipe text to copy verbatim, or (newline) the line
// break of a backslash continuation, which the shell must see.
type piece struct {
	start, end int
	newline    bool
}

// recipe is one shell invocation: a logical recipe line, or a whole recipe
// under .ONESHELL.
type recipe []piece

// variable is a Make variable as the file defines it.
type variable struct {
	value   string
	simple  bool // := value, already expanded
	unknown bool // != (shell output), or otherwise not knowable
	define  bool // multi-line value from define ... endef
	// body holds the physical lines of a define ... endef whose value is
	// still exactly that text (a recursive define not appended to since):
	// a canned recipe built from it is mapped to these lines, so that a
	// finding is reported where the command is written.
	body []physLine
}

type parser struct {
	src      []byte
	lines    []physLine
	vars     map[string]*variable
	prefix   byte
	oneshell bool
	bins     map[string]bool
	recipes  []recipe
	// sequences lists, for each rule with more than one recipe line (and
	// no .ONESHELL), the indices of its lines in recipes: make runs them
	// one after the other.
	sequences [][]int
	// memo caches the expansion of recursive variables; an assignment
	// clears it. work counts bytes produced by expansion: past
	// maxWork every further reference is unknown, which bounds the time
	// a hostile makefile can take.
	memo map[*variable]memoEntry
	work int
	// spanWork counts the bytes of shell-call bodies queued as code: a
	// body holding another call is queued and scanned again, so nested
	// calls would cost quadratic time without this bound (maxWork).
	spanWork int
	// nesting is how many expansions are in progress, one inside another.
	nesting int
}

// memoEntry is a cached expansion; ok is false for one that was too large.
type memoEntry struct {
	text string
	ok   bool
}

// sequence is the recipe lines of one rule as one script, spanning
// [start, end) of the file.
type sequence struct {
	frag       *fragment.Fragment
	start, end int
}

// extract returns one fragment per shell invocation in the Makefile, and
// the rules of several recipe lines, with a stop before the last, as
// sequences.
func extract(src []byte, cfg *shell.Config) ([]*fragment.Fragment, []sequence) {
	p := &parser{src: src, lines: splitLines(src), vars: map[string]*variable{}, prefix: '\t', bins: binaries(cfg)}
	p.oneshell = p.hasOneshell()
	p.parse()
	if sh, ok := p.vars["SHELL"]; ok && !sh.unknown {
		if !posixShell(p.expandString(sh.value, sh, nil)) {
			return nil, nil
		}
	}
	frags := make([]*fragment.Fragment, 0, len(p.recipes))
	// build may queue $(shell ...) bodies it meets as further recipes.
	for i := 0; i < len(p.recipes) && i < maxRecipes; i++ {
		frags = append(frags, p.build(p.recipes[i]))
	}
	var seqs []sequence
	for _, seq := range p.sequences {
		if !stopsIn(p.src, p.recipes, seq) {
			continue // nothing to excuse: spare the second check
		}
		var joined recipe
		for _, i := range seq {
			if len(joined) > 0 {
				prev := joined[len(joined)-1]
				joined = append(joined, piece{start: prev.end, end: prev.end, newline: true})
			}
			joined = append(joined, p.recipes[i]...)
		}
		seqs = append(seqs, sequence{p.build(joined), joined[0].start, joined[len(joined)-1].end})
	}
	return frags, seqs
}

// stopsIn reports whether a recipe line of seq other than the last
// mentions "stop": only then can a later line's forced removal be excused.
func stopsIn(src []byte, recipes []recipe, seq []int) bool {
	for _, i := range seq[:len(seq)-1] {
		for _, pc := range recipes[i] {
			if !pc.newline && bytes.Contains(src[pc.start:pc.end], []byte("stop")) {
				return true
			}
		}
	}
	return false
}

// maxRecipes bounds the fragments of one file, nested $(shell) included.
const maxRecipes = 1 << 16

// shellCalls queues the body of each $(shell ...) call in a make line as
// shell code; offs holds the file offset of each byte of text.
//
// It makes one pass: the closer of every bracket is found first with a
// stack per bracket kind (which is how refAt counts), so that a line of
// deeply nested or unterminated references costs linear time rather than
// one rescan per '$'.
func (p *parser) shellCalls(text string, offs []int) {
	if !strings.Contains(text, "shell") {
		return
	}
	closer := matchBrackets(text)
	for i := 0; i+1 < len(text); i++ {
		if text[i] != '$' {
			continue
		}
		if text[i+1] == '$' {
			i++
			continue
		}
		if (text[i+1] != '(' && text[i+1] != '{') || !strings.HasPrefix(text[i+2:], "shell") {
			continue
		}
		end, body := len(text), text[i+2:]
		if c := closer[i+1]; c >= 0 {
			end, body = c+1, text[i+2:c]
		}
		if bs, ok := shellBody(text, i, end, body); ok {
			p.addSpan(text, offs, bs, end-1)
			i = end - 1
		}
	}
}

// maxSpanWork bounds the bytes of shell-call bodies queued for a file of n
// bytes: a small multiple of the file, which nested calls in real files
// never approach.
func maxSpanWork(n int) int { return 2*n + 1<<20 }

// matchBrackets returns, for each '(' and '{' of s, the offset of the
// bracket of the same kind that closes it (-1 when none does); other
// offsets hold -1.
func matchBrackets(s string) []int {
	closer := make([]int, len(s))
	var parens, braces []int
	for i := 0; i < len(s); i++ {
		closer[i] = -1
		switch s[i] {
		case '(':
			parens = append(parens, i)
		case '{':
			braces = append(braces, i)
		case ')':
			if n := len(parens); n > 0 {
				closer[parens[n-1]] = i
				parens = parens[:n-1]
			}
		case '}':
			if n := len(braces); n > 0 {
				closer[braces[n-1]] = i
				braces = braces[:n-1]
			}
		}
	}
	return closer
}

// shellBody reports whether the reference text[i:end] with the given body
// is a closed $(shell ...) call, and where its command starts.
func shellBody(text string, i, end int, body string) (int, bool) {
	if !strings.HasPrefix(body, "shell") || len(body) < 6 || (body[5] != ' ' && body[5] != '\t') {
		return 0, false
	}
	if end > len(text) || end < i+3 || (text[end-1] != ')' && text[end-1] != '}') || i+2+len(body)+1 != end {
		return 0, false // unterminated
	}
	return i + 2 + 6, true
}

// addSpan queues text[start:end) (trimmed of blanks) as shell code if it
// lies on one stretch of the file; a span broken by a continuation line is
// left out rather than mapped approximately.
func (p *parser) addSpan(text string, offs []int, start, end int) {
	for start < end && (text[start] == ' ' || text[start] == '\t') {
		start++
	}
	for end > start && (text[end-1] == ' ' || text[end-1] == '\t') {
		end--
	}
	if start >= end || end > len(offs) || offs[end-1]-offs[start] != end-1-start {
		return
	}
	if p.spanWork += end - start; p.spanWork > maxSpanWork(len(p.src)) {
		return
	}
	p.recipes = append(p.recipes, recipe{{start: offs[start], end: offs[end-1] + 1}})
}

func binaries(cfg *shell.Config) map[string]bool {
	m := map[string]bool{"docker": true, "docker-compose": true, "podman": true, "nerdctl": true}
	if cfg != nil && len(cfg.Binaries) > 0 {
		m = map[string]bool{"docker-compose": true}
		for _, b := range cfg.Binaries {
			m[b] = true
		}
	}
	return m
}

// posixShell reports whether a SHELL value is a POSIX shell; recipes for
// anything else (python, pwsh) are not shell code.
func posixShell(v string) bool {
	f := strings.Fields(v)
	if len(f) == 0 || strings.HasPrefix(f[0], "$") {
		return true
	}
	switch strings.TrimSuffix(path.Base(f[0]), ".exe") {
	case "sh", "bash", "dash", "ash", "ksh", "mksh", "zsh", "busybox":
		return true
	}
	return false
}

// hasOneshell reports whether the special target .ONESHELL appears anywhere;
// GNU make applies it to the whole makefile.
func (p *parser) hasOneshell() bool {
	for _, l := range p.lines {
		t := bytes.TrimLeft(p.src[l.start:l.end], " ")
		if bytes.HasPrefix(t, []byte(".ONESHELL")) {
			rest := bytes.TrimLeft(t[len(".ONESHELL"):], " \t")
			if len(rest) > 0 && rest[0] == ':' && !bytes.HasPrefix(rest, []byte(":=")) {
				return true
			}
		}
	}
	return false
}

// parse reads the makefile line by line: it collects variables and recipes.
func (p *parser) parse() {
	inRule := false
	var cur recipe // the rule's recipe so far, under .ONESHELL
	var seq []int  // the rule's recipe lines so far, otherwise
	endRule := func() {
		if p.oneshell && len(cur) > 0 {
			p.recipes = append(p.recipes, cur)
		}
		if len(seq) > 1 {
			p.sequences = append(p.sequences, seq)
		}
		cur, seq = nil, nil
		inRule = false
	}
	addRecipe := func(r recipe) {
		if len(r) == 0 {
			return
		}
		if !p.oneshell {
			seq = append(seq, len(p.recipes))
			p.recipes = append(p.recipes, r)
			return
		}
		if len(cur) > 0 {
			prev := cur[len(cur)-1]
			cur = append(cur, piece{start: prev.end, end: prev.end, newline: true})
		}
		cur = append(cur, r...)
	}
	for i := 0; i < len(p.lines); {
		l := p.lines[i]
		if inRule && l.end > l.start && p.src[l.start] == p.prefix {
			r, next := p.recipeLine(i, l.start+1)
			addRecipe(r)
			i = next
			continue
		}
		text, offs, next := p.makeLine(i)
		i = next
		trimmed := strings.TrimLeft(text, " \t")
		if trimmed == "" || trimmed[0] == '#' {
			continue // blank lines and comments do not end a recipe
		}
		word := firstWord(trimmed)
		limit := len(stripComment(text))
		switch word {
		case "ifeq", "ifneq", "ifdef", "ifndef", "else", "endif":
			p.shellCalls(text[:limit], offs)
			continue // conditionals are read through, both branches
		case "define":
			endRule()
			i = p.define(strings.TrimSpace(trimmed[len(word):]), i)
			continue
		case "override", "export", "private", "unexport":
			rest := strings.TrimLeft(trimmed[len(word):], " \t")
			if firstWord(rest) == "define" {
				endRule()
				i = p.define(strings.TrimSpace(rest[len("define"):]), i)
				continue
			}
		case "undefine":
			endRule()
			delete(p.vars, strings.TrimSpace(trimmed[len(word):]))
			continue
		case "include", "-include", "sinclude", "vpath":
			endRule()
			continue
		}
		endRule()
		kind, at, opEnd := classify(text)
		switch kind {
		case lineAssign:
			p.assign(text[:at], text[at:opEnd], text[opEnd:])
			if text[at:opEnd] == "!=" {
				// VAR != command: the value is shell code run at read time.
				p.addSpan(text, offs, opEnd, limit)
			} else {
				p.shellCalls(text[:limit], offs)
			}
		case lineRule:
			semi, targetVar := ruleRest(text, opEnd)
			if semi >= 0 {
				limit = min(limit, semi)
			}
			p.shellCalls(text[:limit], offs)
			if targetVar {
				// target: VAR op value. The variable holds only in that
				// target's recipes; it is taken for the file when the file
				// does not set it otherwise, which is what those recipes see.
				rest := text[opEnd:]
				if k, at2, end2 := classify(rest); k == lineAssign {
					if name := p.expandName(strings.TrimSpace(rest[:at2])); p.vars[name] == nil {
						p.assign(rest[:at2], rest[at2:end2], rest[end2:])
					}
				}
				continue
			}
			inRule = true
			if semi >= 0 {
				// The inline recipe starts after ';' on its physical line.
				off := offs[semi] + 1
				li := lineOf(p.lines, off, i)
				r, _ := p.recipeLine(li, off)
				addRecipe(r)
			}
		}
	}
	endRule()
}

func firstWord(s string) string {
	if i := strings.IndexAny(s, " \t"); i >= 0 {
		return s[:i]
	}
	return s
}

// lineOf returns the index of the physical line holding off, searching
// backwards from before line index next.
func lineOf(ls []physLine, off, next int) int {
	for j := min(next, len(ls)) - 1; j >= 0; j-- {
		if ls[j].start <= off {
			return j
		}
	}
	return 0
}

// makeLine joins a logical (non-recipe) line starting at physical line i:
// each backslash-newline and the whitespace after it become one space. It
// returns the text, the file offset of each byte of it, and the next line.
func (p *parser) makeLine(i int) (string, []int, int) {
	var sb []byte
	var offs []int
	for {
		l := p.lines[i]
		content := p.src[l.start:l.end]
		cont := oddBackslashes(content) && i+1 < len(p.lines)
		n := len(content)
		if cont {
			n--
		}
		sb = append(sb, content[:n]...)
		for k := 0; k < n; k++ {
			offs = append(offs, l.start+k)
		}
		i++
		if !cont {
			return string(sb), offs, i
		}
		// Trailing whitespace before the backslash folds into the space too.
		for len(sb) > 0 && (sb[len(sb)-1] == ' ' || sb[len(sb)-1] == '\t') {
			sb, offs = sb[:len(sb)-1], offs[:len(offs)-1]
		}
		sb = append(sb, ' ')
		offs = append(offs, l.end-1)
		nl := p.lines[i]
		j := nl.start
		for j < nl.end && (p.src[j] == ' ' || p.src[j] == '\t') {
			j++
		}
		p.lines[i] = physLine{j, nl.end} // the join eats the indentation
	}
}

func oddBackslashes(b []byte) bool {
	n := 0
	for i := len(b) - 1; i >= 0 && b[i] == '\\'; i-- {
		n++
	}
	return n%2 == 1
}

// recipeLine collects the logical recipe line that starts at file offset off
// on physical line i: the @ - + prefixes are stripped, backslash-newlines are
// kept for the shell, and one recipe prefix is removed from each
// continuation line, as GNU make does. It returns the next line index.
func (p *parser) recipeLine(i, off int) (recipe, int) {
	var r recipe
	l := p.lines[i]
	for off < l.end && strings.IndexByte(" \t@-+", p.src[off]) >= 0 {
		off++
	}
	for {
		l = p.lines[i]
		off = min(max(off, l.start), l.end)
		r = append(r, piece{start: off, end: l.end})
		if !oddBackslashes(p.src[l.start:l.end]) || i+1 >= len(p.lines) {
			return r, i + 1
		}
		r = append(r, piece{start: l.end, end: l.end, newline: true})
		i++
		off = p.lines[i].start
		if off < p.lines[i].end && p.src[off] == p.prefix {
			off++
		}
	}
}

// define reads a define block whose header (after "define") is header and
// whose body starts at physical line i; it returns the line after endef.
func (p *parser) define(header string, i int) int {
	name, op := header, "="
	for _, o := range []string{":::=", "::=", ":=", "?=", "+=", "!=", "="} {
		if strings.HasSuffix(header, o) {
			name, op = strings.TrimSpace(strings.TrimSuffix(header, o)), o
			break
		}
	}
	depth := 0
	var body []string
	start, end := i, -1
	for ; i < len(p.lines); i++ {
		l := p.lines[i]
		t := string(p.src[l.start:l.end])
		w := firstWord(strings.TrimLeft(t, " \t"))
		if w == "define" {
			depth++
		}
		if w == "endef" {
			if depth == 0 {
				end = i
				i++
				break
			}
			depth--
		}
		body = append(body, t)
	}
	if end < 0 {
		end = i // no endef: the block runs to the end of the file
	}
	before := p.vars[p.expandName(name)]
	p.assign(name, op, strings.Join(body, "\n"))
	if v := p.vars[p.expandName(name)]; v != nil {
		v.define = true
		if v != before && (op == "=" || op == "?=") {
			v.body = p.lines[start:end]
		}
	}
	return i
}
