package dockerexec

import (
	"go/ast"
	"go/token"
	"go/types"

	"github.com/dockguard/dockguard/analyzers/internal/resolve"
	"github.com/dockguard/dockguard/dockercli"
)

// Syntax summarises, from their source alone, the functions and methods of
// the packages that a package checked without type information imports
// from its own module: the syntax-level stand-in for HelperFact. A driver
// that checks files without types (dockguard check's fallback and
// --go-mode=syntax) provides it; the summaries are computed once per
// package and run. Implementations must be safe for concurrent use.
type Syntax interface {
	// Helper returns the summary of the function name (recv "") or of the
	// method recv.name of the package whose import path is pkg, as the
	// file named from imports it, or nil when it runs no command line
	// built from its parameters.
	Helper(from, pkg, recv, name string) *HelperFact
	// Result returns the type that the first result of that function or
	// method is written as (pointer removed), as a package path and a
	// type name.
	Result(from, pkg, recv, name string) (rpkg, rname string, ok bool)
}

// Summaries are the syntax-level summaries of one package's functions and
// methods (see SummariseSyntax), keyed by "Recv.Name" for methods and
// ".Name" for functions.
type Summaries struct {
	Helpers map[string]*HelperFact
	Results map[string][2]string
}

// SummaryKey is the key of a function (recv "") or method in Summaries.
func SummaryKey(recv, name string) string { return recv + "." + name }

// SummariseSyntax summarises the package of files, type-checked leniently
// (info may be incomplete), whose import path is path: which of its
// functions and methods run a command line built from their parameters,
// and what type each returns. Only the package's own bodies are followed
// (its calls of other packages' helpers are not), so the summary of one
// package never waits for another's.
func SummariseSyntax(fset *token.FileSet, files []*ast.File, info *types.Info, pkg *types.Package, path string, binaries []string) Summaries {
	if len(binaries) == 0 {
		binaries = dockercli.DefaultBinaries
	}
	if info == nil {
		info = &types.Info{}
	}
	p := &resolve.Pkg{Fset: fset, Info: info, Files: files}
	f := &finder{p: p, pkg: pkg, binaries: binaries, helpers: map[*types.Func]*helper{}, consumed: map[*ast.CallExpr]bool{}, imported: map[*types.Func]*helper{}}
	f.summarise(files)
	s := Summaries{Helpers: map[string]*HelperFact{}, Results: map[string][2]string{}}
	for _, file := range files {
		for _, d := range file.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || !fd.Name.IsExported() {
				continue
			}
			recv := ""
			if fd.Recv != nil && len(fd.Recv.List) == 1 {
				recv = recvName(fd.Recv.List[0].Type)
				if recv == "" {
					continue
				}
			}
			key := SummaryKey(recv, fd.Name.Name)
			if fn, isFunc := p.ObjectOf(fd.Name).(*types.Func); isFunc {
				if h := f.helpers[fn]; h != nil {
					if _, dup := s.Helpers[key]; !dup {
						s.Helpers[key] = factOf(h)
					}
				}
			}
			if fd.Type.Results != nil && len(fd.Type.Results.List) > 0 {
				if rp, rn, ok := writtenIn(p, path, fd.Type.Results.List[0].Type); ok {
					s.Results[key] = [2]string{rp, rn}
				}
			}
		}
	}
	return s
}

// recvName returns the type name of a receiver as written: T, *T, T[P].
func recvName(e ast.Expr) string {
	e = ast.Unparen(e)
	if st, ok := e.(*ast.StarExpr); ok {
		e = ast.Unparen(st.X)
	}
	switch x := e.(type) {
	case *ast.IndexExpr:
		e = x.X
	case *ast.IndexListExpr:
		e = x.X
	}
	if id, ok := e.(*ast.Ident); ok {
		return id.Name
	}
	return ""
}

// writtenIn resolves a type expression of the package whose import path
// is path: pkg.T through the file's imports, T as the package's own.
func writtenIn(p *resolve.Pkg, path string, t ast.Expr) (string, string, bool) {
	t = ast.Unparen(t)
	if st, ok := t.(*ast.StarExpr); ok {
		t = ast.Unparen(st.X)
	}
	if id, ok := t.(*ast.Ident); ok {
		if types.Universe.Lookup(id.Name) != nil {
			return "", "", false
		}
		return path, id.Name, path != ""
	}
	pkg, name, ok := p.WrittenType(t)
	if ok && isFallbackPath(pkg) {
		return "", "", false
	}
	return pkg, name, ok
}

// isFallbackPath reports a package path that a lenient driver made up for
// a package checked without type information: never an import path.
func isFallbackPath(path string) bool {
	return len(path) > 18 && path[:18] == "dockguard.fallback"
}

// syntaxHelper resolves a call whose callee types do not know, the method
// of a receiver whose type is written in this package as a type of another
// package of the module (s.d.Cmd("rm", "-f", id), with s.d declared as
// *daemon.Daemon), or a function of such a package, to that function's
// syntax-level summary.
func (f *finder) syntaxHelper(call *ast.CallExpr, c resolve.Callee) *helper {
	if f.syntax == nil {
		return nil
	}
	tf := f.p.Fset.File(call.Pos())
	if tf == nil {
		return nil
	}
	pkg, recv := c.Pkg, ""
	if c.Method {
		sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
		if !ok {
			return nil
		}
		var found bool
		if pkg, recv, found = f.writtenTypeOf(tf.Name(), sel.X, 0); !found {
			return nil
		}
	}
	if pkg == "" || isStdlib(pkg) {
		return nil
	}
	key := pkg + " " + SummaryKey(recv, c.Name)
	if h, seen := f.syntaxSeen[key]; seen {
		return h
	}
	var h *helper
	if fact := f.syntax.Helper(tf.Name(), pkg, recv, c.Name); fact != nil {
		h = helperOf(pkg, fact)
		if recv != "" {
			h.name = resolve.ImportName(pkg) + "." + recv + "." + fact.Name
		}
	}
	if f.syntaxSeen == nil {
		f.syntaxSeen = map[string]*helper{}
	}
	f.syntaxSeen[key] = h
	return h
}

// writtenTypeOf resolves the type of e, an expression whose type is not
// known (it comes from a package checked only as a stand-in), to the type
// written where it is declared: a struct field's or a parameter's type, a
// variable's declared type or initialiser, a composite literal's type, or
// the result type of the function or method called.
func (f *finder) writtenTypeOf(from string, e ast.Expr, depth int) (string, string, bool) {
	if depth > 4 {
		return "", "", false
	}
	p := f.p
	switch x := ast.Unparen(e).(type) {
	case *ast.UnaryExpr:
		if x.Op == token.AND {
			return f.writtenTypeOf(from, x.X, depth+1)
		}
	case *ast.StarExpr:
		return f.writtenTypeOf(from, x.X, depth+1)
	case *ast.CompositeLit:
		if x.Type != nil {
			return f.written(x.Type)
		}
	case *ast.Ident:
		if v, ok := p.ObjectOf(x).(*types.Var); ok {
			return f.declared(from, v, depth)
		}
	case *ast.SelectorExpr:
		if sel, ok := p.Info.Selections[x]; ok && sel.Kind() == types.FieldVal {
			if v, isVar := sel.Obj().(*types.Var); isVar {
				return f.declared(from, v, depth)
			}
		}
	case *ast.CallExpr:
		c, ok := p.CalleeOf(x)
		if !ok {
			return "", "", false
		}
		if c.Typed && c.Func != nil {
			fd := p.FuncDeclOf(c.Func)
			if fd == nil || fd.Type.Results == nil || len(fd.Type.Results.List) == 0 {
				return "", "", false
			}
			return f.written(fd.Type.Results.List[0].Type)
		}
		pkg, recv := c.Pkg, ""
		if c.Method {
			sel, isSel := ast.Unparen(x.Fun).(*ast.SelectorExpr)
			if !isSel {
				return "", "", false
			}
			if pkg, recv, ok = f.writtenTypeOf(from, sel.X, depth+1); !ok {
				return "", "", false
			}
		}
		if pkg == "" || isStdlib(pkg) {
			return "", "", false
		}
		return f.syntax.Result(from, pkg, recv, c.Name)
	}
	return "", "", false
}

// written resolves a type expression of this package to another
// package's type (a type of this package has known methods already).
func (f *finder) written(t ast.Expr) (string, string, bool) {
	pkg, name, ok := f.p.WrittenType(t)
	if !ok || isFallbackPath(pkg) || f.pkg != nil && pkg == f.pkg.Path() {
		return "", "", false
	}
	return pkg, name, true
}

// declared resolves the written type of v, a variable, parameter or field
// of this package, from its declaration.
func (f *finder) declared(from string, v *types.Var, depth int) (string, string, bool) {
	d, ok := f.decls()[v.Pos()]
	if !ok {
		return "", "", false
	}
	if d.typ != nil {
		return f.written(d.typ)
	}
	if d.init != nil {
		return f.writtenTypeOf(from, d.init, depth+1)
	}
	return "", "", false
}

// varDecl is how a name is declared: with a written type, or from an
// initialiser (the first result of a call, for d, err := New()).
type varDecl struct {
	typ, init ast.Expr
}

// decls indexes, by the position of each declared name, the declarations
// of the package's fields, parameters, results and variables.
func (f *finder) decls() map[token.Pos]varDecl {
	if f.declIndex != nil {
		return f.declIndex
	}
	idx := map[token.Pos]varDecl{}
	for _, file := range f.p.Files {
		ast.Inspect(file, func(n ast.Node) bool {
			switch x := n.(type) {
			case *ast.Field:
				for _, name := range x.Names {
					idx[name.Pos()] = varDecl{typ: x.Type}
				}
			case *ast.ValueSpec:
				for i, name := range x.Names {
					switch {
					case x.Type != nil:
						idx[name.Pos()] = varDecl{typ: x.Type}
					case len(x.Values) == len(x.Names):
						idx[name.Pos()] = varDecl{init: x.Values[i]}
					case i == 0 && len(x.Values) == 1:
						idx[name.Pos()] = varDecl{init: x.Values[0]}
					}
				}
			case *ast.AssignStmt:
				if x.Tok != token.DEFINE {
					return true
				}
				for i, lhs := range x.Lhs {
					id, isIdent := lhs.(*ast.Ident)
					if !isIdent {
						continue
					}
					switch {
					case len(x.Rhs) == len(x.Lhs):
						idx[id.Pos()] = varDecl{init: x.Rhs[i]}
					case i == 0 && len(x.Rhs) == 1:
						if _, isCall := ast.Unparen(x.Rhs[0]).(*ast.CallExpr); isCall {
							idx[id.Pos()] = varDecl{init: x.Rhs[0]}
						}
					}
				}
			}
			return true
		})
	}
	f.declIndex = idx
	return idx
}
