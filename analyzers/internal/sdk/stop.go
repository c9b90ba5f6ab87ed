package sdk

import (
	"go/ast"
	"go/token"
	"go/types"
	"strconv"

	"github.com/dockguard/dockguard/analyzers/internal/resolve"
	"github.com/dockguard/dockguard/dockercli"
	"golang.org/x/tools/go/ast/inspector"
)

// IsStopMethod reports whether name is an SDK method that stops (or
// restarts) a container with a timeout.
func IsStopMethod(name string) bool {
	switch name {
	case "ContainerStop", "ContainerRestart", "StopContainer", "RestartContainer", "StopContainerWithContext":
		return true
	}
	return false
}

// StopKills judges a stop call c (see IsStopMethod) made at call inside
// body: it returns why the call kills the container at once (a zero
// timeout, the KILL signal), or "" when it stops gracefully or its values
// are not known.
func StopKills(p *resolve.Pkg, body *ast.BlockStmt, c resolve.Callee, call *ast.CallExpr) string {
	switch c.Name {
	case "StopContainer", "RestartContainer", "StopContainerWithContext":
		if len(call.Args) >= 2 && AnyZero(p.Scalar(body, call.Args[1], call.Pos())) {
			return "a timeout of 0 sends SIGKILL at once, skipping the graceful shutdown; give it time (for example 10 seconds)"
		}
		return ""
	}
	if opt := OptionsArg(p, c, call, StopOptions, -1); opt != nil {
		for _, v := range p.Field(body, opt, call.Pos(), "Timeout") {
			if v.Expr != nil && AnyZero(p.PointsAt(body, v.Expr, call.Pos())) {
				return "Timeout 0 sends SIGKILL at once, skipping the graceful shutdown; give it time (for example 10 seconds) or leave Timeout nil for the default"
			}
		}
		for _, v := range p.Field(body, opt, call.Pos(), "Signal") {
			if s, ok := v.String(); ok && dockercli.IsKillSignal(s) {
				return "Signal " + strconv.Quote(s) + " stops with SIGKILL, skipping the graceful shutdown; keep the default signal and a timeout"
			}
		}
		return ""
	}
	// Legacy clients: ContainerStop(ctx, id, timeout *time.Duration).
	if len(call.Args) == 3 && !p.IsNil(call.Args[2]) {
		if AnyZero(p.PointsAt(body, call.Args[2], call.Pos())) {
			return "a zero timeout sends SIGKILL at once, skipping the graceful shutdown; give it time (for example 10 seconds)"
		}
	}
	return ""
}

// AnyZero reports whether any possible value is a known zero (or unset).
func AnyZero(vals []resolve.Value) bool {
	for _, v := range vals {
		if v.State == resolve.Known && v.IsZero() || v.State == resolve.Absent {
			return true
		}
	}
	return false
}

// Stops finds graceful stops: SDK calls of ContainerStop, StopContainer or
// StopContainerWithContext that do not kill at once, and calls of the
// package's own functions that make one (through any chain of calls within
// the package), together with the container each one stops.
type Stops struct {
	p *resolve.Pkg
	// funcs holds, for each function of the package that stops a
	// container, the targets it stops in its own terms: roots may be its
	// parameters or receiver, which a call maps to its arguments.
	funcs map[*types.Func][]Target
	more  []StopFunc
}

// maxTargets bounds what one function is recorded to stop; beyond it the
// function stops "something", an unknown target.
const maxTargets = 16

// edge is a call from one function of the package to another.
type edge struct {
	caller, callee *types.Func
	body           *ast.BlockStmt
	call           *ast.CallExpr
}

// StopFunc recognises graceful stops that are not SDK calls (a
// `docker stop` command run through os/exec), and the container stopped.
type StopFunc func(body *ast.BlockStmt, call *ast.CallExpr) (Target, bool)

// NewStops summarises which functions of the package's files stop a
// container gracefully, and which containers. Besides the SDK's stops,
// calls that one of more recognises count as stops too.
func NewStops(p *resolve.Pkg, files []*ast.File, more ...StopFunc) *Stops {
	s := &Stops{p: p, funcs: map[*types.Func][]Target{}, more: more}
	seen := map[*types.Func]map[string]bool{}
	add := func(f *types.Func, t Target) bool {
		if seen[f] == nil {
			seen[f] = map[string]bool{}
		}
		if len(seen[f]) >= maxTargets {
			t = Target{}
		}
		k := t.key()
		if seen[f][k] {
			return false
		}
		seen[f][k] = true
		s.funcs[f] = append(s.funcs[f], t)
		return true
	}
	var edges []edge
	for _, f := range files {
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Body == nil {
				continue
			}
			obj, ok := p.Info.Defs[fd.Name].(*types.Func)
			if !ok {
				continue
			}
			ast.Inspect(fd.Body, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				if t, ok := s.direct(fd.Body, call); ok {
					add(obj, t)
				} else if callee, ok := p.CalleeOf(call); ok && callee.Func != nil {
					edges = append(edges, edge{obj, callee.Func.Origin(), fd.Body, call})
				}
				return true
			})
		}
	}
	for changed := true; changed; {
		changed = false
		for _, e := range edges {
			for _, t := range s.funcs[e.callee] {
				if add(e.caller, s.through(e.body, e.call, e.callee, t)) {
					changed = true
				}
			}
		}
	}
	return s
}

// direct reports whether call is an SDK stop that gives the container time
// to shut down, and the container it stops. Restarts do not count: the
// container runs again after them.
func (s *Stops) direct(body *ast.BlockStmt, call *ast.CallExpr) (Target, bool) {
	for _, m := range s.more {
		if t, ok := m(body, call); ok {
			return t, true
		}
	}
	c, ok := IsClientCall(s.p, call)
	if !ok {
		return Target{}, false
	}
	var arg int
	switch c.Name {
	case "ContainerStop":
		arg = 1 // (ctx, id, options)
	case "StopContainer", "StopContainerWithContext":
		arg = 0 // (id, timeout[, ctx])
	default:
		return Target{}, false
	}
	if StopKills(s.p, body, c, call) != "" {
		return Target{}, false
	}
	if arg >= len(call.Args) {
		return Target{}, true
	}
	return TargetOf(s.p, body, call.Args[arg]), true
}

// through maps a target t that callee stops, in callee's terms, to the
// caller's terms at call: a parameter becomes the argument passed for it,
// the receiver the receiver expression. Package-level variables and
// constants stay as they are; the callee's local variables are unknown.
func (s *Stops) through(body *ast.BlockStmt, call *ast.CallExpr, callee *types.Func, t Target) Target {
	if t.kind != pathTarget {
		return t
	}
	if v, ok := t.root.(*types.Var); ok && v.Pkg() != nil && v.Parent() == v.Pkg().Scope() {
		return t
	}
	sig, ok := callee.Type().(*types.Signature)
	if !ok {
		return Target{}
	}
	fun := ast.Unparen(call.Fun)
	if ix, ok := fun.(*ast.IndexExpr); ok {
		fun = ast.Unparen(ix.X)
	} else if ix, ok := fun.(*ast.IndexListExpr); ok {
		fun = ast.Unparen(ix.X)
	}
	shift := 0
	var recv ast.Expr
	if sel, ok := fun.(*ast.SelectorExpr); ok {
		if selection, ok := s.p.Info.Selections[sel]; ok {
			switch selection.Kind() {
			case types.MethodVal:
				recv = sel.X
			case types.MethodExpr:
				shift = 1
				if len(call.Args) > 0 {
					recv = call.Args[0]
				}
			}
		}
	}
	var base Target
	switch {
	case sig.Recv() != nil && t.root == sig.Recv():
		base = TargetOf(s.p, body, recv)
	default:
		i := -1
		for j := 0; j < sig.Params().Len(); j++ {
			if sig.Params().At(j) == t.root {
				i = j
			}
		}
		if i < 0 || sig.Variadic() && i == sig.Params().Len()-1 {
			return Target{}
		}
		if len(call.Args) != sig.Params().Len()+shift {
			return Target{} // f(g()) with several results
		}
		base = TargetOf(s.p, body, call.Args[i+shift])
	}
	for _, st := range t.chain {
		base = base.with(st)
	}
	return base
}

// stopped reports whether call stops a container gracefully, directly or
// through a function of the package, and the containers it stops.
func (s *Stops) stopped(body *ast.BlockStmt, call *ast.CallExpr) ([]Target, bool) {
	if t, ok := s.direct(body, call); ok {
		return []Target{t}, true
	}
	c, ok := s.p.CalleeOf(call)
	if !ok || c.Func == nil {
		return nil, false
	}
	f := c.Func.Origin()
	ts := s.funcs[f]
	if len(ts) == 0 {
		return nil, false
	}
	out := make([]Target, 0, len(ts))
	for _, t := range ts {
		out = append(out, s.through(body, call, f, t))
	}
	return out, true
}

// Graceful reports whether call stops a container gracefully, directly or
// through a function of the package.
func (s *Stops) Graceful(body *ast.BlockStmt, call *ast.CallExpr) bool {
	_, ok := s.stopped(body, call)
	return ok
}

// StoppedBefore reports whether a graceful stop of one of removed (the
// containers a removal at cur acts on) runs before the node at cur on every
// path that reaches it: in a statement that precedes it in one of the
// blocks that enclose it, within the same function and the same loop
// iteration. Stops inside a branch that does not enclose cur, inside a
// function literal, or before the loop that holds cur do not count.
//
// A stop counts when its target and a removed one are the same (see
// compare), and also when they cannot be told apart: an unknown target on
// either side, say an ID computed by a call, is given the benefit of the
// doubt, since a false report on a program that stops before it removes
// costs more than a missed one on a program that already stops. A stop of
// a provably different container (another variable, another field, another
// constant, or the same variable assigned again between the stop and the
// removal) does not count. An empty removed counts any stop.
func (s *Stops) StoppedBefore(cur inspector.Cursor, removed []Target) bool {
	return s.stoppedBefore(cur, removed, false)
}

// StoppedBeforeChecked is StoppedBefore for stops whose failure ends the
// path: the stop is the init of `if err := stop(...); err != nil { ... }`
// whose body ends in a return, a panic or a branch out. The code after it
// then runs only on a container that existed and stopped.
func (s *Stops) StoppedBeforeChecked(cur inspector.Cursor, removed []Target) bool {
	return s.stoppedBefore(cur, removed, true)
}

func (s *Stops) stoppedBefore(cur inspector.Cursor, removed []Target, checked bool) bool {
	body := resolve.EnclosingFunc(cur)
	pos := cur.Node().Pos()
	for e := range cur.Enclosing() {
		var stmts []ast.Stmt
		switch n := e.Node().(type) {
		case *ast.FuncDecl, *ast.FuncLit:
			return false
		case *ast.ForStmt, *ast.RangeStmt:
			// A stop before the loop cannot have stopped every container
			// the loop removes.
			return false
		case *ast.BlockStmt:
			stmts = n.List
		case *ast.CaseClause:
			stmts = n.Body
		case *ast.CommClause:
			stmts = n.Body
		default:
			continue
		}
		for _, st := range stmts {
			if st.Pos() >= pos {
				break
			}
			if checked && !endsOnError(st) {
				continue
			}
			for _, stop := range s.stmtStops(body, st) {
				if s.matches(body, stop, removed, pos) {
					return true
				}
			}
		}
	}
	return false
}

// aStop is one graceful stop call and the containers it stops.
type aStop struct {
	call    *ast.CallExpr
	targets []Target
}

// matches reports whether stop may have stopped one of removed, removed at
// pos.
func (s *Stops) matches(body *ast.BlockStmt, stop aStop, removed []Target, pos token.Pos) bool {
	if len(removed) == 0 {
		return true
	}
	for _, t := range stop.targets {
		if assignedBetween(s.p, body, t.objects(), stop.call.End(), pos) {
			continue // the variable now holds another container
		}
		for _, r := range removed {
			if compare(t, r) != different {
				return true
			}
		}
	}
	return false
}

// stmtStops returns the graceful stops that st certainly runs: the stop is
// the statement itself or part of its expressions, not inside a nested
// block, branch or function literal.
func (s *Stops) stmtStops(body *ast.BlockStmt, st ast.Stmt) []aStop {
	var exprs []ast.Expr
	switch st := st.(type) {
	case *ast.ExprStmt:
		exprs = []ast.Expr{st.X}
	case *ast.AssignStmt:
		exprs = st.Rhs
	case *ast.IfStmt:
		// if err := stop(...); err != nil { ... }: the init always runs.
		if st.Init != nil {
			return s.stmtStops(body, st.Init)
		}
		exprs = []ast.Expr{st.Cond}
	case *ast.DeclStmt:
		if gd, ok := st.Decl.(*ast.GenDecl); ok {
			for _, sp := range gd.Specs {
				if vs, ok := sp.(*ast.ValueSpec); ok {
					exprs = append(exprs, vs.Values...)
				}
			}
		}
	}
	var out []aStop
	for _, x := range exprs {
		ast.Inspect(x, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncLit:
				return false
			case *ast.CallExpr:
				if ts, ok := s.stopped(body, n); ok {
					out = append(out, aStop{n, ts})
					return false
				}
			}
			return true
		})
	}
	return out
}

// endsOnError reports `if ...; err != nil { ...; return }` (or panic, or a
// branch out of the block): an if statement with an init, a condition
// comparing a variable the init assigns with nil, and a body that does
// not fall through.
func endsOnError(st ast.Stmt) bool {
	ifs, ok := st.(*ast.IfStmt)
	if !ok || ifs.Init == nil || ifs.Else != nil || len(ifs.Body.List) == 0 {
		return false
	}
	as, ok := ifs.Init.(*ast.AssignStmt)
	if !ok {
		return false
	}
	cond, ok := ifs.Cond.(*ast.BinaryExpr)
	if !ok || cond.Op != token.NEQ {
		return false
	}
	x, ok := cond.X.(*ast.Ident)
	if y, isIdent := cond.Y.(*ast.Ident); !ok || !isIdent || y.Name != "nil" {
		return false
	}
	assigned := false
	for _, l := range as.Lhs {
		if id, ok := l.(*ast.Ident); ok && id.Name == x.Name {
			assigned = true
		}
	}
	if !assigned {
		return false
	}
	switch last := ifs.Body.List[len(ifs.Body.List)-1].(type) {
	case *ast.ReturnStmt, *ast.BranchStmt:
		return true
	case *ast.ExprStmt:
		if call, ok := last.X.(*ast.CallExpr); ok {
			if id, ok := call.Fun.(*ast.Ident); ok && id.Name == "panic" {
				return true
			}
		}
	}
	return false
}
