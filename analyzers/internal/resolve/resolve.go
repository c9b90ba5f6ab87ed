// Package resolve answers the questions dockguard's Go analyzers ask about
// expressions: which function a call invokes, what constant a word has, what
// a struct field of an options value was set to, and which strings a []string
// argv holds.
//
// Every question is answered from type information when the package
// type-checked, and otherwise from syntax, resolving package names through the
// file's imports. Answers are three-valued where it matters: a value that
// cannot be known is Unknown, which never produces a finding by itself.
package resolve

import (
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"strconv"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/inspector"
)

// Pkg holds what the resolvers need about one package.
type Pkg struct {
	Fset  *token.FileSet
	Info  *types.Info
	Files []*ast.File
	Insp  *inspector.Inspector

	pkgVars map[types.Object]ast.Expr      // package-level var -> initialiser (nil: none)
	pkgVarT map[types.Object]ast.Expr      // package-level var -> declared type
	decls   map[types.Object]*ast.FuncDecl // package-level func -> declaration
}

// New returns a Pkg for an analysis pass whose inspector is insp.
func New(pass *analysis.Pass, insp *inspector.Inspector) *Pkg {
	info := pass.TypesInfo
	if info == nil {
		info = &types.Info{}
	}
	return &Pkg{Fset: pass.Fset, Info: info, Files: pass.Files, Insp: insp}
}

// FileOf returns the syntax file containing pos, or nil.
func (p *Pkg) FileOf(pos token.Pos) *ast.File {
	for _, f := range p.Files {
		if f.FileStart <= pos && pos <= f.FileEnd {
			return f
		}
	}
	return nil
}

// Callee describes what a call expression invokes.
type Callee struct {
	// Pkg is the import path of the package that declares the function or
	// method; empty when unknown.
	Pkg string
	// Recv is the receiver's type name (pointer removed) for methods,
	// empty for functions or when unknown.
	Recv string
	// Name is the function or method name.
	Name string
	// Method reports a method call (x.M(...) where x is not a package).
	Method bool
	// Iface reports a method of an interface type.
	Iface bool
	// Typed reports that the callee was resolved through type information.
	// When false, Pkg (for functions) came from the file's imports and a
	// method's receiver type is unknown.
	Typed bool
	// Func is the resolved function object, when Typed.
	Func *types.Func
}

// Is reports whether the callee is the package-level function pkg.name.
func (c Callee) Is(pkg, name string) bool { return !c.Method && c.Pkg == pkg && c.Name == name }

// CalleeOf resolves the function a call invokes. ok is false for calls of
// function values, conversions and builtins.
func (p *Pkg) CalleeOf(call *ast.CallExpr) (Callee, bool) {
	fun := ast.Unparen(call.Fun)
	if ix, isIndex := fun.(*ast.IndexExpr); isIndex { // generic instantiation f[T](...)
		fun = ast.Unparen(ix.X)
	}
	switch fn := fun.(type) {
	case *ast.SelectorExpr:
		if id, isIdent := ast.Unparen(fn.X).(*ast.Ident); isIdent {
			if path, isPkg := p.importedPkg(id); isPkg {
				c := Callee{Pkg: path, Name: fn.Sel.Name}
				if f, isFunc := p.Info.Uses[fn.Sel].(*types.Func); isFunc {
					c.Typed, c.Func = true, f
				}
				return c, true
			}
		}
		if sel, found := p.Info.Selections[fn]; found {
			f, isFunc := sel.Obj().(*types.Func)
			if !isFunc {
				return Callee{}, false // a func-typed field
			}
			c := Callee{Name: f.Name(), Method: true, Typed: true, Func: f}
			if f.Pkg() != nil {
				c.Pkg = f.Pkg().Path()
			}
			if sig, isSig := f.Type().(*types.Signature); isSig && sig.Recv() != nil {
				rt := sig.Recv().Type()
				if ptr, isPtr := rt.(*types.Pointer); isPtr {
					rt = ptr.Elem()
				}
				if n, isNamed := types.Unalias(rt).(*types.Named); isNamed {
					c.Recv = n.Obj().Name()
				}
				c.Iface = types.IsInterface(rt)
				if c.Recv == "" && c.Iface {
					// A method declared in a named interface has the bare
					// interface as its receiver: name it by the operand's type.
					if pkg, name, ok := NamedOf(sel.Recv()); ok && pkg == c.Pkg {
						c.Recv = name
					}
				}
			}
			return c, true
		}
		if p.typeKnown(fn.X) && !embedsUnknown(p.Info.TypeOf(fn.X)) {
			// A typed receiver without this method (or a field): not a call we
			// can name.
			return Callee{}, false
		}
		return Callee{Name: fn.Sel.Name, Method: true}, true
	case *ast.Ident:
		if f, isFunc := p.Info.Uses[fn].(*types.Func); isFunc {
			c := Callee{Name: f.Name(), Typed: true, Func: f}
			if f.Pkg() != nil {
				c.Pkg = f.Pkg().Path()
			}
			return c, true
		}
	}
	return Callee{}, false
}

// embedsUnknown reports whether t (or what it points to) is a struct that
// embeds a field of unknown type: the method may come from it (a project's
// client type embedding the SDK's *client.Client, checked without type
// information), so the receiver counts as unknown.
func embedsUnknown(t types.Type) bool {
	if ptr, ok := t.Underlying().(*types.Pointer); ok {
		t = ptr.Elem()
	}
	st, ok := t.Underlying().(*types.Struct)
	if !ok {
		return false
	}
	for i := 0; i < st.NumFields(); i++ {
		f := st.Field(i)
		if !f.Embedded() {
			continue
		}
		ft := f.Type()
		if ptr, isPtr := ft.(*types.Pointer); isPtr {
			ft = ptr.Elem()
		}
		if b, isBasic := ft.(*types.Basic); isBasic && b.Kind() == types.Invalid {
			return true
		}
	}
	return false
}

// typeKnown reports whether e has a valid type.
func (p *Pkg) typeKnown(e ast.Expr) bool {
	t := p.Info.TypeOf(e)
	if t == nil {
		return false
	}
	if b, isBasic := t.(*types.Basic); isBasic && b.Kind() == types.Invalid {
		return false
	}
	return true
}

// importedPkg reports whether id names an imported package, and its path.
// Without type information the file's import declarations decide.
func (p *Pkg) importedPkg(id *ast.Ident) (string, bool) {
	if obj, found := p.Info.Uses[id]; found {
		if pn, isPkg := obj.(*types.PkgName); isPkg {
			return pn.Imported().Path(), true
		}
		return "", false
	}
	if id.Obj != nil { // a local declaration shadows imports (parser resolution)
		return "", false
	}
	f := p.FileOf(id.Pos())
	if f == nil {
		return "", false
	}
	return ImportPathOf(f, id.Name)
}

// ImportPathOf returns the path of the import that file refers to as name.
// Imports without an explicit name are matched by their conventional name
// (see ImportName).
func ImportPathOf(f *ast.File, name string) (string, bool) {
	for _, imp := range f.Imports {
		path, err := strconv.Unquote(imp.Path.Value)
		if err != nil {
			continue
		}
		if imp.Name != nil {
			if imp.Name.Name == name {
				return path, true
			}
			continue
		}
		if ImportName(path) == name {
			return path, true
		}
	}
	return "", false
}

// knownNames are package names that differ from the last path element.
var knownNames = map[string]string{
	"github.com/fsouza/go-dockerclient": "docker",
	"gopkg.in/yaml.v3":                  "yaml",
}

// ImportName guesses the package name of an import path when no type
// information is available: the last element, without a major-version
// element, a "go-" prefix or a ".vN"/"-go" suffix.
func ImportName(path string) string {
	if n, found := knownNames[path]; found {
		return n
	}
	elems := strings.Split(path, "/")
	last := elems[len(elems)-1]
	if len(elems) > 1 && isMajorVersion(last) {
		last = elems[len(elems)-2]
	}
	last = strings.TrimPrefix(last, "go-")
	last = strings.TrimSuffix(last, "-go")
	if i := strings.Index(last, ".v"); i > 0 {
		last = last[:i]
	}
	return strings.ReplaceAll(last, "-", "")
}

func isMajorVersion(s string) bool {
	if len(s) < 2 || s[0] != 'v' {
		return false
	}
	_, err := strconv.Atoi(s[1:])
	return err == nil
}

// TypeName resolves the type of e to its declaring package path and name,
// pointer removed. Without type information a composite literal's written
// type is resolved through the file's imports.
func (p *Pkg) TypeName(e ast.Expr) (pkg, name string, ok bool) {
	if t := p.Info.TypeOf(e); t != nil {
		if pkg, name, ok = NamedOf(t); ok {
			return pkg, name, true
		}
	}
	e = ast.Unparen(e)
	if u, isUnary := e.(*ast.UnaryExpr); isUnary && u.Op == token.AND {
		e = ast.Unparen(u.X)
	}
	if cl, isLit := e.(*ast.CompositeLit); isLit && cl.Type != nil {
		return p.WrittenType(cl.Type)
	}
	return "", "", false
}

// WrittenType resolves a type expression as written (pkg.T, *pkg.T, T).
func (p *Pkg) WrittenType(t ast.Expr) (pkg, name string, ok bool) {
	if tv, found := p.Info.Types[t]; found && tv.IsType() {
		if pkg, name, ok = NamedOf(tv.Type); ok {
			return pkg, name, true
		}
	}
	t = ast.Unparen(t)
	if st, isStar := t.(*ast.StarExpr); isStar {
		t = ast.Unparen(st.X)
	}
	if sel, isSel := t.(*ast.SelectorExpr); isSel {
		if id, isIdent := ast.Unparen(sel.X).(*ast.Ident); isIdent {
			if path, isPkg := p.importedPkg(id); isPkg {
				return path, sel.Sel.Name, true
			}
		}
	}
	return "", "", false
}

// NamedOf returns the package path and name of a named type or a pointer to
// one. Aliases are followed, so a deprecated alias of a newer type reports
// the newer type.
func NamedOf(t types.Type) (pkg, name string, ok bool) {
	t = types.Unalias(t)
	if ptr, isPtr := t.(*types.Pointer); isPtr {
		t = types.Unalias(ptr.Elem())
	}
	n, isNamed := t.(*types.Named)
	if !isNamed || n.Obj().Pkg() == nil {
		return "", "", false
	}
	return n.Obj().Pkg().Path(), n.Obj().Name(), true
}

// StringConst returns the constant string value of e.
func (p *Pkg) StringConst(e ast.Expr) (string, bool) {
	if tv, found := p.Info.Types[e]; found && tv.Value != nil {
		if tv.Value.Kind() == constant.String {
			return constant.StringVal(tv.Value), true
		}
		return "", false
	}
	switch x := ast.Unparen(e).(type) {
	case *ast.BasicLit:
		if x.Kind == token.STRING {
			s, err := strconv.Unquote(x.Value)
			return s, err == nil
		}
	case *ast.BinaryExpr:
		if x.Op == token.ADD {
			a, okA := p.StringConst(x.X)
			b, okB := p.StringConst(x.Y)
			return a + b, okA && okB
		}
	}
	return "", false
}

// Const returns the constant value of e, or nil. Without type information
// literals and the predeclared true/false still resolve.
func (p *Pkg) Const(e ast.Expr) constant.Value {
	if tv, found := p.Info.Types[e]; found && tv.Value != nil {
		return tv.Value
	}
	switch x := ast.Unparen(e).(type) {
	case *ast.BasicLit:
		return constant.MakeFromLiteral(x.Value, x.Kind, 0)
	case *ast.Ident:
		if x.Obj == nil && p.Info.Uses[x] == nil {
			switch x.Name {
			case "true":
				return constant.MakeBool(true)
			case "false":
				return constant.MakeBool(false)
			}
		}
	case *ast.UnaryExpr:
		if v := p.Const(x.X); v != nil && x.Op == token.SUB {
			return constant.UnaryOp(token.SUB, v, 0)
		}
	case *ast.BinaryExpr:
		a, b := p.Const(x.X), p.Const(x.Y)
		if a == nil || b == nil || a.Kind() == constant.Unknown || b.Kind() == constant.Unknown {
			return nil
		}
		switch x.Op {
		case token.SHL, token.SHR:
			s, exact := constant.Uint64Val(b)
			if !exact || s > 64 {
				return nil
			}
			return constant.Shift(a, x.Op, uint(s))
		case token.EQL, token.NEQ, token.LSS, token.LEQ, token.GTR, token.GEQ:
			return constant.MakeBool(constant.Compare(a, x.Op, b))
		case token.QUO:
			if constant.Sign(b) == 0 {
				return nil
			}
		}
		return constant.BinaryOp(a, x.Op, b)
	}
	return nil
}

// IsNil reports whether e is the predeclared nil.
func (p *Pkg) IsNil(e ast.Expr) bool {
	id, isIdent := ast.Unparen(e).(*ast.Ident)
	if !isIdent || id.Name != "nil" {
		return false
	}
	obj := p.Info.Uses[id]
	if obj == nil {
		return id.Obj == nil
	}
	_, isNil := obj.(*types.Nil)
	return isNil
}

// ObjectOf returns the object an identifier denotes, or nil.
func (p *Pkg) ObjectOf(id *ast.Ident) types.Object {
	if obj := p.Info.Uses[id]; obj != nil {
		return obj
	}
	return p.Info.Defs[id]
}
