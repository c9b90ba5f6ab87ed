package sdk

import (
	"go/ast"
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
// the package).
type Stops struct {
	p     *resolve.Pkg
	funcs map[*types.Func]bool
}

// NewStops summarises which functions of the package's files stop a
// container gracefully.
func NewStops(p *resolve.Pkg, files []*ast.File) *Stops {
	s := &Stops{p: p, funcs: map[*types.Func]bool{}}
	calls := map[*types.Func][]*types.Func{}
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
				if s.direct(fd.Body, call) {
					s.funcs[obj] = true
				} else if callee, ok := p.CalleeOf(call); ok && callee.Func != nil {
					calls[obj] = append(calls[obj], callee.Func)
				}
				return true
			})
		}
	}
	for changed := true; changed; {
		changed = false
		for f, cs := range calls {
			if s.funcs[f] {
				continue
			}
			for _, g := range cs {
				if s.funcs[g] {
					s.funcs[f], changed = true, true
					break
				}
			}
		}
	}
	return s
}

// direct reports whether call is an SDK stop that gives the container time
// to shut down. Restarts do not count: the container runs again after them.
func (s *Stops) direct(body *ast.BlockStmt, call *ast.CallExpr) bool {
	c, ok := IsClientCall(s.p, call)
	if !ok {
		return false
	}
	switch c.Name {
	case "ContainerStop", "StopContainer", "StopContainerWithContext":
		return StopKills(s.p, body, c, call) == ""
	}
	return false
}

// Graceful reports whether call stops a container gracefully, directly or
// through a function of the package.
func (s *Stops) Graceful(body *ast.BlockStmt, call *ast.CallExpr) bool {
	if s.direct(body, call) {
		return true
	}
	c, ok := s.p.CalleeOf(call)
	return ok && c.Func != nil && s.funcs[c.Func]
}

// StoppedBefore reports whether a graceful stop runs before the node at cur
// on every path that reaches it: in a statement that precedes it in one of
// the blocks that enclose it, within the same function and the same loop
// iteration. Stops inside a branch that does not enclose cur, inside a
// function literal, or before the loop that holds cur do not count.
func (s *Stops) StoppedBefore(cur inspector.Cursor) bool {
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
			if s.stmtStops(body, st) {
				return true
			}
		}
	}
	return false
}

// stmtStops reports whether st certainly runs a graceful stop: the stop is
// the statement itself or part of its expressions, not inside a nested
// block, branch or function literal.
func (s *Stops) stmtStops(body *ast.BlockStmt, st ast.Stmt) bool {
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
	found := false
	for _, x := range exprs {
		ast.Inspect(x, func(n ast.Node) bool {
			if found {
				return false
			}
			switch n := n.(type) {
			case *ast.FuncLit:
				return false
			case *ast.CallExpr:
				if s.Graceful(body, n) {
					found = true
					return false
				}
			}
			return true
		})
	}
	return found
}
