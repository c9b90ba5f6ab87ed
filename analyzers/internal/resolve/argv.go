package resolve

import (
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"strings"
)

// Word is one element of an argv built in Go code.
type Word struct {
	Value string
	Known bool
	// Pos and End delimit the expression the word came from.
	Pos, End token.Pos
	// Text is the expression as written, for unknown words.
	Text string
	// Expr is the expression the word came from.
	Expr ast.Expr
	// Lit is the string literal the word is exactly, when it is one; shell
	// code inside it can then be positioned byte for byte.
	Lit *ast.BasicLit
}

// Args resolves the arguments of a variadic string call such as
// exec.Command(name, args...) into words. ellipsis reports a trailing
// `slice...` argument, whose elements are resolved through SliceWords.
func (p *Pkg) Args(body *ast.BlockStmt, args []ast.Expr, ellipsis bool, at token.Pos) []Word {
	var ws []Word
	for i, a := range args {
		if ellipsis && i == len(args)-1 {
			ws = append(ws, p.SliceWords(body, a, at)...)
			continue
		}
		ws = append(ws, p.word(a))
	}
	return ws
}

func (p *Pkg) word(e ast.Expr) Word {
	w := Word{Pos: e.Pos(), End: e.End(), Expr: e}
	if s, ok := p.StringConst(e); ok {
		w.Value, w.Known = s, true
		if lit, isLit := ast.Unparen(e).(*ast.BasicLit); isLit {
			w.Lit = lit
		}
		return w
	}
	w.Text = exprText(e)
	return w
}

// SliceWords resolves a []string expression into words: a slice literal,
// strings.Fields or strings.Split of a constant, append chains, and local
// variables built from those before at (appends are taken in source order,
// whatever the control flow). What cannot be resolved becomes one unknown
// word.
func (p *Pkg) SliceWords(body *ast.BlockStmt, e ast.Expr, at token.Pos) []Word {
	return p.sliceWords(body, e, at, 0)
}

func (p *Pkg) sliceWords(body *ast.BlockStmt, e ast.Expr, at token.Pos, depth int) []Word {
	unknown := []Word{{Pos: e.Pos(), End: e.End(), Text: exprText(e), Expr: e}}
	if depth > maxDepth {
		return unknown
	}
	e = ast.Unparen(e)
	switch x := e.(type) {
	case *ast.CompositeLit:
		var ws []Word
		for _, elt := range x.Elts {
			if kv, isKV := elt.(*ast.KeyValueExpr); isKV {
				elt = kv.Value // [...]string{0: "a"}: order by key is not worth it
			}
			ws = append(ws, p.word(elt))
		}
		return ws
	case *ast.CallExpr:
		if id, isIdent := ast.Unparen(x.Fun).(*ast.Ident); isIdent && id.Name == "append" && len(x.Args) > 0 {
			if _, isBuiltin := p.Info.Uses[id].(*types.Builtin); isBuiltin || p.Info.Uses[id] == nil {
				ws := p.sliceWords(body, x.Args[0], at, depth+1)
				rest := x.Args[1:]
				if x.Ellipsis.IsValid() && len(rest) == 1 {
					return append(ws, p.sliceWords(body, rest[0], at, depth+1)...)
				}
				for _, a := range rest {
					ws = append(ws, p.word(a))
				}
				return ws
			}
		}
		if p.isEmptyMake(x) {
			return nil // make([]string, 0, n): filled by the appends that follow
		}
		c, ok := p.CalleeOf(x)
		if ok && c.Typed {
			if ws, isArgs := p.argsHelper(body, x, c.Func, at, depth); isArgs {
				return ws
			}
		}
		if !ok || c.Pkg != "strings" || c.Method {
			return unknown
		}
		var parts []string
		switch {
		case c.Name == "Fields" && len(x.Args) == 1:
			s, known := p.StringConst(x.Args[0])
			if !known {
				return unknown
			}
			parts = strings.Fields(s)
		case c.Name == "Split" && len(x.Args) == 2:
			s, known := p.StringConst(x.Args[0])
			sep, sepKnown := p.StringConst(x.Args[1])
			if !known || !sepKnown {
				return unknown
			}
			parts = strings.Split(s, sep)
		default:
			return unknown
		}
		ws := make([]Word, len(parts))
		for i, s := range parts {
			ws[i] = Word{Value: s, Known: true, Pos: x.Pos(), End: x.End()}
		}
		return ws
	case *ast.Ident:
		if p.IsNil(x) {
			return nil
		}
		v, isVar := p.ObjectOf(x).(*types.Var)
		if !isVar || body == nil {
			return unknown
		}
		var ws []Word
		found := false
		p.eachAssign(body, v, at, func(rhs ast.Expr, pos token.Pos) {
			found = true
			if rhs == nil {
				ws = nil
				return
			}
			if appendsTo(rhs, x.Name) {
				// args = append(args, ...): extend what we have.
				call := ast.Unparen(rhs).(*ast.CallExpr)
				rest := call.Args[1:]
				if call.Ellipsis.IsValid() && len(rest) == 1 {
					ws = append(ws, p.sliceWords(body, rest[0], pos, depth+1)...)
					return
				}
				for _, a := range rest {
					ws = append(ws, p.word(a))
				}
				return
			}
			if _, isIdent := ast.Unparen(rhs).(*ast.Ident); isIdent && ast.Unparen(rhs).(*ast.Ident).Name == x.Name {
				ws = unknown // x, err := f(): eachAssign passes the lhs itself
				return
			}
			ws = p.sliceWords(body, rhs, pos, depth+1)
		})
		if !found {
			return unknown
		}
		return ws
	}
	return unknown
}

// isEmptyMake reports whether call is make(T, 0) or make(T, 0, n) of a
// slice type, which holds no elements whatever the capacity.
func (p *Pkg) isEmptyMake(call *ast.CallExpr) bool {
	id, isIdent := ast.Unparen(call.Fun).(*ast.Ident)
	if !isIdent || id.Name != "make" || len(call.Args) < 2 {
		return false
	}
	if _, isBuiltin := p.Info.Uses[id].(*types.Builtin); !isBuiltin && p.Info.Uses[id] != nil {
		return false
	}
	if _, isSlice := ast.Unparen(call.Args[0]).(*ast.ArrayType); !isSlice {
		return false
	}
	n := p.Const(call.Args[1])
	return n != nil && n.Kind() == constant.Int && constant.Sign(n) == 0
}

// appendsTo reports whether e is append(name, ...).
func appendsTo(e ast.Expr, name string) bool {
	call, isCall := ast.Unparen(e).(*ast.CallExpr)
	if !isCall || len(call.Args) == 0 {
		return false
	}
	fn, isIdent := ast.Unparen(call.Fun).(*ast.Ident)
	if !isIdent || fn.Name != "append" {
		return false
	}
	first, isIdent := ast.Unparen(call.Args[0]).(*ast.Ident)
	return isIdent && first.Name == name
}

// exprText renders a short form of e for messages.
func exprText(e ast.Expr) string {
	switch x := ast.Unparen(e).(type) {
	case *ast.Ident:
		return x.Name
	case *ast.SelectorExpr:
		return exprText(x.X) + "." + x.Sel.Name
	case *ast.IndexExpr:
		return exprText(x.X) + "[…]"
	case *ast.CallExpr:
		return exprText(x.Fun) + "(…)"
	case *ast.StarExpr:
		return "*" + exprText(x.X)
	case *ast.BasicLit:
		return x.Value
	}
	return "…"
}

// ExprText renders a short form of e for messages and keys.
func ExprText(e ast.Expr) string { return exprText(e) }

// CallEnd is the end of a call expression; for a call whose closing
// parenthesis is missing (a syntax error), the end of its last argument.
func CallEnd(call *ast.CallExpr) token.Pos {
	if call.Rparen.IsValid() && call.Rparen >= call.Lparen {
		return call.End()
	}
	end := call.Lparen + 1
	for _, a := range call.Args {
		if e := a.End(); e.IsValid() && e > end {
			end = e
		}
	}
	return end
}

// argsHelper resolves a call of an option helper of the package (a
// function or a method) whose result is one of its []string parameters,
// possibly after fixed words: func withArgs(args ...string) []string {
// return args }, or a method that returns append([]string{"--host",
// d.Sock()}, args...) unless args already names a host. Every return
// statement must return the parameter itself or such an append of it; the
// call's words are the fixed ones of the (one) append form and the
// call's own words for the parameter, so dockerCmd(withArgs("rm", "-f",
// id)...) runs what dockerCmd("rm", "-f", id) runs.
func (p *Pkg) argsHelper(body *ast.BlockStmt, call *ast.CallExpr, fn *types.Func, at token.Pos, depth int) ([]Word, bool) {
	fd := p.funcDecl(fn)
	sig, _ := fn.Type().(*types.Signature)
	if fd == nil || fd.Body == nil || sig == nil || sig.Results().Len() != 1 {
		return nil, false
	}
	// The parameter: the last one when variadic, else the only []string.
	param, j := (*types.Var)(nil), -1
	ps := sig.Params()
	if sig.Variadic() {
		param, j = ps.At(ps.Len()-1), ps.Len()-1
	} else {
		for i := 0; i < ps.Len(); i++ {
			if isStringSlice(ps.At(i).Type()) {
				if param != nil {
					return nil, false
				}
				param, j = ps.At(i), i
			}
		}
	}
	if param == nil || !isStringSlice(param.Type()) || j >= len(call.Args) && !sig.Variadic() {
		return nil, false
	}
	isParam := func(e ast.Expr) bool {
		id, isIdent := ast.Unparen(e).(*ast.Ident)
		return isIdent && p.ObjectOf(id) == param
	}
	var fixedExpr ast.Expr // the fixed part of the append form
	returns, ok := 0, true
	ast.Inspect(fd.Body, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.ReturnStmt:
			returns++
			if len(x.Results) != 1 {
				ok = false
				return false
			}
			r := ast.Unparen(x.Results[0])
			if isParam(r) {
				return false
			}
			app, isCall := r.(*ast.CallExpr)
			if !isCall || !app.Ellipsis.IsValid() || len(app.Args) != 2 || !isParam(app.Args[1]) {
				ok = false
				return false
			}
			if id, isIdent := ast.Unparen(app.Fun).(*ast.Ident); !isIdent || id.Name != "append" || fixedExpr != nil {
				ok = false // not append, or two append forms
				return false
			}
			fixedExpr = app.Args[0]
			return false
		}
		return true
	})
	if !ok || returns == 0 || depth > maxDepth {
		return nil, false
	}
	var own []Word
	switch {
	case sig.Variadic():
		if len(call.Args) < j {
			return nil, false
		}
		own = p.Args(body, call.Args[j:], call.Ellipsis.IsValid(), at)
	case call.Ellipsis.IsValid():
		return nil, false
	default:
		own = p.sliceWords(body, call.Args[j], at, depth+1)
	}
	if fixedExpr == nil {
		return own, true
	}
	// The fixed part is read in the helper's body. A slice literal's
	// elements are one word each, known or not (d.Sock() is one unknown
	// word); anything else must resolve to constants, since an unknown
	// slice may hold any number of words.
	fixed := p.sliceWords(fd.Body, fixedExpr, fixedExpr.Pos(), depth+1)
	_, isLit := ast.Unparen(fixedExpr).(*ast.CompositeLit)
	for i := range fixed {
		if !fixed[i].Known && (!isLit || isParamExpr(p, fixed[i].Expr, ps)) {
			return nil, false
		}
		fixed[i].Pos, fixed[i].End, fixed[i].Expr, fixed[i].Lit = call.Pos(), call.End(), call, nil
	}
	return append(fixed, own...), true
}

// isParamExpr reports whether e is one of the parameters ps: a word the
// call supplies, which the helper's body cannot know.
func isParamExpr(p *Pkg, e ast.Expr, ps *types.Tuple) bool {
	id, isIdent := ast.Unparen(e).(*ast.Ident)
	if !isIdent {
		return false
	}
	obj := p.ObjectOf(id)
	for i := 0; i < ps.Len(); i++ {
		if ps.At(i) == obj {
			return true
		}
	}
	return false
}

func isStringSlice(t types.Type) bool {
	s, ok := t.Underlying().(*types.Slice)
	if !ok {
		return false
	}
	b, ok := s.Elem().Underlying().(*types.Basic)
	return ok && b.Kind() == types.String
}

// FuncDeclOf returns the declaration of fn, a function or method of the
// package, or nil.
func (p *Pkg) FuncDeclOf(fn *types.Func) *ast.FuncDecl { return p.funcDecl(fn) }

// funcDecl returns the declaration of fn among the package's files, or
// nil.
func (p *Pkg) funcDecl(fn *types.Func) *ast.FuncDecl {
	if fn == nil {
		return nil
	}
	if p.decls == nil {
		p.decls = map[types.Object]*ast.FuncDecl{}
		for _, f := range p.Files {
			for _, d := range f.Decls {
				if fd, ok := d.(*ast.FuncDecl); ok {
					if obj := p.Info.Defs[fd.Name]; obj != nil {
						p.decls[obj] = fd
					}
				}
			}
		}
	}
	return p.decls[fn.Origin()]
}
