package sdk

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"strings"

	"github.com/dockguard/dockguard/analyzers/internal/resolve"
)

// Target names the container a stop or a removal acts on, as far as the
// source says: a constant string (an ID or a name), or an access path
// rooted at a variable (id, c.ID, resp.ID, list[0].ID, r.Container.ID).
// The zero Target is unknown: a call result, a computed string, a variable
// local to another function.
type Target struct {
	kind  targetKind
	val   string       // the constant, for constTarget
	root  types.Object // for pathTarget
	chain []step       // field selections and indexes after root
}

type targetKind int

const (
	unknownTarget targetKind = iota
	constTarget
	pathTarget
)

// step is one selection in an access path.
type step struct {
	kind stepKind
	name string       // field name, or constant index
	obj  types.Object // variable index
}

type stepKind int

const (
	fieldStep stepKind = iota
	constIndex
	varIndex
	unknownIndex
)

// maxChain bounds access paths, so that recursive helpers that stop
// x.next.ID, x.next.next.ID, ... reach a fixed point.
const maxChain = 6

// Known reports whether the target could be named.
func (t Target) Known() bool { return t.kind != unknownTarget }

// Field returns the target reached by selecting the named fields of t
// (r.Container.ID from r).
func (t Target) Field(names ...string) Target {
	if t.kind != pathTarget {
		return Target{}
	}
	for _, n := range names {
		t = t.with(step{kind: fieldStep, name: n})
	}
	return t
}

func (t Target) with(s step) Target {
	if t.kind != pathTarget || len(t.chain) >= maxChain {
		return Target{}
	}
	chain := make([]step, len(t.chain)+1)
	copy(chain, t.chain)
	chain[len(t.chain)] = s
	t.chain = chain
	return t
}

// key identifies the target for deduplication.
func (t Target) key() string {
	switch t.kind {
	case constTarget:
		return "c:" + t.val
	case pathTarget:
		var b strings.Builder
		fmt.Fprintf(&b, "p:%p", t.root)
		for _, s := range t.chain {
			switch s.kind {
			case fieldStep:
				b.WriteString("." + s.name)
			case constIndex:
				b.WriteString("[" + s.name + "]")
			case varIndex:
				fmt.Fprintf(&b, "[%p]", s.obj)
			default:
				b.WriteString("[?]")
			}
		}
		return b.String()
	}
	return "?"
}

// objects returns the variables whose value the target depends on: the
// root and the variable indexes.
func (t Target) objects() []types.Object {
	if t.kind != pathTarget {
		return nil
	}
	out := []types.Object{t.root}
	for _, s := range t.chain {
		if s.kind == varIndex {
			out = append(out, s.obj)
		}
	}
	return out
}

// relation is how two targets compare.
type relation int

const (
	maybeSame relation = iota // cannot tell
	same
	different
)

// compare tells whether a and b name the same container.
//
// Same: one constant, or one variable (types.Object identity) with the same
// chain of fields and constant or same-variable indexes. Different: two
// different constants, two different root variables, or the same root with
// different fields or different constant indexes; a program that stops one
// name and removes another has stopped a different container, even if the
// two could hold the same value at run time. Anything else (an unknown
// target, a constant against a variable, which may hold the name or ID the
// constant spells, indexes that may be equal, one path a prefix of the
// other) cannot be told.
func compare(a, b Target) relation {
	if a.kind == unknownTarget || b.kind == unknownTarget || a.kind != b.kind {
		return maybeSame
	}
	if a.kind == constTarget {
		if a.val == b.val {
			return same
		}
		return different
	}
	if a.root != b.root {
		return different
	}
	rel := same
	for i := 0; i < len(a.chain) && i < len(b.chain); i++ {
		x, y := a.chain[i], b.chain[i]
		switch {
		case x.kind == fieldStep || y.kind == fieldStep:
			if x.kind != y.kind || x.name != y.name {
				return different
			}
		case x.kind == constIndex && y.kind == constIndex:
			if x.name != y.name {
				return different
			}
		case x.kind == varIndex && y.kind == varIndex && x.obj == y.obj:
		default:
			rel = maybeSame
		}
	}
	if len(a.chain) != len(b.chain) {
		return maybeSame
	}
	return rel
}

// TargetOf names the container that e designates inside body (the
// enclosing function, or nil). A local variable assigned exactly once,
// from an expression that can itself be named (id := resp.ID), stands for
// that expression; conversions, parentheses, & and * are seen through.
func TargetOf(p *resolve.Pkg, body *ast.BlockStmt, e ast.Expr) Target {
	return targetOf(p, body, e, 0)
}

func targetOf(p *resolve.Pkg, body *ast.BlockStmt, e ast.Expr, depth int) Target {
	if e == nil || depth > maxChain {
		return Target{}
	}
	e = ast.Unparen(e)
	if s, ok := p.StringConst(e); ok {
		return Target{kind: constTarget, val: s}
	}
	switch x := e.(type) {
	case *ast.Ident:
		return varTarget(p, body, p.ObjectOf(x), depth)
	case *ast.SelectorExpr:
		if sel, ok := p.Info.Selections[x]; ok {
			if sel.Kind() != types.FieldVal {
				return Target{}
			}
			return targetOf(p, body, x.X, depth+1).with(step{kind: fieldStep, name: x.Sel.Name})
		}
		// A qualified identifier: a package-level variable of another package.
		return varTarget(p, body, p.ObjectOf(x.Sel), depth)
	case *ast.IndexExpr:
		base := targetOf(p, body, x.X, depth+1)
		if v := p.Const(x.Index); v != nil && v.Kind() != constant.Unknown {
			return base.with(step{kind: constIndex, name: v.ExactString()})
		}
		if id, ok := ast.Unparen(x.Index).(*ast.Ident); ok {
			if obj, ok := p.ObjectOf(id).(*types.Var); ok {
				return base.with(step{kind: varIndex, obj: obj})
			}
		}
		return base.with(step{kind: unknownIndex})
	case *ast.StarExpr:
		return targetOf(p, body, x.X, depth+1)
	case *ast.UnaryExpr:
		if x.Op == token.AND {
			return targetOf(p, body, x.X, depth+1)
		}
	case *ast.CallExpr:
		// A conversion such as string(id) names what it converts.
		if isConversion(p, x) && len(x.Args) == 1 {
			return targetOf(p, body, x.Args[0], depth+1)
		}
	}
	return Target{}
}

func varTarget(p *resolve.Pkg, body *ast.BlockStmt, obj types.Object, depth int) Target {
	v, ok := obj.(*types.Var)
	if !ok || v == nil {
		return Target{}
	}
	if body != nil && v.Pos() >= body.Pos() && v.Pos() < body.End() {
		// A local variable with a single assignment is an alias of what
		// it was assigned, when that can be named.
		if srcs := p.AssignedFrom(body, v, body.End()); len(srcs) == 1 {
			if _, isCall := ast.Unparen(srcs[0]).(*ast.CallExpr); !isCall || isConversion(p, srcs[0]) {
				if t := targetOf(p, body, srcs[0], depth+1); t.Known() {
					return t
				}
			}
		}
	}
	return Target{kind: pathTarget, root: v}
}

func isConversion(p *resolve.Pkg, e ast.Expr) bool {
	call, ok := ast.Unparen(e).(*ast.CallExpr)
	if !ok {
		return false
	}
	tv, ok := p.Info.Types[call.Fun]
	return ok && tv.IsType()
}

// assignedBetween reports whether a variable is assigned (as a whole or
// through a field or element) in body at a position in [from, to).
func assignedBetween(p *resolve.Pkg, body *ast.BlockStmt, vars []types.Object, from, to token.Pos) bool {
	if body == nil || len(vars) == 0 {
		return false
	}
	hit := func(lhs ast.Expr) bool {
		if lhs == nil {
			return false
		}
		for {
			switch x := ast.Unparen(lhs).(type) {
			case *ast.SelectorExpr:
				lhs = x.X
				continue
			case *ast.IndexExpr:
				lhs = x.X
				continue
			case *ast.StarExpr:
				lhs = x.X
				continue
			case *ast.Ident:
				obj := p.ObjectOf(x)
				for _, v := range vars {
					if obj != nil && obj == v {
						return true
					}
				}
			}
			return false
		}
	}
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		if found || n == nil {
			return false
		}
		if n.End() <= from || n.Pos() >= to {
			return false
		}
		if n.Pos() < from {
			return true // an enclosing node: look inside
		}
		switch s := n.(type) {
		case *ast.AssignStmt:
			for _, l := range s.Lhs {
				found = found || hit(l)
			}
		case *ast.IncDecStmt:
			found = hit(s.X)
		case *ast.RangeStmt:
			found = hit(s.Key) || hit(s.Value)
		case *ast.UnaryExpr:
			// &v handed on may be written through.
			found = s.Op == token.AND && hit(s.X)
		}
		return !found
	})
	return found
}
