package shell

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/dockguard/dockguard/dockercli"
	"github.com/dockguard/dockguard/rules"
	"mvdan.cc/sh/v3/syntax"
)

type findingKey struct {
	rule       string
	start, end int
}

// checker holds the state of one Check call.
type checker struct {
	file     string
	fileSrc  []byte
	topSrc   []byte           // the code checked, for questions about the whole file
	lines    *rules.LineIndex // built on the first finding
	m        OffsetMap
	cfg      *Config
	bins     []string
	limit    int
	lang     langVariant
	findings []rules.Finding
	seen     map[findingKey]bool
	chunks   int
	budget   int // bytes that parse-error recovery may still re-parse
	parser   *syntax.Parser
	// placeholders counts the unknown-value stand-ins put into code
	// rebuilt from strings.
	placeholders int
	original     map[string]string // placeholder -> source text
	// listingCache remembers whether a command substitution lists
	// containers, so nested substitutions are not re-examined.
	listingCache map[*syntax.CmdSubst]string
	// listings maps a listing's text to what is known of it: whether it
	// can only list containers that are not running (docker ps -aq -f
	// status=exited) and whether it is already filtered. Listings are
	// passed around by their text; one written the same way without the
	// property makes it false for good.
	listings map[string]listingFacts
	// halted holds the targets (as written) of the docker stop commands
	// that certainly ran before the command being walked: a later forced
	// removal of the same targets kills nothing. Each
	// statement list drops what it added when it ends, so a stop inside
	// an if branch or a loop body does not cover the code after it.
	halted []string
	// lastAdded holds the halted keys that the last statement list
	// walked added before they ended with it (see the if clause).
	lastAdded []string
	// haltGen changes whenever stops are forgotten.
	haltGen int
	// probe, when set, collects the DG105s of a function body walked for
	// a call instead of reporting anything; active holds the functions
	// being walked so, and funcBudget bounds the bytes of bodies walked
	// again.
	probe      *probe
	active     map[*syntax.FuncDecl]bool
	funcBudget int
	// inBody counts the function bodies being walked (at their
	// definition or for a call); a definition outside them all is
	// top-level and lands in topDefs. running counts the bodies being
	// walked as run by a call (see runFunc), during which only the DG105s
	// of function calls are reported. funcGen changes whenever a function
	// table does, and ranAt records the funcGen each body was last run
	// at, so an unchanged table does not walk a body again.
	inBody  int
	running int
	topDefs []*funcDef
	funcGen int
	ranAt   map[*syntax.FuncDecl]int
	// aliases holds the aliases defined so far by top-level code.
	// expandFrom is the file offset from which the shell replaces them
	// (-1: it does not), and lineAfter the start of the line after the
	// top-level command being walked, where what it defines takes
	// effect. sub counts the subshells being walked, whose aliases and
	// options die with them. collect, when set, gathers findings instead
	// of recording them.
	aliases    map[string]*aliasDef
	expandFrom int
	lineAfter  int
	sub        int
	collect    *[]rules.Finding
	// aliasBudget bounds the bytes of code built by replacing aliases.
	aliasBudget int
	// host adapts fixes to the file holding the code (nil: the code is
	// the file). top and topFile are the top-level code and its syntax
	// when it parsed, the only code fixes are written for; parents and
	// listed index topFile's statements (see placeOf). A large file is
	// walked one top-level statement at a time (streamTop): then topFile
	// is nil and topStmt is the statement being walked, the only one
	// parents and listed index.
	host    FixHost
	top     *unit
	topFile *syntax.File
	topStmt *syntax.Stmt
	parents map[*syntax.Stmt]*syntax.Stmt
	listed  map[*syntax.Stmt]bool
}

// ctx is what a command inherits from where it stands.
type ctx struct {
	// stdinListing is set when the command's standard input is a
	// container listing (docker ps -q | here); stdinText describes it.
	stdinListing bool
	stdinText    string
	// inLoop is set inside a for/while/until body; loopWaits when that
	// body also calls wait, which bounds background jobs.
	inLoop    bool
	loopWaits bool
}

// fileRange maps [s, e) in u to the file.
func (c *checker) fileRange(u *unit, s, e int) (int, int) {
	for ; u.parent != nil; u = u.parent {
		s, e = u.toParent(s, e)
	}
	if c.m == nil {
		return s, e
	}
	fs := c.m(s)
	fe := fs
	if e > s {
		fe = c.m(e-1) + 1
	}
	return fs, max(fe, fs)
}

func (c *checker) newFinding(rule string, u *unit, s, e int, msg, key string) rules.Finding {
	fs, fe := c.fileRange(u, s, e)
	if c.lines == nil {
		c.lines = rules.NewLineIndex(c.fileSrc)
	}
	f := c.lines.New(rules.MustLookup(rule), c.file, fs, fe, msg)
	f.Key = key
	return f
}

func (c *checker) report(rule string, u *unit, s, e int, msg, key string) {
	if c.probe != nil || c.running > 0 {
		return
	}
	c.emit(rule, u, s, e, msg, key)
}

// emit records a finding unless one of the same rule and range already is.
func (c *checker) emit(rule string, u *unit, s, e int, msg, key string) {
	c.add(c.newFinding(rule, u, s, e, msg, key))
}

// add records f unless a finding of the same rule and range already is,
// or gathers it while findings are collected.
func (c *checker) add(f rules.Finding) {
	if c.collect != nil {
		*c.collect = append(*c.collect, f)
		return
	}
	k := findingKey{f.Rule, f.Start, f.End}
	if c.seen[k] {
		return
	}
	c.seen[k] = true
	c.findings = append(c.findings, f)
}

func (c *checker) walkFile(u *unit, f *syntax.File) {
	if f == nil {
		return
	}
	if !c.topLevel(u) {
		c.stmts(u, f.Stmts, ctx{})
		return
	}
	mark := len(c.halted)
	for _, s := range f.Stmts {
		c.topLevelStmt(u, s)
	}
	c.halted = c.halted[:min(mark, len(c.halted))]
}

// topLevelStmt walks one statement of the top-level code.
func (c *checker) topLevelStmt(u *unit, s *syntax.Stmt) {
	// What a top-level command defines (an alias, shopt) takes effect
	// from the line after it: the shell reads the whole line first.
	_, e := c.fileRange(u, off(u, s.Pos()), off(u, s.End()))
	c.lineAfter = c.nextLine(e)
	c.stmt(u, s, ctx{})
}

func (c *checker) stmts(u *unit, list []*syntax.Stmt, x ctx) {
	mark := len(c.halted)
	for _, s := range list {
		c.stmt(u, s, x)
	}
	c.lastAdded = slices.Clone(c.halted[min(mark, len(c.halted)):])
	c.halted = c.halted[:min(mark, len(c.halted))]
}

func (c *checker) stmt(u *unit, s *syntax.Stmt, x ctx) {
	if s == nil {
		return
	}
	for _, r := range s.Redirs {
		if r.Word != nil {
			c.words(u, r.Word, x)
		}
		if r.Hdoc != nil {
			// Expansions in an unquoted here-document run in this shell,
			// whatever reads the document.
			c.words(u, r.Hdoc, x)
		}
		if r.Op == syntax.WordHdoc && r.Word != nil {
			// xargs docker rm -f <<< "$(docker ps -aq)"
			for _, w := range c.resolve(u, r.Word) {
				if w.FromListing {
					x.stdinListing, x.stdinText = true, listingSource(w)
				}
			}
		}
		if r.Op == syntax.RdrIn && r.Word != nil && len(r.Word.Parts) == 1 {
			// while read c; do ...; done < <(docker ps -q)
			if ps, ok := r.Word.Parts[0].(*syntax.ProcSubst); ok {
				if text, ok := c.listingIn(u, ps.Stmts); ok {
					x.stdinListing, x.stdinText = true, text
				}
			}
		}
	}
	if s.Background && x.inLoop && !x.loopWaits {
		if inv, ok := c.firstDocker(u, s); ok {
			st, en := off(u, s.Pos()), off(u, s.End())
			c.report("DG106", u, st, en, fmt.Sprintf(
				"`%s &` inside a loop starts a docker command per iteration, all at once and unbounded; run them in sequence, or bound the concurrency to %d (xargs -P %d)",
				inv.Key(), c.limit, c.limit), "background in loop: "+inv.Key())
		}
	}
	switch cmd := s.Cmd.(type) {
	case *syntax.CallExpr:
		c.call(u, s, cmd, x)
	case *syntax.IfClause:
		// Each branch's stops end with it, but a target stopped on every
		// branch of an if with an else is stopped after it (if old; then
		// X=1 docker wait c; else docker wait c; fi).
		var common []string
		gen, every := c.haltGen, false
		for cl := cmd; cl != nil; cl = cl.Else {
			c.stmts(u, cl.Cond, x)
			c.stmts(u, cl.Then, x) // drops the branch's own stops again
			added := c.lastAdded
			if cl == cmd {
				common, every = added, true
			} else {
				common = slices.DeleteFunc(common, func(k string) bool { return !slices.Contains(added, k) })
			}
			if cl.Else == nil && len(cl.Cond) > 0 {
				every = false // no else: the branches may all be skipped
			}
		}
		if every && c.haltGen == gen {
			c.halted = append(c.halted, common...)
		}
	case *syntax.WhileClause:
		c.stmts(u, cmd.Cond, x)
		c.stmts(u, cmd.Do, loopCtx(cmd.Do))
	case *syntax.ForClause:
		switch l := cmd.Loop.(type) {
		case *syntax.WordIter:
			c.forItems(u, l, x)
		case *syntax.CStyleLoop:
			c.words(u, l, x)
		}
		c.stmts(u, cmd.Do, loopCtx(cmd.Do))
	case *syntax.CaseClause:
		c.words(u, cmd.Word, x)
		for _, it := range cmd.Items {
			c.stmts(u, it.Stmts, x)
		}
	case *syntax.Block:
		c.stmts(u, cmd.Stmts, x)
	case *syntax.Subshell:
		c.sub++
		c.stmts(u, cmd.Stmts, x)
		c.sub--
	case *syntax.BinaryCmd:
		mark := len(c.halted)
		c.stmt(u, cmd.X, x)
		// X always runs; Y may not (&&, ||) or runs alongside X (|). So
		// Y sees X's stops only after X has ended, and nothing Y stops
		// outlives the command; what Y starts again stays forgotten.
		end, gen := len(c.halted), c.haltGen
		var first []string
		y := x
		if cmd.Op == syntax.Pipe || cmd.Op == syntax.PipeAll {
			text, ok := c.listingIn(u, []*syntax.Stmt{cmd.X})
			y.stdinListing, y.stdinText = ok, text
			first = slices.Clone(c.halted[min(mark, end):])
			c.halted = c.halted[:min(mark, end)]
			end = mark
		}
		c.stmt(u, cmd.Y, y)
		c.halted = c.halted[:min(end, len(c.halted))]
		if c.haltGen == gen {
			c.halted = append(c.halted, first...)
		}
	case *syntax.FuncDecl:
		c.defineFunc(u, cmd)
		c.defBody(u, cmd)
	case *syntax.DeclClause:
		for _, a := range cmd.Args {
			c.words(u, a, x)
			c.assign(u, a, cmd.Variant.Value)
		}
	case *syntax.TimeClause:
		c.stmt(u, cmd.Stmt, x)
	case *syntax.CoprocClause:
		c.stmt(u, cmd.Stmt, x)
	case *syntax.TestDecl:
		c.stmt(u, cmd.Body, x)
	case nil:
	default:
		c.words(u, cmd, x)
	}
}

// loopCtx is the context of a loop body.
func loopCtx(body []*syntax.Stmt) ctx {
	return ctx{inLoop: true, loopWaits: callsWait(body)}
}

// callsWait reports whether a loop body calls wait, the usual way to
// bound the jobs it starts in the background.
func callsWait(body []*syntax.Stmt) bool {
	found := false
	for _, s := range body {
		syntax.Walk(s, func(n syntax.Node) bool {
			if ce, ok := n.(*syntax.CallExpr); ok && len(ce.Args) > 0 && ce.Args[0].Lit() == "wait" {
				found = true
			}
			return !found
		})
	}
	return found
}

// words walks the command and process substitutions inside n: they run
// wherever they appear.
func (c *checker) words(u *unit, n syntax.Node, x ctx) {
	if n == nil {
		return
	}
	syntax.Walk(n, func(n syntax.Node) bool {
		switch n := n.(type) {
		case *syntax.CmdSubst:
			c.sub++
			c.stmts(u, n.Stmts, ctx{inLoop: x.inLoop, loopWaits: x.loopWaits})
			c.sub--
			return false
		case *syntax.ProcSubst:
			c.sub++
			c.stmts(u, n.Stmts, ctx{inLoop: x.inLoop, loopWaits: x.loopWaits})
			c.sub--
			return false
		}
		return true
	})
}

// forItems records the loop variable: a listing when the items come from
// one (for c in $(docker ps -q)), otherwise forgotten.
func (c *checker) forItems(u *unit, l *syntax.WordIter, x ctx) {
	name := l.Name.Value
	u.vars.forget(name)
	c.unhalt(name)
	if !l.InPos.IsValid() && len(l.Items) == 0 {
		// for c; do ...: the items are "$@".
		if src, ok := u.vars.listing["@"]; ok {
			u.vars.listing[name] = src
		}
		return
	}
	for _, it := range l.Items {
		c.words(u, it, x)
		for _, w := range c.resolve(u, it) {
			if w.FromListing {
				u.vars.listing[name] = listingSource(w)
			}
		}
	}
}

func listingSource(w dockercli.Word) string {
	if w.Source != "" {
		return w.Source
	}
	return w.Text
}

// assign records a variable assignment.
func (c *checker) assign(u *unit, a *syntax.Assign, decl string) {
	if a.Name == nil {
		return
	}
	name := a.Name.Value
	c.unhalt(name)
	if a.Naked {
		if decl == "local" || decl == "declare" || decl == "typeset" {
			u.vars.forget(name)
		}
		return
	}
	if a.Array != nil && !a.Append && a.Index == nil {
		elems, ok := c.arrayValue(u, a.Array)
		u.vars.forget(name)
		if ok {
			u.vars.arrays[name] = elems
		}
		return
	}
	if a.Append || a.Array != nil || a.Index != nil || a.Value == nil {
		u.vars.forget(name)
		if a.Value == nil && a.Array == nil && !a.Append {
			u.vars.consts[name] = ""
		}
		return
	}
	ws := c.resolve(u, a.Value)
	u.vars.forget(name)
	if inv, ok := c.createdBy(u, a.Value); ok {
		// cid=$(docker create img): a container that no one started; a
		// forced removal of it kills nothing until something starts it
		// (which forgets every stop, as usual).
		for _, form := range []string{"$" + name, "${" + name + "}"} {
			c.halted = append(c.halted, haltKey(inv, dockercli.Word{Text: form}))
		}
	}
	if len(ws) == 1 && ws[0].Known {
		u.vars.consts[name] = ws[0].Value
		return
	}
	for _, w := range ws {
		if w.FromListing {
			u.vars.listing[name] = listingSource(w)
			u.vars.many[name] = u.vars.many[name] || w.Many
		}
	}
}

// createdBy returns the docker create that w, a command substitution of
// one command, runs: $(docker create img), $(docker container create img).
func (c *checker) createdBy(u *unit, w *syntax.Word) (*dockercli.Invocation, bool) {
	if len(w.Parts) != 1 {
		return nil, false
	}
	cs, ok := w.Parts[0].(*syntax.CmdSubst)
	if !ok || len(cs.Stmts) != 1 || cs.Stmts[0].Background {
		return nil, false
	}
	ce, ok := cs.Stmts[0].Cmd.(*syntax.CallExpr)
	if !ok || len(ce.Args) == 0 {
		return nil, false
	}
	var argv []dockercli.Word
	for _, a := range ce.Args {
		argv = append(argv, c.resolve(u, a)...)
	}
	uw := dockercli.Unwrap(argv)
	inv, ok := dockercli.Parse(uw.Argv, c.bins)
	if !ok || inv.Cmd() != "container create" {
		return nil, false
	}
	return inv, true
}

func (c *checker) call(u *unit, s *syntax.Stmt, ce *syntax.CallExpr, x ctx) {
	if c.aliasCall(u, ce, x) {
		return
	}
	for _, a := range ce.Assigns {
		c.words(u, a, x)
	}
	if len(ce.Args) == 0 {
		for _, a := range ce.Assigns {
			c.assign(u, a, "")
		}
		return
	}
	for _, w := range ce.Args {
		c.words(u, w, x)
	}
	var argv []dockercli.Word
	byStart := make(map[int]*syntax.Word, len(ce.Args))
	for _, w := range ce.Args {
		rw := c.resolve(u, w)
		if len(rw) == 1 {
			byStart[rw[0].Start] = w
		}
		argv = append(argv, rw...)
	}
	inferred, wrapper := "", ""
	if len(argv) > 0 && !argv[0].Known {
		if name, bin, ok := c.namedCLI(u, ce.Args[0]); ok {
			argv[0].Value, argv[0].Known, inferred = bin, true, name
		}
	}
	if len(argv) == 0 || !argv[0].Known {
		return
	}
	k := c.builtinAt(u, ce, argv)
	switch dockercli.BaseName(argv[k].Value) {
	case "echo", "printf", ":", "true", "false", "test", "[", "print":
		return // their arguments are data
	case "eval":
		c.evalCode(u, ce.Args[k+1:])
		return
	case "trap":
		c.trapCode(u, ce.Args[k+1:], argv[k+1:])
		return
	case "alias":
		c.aliasCode(u, ce.Args[k+1:])
		return
	case "unalias":
		c.unalias(argv[k+1:])
		return
	case "shopt":
		c.shopt(u, argv[k+1:])
		return
	case "read", "mapfile", "readarray":
		c.readVars(u, s, argv[k:], x)
		return
	case "unset":
		c.unset(u, argv[k+1:])
		return
	}
	if def, ok := u.vars.funcs[argv[0].Value]; ok && !c.isBinaryName(argv[0].Value) {
		// The body was checked where it was defined; what the call adds
		// is its arguments. The command line is still read as usual
		// below, which finds nothing unless the function shadows a
		// wrapper (sudo, timeout...), whose line stays judged as before.
		c.funcCall(u, def, ce, argv, x)
		c.runFunc(u, def)
		if w, ok := c.wrapped(u, def, argv[1:], 0); ok {
			// exec::nerdctl() { nerdctl "$@"; } called as exec::nerdctl rm -f x:
			// the call's words complete the function's command line.
			wrapper, argv = argv[0].Value, w
		}
	}
	uw := dockercli.Unwrap(argv)
	if len(uw.Argv) == 0 {
		return
	}
	fed := uw.Feed(x.stdinListing, x.stdinText)
	callStart, callEnd := off(u, ce.Pos()), endOf(u, ce)
	if code, stdin, ok := dockercli.ShellCode(fed); ok {
		var inner *unit
		if !stdin {
			inner = c.wordCode(u, code, byStart)
		} else {
			inner = c.stdinCode(u, s)
		}
		if inner != nil {
			if uw.Runner != "" && mayMention(inner.src, c.bins) {
				c.parallel(u, uw, argv, callStart, callEnd)
			}
			if uw.Runner != "" && x.stdinListing && !stdin {
				// xargs sh -c 'docker rm -f "$@"' _ : the positional
				// parameters are the listing.
				for _, p := range []string{"@", "*", "1", "2", "3", "4", "5", "6", "7", "8", "9"} {
					inner.vars.listing[p] = x.stdinText
				}
			}
			c.checkCode(inner, true)
		}
		return
	}
	if remote, ok := dockercli.RemoteCommand(fed); ok {
		// ssh host 'docker rm -f web': the remote shell runs the words
		// joined by spaces.
		var ws []*syntax.Word
		for _, w := range remote {
			sw, ok := byStart[w.Start]
			if !ok || w.Start < 0 {
				return
			}
			ws = append(ws, sw)
		}
		c.checkCode(c.codeUnit(u, ws, modeBare, false), true)
		return
	}
	var awkVars []string
	value := func(operand string) string {
		// Each awk value is an unknown word, shown as written.
		c.placeholders++
		name := "__dockguard_" + strconv.Itoa(c.placeholders)
		if c.original == nil {
			c.original = map[string]string{}
		}
		c.original["${"+name+"}"] = operand
		awkVars = append(awkVars, name)
		return "${" + name + "}"
	}
	if code, w, ok := awkSystem(fed, value); ok && mayMention([]byte(code), c.bins) {
		// awk '{system("docker rmi -f " $3)}': the command lines awk hands
		// to sh, with awk's own values ($3, variables) unknown.
		inner := wholeUnit(u, code, w.Start, w.End)
		if x.stdinListing {
			for _, name := range awkVars {
				inner.vars.listing[name] = x.stdinText
			}
		}
		c.checkCode(inner, false)
		return
	}
	c.markListings(fed)
	inv, ok := dockercli.Parse(fed, c.bins)
	if !ok || inferred != "" && !inv.Modelled() {
		return
	}
	if uw.Runner != "" {
		c.parallel(u, uw, argv, callStart, callEnd)
	}
	start := callStart
	if w := inv.Argv[0]; w.Start >= 0 {
		start = w.Start
	}
	stoppedFirst := c.halt(inv, s.Background)
	for _, vd := range inv.Verdicts() {
		if stoppedFirst && vd.Base == dockercli.RuleForceRemoveContainer {
			continue
		}
		if c.probe != nil && vd.Rule == dockercli.RuleMassForceRemove {
			c.noteMass(u, start, callEnd, inv, vd.Base)
		}
		msg := vd.Message
		if inferred != "" {
			msg += fmt.Sprintf(" ($%s is never set in this file; dockguard took it for %s from its name)", inferred, inv.Binary)
		}
		if wrapper != "" {
			msg += fmt.Sprintf(" (through the function %s, which runs %s with its arguments)", wrapper, inv.Binary)
		}
		if c.probe != nil || c.running > 0 {
			continue
		}
		f := c.newFinding(vd.Rule, u, start, callEnd, c.explain(vd, msg), inv.Key())
		f.Fixes = c.fixFor(&site{u: u, stmt: s, ce: ce, inv: inv, uw: uw, start: callStart, end: callEnd}, vd)
		c.add(f)
	}
}

// builtinAt returns the index of the word naming the builtin a call runs:
// 0, or the word after `builtin` and `command` (with -p, or --), which run
// the builtin of that name (bash; zsh's command runs only external
// commands, so only builtin there). The words up to it must each be one
// word of ce, so argv and ce.Args stay aligned. `command -v NAME` prints
// and runs nothing; it keeps 0, and the wrappers table finds nothing to run.
func (c *checker) builtinAt(u *unit, ce *syntax.CallExpr, argv []dockercli.Word) int {
	aligned := func(i int) bool {
		return i < len(argv) && i < len(ce.Args) && argv[i].Known && argv[i].Start == off(u, ce.Args[i].Pos())
	}
	k := 0
	for aligned(k) {
		next := k + 1
		switch argv[k].Value {
		case "builtin":
		case "command":
			if c.lang == langZsh {
				return k
			}
			for aligned(next) && (argv[next].Value == "-p" || argv[next].Value == "--") {
				next++
			}
		default:
			return k
		}
		if !aligned(next) {
			return k
		}
		k = next
	}
	return k
}

// unset forgets variables, and functions with -f. Without -f or -v, bash
// unsets the variable of that name and, when there is none, the function.
func (c *checker) unset(u *unit, args []dockercli.Word) {
	fn, vr := false, false
	for _, w := range args {
		switch {
		case w.Is("-f"):
			fn = true
		case w.Is("-v"):
			vr = true
		case w.Is("-fv"), w.Is("-vf"):
			fn, vr = true, true
		}
	}
	for _, w := range args {
		if !w.Known || strings.HasPrefix(w.Value, "-") {
			continue
		}
		_, isConst := u.vars.consts[w.Value]
		_, isListing := u.vars.listing[w.Value]
		if _, ok := u.vars.funcs[w.Value]; ok && (fn || (!vr && !isConst && !isListing)) {
			delete(u.vars.funcs, w.Value)
			c.funcGen++
		}
		if !fn || vr {
			u.vars.forget(w.Value)
			c.unhalt(w.Value)
		}
	}
}

// parallel reports DG106 for a runner that starts docker commands with
// more concurrency than the limit.
func (c *checker) parallel(u *unit, uw dockercli.Unwrapped, argv []dockercli.Word, s, e int) {
	if uw.Jobs == dockercli.JobsUnknown || (uw.Jobs >= 1 && uw.Jobs <= c.limit) {
		return
	}
	var msg string
	switch {
	case uw.Runner == "parallel" && uw.JobsWord.Is("parallel"):
		msg = fmt.Sprintf("GNU parallel runs one docker command per CPU core at once by default; bound it to %d: parallel -j %d", c.limit, c.limit)
	case uw.Jobs == dockercli.JobsUnbounded:
		msg = fmt.Sprintf("`%s %s` runs docker commands with no bound on concurrency, and bursts of parallel API calls hang the engine; bound it to %d or fewer", uw.Runner, jobsFlag(uw), c.limit)
	default:
		msg = fmt.Sprintf("`%s %s` runs up to %d docker commands at once, above the limit of %d that keeps the engine responsive; use %d or fewer", uw.Runner, jobsFlag(uw), uw.Jobs, c.limit, c.limit)
	}
	parts := make([]string, len(argv))
	for i, w := range argv {
		parts[i] = w.Display()
	}
	c.report("DG106", u, s, e, msg, strings.Join(parts, " "))
}

func jobsFlag(uw dockercli.Unwrapped) string {
	flag := "-P"
	if uw.Runner == "parallel" {
		flag = "-j"
	}
	return flag + " " + uw.JobsWord.Display()
}

// wordCode returns the unit for the code word of sh -c CODE.
func (c *checker) wordCode(u *unit, code dockercli.Word, byStart map[int]*syntax.Word) *unit {
	if w, ok := byStart[code.Start]; ok && code.Start >= 0 {
		return c.codeUnit(u, []*syntax.Word{w}, modeBare, false)
	}
	if code.Known {
		// A word split out of a constant: map the whole code to the word.
		return wholeUnit(u, code.Value, code.Start, code.End)
	}
	return nil
}

func wholeUnit(u *unit, code string, s, e int) *unit {
	n := len(code)
	offS, offE := make([]int, n), make([]int, n)
	for i := range n {
		offS[i], offE[i] = s, e
	}
	return &unit{src: []byte(code), parent: u, offS: offS, offE: offE, vars: newVars(), depth: u.depth + 1}
}

// stdinCode returns the here-document or here-string a shell reads as
// its program (bash <<EOF, sh -s <<'EOF', bash <<< "...").
func (c *checker) stdinCode(u *unit, s *syntax.Stmt) *unit {
	for _, r := range s.Redirs {
		switch r.Op {
		case syntax.Hdoc, syntax.DashHdoc:
			if r.Hdoc == nil {
				continue
			}
			m := modeHdoc
			if hdocQuoted(r.Word) {
				m = modeRaw
			}
			return c.codeUnit(u, []*syntax.Word{r.Hdoc}, m, false)
		case syntax.WordHdoc:
			if r.Word != nil {
				return c.codeUnit(u, []*syntax.Word{r.Word}, modeBare, false)
			}
		}
	}
	return nil
}

// hdocQuoted reports whether a here-document delimiter is quoted, which
// makes the body literal.
func hdocQuoted(w *syntax.Word) bool {
	if w == nil {
		return false
	}
	for _, p := range w.Parts {
		switch p := p.(type) {
		case *syntax.SglQuoted, *syntax.DblQuoted:
			return true
		case *syntax.Lit:
			if strings.Contains(p.Value, `\`) {
				return true
			}
		}
	}
	return false
}

// evalCode checks the arguments of eval as code run in this shell.
func (c *checker) evalCode(u *unit, args []*syntax.Word) {
	if len(args) == 0 {
		return
	}
	c.checkCode(c.codeUnit(u, args, modeBare, true), true)
}

// trapCode checks the action of trap ACTION SIGNAL...
func (c *checker) trapCode(u *unit, args []*syntax.Word, argv []dockercli.Word) {
	i := 0
	for i < len(argv) && argv[i].Known && strings.HasPrefix(argv[i].Value, "-") && argv[i].Value != "-" {
		if argv[i].Value == "--" {
			i++
			break
		}
		if argv[i].Value == "-p" || argv[i].Value == "-l" || argv[i].Value == "-P" {
			return
		}
		i++
	}
	if len(argv)-i < 2 || len(argv) != len(args) || argv[i].Is("-") {
		return
	}
	c.checkCode(c.codeUnit(u, args[i:i+1], modeBare, true), true)
}

// readVars marks the variables read from a container listing.
func (c *checker) readVars(u *unit, s *syntax.Stmt, argv []dockercli.Word, x ctx) {
	name := dockercli.BaseName(argv[0].Value)
	var names []string
	array := ""
	for i := 1; i < len(argv); i++ {
		w := argv[i]
		if !w.Known {
			continue
		}
		if strings.HasPrefix(w.Value, "-") {
			// Options with a value: read -p -d -n -N -t -u -a;
			// mapfile -d -n -O -s -u -C -c.
			valueOpts := "pdnNtua"
			if name != "read" {
				valueOpts = "dnOsuCc"
			}
			opt := w.Value[len(w.Value)-1:]
			if len(w.Value) == 2 && strings.Contains(valueOpts, opt) {
				if opt == "a" && i+1 < len(argv) && argv[i+1].Known {
					names = append(names, argv[i+1].Value)
					array = argv[i+1].Value
				}
				i++
			}
			continue
		}
		names = append(names, w.Value)
	}
	if len(names) == 0 {
		names = []string{"REPLY"}
		if name != "read" {
			names = []string{"MAPFILE"}
		}
	}
	for _, n := range names {
		u.vars.forget(n)
		c.unhalt(n)
		if x.stdinListing {
			u.vars.listing[n] = x.stdinText
		}
	}
	if array == "" || name != "read" || x.stdinListing {
		return
	}
	for _, r := range s.Redirs {
		if r.Op == syntax.WordHdoc && r.Word != nil {
			// IFS=" " read -r -a DOCKER <<< "docker ${DOCKER_OPTS}"
			u.vars.arrays[array] = c.hereFields(u, r.Word)
		}
	}
}

// firstDocker returns the first container-CLI command run by s.
func (c *checker) firstDocker(u *unit, s *syntax.Stmt) (*dockercli.Invocation, bool) {
	var found *dockercli.Invocation
	syntax.Walk(s, func(n syntax.Node) bool {
		if found != nil {
			return false
		}
		if ce, ok := n.(*syntax.CallExpr); ok {
			if eu, f, _, _ := c.expandAlias(u, ce); eu != nil {
				for _, st := range f.Stmts {
					if inv, ok := c.firstDocker(eu, st); ok {
						found = inv
						break
					}
				}
				return false
			}
			if inv, ok := c.invocation(u, ce); ok {
				found = inv
				return false
			}
		}
		return true
	})
	return found, found != nil
}

// invocation resolves a call to a container-CLI invocation, if it is one.
func (c *checker) invocation(u *unit, ce *syntax.CallExpr) (*dockercli.Invocation, bool) {
	if len(ce.Args) == 0 {
		return nil, false
	}
	var argv []dockercli.Word
	for _, w := range ce.Args {
		argv = append(argv, c.resolve(u, w)...)
	}
	uw := dockercli.Unwrap(argv)
	return dockercli.Parse(uw.Argv, c.bins)
}

// listingIn reports whether stmts list containers (docker ps -q, possibly
// filtered through grep or awk), with the listing command's text.
func (c *checker) listingIn(u *unit, stmts []*syntax.Stmt) (string, bool) {
	text, ok := "", false
	for _, s := range stmts {
		syntax.Walk(s, func(n syntax.Node) bool {
			if ok {
				return false
			}
			switch n := n.(type) {
			case *syntax.CmdSubst, *syntax.ProcSubst:
				return false // a listing nested in an argument is not our output
			case *syntax.CallExpr:
				if eu, f, _, _ := c.expandAlias(u, n); eu != nil {
					text, ok = c.listingIn(eu, f.Stmts)
					return false
				}
				if inv, isInv := c.invocation(u, n); isInv && inv.IsContainerListing() {
					text, ok = strings.TrimSpace(c.display(nodeText(u, n))), true
					c.noteListing(text, listingFacts{stopped: inv.ListsOnlyStopped(), filtered: inv.ListsFiltered()})
				}
				return false
			}
			return true
		})
	}
	return text, ok
}

// haltKey is how a target is compared between a stop and a removal: the
// binary and its global flags (which pick the engine: -H, --context, -n),
// then the target as written without quotes, so "$id" and $id match.
func haltKey(inv *dockercli.Invocation, w dockercli.Word) string {
	var b strings.Builder
	b.WriteString(inv.Binary)
	for _, g := range inv.Globals {
		b.WriteString(" " + g.Written)
		if g.HasValue && !strings.Contains(g.Written, "=") {
			b.WriteString(" " + g.Value.Display())
		}
	}
	b.WriteString("\x00" + w.Display())
	return unquoter.Replace(b.String())
}

// drainKey stands for "every running container of this engine was
// stopped" in the halted list.
func drainKey(inv *dockercli.Invocation) string {
	return haltKey(inv, dockercli.Word{Value: "\x00every running container", Known: true})
}

// halt records the targets of a docker stop that runs to its end (not in
// the background). For a container removal it reports whether every
// target was stopped so before: then -f has nothing left to kill. A
// command that may start containers again (run, start, restart, create,
// unpause, compose up...) forgets every stop seen so far.
func (c *checker) halt(inv *dockercli.Invocation, background bool) bool {
	halted, stopped, forget := haltStep(c.halted, inv, background)
	if forget {
		c.unhaltAll()
		return false
	}
	c.halted = halted
	return stopped
}

// haltStep is one command of halt: the halted keys after inv, whether inv
// is a container removal whose every target was stopped before, and
// whether inv may start containers again (every stop is then forgotten).
func haltStep(halted []string, inv *dockercli.Invocation, background bool) (after []string, stoppedFirst, forget bool) {
	switch inv.Cmd() {
	case "container stop":
		if !background {
			halted = haltTargets(halted, inv)
		}
	case "container wait", "wait":
		// docker wait returns once its containers have stopped (docker
		// kill X; docker wait X; docker rm -f X). docker kill alone
		// returns once the signal is sent, not once X has exited.
		if !background {
			halted = haltTargets(halted, inv)
		}
	case "container rm":
		if len(inv.Args) == 0 {
			return halted, false, false
		}
		drained := slices.Contains(halted, drainKey(inv))
		for _, a := range inv.Args {
			if drained && a.FromListing {
				continue // docker stop $(docker ps -q) ran: nothing from a listing still runs
			}
			if !slices.Contains(halted, haltKey(inv, a)) {
				return halted, false, false
			}
		}
		return halted, true, false
	default:
		return halted, false, !inv.KeepsStopped()
	}
	return halted, false, false
}

// haltTargets records the targets of a stop or kill. A command
// substitution is left out: written again later, it lists again, and may
// find containers started since.
func haltTargets(halted []string, inv *dockercli.Invocation) []string {
	for _, a := range inv.Args {
		if a.FromListing && !a.Filtered && !a.Stopped {
			// A stop of every running container (docker stop $(docker ps
			// -q)): a later removal from a listing kills nothing.
			halted = append(halted, drainKey(inv))
		}
		if k := haltKey(inv, a); !strings.Contains(k, "$(") && !strings.Contains(k, "`") {
			halted = append(halted, k)
		}
	}
	return halted
}

// Halts follows the docker stop commands of code that runs in order and
// is not a shell script (a PowerShell step), as the shell front end
// follows them in a script: a forced removal of containers stopped before
// kills nothing, so it is not DG101. The zero value is ready to use.
type Halts struct{ halted []string }

// Observe records inv, which runs to its end, and reports whether it is a
// container removal whose every target was stopped before it.
func (h *Halts) Observe(inv *dockercli.Invocation) bool {
	halted, stopped, forget := haltStep(h.halted, inv, false)
	if forget {
		h.halted = nil
		return false
	}
	h.halted = halted
	return stopped
}

// unhaltAll forgets every stop seen so far.
func (c *checker) unhaltAll() {
	c.haltGen++
	for i := range c.halted {
		c.halted[i] = "\x00"
	}
}

// unhalt forgets the stopped targets that name variable name, which has
// just changed value.
func (c *checker) unhalt(name string) {
	if len(c.halted) == 0 {
		return
	}
	// Positions matter to the statement lists that drop what they added,
	// so a forgotten target is blanked rather than removed.
	c.haltGen++
	for i, k := range c.halted {
		if mentionsVar(k, name) {
			c.halted[i] = "\x00"
		}
	}
}

// mentionsVar reports whether text expands the shell variable name ($name
// or ${name...}).
func mentionsVar(text, name string) bool {
	for i := 0; i < len(text); i++ {
		if text[i] != '$' {
			continue
		}
		rest := strings.TrimPrefix(text[i+1:], "{")
		if strings.HasPrefix(rest, name) {
			after := rest[len(name):]
			if after == "" || !isNameByte(after[0]) {
				return true
			}
		}
	}
	return false
}

func isNameByte(b byte) bool {
	return b == '_' || ('a' <= b && b <= 'z') || ('A' <= b && b <= 'Z') || ('0' <= b && b <= '9')
}

// freshHalted empties the stopped targets while a function body is walked
// (its positional parameters are not the caller's) and returns the
// function that restores them.
func (c *checker) freshHalted() func() {
	saved := c.halted
	c.halted = nil
	return func() { c.halted = saved }
}

// listingFacts is what the walk knows of a listing written as some text.
type listingFacts struct {
	// stopped: it lists only containers that are not running.
	stopped bool
	// filtered: it is already scoped (dockercli's ListsFiltered).
	filtered bool
}

// noteListing records the facts of the listing written as text.
func (c *checker) noteListing(text string, f listingFacts) {
	if c.listings == nil {
		c.listings = map[string]listingFacts{}
	}
	if prev, ok := c.listings[text]; ok {
		f.stopped = f.stopped && prev.stopped
		f.filtered = f.filtered && prev.filtered
	}
	c.listings[text] = f
}

// markListings flags the listing words whose listing holds only containers
// that are not running, so the verdicts know nothing is killed, and those
// whose listing is already filtered, for the advice.
func (c *checker) markListings(ws []dockercli.Word) {
	for i, w := range ws {
		if !w.FromListing {
			continue
		}
		f := c.listings[listingSource(w)]
		ws[i].Stopped = ws[i].Stopped || f.stopped
		ws[i].Filtered = ws[i].Filtered || f.filtered
	}
}

// listingSubst reports whether a command substitution lists containers.
func (c *checker) listingSubst(u *unit, cs *syntax.CmdSubst) (bool, string) {
	if c.listingCache == nil {
		c.listingCache = map[*syntax.CmdSubst]string{}
	}
	if text, ok := c.listingCache[cs]; ok {
		return text != "", text
	}
	text, _ := c.listingIn(u, cs.Stmts)
	c.listingCache[cs] = text
	return text != "", text
}

// endOf returns the end offset of a call. After error recovery the parser
// may have invented a closing token without a position; then the end of
// the last real token counts.
func endOf(u *unit, ce *syntax.CallExpr) int {
	if p := ce.End(); p.IsValid() {
		return off(u, p)
	}
	end := 0
	syntax.Walk(ce, func(n syntax.Node) bool {
		if l, ok := n.(*syntax.Lit); ok && l.ValueEnd.IsValid() {
			end = max(end, off(u, l.ValueEnd))
		}
		return true
	})
	return end
}

// unquoter drops the quotes of a halt key; it is built once because
// building a Replacer costs more than using it.
var unquoter = strings.NewReplacer(`"`, "", "'", "")
