package resolve

import (
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/ast/inspector"
)

// State classifies what is known about a value.
type State int

// The states of a Value.
const (
	// Unknown: the value is computed at run time.
	Unknown State = iota
	// Absent: the field was never set, so it has its zero value.
	Absent
	// Known: the value is the constant in Value.Const.
	Known
	// Nil: the expression is the nil pointer.
	Nil
)

// Value is one possible value of a field.
type Value struct {
	State State
	Const constant.Value
	// At is where the value was set (the key-value pair or the assignment),
	// or token.NoPos for Absent.
	At token.Pos
	// Expr is the expression the value came from, when there is one.
	Expr ast.Expr
}

// IsTrue reports a known true boolean.
func (v Value) IsTrue() bool {
	return v.State == Known && v.Const.Kind() == constant.Bool && constant.BoolVal(v.Const)
}

// IsZero reports a value that is certainly the zero value (absent, nil, or
// a known zero number or empty string).
func (v Value) IsZero() bool {
	switch v.State {
	case Absent, Nil:
		return true
	case Known:
		switch v.Const.Kind() {
		case constant.Int, constant.Float:
			return constant.Sign(v.Const) == 0
		case constant.String:
			return constant.StringVal(v.Const) == ""
		case constant.Bool:
			return !constant.BoolVal(v.Const)
		}
	}
	return false
}

// String returns the known constant string, if any.
func (v Value) String() (string, bool) {
	if v.State == Known && v.Const.Kind() == constant.String {
		return constant.StringVal(v.Const), true
	}
	return "", false
}

// EnclosingFunc returns the body of the outermost function declaration (or
// the package-level function literal) that contains the node at c, or nil.
// Assignments anywhere in it, closures included, are taken into account.
func EnclosingFunc(c inspector.Cursor) *ast.BlockStmt {
	var body *ast.BlockStmt
	for e := range c.Enclosing((*ast.FuncDecl)(nil), (*ast.FuncLit)(nil)) {
		switch n := e.Node().(type) {
		case *ast.FuncDecl:
			body = n.Body
		case *ast.FuncLit:
			body = n.Body
		}
	}
	return body
}

// Field returns the possible values of the field reached by path (for
// example "HostConfig", "Resources", "Memory") in the struct value e, as seen
// at position at inside body (the enclosing function; nil outside any).
//
// A composite literal gives the keyed value; a local variable gives its
// initialiser plus every later assignment to the field (or a prefix of the
// path) that precedes at, in source order and regardless of control flow; a
// package-level variable gives its initialiser. The last element of path may
// also be assigned through a promoted field (hc.Memory for
// hc.Resources.Memory). The result is never empty.
func (p *Pkg) Field(body *ast.BlockStmt, e ast.Expr, at token.Pos, path ...string) []Value {
	return p.field(body, e, at, path, 0)
}

const maxDepth = 8

func (p *Pkg) field(body *ast.BlockStmt, e ast.Expr, at token.Pos, path []string, depth int) []Value {
	if depth > maxDepth {
		return []Value{{State: Unknown, Expr: e}}
	}
	if len(path) == 0 {
		return []Value{p.leaf(e)}
	}
	e = ast.Unparen(e)
	if u, isUnary := e.(*ast.UnaryExpr); isUnary && u.Op == token.AND {
		e = ast.Unparen(u.X)
	}
	switch x := e.(type) {
	case *ast.StarExpr:
		return p.field(body, x.X, at, path, depth+1)
	case *ast.CompositeLit:
		for _, elt := range x.Elts {
			kv, isKV := elt.(*ast.KeyValueExpr)
			if !isKV {
				return []Value{{State: Unknown, Expr: e}} // positional literal
			}
			if key, isIdent := kv.Key.(*ast.Ident); isIdent && key.Name == path[0] {
				if len(path) == 1 {
					v := p.leaf(kv.Value)
					v.At = kv.Pos()
					return []Value{v}
				}
				return p.field(body, kv.Value, at, path[1:], depth+1)
			}
		}
		return []Value{{State: Absent}}
	case *ast.Ident:
		if p.IsNil(x) {
			return []Value{{State: Nil, Expr: x, At: x.Pos()}}
		}
		obj := p.ObjectOf(x)
		v, isVar := obj.(*types.Var)
		if !isVar {
			return []Value{{State: Unknown, Expr: e}}
		}
		return p.varField(body, v, at, path, depth)
	case *ast.CallExpr:
		// new(T) is a pointer to a zero T.
		if id, isIdent := ast.Unparen(x.Fun).(*ast.Ident); isIdent && id.Name == "new" && len(x.Args) == 1 {
			if _, isBuiltin := p.Info.Uses[id].(*types.Builtin); isBuiltin || p.Info.Uses[id] == nil {
				if tv, found := p.Info.Types[x.Args[0]]; !found || tv.IsType() {
					return []Value{{State: Absent}}
				}
			}
		}
	}
	return []Value{{State: Unknown, Expr: e}}
}

// leaf evaluates a field's value expression.
func (p *Pkg) leaf(e ast.Expr) Value {
	if p.IsNil(e) {
		return Value{State: Nil, Expr: e, At: e.Pos()}
	}
	if c := p.Const(e); c != nil && c.Kind() != constant.Unknown {
		return Value{State: Known, Const: c, Expr: e, At: e.Pos()}
	}
	return Value{State: Unknown, Expr: e, At: e.Pos()}
}

// varField collects the possible values of path in variable v at position at.
func (p *Pkg) varField(body *ast.BlockStmt, v *types.Var, at token.Pos, path []string, depth int) []Value {
	var vals []Value
	if p.isPackageVar(v) {
		init, typ := p.packageVar(v)
		switch {
		case init != nil:
			vals = p.field(body, init, at, path, depth+1)
		case typ != nil:
			if _, isPtr := ast.Unparen(typ).(*ast.StarExpr); isPtr {
				vals = []Value{{State: Nil}}
			} else {
				vals = []Value{{State: Absent}}
			}
		default:
			vals = []Value{{State: Unknown}}
		}
	}
	if body == nil {
		if vals == nil {
			return []Value{{State: Unknown}}
		}
		return vals
	}
	// Walk the function in source order. A whole-value assignment replaces
	// what was collected so far; a field assignment adds a possibility.
	ast.Inspect(body, func(n ast.Node) bool {
		if n == nil || n.Pos() >= at {
			return n != nil && n.Pos() < at
		}
		switch s := n.(type) {
		case *ast.AssignStmt:
			if len(s.Lhs) != len(s.Rhs) {
				for _, lhs := range s.Lhs {
					if p.isVar(lhs, v) {
						vals = []Value{{State: Unknown}} // x, err := f()
					}
				}
				return true
			}
			for i, lhs := range s.Lhs {
				if p.isVar(lhs, v) {
					if s.Tok == token.DEFINE || s.Tok == token.ASSIGN {
						vals = p.field(body, s.Rhs[i], s.Pos(), path, depth+1)
					} else {
						vals = []Value{{State: Unknown}}
					}
					continue
				}
				if rest, matched := p.selectsPath(lhs, v, path); matched {
					if s.Tok != token.ASSIGN {
						vals = append(vals, Value{State: Unknown, At: s.Pos()})
						continue
					}
					if len(rest) == 0 {
						val := p.leaf(s.Rhs[i])
						val.At = s.Pos()
						vals = append(vals, val)
					} else {
						vals = append(vals, p.field(body, s.Rhs[i], s.Pos(), rest, depth+1)...)
					}
				}
			}
		case *ast.CallExpr:
			// Handing the value to other code (f(hc), f(&opts), hc.Apply())
			// may set the field: from here on it may have any value.
			if p.escapes(s, v) {
				vals = append(vals, Value{State: Unknown, At: s.Pos()})
			}
		case *ast.ValueSpec:
			for i, name := range s.Names {
				if p.Info.Defs[name] != v {
					continue
				}
				switch {
				case i < len(s.Values) && len(s.Values) == len(s.Names):
					vals = p.field(body, s.Values[i], s.Pos(), path, depth+1)
				case len(s.Values) == 0:
					if _, isPtr := ast.Unparen(s.Type).(*ast.StarExpr); isPtr {
						vals = []Value{{State: Nil}}
					} else {
						vals = []Value{{State: Absent}}
					}
				default:
					vals = []Value{{State: Unknown}}
				}
			}
		}
		return true
	})
	if len(vals) == 0 {
		return []Value{{State: Unknown}} // a parameter, a range variable, a result
	}
	return vals
}

// escapes reports whether call hands v to other code that could modify it:
// v itself when it holds a pointer (or its type is unknown), &v, or v as the
// receiver of a method.
func (p *Pkg) escapes(call *ast.CallExpr, v *types.Var) bool {
	pointer := true
	if t := v.Type(); t != nil {
		if b, isBasic := t.Underlying().(*types.Basic); !isBasic || b.Kind() != types.Invalid {
			_, pointer = t.Underlying().(*types.Pointer)
		}
	}
	for _, a := range call.Args {
		a = ast.Unparen(a)
		if u, isUnary := a.(*ast.UnaryExpr); isUnary && u.Op == token.AND && p.isVar(u.X, v) {
			return true
		}
		if pointer && p.isVar(a, v) {
			return true
		}
	}
	if sel, isSel := ast.Unparen(call.Fun).(*ast.SelectorExpr); isSel && p.isVar(sel.X, v) {
		if _, isMethod := p.Info.Selections[sel]; isMethod || p.Info.Selections == nil {
			return true
		}
	}
	return false
}

// isVar reports whether e is an identifier denoting v.
func (p *Pkg) isVar(e ast.Expr, v *types.Var) bool {
	id, isIdent := ast.Unparen(e).(*ast.Ident)
	return isIdent && p.ObjectOf(id) == v
}

// selectsPath reports whether lhs is v.<prefix of path> (or v.<last of
// path>, a promoted field) and returns the rest of the path.
func (p *Pkg) selectsPath(lhs ast.Expr, v *types.Var, path []string) ([]string, bool) {
	var chain []string
	e := ast.Unparen(lhs)
	for {
		sel, isSel := e.(*ast.SelectorExpr)
		if !isSel {
			break
		}
		chain = append([]string{sel.Sel.Name}, chain...)
		e = ast.Unparen(sel.X)
	}
	if star, isStar := e.(*ast.StarExpr); isStar {
		e = ast.Unparen(star.X)
	}
	if len(chain) == 0 || !p.isVar(e, v) {
		return nil, false
	}
	if len(chain) <= len(path) {
		match := true
		for i := range chain {
			if chain[i] != path[i] {
				match = false
				break
			}
		}
		if match {
			return path[len(chain):], true
		}
	}
	if len(chain) == 1 && chain[0] == path[len(path)-1] {
		return nil, true
	}
	return nil, false
}

func (p *Pkg) isPackageVar(v *types.Var) bool {
	return v.Pkg() != nil && v.Parent() == v.Pkg().Scope()
}

// PackageVarInit returns the initialiser of a package-level variable of this
// package, or nil.
func (p *Pkg) PackageVarInit(v *types.Var) ast.Expr {
	if !p.isPackageVar(v) {
		return nil
	}
	init, _ := p.packageVar(v)
	return init
}

// packageVar returns the initialiser and declared type of a package-level
// variable declared in this package.
func (p *Pkg) packageVar(v *types.Var) (init, typ ast.Expr) {
	if p.pkgVars == nil {
		p.pkgVars = make(map[types.Object]ast.Expr)
		p.pkgVarT = make(map[types.Object]ast.Expr)
		for _, f := range p.Files {
			for _, d := range f.Decls {
				gd, isGen := d.(*ast.GenDecl)
				if !isGen || gd.Tok != token.VAR {
					continue
				}
				for _, spec := range gd.Specs {
					vs := spec.(*ast.ValueSpec)
					for i, name := range vs.Names {
						obj := p.Info.Defs[name]
						if obj == nil {
							continue
						}
						if len(vs.Values) == len(vs.Names) {
							p.pkgVars[obj] = vs.Values[i]
						}
						p.pkgVarT[obj] = vs.Type
					}
				}
			}
		}
	}
	return p.pkgVars[v], p.pkgVarT[v]
}

// PointsAt returns the possible values that the pointer expression e points
// at: &x (x's values), new(T) (zero), new(expr) (expr), a call with a single
// constant argument returning a pointer (ptr.To(0)), or a variable holding
// one of those.
func (p *Pkg) PointsAt(body *ast.BlockStmt, e ast.Expr, at token.Pos) []Value {
	return p.pointsAt(body, e, at, 0)
}

func (p *Pkg) pointsAt(body *ast.BlockStmt, e ast.Expr, at token.Pos, depth int) []Value {
	if depth > maxDepth {
		return []Value{{State: Unknown}}
	}
	e = ast.Unparen(e)
	switch x := e.(type) {
	case *ast.UnaryExpr:
		if x.Op == token.AND {
			return p.scalar(body, x.X, at)
		}
	case *ast.CallExpr:
		if len(x.Args) != 1 {
			break
		}
		if id, isIdent := ast.Unparen(x.Fun).(*ast.Ident); isIdent && id.Name == "new" {
			if tv, found := p.Info.Types[x.Args[0]]; found && tv.IsType() {
				return []Value{{State: Absent, At: x.Pos()}}
			}
		}
		if c := p.Const(x.Args[0]); c != nil {
			if t := p.Info.TypeOf(x); t == nil {
				return []Value{{State: Known, Const: c, At: x.Pos(), Expr: x.Args[0]}}
			} else if _, isPtr := t.Underlying().(*types.Pointer); isPtr {
				return []Value{{State: Known, Const: c, At: x.Pos(), Expr: x.Args[0]}}
			}
		}
	case *ast.Ident:
		if p.IsNil(x) {
			return []Value{{State: Nil, At: x.Pos()}}
		}
		if v, isVar := p.ObjectOf(x).(*types.Var); isVar && body != nil {
			var vals []Value
			p.eachAssign(body, v, at, func(rhs ast.Expr, pos token.Pos) {
				if rhs == nil {
					vals = []Value{{State: Nil}}
					return
				}
				vals = p.pointsAt(body, rhs, pos, depth+1)
			})
			if len(vals) > 0 {
				return vals
			}
		}
	}
	return []Value{{State: Unknown}}
}

// Scalar returns the possible values of a constant or of a local variable
// assigned constants before at.
func (p *Pkg) Scalar(body *ast.BlockStmt, e ast.Expr, at token.Pos) []Value {
	return p.scalar(body, e, at)
}

// scalar returns the possible values of a scalar variable or constant.
func (p *Pkg) scalar(body *ast.BlockStmt, e ast.Expr, at token.Pos) []Value {
	if c := p.Const(e); c != nil {
		return []Value{{State: Known, Const: c, At: e.Pos(), Expr: e}}
	}
	id, isIdent := ast.Unparen(e).(*ast.Ident)
	if !isIdent || body == nil {
		return []Value{{State: Unknown}}
	}
	v, isVar := p.ObjectOf(id).(*types.Var)
	if !isVar {
		return []Value{{State: Unknown}}
	}
	var vals []Value
	p.eachAssign(body, v, at, func(rhs ast.Expr, pos token.Pos) {
		if rhs == nil {
			vals = []Value{{State: Absent}}
			return
		}
		if c := p.Const(rhs); c != nil {
			vals = []Value{{State: Known, Const: c, At: pos, Expr: rhs}}
		} else {
			vals = []Value{{State: Unknown, At: pos}}
		}
	})
	if len(vals) == 0 {
		return []Value{{State: Unknown}}
	}
	return vals
}

// eachAssign calls f, in source order, for each whole-value assignment to v
// before at in body: rhs is nil for `var v T`. Assignments that cannot be
// split (v, err := f()) report an unknown through a non-constant rhs.
func (p *Pkg) eachAssign(body *ast.BlockStmt, v *types.Var, at token.Pos, f func(rhs ast.Expr, pos token.Pos)) {
	ast.Inspect(body, func(n ast.Node) bool {
		if n == nil || n.Pos() >= at {
			return false
		}
		switch s := n.(type) {
		case *ast.AssignStmt:
			for i, lhs := range s.Lhs {
				if !p.isVar(lhs, v) {
					continue
				}
				if len(s.Lhs) == len(s.Rhs) && (s.Tok == token.DEFINE || s.Tok == token.ASSIGN) {
					f(s.Rhs[i], s.Pos())
				} else {
					f(s.Lhs[i], s.Pos()) // not constant: unknown
				}
			}
		case *ast.ValueSpec:
			for i, name := range s.Names {
				if p.Info.Defs[name] != v {
					continue
				}
				switch len(s.Values) {
				case len(s.Names):
					f(s.Values[i], s.Pos())
				case 0:
					f(nil, s.Pos())
				default:
					f(name, s.Pos())
				}
			}
		}
		return true
	})
}

// AssignedFrom returns, in source order, the expressions v is assigned from
// before at in body. For `v, err := f()` it returns the call f(). A `var v T`
// without a value contributes nothing.
func (p *Pkg) AssignedFrom(body *ast.BlockStmt, v *types.Var, at token.Pos) []ast.Expr {
	var out []ast.Expr
	if body == nil {
		return nil
	}
	ast.Inspect(body, func(n ast.Node) bool {
		if n == nil || n.Pos() >= at {
			return false
		}
		switch s := n.(type) {
		case *ast.AssignStmt:
			for i, lhs := range s.Lhs {
				if !p.isVar(lhs, v) {
					continue
				}
				switch {
				case len(s.Lhs) == len(s.Rhs):
					out = append(out, s.Rhs[i])
				case len(s.Rhs) == 1:
					out = append(out, s.Rhs[0])
				}
			}
		case *ast.ValueSpec:
			for i, name := range s.Names {
				if p.Info.Defs[name] != v {
					continue
				}
				switch {
				case len(s.Values) == len(s.Names):
					out = append(out, s.Values[i])
				case len(s.Values) == 1:
					out = append(out, s.Values[0])
				}
			}
		}
		return true
	})
	return out
}
