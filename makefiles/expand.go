package makefiles

import (
	"slices"
	"strings"

	"github.com/dockguard/dockguard/cishell/fragment"
	"github.com/dockguard/dockguard/dockercli"
	dgshell "github.com/dockguard/dockguard/shell"
	"mvdan.cc/sh/v3/shell"
)

type lineKind uint8

const (
	lineOther lineKind = iota
	lineAssign
	lineRule
)

// classify finds what a logical make line is: an assignment (at is where
// the operator starts, opEnd where it ends) or a rule (at is the colon,
// opEnd just past it, or past "::"). Text inside $(...) and ${...} and after
// a comment is ignored.
func classify(t string) (kind lineKind, at, opEnd int) {
	depth := 0
	for i := 0; i < len(t); i++ {
		c := t[i]
		if c == '$' && i+1 < len(t) {
			switch t[i+1] {
			case '(', '{':
				depth++
				i++
			default:
				i++ // $$ or $X
			}
			continue
		}
		if depth > 0 {
			switch c {
			case '(', '{':
				depth++
			case ')', '}':
				depth--
			}
			continue
		}
		switch c {
		case '#':
			if i > 0 && t[i-1] == '\\' {
				continue
			}
			return lineOther, 0, 0
		case '=':
			if i > 0 && strings.IndexByte("?+!", t[i-1]) >= 0 {
				return lineAssign, i - 1, i + 1
			}
			return lineAssign, i, i + 1
		case ':':
			for _, op := range []string{":::=", "::=", ":="} {
				if strings.HasPrefix(t[i:], op) {
					return lineAssign, i, i + len(op)
				}
			}
			if strings.HasPrefix(t[i:], "::") {
				return lineRule, i, i + 2
			}
			return lineRule, i, i + 1
		}
	}
	return lineOther, 0, 0
}

// ruleRest scans a rule line after its colon: semi is the offset of the ';'
// that starts an inline recipe (or -1), and targetVar reports a
// target-specific variable assignment ("target: VAR = value"), which has
// no recipe.
func ruleRest(t string, from int) (semi int, targetVar bool) {
	depth := 0
	for i := from; i < len(t); i++ {
		c := t[i]
		if c == '$' && i+1 < len(t) {
			if t[i+1] == '(' || t[i+1] == '{' {
				depth++
			}
			i++
			continue
		}
		if depth > 0 {
			switch c {
			case '(', '{':
				depth++
			case ')', '}':
				depth--
			}
			continue
		}
		switch c {
		case ';':
			return i, false
		case '#':
			if i == 0 || t[i-1] != '\\' {
				return -1, false
			}
		case '=':
			return -1, true
		}
	}
	return -1, false
}

// stripComment removes a make comment (an unescaped #) from a value.
func stripComment(v string) string {
	for i := 0; i < len(v); i++ {
		if v[i] == '#' && (i == 0 || v[i-1] != '\\') {
			return v[:i]
		}
	}
	return v
}

// assign applies "name op value" to the variable table, with the flavour
// rules of GNU make.
func (p *parser) assign(name, op, value string) {
	name = strings.TrimSpace(name)
	for _, mod := range []string{"override ", "export ", "private "} {
		for strings.HasPrefix(name, mod) {
			name = strings.TrimSpace(name[len(mod):])
		}
	}
	name = p.expandName(name)
	if name == "" || strings.ContainsAny(name, " \t") {
		return
	}
	value = strings.Trim(stripComment(value), " \t")
	if name == ".RECIPEPREFIX" {
		v := p.expandString(value, nil, nil)
		p.prefix = '\t'
		if v != "" {
			p.prefix = v[0]
		}
	}
	old := p.vars[name]
	p.memo = nil
	switch op {
	case "=":
		p.vars[name] = &variable{value: value}
	case ":=", "::=":
		p.vars[name] = &variable{value: p.expandString(value, nil, nil), simple: true}
	case ":::=":
		v := p.expandString(value, nil, nil)
		p.vars[name] = &variable{value: strings.ReplaceAll(v, "$", "$$")}
	case "?=":
		if old == nil {
			p.vars[name] = &variable{value: value}
		}
	case "+=":
		switch {
		case old == nil:
			p.vars[name] = &variable{value: value}
		case old.unknown:
		case old.simple:
			old.body = nil
			old.value = joinSpace(old.value, p.expandString(value, nil, nil))
		default:
			old.value, old.body = joinSpace(old.value, value), nil
		}
	case "!=":
		if bin, found := p.located(value); found {
			p.vars[name] = &variable{value: bin, simple: true} // DOCKER != which docker
			break
		}
		if l, found := p.listing(value); found && strings.IndexByte(value, '$') < 0 {
			p.vars[name] = &variable{value: l, simple: true} // IDS != docker ps -aq
			break
		}
		p.vars[name] = &variable{unknown: true}
	}
}

func joinSpace(a, b string) string {
	if a == "" {
		return b
	}
	if b == "" {
		return a
	}
	return a + " " + b
}

// expandName expands references in a computed variable name.
func (p *parser) expandName(name string) string {
	if strings.IndexByte(name, '$') < 0 {
		return name
	}
	return strings.TrimSpace(p.expandString(name, nil, nil))
}

// Limits that keep expansion linear in the input: a chain deeper than
// maxDepth or a value longer than maxExpansion is unknown.
const (
	maxDepth     = 32
	maxExpansion = 1 << 16
	maxWork      = 16 << 20
)

// refAt scans the reference starting with the '$' at s[i]. It returns the
// end of the reference, its body (the name or function call) and whether
// it is the $$ escape. An unterminated $( runs to the end of s.
func refAt(s string, i int) (end int, body string, dollar bool) {
	if i+1 >= len(s) {
		return i + 1, "", false
	}
	switch open := s[i+1]; open {
	case '$':
		return i + 2, "", true
	case '(', '{':
		closeC := byte(')')
		if open == '{' {
			closeC = '}'
		}
		depth := 1
		for j := i + 2; j < len(s); j++ {
			switch s[j] {
			case open:
				depth++
			case closeC:
				depth--
				if depth == 0 {
					return j + 1, s[i+2 : j], false
				}
			}
		}
		return len(s), s[i+2:], false
	default:
		return i + 2, s[i+1 : i+2], false
	}
}

// lookup expands the reference body: ok is false when its value cannot be
// known (undefined, a function call, an automatic variable, a cycle).
// undefined reports a plain name the file never defines.
func (p *parser) lookup(body string, visiting []*variable) (text string, v *variable, ok, undefined bool) {
	if len(visiting) > maxDepth {
		return "", nil, false, false
	}
	if strings.ContainsAny(body, " \t,:=") {
		if bin, found := p.binaryCall(body, visiting); found {
			return bin, nil, true, false
		}
		return "", nil, false, false // function call or substitution reference
	}
	name := body
	if strings.IndexByte(name, '$') >= 0 {
		name = strings.TrimSpace(p.expandString(name, nil, visiting))
	}
	v = p.vars[name]
	if v == nil {
		if bin := conventional(name); bin != "" && p.bins[bin] {
			// DOCKER, PODMAN, DOCKER_COMPOSE...: set by an included file or
			// the environment, and by convention the CLI they are named after.
			return bin, nil, true, false
		}
		auto := len(name) <= 2 && strings.ContainsAny(name[:min(1, len(name))], "@<^?*%+|")
		return "", nil, false, !auto && name != "MAKE"
	}
	if v.unknown {
		return "", v, false, false
	}
	for _, w := range visiting {
		if w == v {
			return "", v, false, false // a recursive variable that references itself
		}
	}
	if v.simple {
		return v.value, v, true, false
	}
	if e, hit := p.memo[v]; hit {
		return e.text, v, e.ok, false
	}
	if p.work > maxWork {
		return "", v, false, false
	}
	t := p.expandString(v.value, v, visiting)
	p.work += len(t)
	if p.memo == nil {
		p.memo = map[*variable]memoEntry{}
	}
	if len(t) > maxExpansion {
		p.memo[v] = memoEntry{}
		return "", v, false, false
	}
	p.memo[v] = memoEntry{t, true}
	return t, v, true, false
}

// expandString expands every reference in s. Unknown references become
// placeholder words; an undefined variable right before a container CLI
// ("$(SUDO) docker ...") is read as an empty command prefix.
func (p *parser) expandString(s string, self *variable, visiting []*variable) string {
	if strings.IndexByte(s, '$') < 0 {
		return s
	}
	// A reference inside a reference ($($(X)), $(shell $(shell …))) is
	// expanded from within this one, each level rescanning the rest of
	// the text: bound the nesting, so that the work stays linear.
	if p.nesting >= maxDepth {
		return string(fragment.Placeholder(len(s)))
	}
	p.nesting++
	defer func() { p.nesting-- }()
	if self != nil {
		visiting = append(visiting, self)
	}
	var sb strings.Builder
	for i := 0; i < len(s); {
		if s[i] != '$' {
			sb.WriteByte(s[i])
			i++
			continue
		}
		end, body, dollar := refAt(s, i)
		switch t, _, ok, undef := p.lookup(body, visiting); {
		case dollar:
			sb.WriteByte('$')
		case end == i+1:
			sb.WriteByte('$')
		case ok:
			sb.WriteString(t)
		case undef && p.beforeBinary(s, end):
		default:
			sb.Write(fragment.Placeholder(end - i))
		}
		if sb.Len() > maxExpansion {
			return string(fragment.Placeholder(len(s)))
		}
		i = end
	}
	return sb.String()
}

// beforeBinary reports whether s continues at i with a container CLI as a
// whole word, after blanks or none ("$(SUDO) docker", "$(Q)docker"), or
// with a reference that names one ("$(QUIET)$(CONTAINER_ENGINE)"): an
// undefined variable there is a command prefix (sudo, an @ that silences
// the line, a folder), and the command is still the CLI.
func (p *parser) beforeBinary(s string, i int) bool {
	j := i
	for j < len(s) && (s[j] == ' ' || s[j] == '\t') {
		j++
	}
	if j < len(s) && s[j] == '$' {
		end, body, dollar := refAt(s, j)
		if dollar || end == j+1 {
			return false
		}
		t, _, ok, _ := p.lookup(body, nil)
		return ok && p.bins[strings.TrimSpace(t)]
	}
	k := j
	for k < len(s) && strings.IndexByte(" \t;|&)\n", s[k]) < 0 {
		k++
	}
	return p.bins[s[j:k]]
}

// shellKeywords are the reserved words and grouping tokens that open a
// compound command.
var shellKeywords = map[string]bool{"for": true, "if": true, "while": true, "until": true, "case": true, "select": true, "{": true, "[[": true, "!": true}

// commandStart reports whether line[i] begins a command: only the recipe
// prefixes (@, -, +) and blanks, or a command separator, come before it.
func commandStart(line string, i int) bool {
	before := strings.TrimRight(line[:i], " \t")
	if strings.Trim(before, "@-+ \t") == "" {
		return true
	}
	return strings.ContainsAny(before[len(before)-1:], ";&|(")
}

// beforeKeyword reports whether line continues at i, after blanks or none,
// with a shell reserved word ("$(QUIET)for i in ...; do ... done"): an
// undefined variable there is a prefix set elsewhere (an @ that silences
// the line), not a command that takes "for" as an argument.
func beforeKeyword(line string, i int) bool {
	rest := strings.TrimLeft(line[i:], " \t")
	k := strings.IndexAny(rest, " \t;")
	if k < 0 {
		k = len(rest)
	}
	return shellKeywords[rest[:k]]
}

// build expands a recipe into a fragment: verbatim text maps exactly, $$
// maps to its two bytes, and each expanded reference maps to its span.
func (p *parser) build(r recipe) *fragment.Fragment {
	var b fragment.Builder
	p.emit(&b, r, nil)
	b.FixText(func(t string) (string, bool) {
		if strings.ContainsAny(t, "\n\r") {
			return "", false
		}
		return strings.ReplaceAll(t, "$", "$$"), true
	})
	return b.Fragment()
}

// emit appends recipe r to b. A canned recipe (a define block) referenced
// in it is emitted from the block's own lines, so that its commands map
// to where they are written; canned lists the blocks being emitted, which
// stops a block that references itself.
func (p *parser) emit(b *fragment.Builder, r recipe, canned []*variable) {
	for _, pc := range r {
		if pc.newline {
			b.Copy([]byte("\n"), pc.start)
			continue
		}
		line := string(p.src[pc.start:pc.end])
		run := 0
		for i := 0; i < len(line); {
			if line[i] != '$' {
				i++
				continue
			}
			if i > run {
				b.Copy([]byte(line[run:i]), pc.start+run)
			}
			end, body, dollar := refAt(line, i)
			fs, fe := pc.start+i, pc.start+end
			if bs, ok := shellBody(line, i, end, body); ok && p.spanWork <= maxSpanWork(len(p.src)) {
				p.addSpan(line, identity(pc.start, len(line)), bs, end-1)
			}
			t, v, ok, undef := p.lookup(body, canned)
			switch {
			case dollar:
				b.Replace([]byte("$"), fs, fe)
			case end == i+1:
				b.Copy([]byte("$"), fs)
			case ok && isPlaceholder(t):
				b.Unknown(fs, fe) // NAME = $(APP_NAME): as unknown as $(APP_NAME)
			case ok && v != nil && v.body != nil && len(canned) < maxDepth && !slices.Contains(canned, v):
				p.emit(b, p.cannedRecipe(v), append(canned, v))
			case ok:
				if v != nil && v.define {
					t = stripPrefixes(t)
				}
				if hasPlaceholder(t) {
					// A = $(A)x expands to "$___x": the message shows $(A).
					b.Partial([]byte(t), fs, fe)
				} else {
					b.Replace([]byte(t), fs, fe)
				}
			case undef && (p.beforeBinary(line, end) || commandStart(line, i) && beforeKeyword(line, end)):
				b.Replace(nil, fs, fe)
			default:
				b.Unknown(fs, fe)
			}
			i, run = end, end
		}
		if run < len(line) {
			b.Copy([]byte(line[run:]), pc.start+run)
		}
	}
}

// cannedRecipe is the body of define block v as recipe pieces, one per
// line, without the recipe prefixes (@ - + and blanks) make strips from
// each line of a canned recipe when it runs it.
func (p *parser) cannedRecipe(v *variable) recipe {
	var r recipe
	for i, l := range v.body {
		if i > 0 {
			prev := v.body[i-1]
			r = append(r, piece{start: prev.end, end: prev.end, newline: true})
		}
		off := l.start
		for off < l.end && strings.IndexByte(" \t@-+", p.src[off]) >= 0 {
			off++
		}
		r = append(r, piece{start: off, end: l.end})
	}
	return r
}

// stripPrefixes removes the recipe prefixes (@ - + and blanks) from each
// line of a canned recipe, as make does when it runs one.
func stripPrefixes(t string) string {
	lines := strings.Split(t, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimLeft(l, " \t@-+")
	}
	return strings.Join(lines, "\n")
}

// isPlaceholder reports whether t is a single placeholder word.
func isPlaceholder(t string) bool {
	if len(t) < 2 || t[0] != '$' {
		return false
	}
	return strings.Trim(t[1:], "_") == ""
}

// hasPlaceholder reports whether t holds a placeholder word ("$__"),
// standing for a reference whose value cannot be known.
func hasPlaceholder(t string) bool { return strings.Contains(t, "$_") }

// identity returns the offsets base, base+1, ... for n bytes of a line
// copied verbatim from the file.
func identity(base, n int) []int {
	offs := make([]int, n)
	for i := range offs {
		offs[i] = base + i
	}
	return offs
}

// conventional returns the container CLI an undefined variable is named
// after by near-universal convention (DOCKER for docker, CONTAINER_ENGINE
// and the other names of the shell package's NamedCLI, DOCKER_COMPOSE for docker-compose),
// or "".
func conventional(name string) string {
	if name == "DOCKER_COMPOSE" {
		return "docker-compose"
	}
	return dgshell.NamedCLI(name) // DOCKER, PODMAN, CONTAINER_ENGINE, CONTAINER_TOOL...
}

// binaryCall resolves the make functions that name a container CLI:
// $(shell which docker), $(shell command -v podman), $(shell type -p
// docker), and $(or A,B) / $(strip A) / $(firstword A) over them. Where the
// CLI is installed, which prints its path, and the path runs the CLI; where
// it is not, the recipe fails before it removes anything.
func (p *parser) binaryCall(body string, visiting []*variable) (string, bool) {
	fn, args, _ := strings.Cut(strings.TrimLeft(body, " \t"), " ")
	if len(visiting) > maxDepth {
		return "", false
	}
	// Each nested call counts as a level of expansion, so nesting is
	// bounded like a chain of variables.
	visiting = append(visiting, &variable{})
	switch fn {
	case "shell":
		if strings.IndexByte(args, '$') >= 0 {
			return "", false // which $(X): not a fixed program
		}
		if l, ok := p.listing(args); ok {
			return l, true
		}
		return p.located(args)
	case "or":
		for _, a := range splitArgs(args) {
			v := strings.TrimSpace(p.expandString(a, nil, visiting))
			if v == "" {
				continue
			}
			if p.bins[v] || v == "docker-compose" {
				return v, true
			}
			return "", false
		}
	case "strip", "firstword":
		v := strings.TrimSpace(p.expandString(args, nil, visiting))
		if p.bins[v] || v == "docker-compose" {
			return v, true
		}
	}
	return "", false
}

// listing returns, for a shell command that is a container listing
// (docker ps -aq, docker container ls -q --filter …), the command
// substitution that stands for its output in a recipe: $(IDS) of
// IDS = $(shell docker ps -aq) then reaches the shell front end as
// $(docker ps -aq), a listing, so a removal of it is a mass removal
// (DG105) whatever the depth of expansion. Only a single simple command
// qualifies; the body itself is checked where it is written.
func (p *parser) listing(cmd string) (string, bool) {
	cmd = strings.TrimSpace(cmd)
	if cmd == "" || strings.ContainsAny(cmd, "|;&<>`\\\n#()$") {
		return "", false
	}
	fields, err := shell.Fields(cmd, func(string) string { return "" })
	if err != nil {
		return "", false
	}
	bins := make([]string, 0, len(p.bins))
	for b := range p.bins {
		bins = append(bins, b)
	}
	inv, ok := dockercli.Parse(dockercli.Lits(fields...), bins)
	if !ok || !inv.IsContainerListing() {
		return "", false
	}
	return "$(" + cmd + ")", true
}

// located reports a shell command that prints where a container CLI is:
// which X, command -v X, type -p X (stderr redirections and a trailing
// "|| true" allowed).
func (p *parser) located(cmd string) (string, bool) {
	cmd, _, _ = strings.Cut(cmd, "||")
	var words []string
	for _, w := range strings.Fields(cmd) {
		if strings.HasPrefix(w, "2>") || w == "/dev/null" {
			continue
		}
		words = append(words, w)
	}
	var bin string
	switch {
	case len(words) == 2 && words[0] == "which":
		bin = words[1]
	case len(words) == 3 && words[0] == "command" && words[1] == "-v":
		bin = words[2]
	case len(words) == 3 && words[0] == "type" && (words[1] == "-p" || words[1] == "-P"):
		bin = words[2]
	default:
		return "", false
	}
	if p.bins[bin] || bin == "docker-compose" {
		return bin, true
	}
	return "", false
}

// splitArgs splits make function arguments at the commas outside nested
// references.
func splitArgs(s string) []string {
	var out []string
	depth, start := 0, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '(', '{':
			depth++
		case ')', '}':
			depth--
		case ',':
			if depth == 0 {
				out = append(out, s[start:i])
				start = i + 1
			}
		}
	}
	return append(out, s[start:])
}
