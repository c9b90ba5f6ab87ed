package shell

import (
	"slices"
	"strconv"
	"strings"

	"github.com/dockguard/dockguard/dockercli"
	"mvdan.cc/sh/v3/syntax"
)

// vars tracks what is known about shell variables, in source order.
type vars struct {
	// consts holds variables assigned a constant value.
	consts map[string]string
	// listing holds variables whose value comes from a container listing
	// (ids=$(docker ps -q), for c in $(docker ps -q), ... | while read c),
	// with the listing's source text.
	listing map[string]string
	// many holds the listing variables that hold the whole listing
	// (ids=$(docker ps -q)) rather than one item of it (a loop variable).
	many map[string]bool
	// funcs holds the shell functions defined so far, by name.
	funcs map[string]*funcDef
	// arrays holds indexed arrays whose elements are read
	// (DOCKER=(sudo docker), read -r -a DOCKER <<< "docker $OPTS"), for
	// "${DOCKER[@]}" as a command line; an element that is not a
	// constant is an unknown word.
	arrays map[string][]dockercli.Word
}

func newVars() *vars {
	return &vars{consts: map[string]string{}, listing: map[string]string{}, many: map[string]bool{}, funcs: map[string]*funcDef{}, arrays: map[string][]dockercli.Word{}}
}

// clone returns a copy that can change without changing v.
func (v *vars) clone() *vars {
	n := &vars{consts: make(map[string]string, len(v.consts)), listing: make(map[string]string, len(v.listing)), many: make(map[string]bool, len(v.many)), funcs: make(map[string]*funcDef, len(v.funcs)), arrays: make(map[string][]dockercli.Word, len(v.arrays))}
	for k, x := range v.arrays {
		n.arrays[k] = x
	}
	for k, x := range v.many {
		n.many[k] = x
	}
	for k, x := range v.consts {
		n.consts[k] = x
	}
	for k, x := range v.listing {
		n.listing[k] = x
	}
	for k, x := range v.funcs {
		n.funcs[k] = x
	}
	return n
}

func (v *vars) forget(name string) {
	delete(v.consts, name)
	delete(v.listing, name)
	delete(v.many, name)
	delete(v.arrays, name)
}

// off returns the offset of p in u.src, clamped.
func off(u *unit, p syntax.Pos) int {
	if !p.IsValid() {
		return 0
	}
	return min(int(p.Offset()), len(u.src))
}

func nodeText(u *unit, n syntax.Node) string {
	s, e := off(u, n.Pos()), off(u, n.End())
	if e < s {
		return ""
	}
	return string(u.src[s:e])
}

// resolve expands a syntax word into argv words. A lone unquoted expansion
// of a constant is split into fields as the shell would; anything that
// depends on an unknown value becomes one unknown word.
func (c *checker) resolve(u *unit, w *syntax.Word) []dockercli.Word {
	s, e := off(u, w.Pos()), off(u, w.End())
	text := ""
	if e >= s {
		text = c.display(string(u.src[s:e]))
	}
	if elems, ok := arrayElems(u, w); ok {
		out := make([]dockercli.Word, len(elems))
		for i, el := range elems {
			el.Start, el.End, el.Text = s, e, text
			out[i] = el
		}
		return out
	}
	if len(w.Parts) == 1 {
		if pe, ok := w.Parts[0].(*syntax.ParamExp); ok {
			if val, known := c.param(u, pe); known {
				var out []dockercli.Word
				for _, f := range strings.Fields(val) {
					out = append(out, dockercli.Word{Value: f, Known: true, Start: s, End: e, Text: text})
				}
				return out
			}
		}
	}
	var st wordState
	for _, p := range w.Parts {
		c.part(u, p, &st, false)
	}
	if !st.unknown {
		return []dockercli.Word{{Value: st.b.String(), Known: true, Start: s, End: e, Text: text}}
	}
	return []dockercli.Word{{Start: s, End: e, FromListing: st.listing, Many: st.many, Text: text, Source: st.source}}
}

// allIndex returns the array named by ${NAME[@]}, "${NAME[@]}" or
// ${NAME[*]}: the expansions that give every element as its own word
// ("${NAME[*]}" joins them into one and is not one of them).
func allIndex(w *syntax.Word) (*syntax.ParamExp, bool) {
	if len(w.Parts) != 1 {
		return nil, false
	}
	part, quoted := w.Parts[0], false
	if dq, ok := part.(*syntax.DblQuoted); ok && len(dq.Parts) == 1 {
		part, quoted = dq.Parts[0], true
	}
	pe, ok := part.(*syntax.ParamExp)
	if !ok || pe.Param == nil || pe.Index == nil || pe.Exp != nil || pe.Slice != nil || pe.Repl != nil ||
		pe.Length || pe.Excl || len(pe.Modifiers) > 0 || pe.Names != 0 || pe.Width || pe.IsSet {
		return nil, false
	}
	iw, ok := pe.Index.(*syntax.Word)
	if !ok || len(iw.Parts) != 1 {
		return nil, false
	}
	lit, ok := iw.Parts[0].(*syntax.Lit)
	if !ok || lit.Value != "@" && (lit.Value != "*" || quoted) {
		return nil, false
	}
	return pe, true
}

// arrayElems returns the elements of a known array that w expands to
// whole ("${DOCKER[@]}").
func arrayElems(u *unit, w *syntax.Word) ([]dockercli.Word, bool) {
	pe, ok := allIndex(w)
	if !ok {
		return nil, false
	}
	elems, ok := u.vars.arrays[pe.Param.Value]
	return elems, ok && len(elems) > 0
}

// arrayValue reads the elements of an array assignment (A=(sudo docker
// $OPTS)); ok is false when an element has its own index ([2]=x).
func (c *checker) arrayValue(u *unit, a *syntax.ArrayExpr) ([]dockercli.Word, bool) {
	var out []dockercli.Word
	for _, el := range a.Elems {
		if el.Index != nil || el.Value == nil {
			return nil, false
		}
		for _, w := range c.resolve(u, el.Value) {
			out = append(out, dockercli.Word{Value: w.Value, Known: w.Known})
		}
	}
	return out, true
}

// hereFields splits a here-string (read -a A <<< "docker $OPTS") into the
// fields read gives with the default IFS: the constant words before the
// first part that is not a constant, then one unknown word for the rest.
func (c *checker) hereFields(u *unit, w *syntax.Word) []dockercli.Word {
	parts := w.Parts
	if len(parts) == 1 {
		if dq, ok := parts[0].(*syntax.DblQuoted); ok {
			parts = dq.Parts
		}
	}
	var out []dockercli.Word
	for i, p := range parts {
		var st wordState
		c.part(u, p, &st, true)
		if st.unknown {
			return append(out, dockercli.Word{})
		}
		fs := strings.Fields(st.b.String())
		if len(fs) > 0 && i+1 < len(parts) && !strings.HasSuffix(st.b.String(), " ") {
			// "docker${X}": the last field runs into what follows.
			return append(append(out, wordsOf(fs[:len(fs)-1])...), dockercli.Word{})
		}
		out = append(out, wordsOf(fs)...)
	}
	return out
}

func wordsOf(fs []string) []dockercli.Word {
	out := make([]dockercli.Word, len(fs))
	for i, f := range fs {
		out[i] = dockercli.Word{Value: f, Known: true}
	}
	return out
}

// literal returns the value of w when it is fully known.
func (c *checker) literal(u *unit, w *syntax.Word) (string, bool) {
	var st wordState
	for _, p := range w.Parts {
		c.part(u, p, &st, false)
	}
	return st.b.String(), !st.unknown
}

type wordState struct {
	b       strings.Builder
	unknown bool
	listing bool
	many    bool // the whole listing at once (see dockercli.Word.Many)
	source  string
}

func (c *checker) part(u *unit, p syntax.WordPart, st *wordState, quoted bool) {
	switch p := p.(type) {
	case *syntax.Lit:
		raw := u.text(off(u, p.Pos()), max(off(u, p.End()), off(u, p.Pos())))
		if quoted {
			st.b.WriteString(unescapeDq(string(raw)))
		} else {
			st.b.WriteString(unescapeBare(string(raw)))
		}
	case *syntax.SglQuoted:
		switch s, e := off(u, p.Pos())+1, off(u, p.End())-1; {
		case p.Dollar:
			st.b.WriteString(ansiC(p.Value))
		case u.orig != nil && s <= e && len(p.Value) == e-s:
			st.b.Write(u.text(s, e))
		default:
			st.b.WriteString(p.Value)
		}
	case *syntax.DblQuoted:
		for _, q := range p.Parts {
			c.part(u, q, st, true)
		}
	case *syntax.ParamExp:
		if val, ok := c.param(u, p); ok {
			st.b.WriteString(val)
			return
		}
		st.unknown = true
		if p.Param != nil {
			if src, ok := u.vars.listing[p.Param.Value]; ok {
				st.listing, st.source = true, src
				st.many = st.many || u.vars.many[p.Param.Value]
			}
		}
	case *syntax.CmdSubst:
		st.unknown = true
		if ok, src := c.listingSubst(u, p); ok {
			st.listing, st.source, st.many = true, src, true
		}
	default:
		st.unknown = true
	}
}

// param resolves a parameter expansion to a constant when it can:
// $X and ${X} of a constant, and ${X:-default} / ${X-default} of an
// unknown X with a literal default (DOCKER=${DOCKER:-docker}).
func (c *checker) param(u *unit, p *syntax.ParamExp) (string, bool) {
	if p.Param == nil || p.Excl || p.Length || p.Width || p.IsSet || p.Index != nil ||
		p.Slice != nil || p.Repl != nil || p.Names != 0 || p.NestedParam != nil ||
		len(p.Modifiers) > 0 || p.Flags != nil {
		return "", false
	}
	name := p.Param.Value
	val, known := u.vars.consts[name]
	if p.Exp == nil {
		return val, known
	}
	switch p.Exp.Op {
	case syntax.DefaultUnset, syntax.DefaultUnsetOrNull, syntax.AssignUnset, syntax.AssignUnsetOrNull:
		if known && (val != "" || p.Exp.Op == syntax.DefaultUnset || p.Exp.Op == syntax.AssignUnset) {
			return val, true
		}
		if _, isListing := u.vars.listing[name]; isListing {
			return "", false
		}
		def, ok := "", true
		if p.Exp.Word != nil {
			def, ok = c.literal(u, p.Exp.Word)
		}
		if ok && (p.Exp.Op == syntax.AssignUnset || p.Exp.Op == syntax.AssignUnsetOrNull) {
			// : ${CONTAINER_CLI:=docker} sets the variable when it is unset.
			u.vars.consts[name] = def
		}
		return def, ok
	}
	return "", false
}

// namedCLIs are variable names that, by convention, hold a container CLI.
var namedCLIs = map[string]string{
	"DOCKER": "docker", "DOCKER_BIN": "docker", "DOCKER_CMD": "docker", "DOCKER_CLI": "docker",
	"DOCKER_BINARY": "docker", "DOCKER_EXE": "docker", "DOCKER_COMMAND": "docker",
	"PODMAN": "podman", "PODMAN_BIN": "podman", "PODMAN_CMD": "podman",
	"NERDCTL": "nerdctl", "NERDCTL_BIN": "nerdctl",
	"CONTAINER_RUNTIME": "docker", "CONTAINER_CLI": "docker", "CONTAINER_ENGINE": "docker",
	"CONTAINER_TOOL": "docker", "CONTAINER_CMD": "docker",
}

// NamedCLI returns the container CLI that a variable of this name holds by
// convention ($DOCKER, $CONTAINER_ENGINE, $PODMAN_BIN), or "" for any other
// name. Front ends that read a command word set outside the file (Make's
// included files, the environment) share this table.
func NamedCLI(name string) string { return namedCLIs[name] }

// namedCLI reads a command word that is a variable the file never sets
// ($DOCKER, ${CONTAINER_RUNTIME}) as the CLI its name says it holds.
func (c *checker) namedCLI(u *unit, w *syntax.Word) (name, bin string, ok bool) {
	if len(w.Parts) != 1 {
		return "", "", false
	}
	part := w.Parts[0]
	if dq, quoted := part.(*syntax.DblQuoted); quoted && len(dq.Parts) == 1 {
		part = dq.Parts[0] // "$DOCKER" and "${DOCKER_BIN}" are the same word
	}
	pe, isParam := part.(*syntax.ParamExp)
	if whole, ok := allIndex(w); ok {
		pe = whole // "${DOCKER[@]}" set in a sourced file
	} else if !isParam || pe.Param == nil || pe.Exp != nil || pe.Index != nil || pe.Slice != nil || pe.Repl != nil || pe.Length || pe.Excl {
		return "", "", false
	}
	name = pe.Param.Value
	bin, named := namedCLIs[name]
	if !named || !slices.Contains(c.bins, bin) {
		return "", "", false
	}
	if _, known := u.vars.consts[name]; known {
		return "", "", false
	}
	if _, array := u.vars.arrays[name]; array {
		return "", "", false
	}
	if _, listing := u.vars.listing[name]; listing || setsVar(c.topSrc, name) {
		return "", "", false
	}
	return name, bin, true
}

// setsVar reports whether code may set the variable name anywhere: an
// assignment (NAME=, NAME+=), a ${NAME:=...}, or a read or for loop naming
// it.
func setsVar(code []byte, name string) bool {
	s := string(code)
	for i := strings.Index(s, name); i >= 0; {
		before := byte(' ')
		if i > 0 {
			before = s[i-1]
		}
		rest := s[i+len(name):]
		if !isNameByte(before) && (strings.HasPrefix(rest, "=") || strings.HasPrefix(rest, "+=") ||
			strings.HasPrefix(rest, ":=") || before == '{' && strings.HasPrefix(rest, "=")) {
			return true
		}
		if !isNameByte(before) && (len(rest) == 0 || !isNameByte(rest[0])) {
			line := s[strings.LastIndexByte(s[:i], '\n')+1 : i]
			if strings.Contains(line, "read ") || strings.Contains(line, "for ") || strings.Contains(line, "export ") && strings.HasPrefix(rest, "=") {
				return true
			}
		}
		j := strings.Index(rest, name)
		if j < 0 {
			break
		}
		i += len(name) + j
	}
	return false
}

// unescapeBare removes backslash quoting from unquoted text.
func unescapeBare(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
			if s[i] == '\n' {
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// unescapeDq removes the backslashes that are special inside double quotes.
func unescapeDq(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) && strings.IndexByte("$`\"\\\n", s[i+1]) >= 0 {
			i++
			if s[i] == '\n' {
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// ansiC decodes the common escapes of a $'...' string.
func ansiC(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 >= len(s) {
			b.WriteByte(s[i])
			continue
		}
		i++
		switch s[i] {
		case 'n':
			b.WriteByte('\n')
		case 't':
			b.WriteByte('\t')
		case 'r':
			b.WriteByte('\r')
		case '\\', '\'', '"', '?':
			b.WriteByte(s[i])
		default:
			b.WriteByte('\\')
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

// codeBuilder rebuilds shell code from the parts of words, remembering for
// every output byte where it came from, so findings inside the rebuilt code
// map back to the file.
type codeBuilder struct {
	c          *checker
	u          *unit
	b          []byte
	offS, offE []int
	vars       *vars
}

func (cb *codeBuilder) add(s string, srcStart, srcEnd int) {
	for i := 0; i < len(s); i++ {
		cb.b = append(cb.b, s[i])
		cb.offS = append(cb.offS, srcStart)
		cb.offE = append(cb.offE, srcEnd)
	}
}

// addRaw appends raw source text starting at offset at, one byte per
// source byte.
func (cb *codeBuilder) addRaw(s string, at int) {
	for i := 0; i < len(s); i++ {
		cb.b = append(cb.b, s[i])
		cb.offS = append(cb.offS, at+i)
		cb.offE = append(cb.offE, at+i+1)
	}
}

// addUnescaped appends raw source text with backslash escapes removed.
// special lists the characters a backslash escapes (all when empty).
func (cb *codeBuilder) addUnescaped(raw string, at int, special string) {
	for i := 0; i < len(raw); i++ {
		if raw[i] == '\\' && i+1 < len(raw) && (special == "" || strings.IndexByte(special, raw[i+1]) >= 0) {
			if raw[i+1] == '\n' {
				i++
				continue
			}
			cb.b = append(cb.b, raw[i+1])
			cb.offS = append(cb.offS, at+i)
			cb.offE = append(cb.offE, at+i+2)
			i++
			continue
		}
		cb.b = append(cb.b, raw[i])
		cb.offS = append(cb.offS, at+i)
		cb.offE = append(cb.offE, at+i+1)
	}
}

// placeholder stands for an expansion whose value is unknown: the inner
// code sees an unknown variable, which remembers whether it is a listing.
func (cb *codeBuilder) placeholder(listing string, s, e int) {
	// Names are unique per check: eval and trap share the variables of
	// the enclosing code, so a reused name could inherit another's listing.
	cb.c.placeholders++
	name := "__dockguard_" + strconv.Itoa(cb.c.placeholders)
	cb.vars.forget(name)
	if listing != "" {
		cb.vars.listing[name] = listing
	}
	if cb.c.original == nil {
		cb.c.original = map[string]string{}
	}
	ph := "${" + name + "}"
	if e > s && e <= len(cb.u.src) {
		cb.c.original[ph] = cb.c.display(string(cb.u.src[s:e]))
	}
	cb.add(ph, s, e)
}

// mode says how backslashes in literal text are read.
type mode int

const (
	modeBare mode = iota // unquoted word
	modeDq               // inside double quotes
	modeHdoc             // unquoted here-document body
	modeRaw              // quoted here-document body: no expansions
)

func (cb *codeBuilder) part(p syntax.WordPart, m mode) {
	u := cb.u
	switch p := p.(type) {
	case *syntax.Lit:
		s, e := off(u, p.Pos()), off(u, p.End())
		if e < s {
			return
		}
		raw := string(u.src[s:e])
		switch m {
		case modeBare:
			cb.addUnescaped(raw, s, "")
		case modeDq:
			cb.addUnescaped(raw, s, "$`\"\\\n")
		case modeHdoc:
			cb.addUnescaped(raw, s, "$`\\\n")
		default:
			cb.addRaw(raw, s)
		}
	case *syntax.SglQuoted:
		s := off(u, p.Pos()) + 1
		if p.Dollar {
			cb.add(ansiC(p.Value), s, off(u, p.End()))
			return
		}
		cb.addRaw(p.Value, s)
	case *syntax.DblQuoted:
		for _, q := range p.Parts {
			cb.part(q, modeDq)
		}
	case *syntax.ParamExp:
		s, e := off(u, p.Pos()), off(u, p.End())
		if val, ok := cb.c.param(u, p); ok {
			cb.add(val, s, e)
			return
		}
		listing := ""
		if p.Param != nil {
			listing = u.vars.listing[p.Param.Value]
		}
		cb.placeholder(listing, s, e)
	case *syntax.CmdSubst:
		s, e := off(u, p.Pos()), off(u, p.End())
		listing := ""
		if ok, text := cb.c.listingSubst(u, p); ok {
			listing = text
		}
		cb.placeholder(listing, s, e)
	default:
		cb.placeholder("", off(u, p.Pos()), off(u, p.End()))
	}
}

// codeUnit builds a unit from words that are shell code (joined by spaces
// as eval does). shared says whether the code runs in the same shell (eval,
// trap) and so sees the same variables.
func (c *checker) codeUnit(u *unit, words []*syntax.Word, m mode, shared bool) *unit {
	cb := &codeBuilder{c: c, u: u, vars: newVars()}
	if shared {
		cb.vars = u.vars
	}
	for i, w := range words {
		if i > 0 {
			at := off(u, w.Pos())
			cb.add(" ", at, at)
		}
		for _, p := range w.Parts {
			cb.part(p, m)
		}
	}
	return cb.unit()
}

func (cb *codeBuilder) unit() *unit {
	return &unit{src: cb.b, parent: cb.u, offS: cb.offS, offE: cb.offE, vars: cb.vars, depth: cb.u.depth + 1}
}

// display restores, in source text shown to users, the expansions that
// rebuilt code replaced with placeholders.
func (c *checker) display(text string) string {
	const mark = "${__dockguard_"
	if c.original == nil || !strings.Contains(text, mark) {
		return text
	}
	var b strings.Builder
	for {
		i := strings.Index(text, mark)
		if i < 0 {
			break
		}
		j := strings.IndexByte(text[i:], '}')
		if j < 0 {
			break
		}
		ph := text[i : i+j+1]
		b.WriteString(text[:i])
		if orig, ok := c.original[ph]; ok {
			b.WriteString(orig)
		} else {
			b.WriteString(ph)
		}
		text = text[i+j+1:]
	}
	b.WriteString(text)
	return b.String()
}
