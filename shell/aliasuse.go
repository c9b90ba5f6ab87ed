package shell

import (
	"bytes"
	"path/filepath"
	"strings"

	"github.com/dockguard/dockguard/dockercli"
	"github.com/dockguard/dockguard/rules"
	"mvdan.cc/sh/v3/syntax"
)

// Where an alias is used, the shell replaces the word with the alias value
// as it reads the line, and the words typed after it follow the value:
//
//	alias drm='docker rm -f'
//	drm $(docker ps -aq)         # runs docker rm -f $(docker ps -aq)
//
// That happens only where the shell expands aliases: always in zsh, mksh
// and POSIX sh (and bash run as sh, in POSIX mode); in bash only in
// interactive shells, so in its start-up files (.bashrc, .bash_profile,
// .bash_login, .bash_aliases, .profile), and in a script once
// `shopt -s expand_aliases` has run. A bash script without it runs a
// command named drm, which dockguard knows nothing about.
//
// The shell reads a whole top-level command (and the rest of its line)
// before it runs any of it, so an alias is only used from the line after
// the one where the command that defined it ends: not later on the same
// line, not in the rest of an if or a loop that defines it, and not in a
// function body read before it. Only aliases defined by top-level code
// of the file (not in a function body, a subshell or sh -c) are
// followed; unalias, anywhere, forgets one.
//
// Only an unquoted plain word in command position is replaced: 'drm',
// "drm" and \drm run the command of that name. The value's own first word
// is replaced again when it names another alias, never the alias being
// replaced (alias docker='docker --context x' ends there). A value that
// ends in a blank also has the word after it replaced, as in bash and zsh
// (alias sudo='sudo ', then sudo drm ...). zsh global (-g) and suffix (-s)
// aliases are not followed.
//
// The findings of the expanded command are reported at the use, spanning
// the alias word to the end of the command. The value was already judged
// where it was defined, for every use, so a finding of a rule the
// definition already reported is not repeated at the use: `drm web` adds
// nothing to the DG101 of `alias drm='docker rm -f'`, while
// `drm $(docker ps -aq)` is a DG105 of its own.

// aliasDef is an alias as defined so far in the file.
type aliasDef struct {
	name  string
	value *unit
	// from is the file offset from which uses are replaced: the start of
	// the line after the top-level command that defined it.
	from int
	// rules are the rules reported for the value at its definition.
	rules map[string]bool
}

// aliasUse is what an expanded unit remembers of the alias it came from.
type aliasUse struct {
	def *aliasDef
	// restAt is the offset in the expanded code where the text after the
	// value starts; next says whether the value ends in a blank, so the
	// word there is replaced too when it names an alias.
	restAt int
	next   bool
}

// bashStartup lists the bash (and sh) start-up files, which interactive
// shells read with aliases expanded.
var bashStartup = map[string]bool{
	".bashrc": true, ".bash_profile": true, ".bash_login": true, ".bash_aliases": true,
	".profile": true, "bash.bashrc": true,
}

// aliasesFromStart reports whether the shell that runs file expands
// aliases from its first line: zsh and mksh, bash start-up files, and
// scripts for sh, dash, ash or ksh (POSIX shells expand aliases in
// scripts too; bash run as sh does as well).
func aliasesFromStart(file string, code []byte, lang langVariant) bool {
	switch lang {
	case langZsh, langMksh:
		return true
	case langBats:
		return false
	}
	if bashStartup[filepath.Base(file)] {
		return true
	}
	interp := Interpreter(code)
	switch interp {
	case "sh", "dash", "ash", "ksh", "ksh93", "posh":
		return true
	}
	return false
}

// topLevel reports whether the code being walked runs in the file's own
// shell, read by it in source order: not in a function body, a subshell,
// a walk for a call, or a string run by another shell.
func (c *checker) topLevel(u *unit) bool {
	return u.depth == 0 && c.inBody == 0 && c.sub == 0 && c.probe == nil && c.running == 0
}

// nextLine returns the file offset of the start of the line after the one
// holding file offset at.
func (c *checker) nextLine(at int) int {
	if at < 0 || at > len(c.fileSrc) {
		return len(c.fileSrc)
	}
	if i := bytes.IndexByte(c.fileSrc[at:], '\n'); i >= 0 {
		return at + i + 1
	}
	return len(c.fileSrc)
}

// defineAlias records an alias defined by top-level code, with the rules
// its value was reported for.
func (c *checker) defineAlias(u *unit, name string, v *unit, found []rules.Finding) {
	if !c.topLevel(u) || name == "" {
		return
	}
	d := &aliasDef{name: name, value: v, from: c.lineAfter, rules: map[string]bool{}}
	for _, f := range found {
		d.rules[f.Rule] = true
	}
	if c.aliases == nil {
		c.aliases = map[string]*aliasDef{}
	}
	c.aliases[name] = d
}

// unalias forgets aliases: unalias NAME..., unalias -a.
func (c *checker) unalias(argv []dockercli.Word) {
	for _, w := range argv {
		switch {
		case !w.Known:
		case w.Value == "-a":
			c.aliases = nil
		default:
			delete(c.aliases, w.Value)
		}
	}
}

// shopt follows shopt -s/-u expand_aliases.
func (c *checker) shopt(u *unit, argv []dockercli.Word) {
	set, unset, named := false, false, false
	for _, w := range argv {
		switch {
		case !w.Known:
		case strings.HasPrefix(w.Value, "-"):
			set = set || strings.Contains(w.Value, "s")
			unset = unset || strings.Contains(w.Value, "u")
		case w.Value == "expand_aliases":
			named = true
		}
	}
	switch {
	case !named:
	case unset:
		c.expandFrom = -1
	case set && c.expandFrom < 0 && c.topLevel(u):
		c.expandFrom = c.lineAfter
	}
}

// aliasWord returns the alias that word i of ce is replaced with, when
// the shell replaces it there.
func (c *checker) aliasWord(u *unit, ce *syntax.CallExpr, i int) (*aliasDef, bool) {
	if len(c.aliases) == 0 || c.expandFrom < 0 || c.probe != nil || c.running > 0 || i >= len(ce.Args) {
		return nil, false
	}
	if u.depth != 0 && u.alias == nil {
		return nil, false
	}
	w := ce.Args[i]
	if len(w.Parts) != 1 {
		return nil, false
	}
	lit, ok := w.Parts[0].(*syntax.Lit)
	if !ok || strings.ContainsAny(lit.Value, "\\$`'\"") {
		return nil, false
	}
	d, ok := c.aliases[lit.Value]
	if !ok {
		return nil, false
	}
	for p := u; p != nil && p.alias != nil; p = p.parent {
		if p.alias.def.name == d.name {
			return nil, false // an alias is not replaced inside its own value
		}
	}
	fs, _ := c.fileRange(u, off(u, w.Pos()), off(u, w.End()))
	if fs < c.expandFrom || fs < d.from {
		return nil, false
	}
	return d, true
}

// aliasIndex returns which word of ce, if any, names an alias the shell
// replaces: the first, or the one after a value that ends in a blank.
func (c *checker) aliasIndex(u *unit, ce *syntax.CallExpr) (int, *aliasDef) {
	if d, ok := c.aliasWord(u, ce, 0); ok {
		return 0, d
	}
	if u.alias == nil || !u.alias.next {
		return -1, nil
	}
	for i, w := range ce.Args {
		if off(u, w.Pos()) >= u.alias.restAt {
			if i > 0 && off(u, ce.Args[i-1].Pos()) < u.alias.restAt {
				if d, ok := c.aliasWord(u, ce, i); ok {
					return i, d
				}
			}
			break
		}
	}
	return -1, nil
}

// expandAlias returns the code of ce with its alias word replaced by the
// value, parsed, and the alias; nil when no word is replaced or the
// result does not parse (then ce is read as written).
func (c *checker) expandAlias(u *unit, ce *syntax.CallExpr) (*unit, *syntax.File, *aliasDef, int) {
	i, d := c.aliasIndex(u, ce)
	if d == nil || u.depth >= maxDepth {
		return nil, nil, nil, 0
	}
	w := ce.Args[i]
	cs, ws, we, ceEnd := off(u, ce.Pos()), off(u, w.Pos()), off(u, w.End()), endOf(u, ce)
	if cs > ws || we > ceEnd {
		return nil, nil, nil, 0
	}
	cb := &codeBuilder{c: c, u: u}
	cb.addRaw(string(u.src[cs:ws]), cs)
	val := d.value.src
	cb.add(string(val), ws, we)
	restAt := len(cb.b)
	cb.addRaw(string(u.src[we:ceEnd]), we)
	// Placeholders in the value stand for expansions made when the alias
	// was defined; their names are unique, so the code around may know
	// them too.
	for k, l := range d.value.vars.listing {
		if strings.HasPrefix(k, "__dockguard_") {
			u.vars.listing[k] = l
		}
	}
	// Values may use other aliases in command substitutions, each
	// replaced again: bound the code built so, like the re-parsing of
	// broken files.
	c.aliasBudget -= len(cb.b)
	if c.aliasBudget < 0 {
		return nil, nil, nil, 0
	}
	eu := &unit{src: cb.b, parent: u, offS: cb.offS, offE: cb.offE, vars: u.vars, depth: u.depth + 1,
		alias: &aliasUse{def: d, restAt: restAt, next: len(val) > 0 && (val[len(val)-1] == ' ' || val[len(val)-1] == '\t')}}
	f, err := c.parse(eu.src)
	if err != nil {
		return nil, nil, nil, 0
	}
	fs, _ := c.fileRange(u, ws, we)
	return eu, f, d, fs
}

// aliasCall walks a call whose command word is an alias as the command
// the shell runs instead, and reports what the use adds to the value's
// own findings. It reports whether it did.
func (c *checker) aliasCall(u *unit, ce *syntax.CallExpr, x ctx) bool {
	eu, f, d, at := c.expandAlias(u, ce)
	if eu == nil {
		return false
	}
	var got []rules.Finding
	saved := c.collect
	c.collect = &got
	// Not stmts: a stop the alias runs still holds after it.
	for _, s := range f.Stmts {
		c.stmt(eu, s, x)
	}
	c.collect = saved
	for _, g := range got {
		if g.Start == at {
			if d.rules[g.Rule] {
				continue // reported where the alias is defined
			}
			if !strings.HasPrefix(g.Message, "alias `") {
				g.Message = "alias `" + d.name + "`: " + g.Message
			}
		}
		c.add(g)
	}
	return true
}
