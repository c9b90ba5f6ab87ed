package shell

import (
	"fmt"
	"strings"

	"github.com/dockguard/dockguard/dockercli"
	"github.com/dockguard/dockguard/rules"
	"mvdan.cc/sh/v3/syntax"
)

// FixHost adapts the fixes the shell front end writes to the file that
// holds the code: a Makefile recipe escapes `$`, a YAML block indents, a
// JSON string escapes quotes. A nil FixHost means the code is the file.
type FixHost interface {
	// Text returns generated shell code as the host file must spell it,
	// or false when the host cannot hold it.
	Text(code string) (string, bool)
	// Copy returns the host file's own text for the code range [s, e),
	// so that a fix repeats a word exactly as it is written ($(DOCKER),
	// ${{ inputs.name }}), or false when that range is not the file's
	// text.
	Copy(s, e int) (string, bool)
}

// fixer builds one fix in the top-level code: edits given in code offsets,
// their text made of generated pieces and copies of the code.
type fixer struct {
	c     *checker
	u     *unit
	edits []rules.Edit
	ok    bool
}

// fixable reports whether fixes can be written for findings in u: the
// top-level code of a file that parsed, while findings are reported.
func (c *checker) fixable(u *unit) bool {
	return u == c.top && c.probe == nil && c.running == 0 && c.collect == nil
}

func (c *checker) newFixer(u *unit) *fixer { return &fixer{c: c, u: u, ok: c.fixable(u)} }

// gen is generated shell code.
func (b *fixer) gen(code string) string {
	if !b.ok {
		return ""
	}
	if b.c.host == nil {
		return code
	}
	t, ok := b.c.host.Text(code)
	b.ok = b.ok && ok
	return t
}

// copy is the file's text for the code range [s, e).
func (b *fixer) copy(s, e int) string {
	if !b.ok || s < 0 || e < s || e > len(b.u.src) {
		b.ok = false
		return ""
	}
	if b.c.host == nil {
		fs, fe := b.c.fileRange(b.u, s, e)
		return string(b.c.fileSrc[fs:fe])
	}
	t, ok := b.c.host.Copy(s, e)
	b.ok = b.ok && ok
	return t
}

// word is the file's text of an argv word.
func (b *fixer) word(w dockercli.Word) string { return b.copy(w.Start, w.End) }

// replace replaces the code range [s, e) with text (already host text).
func (b *fixer) replace(s, e int, text string) {
	if !b.ok || s < 0 || e < s || e > len(b.u.src) {
		b.ok = false
		return
	}
	fs, fe := b.c.fileRange(b.u, s, e)
	if e == s {
		fe = fs
	}
	b.edits = append(b.edits, rules.Edit{Start: fs, End: fe, NewText: text})
}

// remove deletes an argv word and the blanks after it (or, at the end of
// a line, before it).
func (b *fixer) remove(w dockercli.Word) { b.removeRange(w.Start, w.End) }

// removeRange deletes [s, e) and the blanks after it (or, at the end of a
// line, before it).
func (b *fixer) removeRange(s, e int) {
	src := b.u.src
	if s < 0 || e > len(src) || e < s {
		b.ok = false
		return
	}
	switch {
	case e < len(src) && (src[e] == ' ' || src[e] == '\t'):
		for e < len(src) && (src[e] == ' ' || src[e] == '\t') {
			e++
		}
	default:
		for s > 0 && (src[s-1] == ' ' || src[s-1] == '\t') {
			s--
		}
	}
	b.replace(s, e, "")
}

// result returns the fix, or nil when some piece could not be written.
func (b *fixer) result() []rules.Edit {
	if !b.ok || len(b.edits) == 0 {
		return nil
	}
	return b.edits
}

// place says where a command's statement stands, which decides whether
// text can be put before it with `;`.
type place struct {
	// list is the statement of a statement list whose leftmost command
	// the statement is (itself, or through the left sides of && and ||),
	// when that statement runs in the foreground and is not negated: code
	// inserted before it with `;` runs first and changes nothing else.
	list *syntax.Stmt
	// orTrue is set when the statement is the left side of `|| true`
	// (or `|| :`): its failure is ignored.
	orTrue bool
}

// placeOf finds where s stands in the top-level file.
func (c *checker) placeOf(s *syntax.Stmt) place {
	if c.parents == nil {
		c.indexStmts()
	}
	var p place
	if par, ok := c.parents[s]; ok {
		if b, ok := par.Cmd.(*syntax.BinaryCmd); ok && b.X == s && b.Op == syntax.OrStmt && isTrue(b.Y) {
			p.orTrue = true
		}
	}
	for cur := s; ; {
		par, ok := c.parents[cur]
		if !ok {
			if c.listed[cur] && !cur.Background && !cur.Negated && !cur.Coprocess && !cur.Disown {
				p.list = cur
			}
			return p
		}
		b, ok := par.Cmd.(*syntax.BinaryCmd)
		if !ok || b.X != cur || (b.Op != syntax.AndStmt && b.Op != syntax.OrStmt) {
			return p
		}
		cur = par
	}
}

// isTrue reports whether s is a plain `true` or `:`.
func isTrue(s *syntax.Stmt) bool {
	ce, ok := s.Cmd.(*syntax.CallExpr)
	if !ok || len(ce.Args) != 1 || len(ce.Assigns) > 0 || len(s.Redirs) > 0 || s.Negated || s.Background {
		return false
	}
	lit := ce.Args[0].Lit()
	return lit == "true" || lit == ":"
}

// indexStmts records, for the top-level file, the statements that are
// elements of a statement list and the parent of each side of a binary
// command.
func (c *checker) indexStmts() {
	c.parents = map[*syntax.Stmt]*syntax.Stmt{}
	c.listed = map[*syntax.Stmt]bool{}
	list := func(ss []*syntax.Stmt) {
		for _, s := range ss {
			c.listed[s] = true
		}
	}
	var root syntax.Node = c.topFile
	if c.topFile == nil {
		// Streamed: only the statement being walked can get a fix (the
		// bodies of functions it calls are not fixed), and it is an
		// element of the file's statement list.
		if c.topStmt == nil {
			return
		}
		root = c.topStmt
		list([]*syntax.Stmt{c.topStmt})
	}
	syntax.Walk(root, func(n syntax.Node) bool {
		switch n := n.(type) {
		case *syntax.File:
			list(n.Stmts)
		case *syntax.Block:
			list(n.Stmts)
		case *syntax.Subshell:
			list(n.Stmts)
		case *syntax.CmdSubst:
			list(n.Stmts)
		case *syntax.ProcSubst:
			list(n.Stmts)
		case *syntax.IfClause:
			list(n.Cond)
			list(n.Then)
		case *syntax.WhileClause:
			list(n.Cond)
			list(n.Do)
		case *syntax.ForClause:
			list(n.Do)
		case *syntax.CaseItem:
			list(n.Stmts)
		case *syntax.Stmt:
			if b, ok := n.Cmd.(*syntax.BinaryCmd); ok {
				c.parents[b.X] = n
				c.parents[b.Y] = n
			}
		}
		return true
	})
}

// site is a command line being fixed.
type site struct {
	u          *unit
	stmt       *syntax.Stmt
	ce         *syntax.CallExpr
	inv        *dockercli.Invocation
	uw         dockercli.Unwrapped
	start, end int // the call, in u
}

// fixFor returns the fix of a verdict on the command at st, or nil.
func (c *checker) fixFor(st *site, vd dockercli.Verdict) []rules.Edit {
	if !c.fixable(st.u) || st.uw.Runner != "" || len(st.inv.PathIndex) == 0 {
		return nil
	}
	for _, r := range st.stmt.Redirs {
		if r.Hdoc != nil {
			return nil
		}
	}
	switch vd.Rule {
	case dockercli.RuleForceRemoveContainer:
		return c.fixForceRemove(st)
	case dockercli.RuleKill:
		return c.fixKill(st)
	case dockercli.RuleMassForceRemove:
		return c.fixMass(st, vd.Base)
	}
	return nil
}

// explain adds to the message of a finding without a fix why it has none,
// when the run applies or prints fixes.
func (c *checker) explain(vd dockercli.Verdict, msg string) string {
	fs := c.fixSettings()
	if fs == nil || !fs.Explain || vd.Rule != dockercli.RuleMassForceRemove {
		return msg
	}
	if fs.Label == "" {
		return msg + "; no automatic fix: which containers are yours cannot be guessed, give --fix-label KEY=VALUE (or fix.label in .dockguard.yaml) to get one"
	}
	return msg
}

// prefix is the file's text of the command line up to its first
// subcommand word: wrappers, the binary and its global flags
// (`sudo docker -H ssh://h `).
func (b *fixer) prefix(st *site) string {
	return b.copy(st.start, st.inv.Argv[st.inv.PathIndex[0]].Start)
}

// targets is the file's text of the positional arguments, each word once
// (a constant split into several words is written once).
func (b *fixer) targets(inv *dockercli.Invocation) string {
	var parts []string
	last := -1
	for _, a := range inv.Args {
		if a.Start < 0 {
			b.ok = false
			return ""
		}
		if a.Start == last {
			continue
		}
		last = a.Start
		parts = append(parts, b.word(a))
	}
	return strings.Join(parts, " ")
}

// before puts code to run first in front of the statement: after its
// list statement with `;`, or in a group with it when it is not alone.
func (b *fixer) before(st *site, code string, group *syntax.Stmt) {
	p := b.c.placeOf(st.stmt)
	if p.list != nil && p.list.Pos() == st.stmt.Pos() {
		b.replace(st.start, st.start, code+b.gen("; "))
		return
	}
	gs, ge := off(b.u, group.Pos()), stmtEnd(b.u, group, st)
	b.replace(gs, gs, b.gen("{ ")+code+b.gen("; "))
	b.replace(ge, ge, b.gen("; }"))
}

// fixSettings are the configured fix settings, or nil for the defaults.
func (c *checker) fixSettings() *rules.FixSettings {
	if c.cfg == nil {
		return nil
	}
	return &c.cfg.Fix
}

// stmtEnd is where the command of s and its redirections end: before a
// trailing `&` or `;`, which must stay outside a group.
func stmtEnd(u *unit, s *syntax.Stmt, st *site) int {
	end := st.end
	for _, r := range s.Redirs {
		end = max(end, off(u, r.End()))
	}
	return end
}

func (c *checker) timeout() int { return c.fixSettings().Timeout() }

// fixForceRemove writes DG101's fix: a graceful stop of the same targets
// before the removal. Since Docker 20.10 (docker/cli#2678), `rm -f` of a
// missing container prints an error and still exits 0, so a plain
// `stop && rm` would fail where the original succeeded. The stop's output
// is discarded and the removal keeps -f: on containers that stop just
// stopped it kills nothing, and a missing container still succeeds. Only
// where the original's failure is ignored anyway (`|| true`) -f is
// dropped.
func (c *checker) fixForceRemove(st *site) []rules.Edit {
	inv := st.inv
	if len(inv.Args) == 0 || inv.FromListing() {
		return nil
	}
	b := c.newFixer(st.u)
	verb := "stop"
	if inv.Path[0] == "pod" {
		verb = "pod stop"
	}
	stop := b.prefix(st) + b.gen(fmt.Sprintf("%s --time %d ", verb, c.timeout())) + b.targets(inv) + b.gen(" >/dev/null 2>&1 || true")
	p := c.placeOf(st.stmt)
	if p.orTrue {
		if !b.dropForce(inv) {
			return nil
		}
	}
	b.before(st, stop, st.stmt)
	return b.result()
}

// dropForce removes the force flag from the command, rewriting a cluster
// such as -fv to -v. It reports false when that cannot be done safely.
func (b *fixer) dropForce(inv *dockercli.Invocation) bool {
	var force []dockercli.Flag
	for _, f := range inv.Flags {
		if f.Name == "force" {
			force = append(force, f)
		}
	}
	if len(force) != 1 {
		return false
	}
	f := force[0]
	w := inv.Argv[f.Index]
	if !b.unique(inv, w) || b.word(w) != f.Written {
		return false
	}
	switch {
	case f.Written == "-f" || strings.HasPrefix(f.Written, "--force"):
		b.remove(w)
	case len(f.Written) > 2 && f.Written[0] == '-' && f.Written[1] != '-' && strings.Count(f.Written, "f") == 1 && isLetters(f.Written[1:]):
		b.replace(w.Start, w.End, b.gen(strings.Replace(f.Written, "f", "", 1)))
	default:
		return false
	}
	return b.ok
}

func isLetters(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 'a' || s[i] > 'z' {
			return false
		}
	}
	return s != ""
}

// unique reports whether w is the only argv word written at its range (a
// constant split into fields shares one range).
func (b *fixer) unique(inv *dockercli.Invocation, w dockercli.Word) bool {
	if w.Start < 0 {
		return false
	}
	n := 0
	for _, a := range inv.Argv {
		if a.Start == w.Start {
			n++
		}
	}
	return n == 1
}

// flagWords removes every occurrence of the named flag with its value.
func (b *fixer) dropFlag(inv *dockercli.Invocation, name string) {
	for _, f := range inv.Flags {
		if f.Name != name {
			continue
		}
		w := inv.Argv[f.Index]
		if !b.unique(inv, w) || b.word(w) != f.Written {
			b.ok = false
			return
		}
		end := w.End
		if f.HasValue && f.Index+1 < len(inv.Argv) && inv.Argv[f.Index+1].Start == f.Value.Start && f.Value.Start != w.Start {
			end = inv.Argv[f.Index+1].End // the flag and its value go together
		}
		b.removeRange(w.Start, end)
	}
}

// setTime replaces every occurrence of the named time flag (and its
// value) with --NAME N.
func (b *fixer) setTime(inv *dockercli.Invocation, name string, n int) {
	done := false
	for _, f := range inv.Flags {
		if f.Name != name {
			continue
		}
		w := inv.Argv[f.Index]
		if !b.unique(inv, w) || b.word(w) != f.Written {
			b.ok = false
			return
		}
		end := w.End
		if f.HasValue && f.Index+1 < len(inv.Argv) && inv.Argv[f.Index+1].Start == f.Value.Start && f.Value.Start != w.Start {
			end = inv.Argv[f.Index+1].End
		}
		if done {
			b.removeRange(w.Start, end)
			continue
		}
		b.replace(w.Start, end, b.gen(fmt.Sprintf("--%s %d", name, n)))
		done = true
	}
	if !done {
		b.ok = false
	}
}

// verbWord is the argv word of the last subcommand word (kill, stop).
func verbWord(inv *dockercli.Invocation) dockercli.Word {
	return inv.Argv[inv.PathIndex[len(inv.PathIndex)-1]]
}

// fixKill writes DG104's fix: `kill` becomes `stop --time N`, a zero stop
// time becomes N, and a SIGKILL stop signal goes.
func (c *checker) fixKill(st *site) []rules.Edit {
	inv := st.inv
	b := c.newFixer(st.u)
	n := c.timeout()
	timeFlag := "time"
	if inv.Path[0] == "compose" {
		timeFlag = "timeout"
	}
	switch inv.Cmd() {
	case "container kill", "pod kill", "compose kill":
		v := verbWord(inv)
		if b.copy(v.Start, v.End) != "kill" {
			return nil
		}
		b.replace(v.Start, v.End, b.gen(fmt.Sprintf("stop --%s %d", timeFlag, n)))
		b.dropFlag(inv, "signal")
	case "container stop", "container restart", "pod stop", "pod restart", "compose stop", "compose restart", "compose down":
		if _, ok := inv.Lookup("signal"); ok {
			b.dropFlag(inv, "signal")
		}
		if _, ok := inv.Lookup(timeFlag); ok {
			b.setTime(inv, timeFlag, n)
		} else {
			v := verbWord(inv)
			b.replace(v.End, v.End, b.gen(fmt.Sprintf(" --%s %d", timeFlag, n)))
		}
	default:
		return nil
	}
	return b.result()
}

func volumesOn(inv *dockercli.Invocation) bool {
	set, certain := inv.Bool("volumes")
	return set && certain
}

// fixMass writes DG105's fix, the bounded graceful form its message
// advises, scoped to the label the user gave (--fix-label): the label
// cannot be guessed, so without one there is no fix.
func (c *checker) fixMass(st *site, base string) []rules.Edit {
	fs := c.fixSettings()
	inv := st.inv
	if fs == nil || fs.Label == "" || len(st.ce.Assigns) > 0 || len(inv.Args) == 0 || inv.Path[0] != "container" {
		return nil
	}
	for _, a := range inv.Args {
		if !a.FromListing {
			return nil
		}
	}
	b := c.newFixer(st.u)
	p := b.prefix(st)
	filter := " --filter label=" + fs.Label
	par := min(3, c.limit)
	stop := p + b.gen(fmt.Sprintf("ps -q%s | xargs -r -n1 -P%d ", filter, par)) + p + b.gen(fmt.Sprintf("stop --time %d", c.timeout()))
	code := stop
	switch {
	case base == dockercli.RuleKill:
	case volumesOn(inv):
		// One `docker rm` of many IDs removes up to 50 at once (the CLI's
		// parallel operation), so the removal is bounded like the stop.
		code += b.gen("; ") + p + b.gen(fmt.Sprintf("ps -aq%s | xargs -r -n1 -P%d ", filter, par)) + p + b.gen("rm -v")
	default:
		code += b.gen("; ") + p + b.gen("container prune -f"+filter)
	}
	pl := c.placeOf(st.stmt)
	if pl.list != nil && pl.list == st.stmt && len(st.stmt.Redirs) == 0 {
		b.replace(st.start, st.end, code)
	} else {
		b.replace(st.start, st.end, b.gen("{ ")+code+b.gen("; }"))
	}
	return b.result()
}
