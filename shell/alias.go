package shell

import (
	"bytes"
	"strings"

	"github.com/dockguard/dockguard/rules"
	"mvdan.cc/sh/v3/syntax"
)

// Start-up files (.bashrc, .bash_aliases, .zshrc) keep most of their docker
// clean-up in aliases:
//
//	alias dclean='docker rm -f $(docker ps -aq)'
//
// The value of an alias is shell code that runs in the interactive shell
// each time the alias is used, with the words typed after it appended. So
// each NAME=VALUE argument of alias is checked as a string of code, like
// the code of sh -c or eval: a child unit whose bytes map back to the
// value in the file. `alias drm='docker rm -f'` is then judged as
// `docker rm -f` with targets not known yet, the same DG101 as
// `docker rm -f "$@"` in a function.
//
// A double-quoted value is expanded when the alias command runs:
// `alias x="docker rm -f $(docker ps -aq)"` lists the containers once, at
// definition, and the alias keeps that list. The substitution is walked as
// part of the alias command (it runs there, once); in the value it stands
// for its output, a container listing, so the removal the alias runs is
// still a mass removal, reported once.

// aliasCode checks the values of alias NAME=VALUE... as code. Options come
// first: zsh's -g (a global alias, which may stand anywhere in a command
// line and so need not be a command of its own), -s (a suffix alias, a
// command run with the file name appended), -r; bash's and zsh's -p and
// zsh's -L, which print the aliases and define any NAME=VALUE given all
// the same. With zsh's -m the arguments are patterns of aliases to print,
// and nothing is defined. An argument without = prints one alias.
func (c *checker) aliasCode(u *unit, args []*syntax.Word) {
	global, suffix := false, false
	i := 0
	for ; i < len(args); i++ {
		v, ok := c.literal(u, args[i])
		if !ok || len(v) < 2 || (v[0] != '-' && v[0] != '+') || strings.Contains(v, "=") {
			break
		}
		if v == "--" {
			i++
			break
		}
		if strings.Contains(v[1:], "m") {
			return
		}
		if v[0] == '-' && strings.Contains(v[1:], "g") {
			global = true
		}
		if v[0] == '-' && strings.Contains(v[1:], "s") {
			suffix = true
		}
	}
	for _, w := range args[i:] {
		name, v := c.aliasValue(u, w, global)
		if v == nil {
			if name != "" && !global && !suffix {
				// alias x='' : x now expands to nothing dockguard follows.
				delete(c.aliases, name)
			}
			continue
		}
		// The value's findings are gathered first: a use of the alias
		// does not repeat a rule reported here.
		var got []rules.Finding
		saved := c.collect
		c.collect = &got
		c.checkAlias(v, !global)
		c.collect = saved
		for _, f := range got {
			c.add(f)
		}
		if global || suffix {
			continue
		}
		c.defineAlias(u, name, v, got)
	}
}

// aliasValue returns the value of one NAME=VALUE argument as a unit of
// code, or nil when the argument defines nothing (alias NAME prints it) or
// the value is empty. The name ends at the first =, quoted or not, as in
// the shell: alias 'x=docker rm -f' defines x too. A global alias that
// starts with an operator (alias -g X='| xargs docker rm -f') continues
// the command line it stands in; a no-op command put before it lets it
// parse, and maps to the value's first byte.
func (c *checker) aliasValue(u *unit, w *syntax.Word, global bool) (string, *unit) {
	// The value's unquoted expansions ran when the alias was defined, in
	// this shell; it keeps their output, and sees the variables as they
	// are now when it runs. A copy, though: what the value assigns happens
	// when the alias is used, not here.
	cb := &codeBuilder{c: c, u: u, vars: u.vars.clone()}
	for _, p := range w.Parts {
		cb.part(p, modeBare)
	}
	// Its positional parameters are those of wherever it is used.
	bindPositional(cb.vars, nil)
	eq := bytes.IndexByte(cb.b, '=')
	if eq <= 0 {
		return "", nil
	}
	name := string(cb.b[:eq])
	if eq+1 >= len(cb.b) {
		return name, nil
	}
	src, offS, offE := cb.b[eq+1:], cb.offS[eq+1:], cb.offE[eq+1:]
	if global {
		if t := bytes.TrimLeft(src, " \t"); len(t) > 0 && strings.IndexByte("|&;", t[0]) >= 0 {
			pre := []byte(": ")
			src = append(pre, src...)
			offS = append([]int{offS[0], offS[0]}, offS...)
			offE = append([]int{offS[0], offS[0]}, offE...)
		}
	}
	return name, &unit{src: src, parent: u, offS: offS, offE: offE, vars: cb.vars, depth: u.depth + 1}
}

// checkAlias checks the value of an alias as code that runs later, when
// the alias is used: like a function body at its definition, the functions
// it defines do not exist yet, and no stop the file made before covers the
// containers it removes then.
func (c *checker) checkAlias(v *unit, report bool) {
	c.inBody++
	restore := c.freshHalted()
	defer func() {
		restore()
		c.inBody--
	}()
	c.checkCode(v, report)
}
