package shell

import (
	"bytes"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/dockguard/dockguard/dockercli"
	"github.com/dockguard/dockguard/rules"
	"mvdan.cc/sh/v3/syntax"
)

// A shell function that force-removes "$@" is harmless with one name and a
// removal storm with a whole listing, and only the call says which. So a
// call whose arguments (or standard input) are a container listing walks
// the function's body again, twice: once with the positional parameters
// unknown and once with them bound to the listing. A DG105 that appears
// only in the second walk is caused by the arguments and is reported at the
// call, which is where the storm starts. The body's own findings (DG101 for
// `docker rm -f "$@"`) stay where they are: they hold for every caller.

// funcDef is a shell function as last defined before the point the walk
// has reached.
type funcDef struct {
	decl *syntax.FuncDecl
	unit *unit // the code the declaration stands in
	// text is the body's source, to tell cheaply whether it may start a
	// container command at all.
	text []byte
}

// massHit is a DG105 seen while walking a function body for a call.
type massHit struct {
	start, end int // in the file
	line       int
	cmd        string // the container command, normalised
	base       string // the rule DG105 replaced (DG101, DG104)
	binary     string
	volumes    bool     // the removal had -v
	via        []string // the functions in between, outermost first
}

// probe collects, instead of reporting, the DG105s found while a function
// body is walked for a call.
type probe struct {
	hits []massHit
}

// maxFuncDepth bounds how many function calls deep the walk follows a
// listing (f calls g calls h...); recursion stops at the first repeat.
const maxFuncDepth = 8

// positional lists the parameters a call binds.
var positional = []string{"@", "*", "1", "2", "3", "4", "5", "6", "7", "8", "9"}

// defineFunc records a function declaration; a later one of the same name
// replaces it, as in the shell. A declaration outside every function body
// is also kept in topDefs, for runUncalled.
func (c *checker) defineFunc(u *unit, fd *syntax.FuncDecl) {
	if fd.Body == nil {
		return
	}
	def := &funcDef{decl: fd, unit: u, text: []byte(nodeText(u, fd.Body))}
	set := func(name string) {
		if old, ok := u.vars.funcs[name]; !ok || old.decl != fd {
			c.funcGen++
		}
		u.vars.funcs[name] = def
	}
	if fd.Name != nil {
		set(fd.Name.Value)
	}
	for _, n := range fd.Names {
		set(n.Value)
	}
	if c.probe == nil && c.inBody == 0 {
		c.topDefs = append(c.topDefs, def)
	}
}

// defBody walks a function body where it is defined, as code that may run
// with any arguments. The functions it defines or unsets only exist, or
// stop existing, once it runs, so they change a copy of the function
// table. Its assignments still reach the code after it, as they always
// have: the body may well run before that code.
func (c *checker) defBody(u *unit, fd *syntax.FuncDecl) {
	funcs := make(map[string]*funcDef, len(u.vars.funcs))
	for k, d := range u.vars.funcs {
		funcs[k] = d
	}
	bu := *u
	bu.vars = &vars{consts: u.vars.consts, listing: u.vars.listing, many: u.vars.many, funcs: funcs, arrays: u.vars.arrays}
	c.inBody++
	defer func() { c.inBody-- }()
	defer c.freshHalted()()
	c.stmt(&bu, fd.Body, ctx{})
}

// runFunc walks the body of def as run by a call standing in u. A call
// inside a body is resolved when the body runs, not where it stands in the
// source: in the usual layout
//
//	main() { cleanup $(docker ps -aq); }
//	cleanup() { docker rm -f "$@"; }
//	main "$@"
//
// cleanup exists once main runs, though not yet where main is defined. So
// a call that itself runs (at the top level, or in a body run so) walks
// the callee's body with the function table as it is at the call, and
// with the variables as they are there, the positional parameters unknown.
// Only the DG105s at function calls are reported from that walk: the rest
// of the body was judged where it was defined, for every caller. The
// functions a running body defines or unsets are defined or unset for the
// caller too, as in the shell.
func (c *checker) runFunc(u *unit, def *funcDef) {
	if c.probe != nil || c.inBody > c.running {
		// Not run: in a body walked where it is defined, or for the
		// arguments of a call.
		return
	}
	if gen, ok := c.ranAt[def.decl]; ok && gen == c.funcGen {
		return // run already with the same functions; nothing new
	}
	if c.active == nil {
		c.active = map[*syntax.FuncDecl]bool{}
	}
	if c.active[def.decl] || len(c.active) >= maxFuncDepth {
		return
	}
	if c.ranAt == nil {
		c.ranAt = map[*syntax.FuncDecl]int{}
	}
	c.ranAt[def.decl] = c.funcGen
	if c.funcBudget <= 0 || !callsFuncs(u, def) {
		return
	}
	c.funcBudget -= off(def.unit, def.decl.End()) - off(def.unit, def.decl.Pos()) + 1
	c.active[def.decl] = true
	defer delete(c.active, def.decl)

	v := u.vars.clone()
	v.funcs = u.vars.funcs
	bindPositional(v, nil)
	bu := *def.unit
	bu.vars = v
	c.inBody++
	c.running++
	defer func() { c.inBody--; c.running-- }()
	defer c.freshHalted()()
	c.stmt(&bu, def.decl.Body, ctx{})
}

// callsFuncs reports whether the body of def may call a function of the
// table in u, or define or unset one: only then can a run find something
// the walk at the definition did not.
func callsFuncs(u *unit, def *funcDef) bool {
	for _, w := range [][]byte{[]byte("()"), []byte("function"), []byte("unset")} {
		if bytes.Contains(def.text, w) {
			return true
		}
	}
	for name := range u.vars.funcs {
		if bytes.Contains(def.text, []byte(name)) {
			return true
		}
	}
	return false
}

// runUncalled runs each top-level function that no call has run, as if it
// were called at the end of its code, with the functions defined there. A
// library of functions, or a script that dispatches with "$@" or case,
// runs its functions in ways the walk cannot follow; by the time they run,
// every function of the file is usually defined. A function replaced or
// unset by the end is not run.
func (c *checker) runUncalled() {
	for i := 0; i < len(c.topDefs); i++ {
		def := c.topDefs[i]
		if _, ran := c.ranAt[def.decl]; ran || !isCurrent(def) {
			continue
		}
		c.runFunc(def.unit, def)
	}
}

// isCurrent reports whether def is still what its name means in the table
// it was defined in.
func isCurrent(def *funcDef) bool {
	for _, d := range def.unit.vars.funcs {
		if d.decl == def.decl {
			return true
		}
	}
	return false
}

// isBinaryName reports whether name is a container CLI: a function of that
// name is a wrapper around it (docker() { command docker "$@"; }) and the
// command line is judged as the CLI's own.
func (c *checker) isBinaryName(name string) bool {
	if name == "docker-compose" {
		return true
	}
	for _, b := range c.bins {
		if name == b {
			return true
		}
	}
	return false
}

// funcCall handles a call of a shell function. It reports DG105 at the call
// when the arguments or standard input are a container listing and the body
// force-removes or kills what it is given.
func (c *checker) funcCall(u *unit, def *funcDef, ce *syntax.CallExpr, argv []dockercli.Word, x ctx) {
	if !c.mayRunContainers(u, def) {
		return
	}
	src, fromStdin := "", false
	for _, w := range argv[1:] {
		if w.FromListing {
			src = listingSource(w)
			break
		}
	}
	if src == "" && x.stdinListing {
		src, fromStdin = x.stdinText, true
	}
	if src == "" {
		return
	}
	if c.active == nil {
		c.active = map[*syntax.FuncDecl]bool{}
	}
	if c.active[def.decl] || len(c.active) >= maxFuncDepth || c.funcBudget <= 0 {
		return
	}
	c.funcBudget -= off(def.unit, def.decl.End()) - off(def.unit, def.decl.Pos()) + 1
	c.active[def.decl] = true
	defer delete(c.active, def.decl)

	base := c.walkBody(u, def, nil, ctx{})
	in := ctx{stdinListing: x.stdinListing, stdinText: x.stdinText}
	hot := c.walkBody(u, def, argv[1:], in)
	seen := map[[2]int]bool{}
	for _, h := range base {
		seen[[2]int{h.start, h.end}] = true
	}
	var fresh []massHit
	for _, h := range hot {
		if !seen[[2]int{h.start, h.end}] {
			fresh = append(fresh, h)
		}
	}
	if len(fresh) == 0 {
		return
	}
	sort.SliceStable(fresh, func(i, j int) bool { return fresh[i].start < fresh[j].start })
	h := fresh[0]
	name := argv[0].Value
	start, end := off(u, ce.Pos()), endOf(u, ce)

	if c.probe != nil {
		// This call is itself inside a body walked for an outer call.
		h.start, h.end = c.fileRange(u, start, end)
		h.via = append([]string{name}, h.via...)
		c.probe.hits = append(c.probe.hits, h)
		return
	}

	via := ""
	if len(h.via) > 0 {
		via = ", through " + strings.Join(h.via, ", ")
	}
	from := "`" + src + "`"
	if fromStdin {
		from += " piped into it"
	}
	what, storm := "SIGKILLs and removes", "removal storm"
	alt := dockercli.MassAlternative(h.binary, src, c.listings[src].filtered, h.volumes)
	if h.base == dockercli.RuleKill {
		what, storm = "SIGKILLs", "SIGKILL storm"
		alt = dockercli.MassStopAlternative(h.binary, src, c.listings[src].filtered)
	}
	msg := fmt.Sprintf("`%s` runs `%s` (line %d%s) on every container from %s: it %s each of them with no time to stop, the %s that hangs the engine; %s",
		name, h.cmd, h.line, via, from, what, storm, alt)
	parts := make([]string, len(argv))
	for i, w := range argv {
		parts[i] = w.Display()
	}
	// emit, not report: this may be a call inside a body run by a call
	// (runFunc), whose other findings are not reported again.
	c.emit(dockercli.RuleMassForceRemove, u, start, end, msg, strings.Join(parts, " "))
}

// mayRunContainers reports whether the body of def names a container CLI
// or a function defined by now (which may).
func (c *checker) mayRunContainers(u *unit, def *funcDef) bool {
	if mayMention(def.text, c.bins) {
		return true
	}
	for name := range u.vars.funcs {
		if bytes.Contains(def.text, []byte(name)) {
			return true
		}
	}
	return false
}

// walkBody walks the body of def as run by a call with the given
// arguments (none: the positional parameters are unknown) and returns the
// DG105s it finds, without reporting anything.
func (c *checker) walkBody(u *unit, def *funcDef, args []dockercli.Word, x ctx) []massHit {
	v := u.vars.clone()
	bindPositional(v, args)
	bu := *def.unit
	bu.vars = v

	saved := c.probe
	p := &probe{}
	c.probe = p
	defer func() { c.probe = saved }()
	defer c.freshHalted()()
	c.stmt(&bu, def.decl.Body, x)
	return p.hits
}

// bindPositional sets the positional parameters for a call with args:
// constants up to the first unknown word, listings from the first listing
// word on (one unquoted expansion may fill any number of them).
func bindPositional(v *vars, args []dockercli.Word) {
	for _, p := range positional {
		v.forget(p)
	}
	listing := ""
	for i, w := range args {
		if w.FromListing {
			listing = listingSource(w)
			for n := i + 1; n <= 9; n++ {
				v.listing[strconv.Itoa(n)] = listing
			}
			break
		}
		if i < 9 && w.Known {
			v.consts[strconv.Itoa(i+1)] = w.Value
		}
		if !w.Known {
			// An unknown word may be any number of fields: the
			// parameters after it are unknown too.
			break
		}
	}
	for _, w := range args {
		if w.FromListing {
			v.listing["@"], v.listing["*"] = listingSource(w), listingSource(w)
			break
		}
	}
}

// noteMass records a DG105 while a function body is walked for a call.
func (c *checker) noteMass(u *unit, s, e int, inv *dockercli.Invocation, base string) {
	fs, fe := c.fileRange(u, s, e)
	line, _ := rules.Position(c.fileSrc, fs)
	c.probe.hits = append(c.probe.hits, massHit{start: fs, end: fe, line: line, cmd: inv.Key(), base: base, binary: inv.Binary, volumes: inv.Cmd() == "container rm" && volumesOn(inv)})
}

// wrapped returns the command line a call of def runs when def passes its
// arguments on after a fixed command (nerdctl "$@", command docker "$@",
// sudo podman --remote "$@"): the first simple command of the body that
// uses "$@" or "$*", with the call's arguments in their place. Its words
// have no position in the caller's code. Wrappers of wrappers are
// followed a few levels deep.
func (c *checker) wrapped(u *unit, def *funcDef, args []dockercli.Word, depth int) ([]dockercli.Word, bool) {
	if depth > 3 || def.decl.Body == nil {
		return nil, false
	}
	var stmts []*syntax.Stmt
	switch b := def.decl.Body.Cmd.(type) {
	case *syntax.Block:
		stmts = b.Stmts
	case *syntax.Subshell:
		stmts = b.Stmts
	default:
		stmts = []*syntax.Stmt{def.decl.Body}
	}
	for _, st := range stmts {
		ce, ok := st.Cmd.(*syntax.CallExpr)
		if !ok || len(ce.Args) == 0 {
			continue
		}
		var out, fixed []dockercli.Word
		uses := false
		for _, w := range ce.Args {
			if allArgs(w) {
				uses = true
				out = append(out, args...)
				continue
			}
			for _, rw := range c.resolve(def.unit, w) {
				rw.Start, rw.End = -1, -1
				out = append(out, rw)
				fixed = append(fixed, rw)
			}
		}
		if !uses {
			continue
		}
		if len(out) == 0 || !out[0].Known {
			return nil, false
		}
		if inner, isFunc := u.vars.funcs[out[0].Value]; isFunc && inner != def && !c.isBinaryName(out[0].Value) {
			return c.wrapped(u, inner, out[1:], depth+1)
		}
		// Only the CLI (and its global flags) is fixed: a body that names
		// the subcommand itself (docker rm -f "$@") is judged where it is.
		uw := dockercli.Unwrap(fixed)
		inv, isCLI := dockercli.Parse(uw.Feed(false, ""), c.bins)
		if !isCLI || len(inv.Path) > 0 && inv.Binary != "docker-compose" || len(inv.Path) > 1 {
			return nil, false
		}
		return out, true
	}
	return nil, false
}

// allArgs reports whether w is "$@", $@, "$*" or $*.
func allArgs(w *syntax.Word) bool {
	parts := w.Parts
	if len(parts) == 1 {
		if dq, ok := parts[0].(*syntax.DblQuoted); ok {
			parts = dq.Parts
		}
	}
	if len(parts) != 1 {
		return false
	}
	pe, ok := parts[0].(*syntax.ParamExp)
	return ok && pe.Param != nil && (pe.Param.Value == "@" || pe.Param.Value == "*") && pe.Exp == nil && pe.Index == nil
}
