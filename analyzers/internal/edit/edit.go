// Package edit builds the text edits of dockguard's suggested fixes for Go
// source: where a statement can go before a call, how to delete one element
// of a list without breaking the syntax, which names are free at a point,
// and by which name a file reaches a package (importing it when it must).
//
// Every helper refuses (returns ok false) rather than guess: a fix that
// does not compile, or changes what the program means beyond the rule's
// remedy, is worse than no fix.
package edit

import (
	"go/ast"
	"go/token"
	"go/types"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/inspector"
)

// File is one source file of a pass with its bytes.
type File struct {
	Tok *token.File
	Src []byte
	AST *ast.File
}

// FileOf returns the file of pass holding pos, with its content read
// through the pass (as drivers want), or ok false.
func FileOf(pass *analysis.Pass, pos token.Pos) (File, bool) {
	tf := pass.Fset.File(pos)
	if tf == nil {
		return File{}, false
	}
	var af *ast.File
	for _, f := range pass.Files {
		if f.FileStart <= pos && pos <= f.FileEnd {
			af = f
		}
	}
	if af == nil {
		return File{}, false
	}
	src, err := pass.ReadFile(tf.Name())
	if err != nil || len(src) != tf.Size() {
		return File{}, false // the file changed since it was parsed
	}
	return File{Tok: tf, Src: src, AST: af}, true
}

// Text returns the source text of n.
func (f File) Text(n ast.Node) string {
	return string(f.Src[f.Tok.Offset(n.Pos()):f.Tok.Offset(n.End())])
}

// Slot is a statement before which new statements can be inserted, and the
// node whose statement list holds it (a block or a case clause).
type Slot struct {
	Stmt  ast.Stmt
	Owner ast.Node
}

// StmtBefore finds where a statement can be inserted so that it runs right
// before the call at cur, with nothing else of the statement evaluated
// before the call in between: the call is the whole of an expression
// statement, the single right-hand side of an assignment to plain names
// (err := ..., _, err = ...), possibly as the init of an if statement, or
// the single result of a return; and that statement sits in a statement
// list. Calls inside larger expressions, defer and go statements, else-if
// chains, labelled statements and for/switch headers give ok false.
func StmtBefore(cur inspector.Cursor) (Slot, bool) {
	call := cur.Node()
	parent := cur.Parent()
	var st ast.Stmt
	switch n := parent.Node().(type) {
	case *ast.ExprStmt:
		st = n
	case *ast.ReturnStmt:
		if len(n.Results) != 1 || n.Results[0] != call {
			return Slot{}, false
		}
		st = n
	case *ast.AssignStmt:
		if len(n.Rhs) != 1 || n.Rhs[0] != call || (n.Tok != token.DEFINE && n.Tok != token.ASSIGN) {
			return Slot{}, false
		}
		for _, l := range n.Lhs {
			if _, ok := l.(*ast.Ident); !ok {
				return Slot{}, false // x[i] = ... evaluates i first
			}
		}
		st = n
		if ifs, ok := parent.Parent().Node().(*ast.IfStmt); ok {
			if ifs.Init != n {
				return Slot{}, false
			}
			parent, st = parent.Parent(), ifs
		}
	default:
		return Slot{}, false
	}
	owner := parent.Parent().Node()
	var list []ast.Stmt
	switch o := owner.(type) {
	case *ast.BlockStmt:
		list = o.List
	case *ast.CaseClause:
		list = o.Body
	case *ast.CommClause:
		list = o.Body
	default:
		return Slot{}, false
	}
	if !slices.Contains(list, st) {
		return Slot{}, false
	}
	return Slot{Stmt: st, Owner: owner}, true
}

// Scope returns the scope in which statements inserted at the slot are
// declared: the block's (or the case clause's, or the function's for its
// body), not the scope of an if statement that starts at the same place.
func (s Slot) Scope(info *types.Info, pkg *types.Package) *types.Scope {
	sc := pkg.Scope().Innermost(s.Stmt.Pos())
	if sc != nil && info.Scopes[s.Stmt] == sc {
		sc = sc.Parent()
	}
	return sc
}

// Insert returns the edit that puts lines (statements, without newlines)
// before the slot's statement, each on its own line at the statement's
// indentation; a statement that shares its line with code before it gets
// them separated by semicolons instead.
func (f File) Insert(s Slot, lines []string) analysis.TextEdit {
	pos := s.Stmt.Pos()
	off := f.Tok.Offset(pos)
	lineStart := f.Tok.Offset(f.Tok.LineStart(f.Tok.Line(pos)))
	indent := string(f.Src[lineStart:off])
	var b strings.Builder
	for _, l := range lines {
		b.WriteString(l)
		if strings.TrimLeft(indent, " \t") == "" {
			b.WriteString("\n" + indent)
		} else {
			b.WriteString("; ")
		}
	}
	return analysis.TextEdit{Pos: pos, End: pos, NewText: []byte(b.String())}
}

// DeleteElement returns the edit that removes list[i] of a comma-separated
// list (composite literal elements, call arguments) with the comma that
// separates it: the comma and space before the next element, or the whole
// line when the element has one of its own.
func (f File) DeleteElement(list []ast.Expr, i int) analysis.TextEdit {
	el := list[i]
	start, end := f.Tok.Offset(el.Pos()), f.Tok.Offset(el.End())
	// The comma after the element, if any (a trailing comma in a
	// multi-line list, or the separator before the next element).
	j := skipSpace(f.Src, end)
	hasComma := j < len(f.Src) && f.Src[j] == ','
	switch {
	case ownLine(f.Src, start, j, hasComma):
		// Alone on its line (with its trailing comma and comment): drop the line.
		ls := start
		for ls > 0 && (f.Src[ls-1] == ' ' || f.Src[ls-1] == '\t') {
			ls--
		}
		le := lineCodeEnd(f.Src, j+1)
		if le < len(f.Src) && f.Src[le] == '\n' {
			le++
		}
		start, end = ls, le
	case i+1 < len(list):
		end = f.Tok.Offset(list[i+1].Pos())
	case i > 0:
		start = f.Tok.Offset(list[i-1].End())
		if hasComma {
			end = j // keep the trailing comma for the element before
		}
	case hasComma:
		end = j + 1
	}
	return analysis.TextEdit{Pos: f.Tok.Pos(start), End: f.Tok.Pos(end)}
}

// ownLine reports whether the element at [start, ...) is the first thing on
// its line and its comma at comma ends the line's code.
func ownLine(src []byte, start, comma int, hasComma bool) bool {
	if !hasComma {
		return false
	}
	for k := start - 1; k >= 0 && src[k] != '\n'; k-- {
		if src[k] != ' ' && src[k] != '\t' {
			return false
		}
	}
	k := lineCodeEnd(src, comma+1)
	return k >= len(src) || src[k] == '\n'
}

// lineCodeEnd skips spaces and a line comment from i: the offset of the
// newline (or of the first other byte) that follows. The comment on an
// element's own line is about the element and goes with it.
func lineCodeEnd(src []byte, i int) int {
	i = skipSpace(src, i)
	if i+1 < len(src) && src[i] == '/' && src[i+1] == '/' {
		for i < len(src) && src[i] != '\n' {
			i++
		}
	}
	return i
}

// skipSpace returns the first offset at or after i that is not a space or
// a tab.
func skipSpace(src []byte, i int) int {
	for i < len(src) && (src[i] == ' ' || src[i] == '\t') {
		i++
	}
	return i
}

// Plain reports whether e can be written twice without running anything:
// a variable or constant, a field selection chain on one, a qualified
// identifier of another package, or a basic literal. Calls, indexes,
// method values and anything else do not count.
func Plain(info *types.Info, e ast.Expr) bool {
	switch x := ast.Unparen(e).(type) {
	case *ast.BasicLit:
		return true
	case *ast.Ident:
		switch info.Uses[x].(type) {
		case *types.Var, *types.Const:
			return true
		}
		return false
	case *ast.SelectorExpr:
		if sel, ok := info.Selections[x]; ok {
			return sel.Kind() == types.FieldVal && Plain(info, x.X)
		}
		// A qualified identifier: pkg.Var or pkg.Const.
		if id, ok := x.X.(*ast.Ident); ok {
			if _, isPkg := info.Uses[id].(*types.PkgName); isPkg {
				switch info.Uses[x.Sel].(type) {
				case *types.Var, *types.Const:
					return true
				}
			}
		}
	}
	return false
}

// Names records the names that fixes made in one pass declare, by scope,
// so that two fixes in one block, applied together, do not declare the same
// name twice.
type Names map[*types.Scope]map[string]bool

// Free returns the first of names that declaring in scope at pos would
// neither shadow nor clash with: nothing of that name is visible there,
// scope declares nothing of that name elsewhere, and no earlier fix of the
// pass claimed it in scope. The name returned is claimed.
func (ns Names) Free(scope *types.Scope, pos token.Pos, names ...string) (string, bool) {
	if scope == nil {
		return "", false
	}
	for _, n := range names {
		if ns[scope][n] || scope.Lookup(n) != nil {
			continue
		}
		if _, obj := scope.LookupParent(n, pos); obj != nil {
			continue
		}
		if ns[scope] == nil {
			ns[scope] = map[string]bool{}
		}
		ns[scope][n] = true
		return n, true
	}
	return "", false
}

// HasGoto reports whether body holds a goto statement, which a variable
// declaration inserted before its label could make jump over it.
func HasGoto(body ast.Node) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		if b, ok := n.(*ast.BranchStmt); ok && b.Tok == token.GOTO {
			found = true
		}
		return !found
	})
	return found
}

// PkgName returns the name by which the file reaches package pkg at pos
// (in scope, the innermost scope there), with the edit that imports it
// when the file does not yet: its own name, provided nothing else is
// called that at pos or in the package. ok is false when neither works
// (the import's name is shadowed, a dot or blank import, a clash).
func (f File) PkgName(info *types.Info, scope *types.Scope, pos token.Pos, pkg *types.Package) (string, []analysis.TextEdit, bool) {
	for _, spec := range f.AST.Imports {
		path, err := strconv.Unquote(spec.Path.Value)
		if err != nil || path != pkg.Path() {
			continue
		}
		var obj types.Object
		if spec.Name != nil {
			obj = info.Defs[spec.Name]
		} else {
			obj = info.Implicits[spec]
		}
		pn, ok := obj.(*types.PkgName)
		if !ok || pn.Name() == "_" || pn.Name() == "." {
			continue
		}
		if _, obj := scope.LookupParent(pn.Name(), pos); obj == pn {
			return pn.Name(), nil, true
		}
		return "", nil, false
	}
	name := pkg.Name()
	if _, obj := scope.LookupParent(name, pos); obj != nil {
		return "", nil, false
	}
	return name, []analysis.TextEdit{f.importEdit(pkg.Path())}, true
}

// importEdit adds an import of path to the file: into its import block,
// in sorted position, or as a declaration of its own.
func (f File) importEdit(path string) analysis.TextEdit {
	quoted := strconv.Quote(path)
	for _, d := range f.AST.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.IMPORT {
			continue
		}
		if !gd.Lparen.IsValid() {
			return analysis.TextEdit{Pos: gd.End(), End: gd.End(), NewText: []byte("\nimport " + quoted)}
		}
		// Among the imports of its kind (standard library or not, as
		// goimports groups them): after the last that sorts before it,
		// or before the first.
		var after, before ast.Spec
		for _, s := range gd.Specs {
			is, ok := s.(*ast.ImportSpec)
			if !ok || isStd(is.Path.Value) != isStd(quoted) {
				continue
			}
			if is.Path.Value < quoted {
				after = s
			} else if before == nil {
				before = s
			}
		}
		switch {
		case after != nil:
			return analysis.TextEdit{Pos: after.End(), End: after.End(), NewText: []byte("\n\t" + quoted)}
		case before != nil:
			return analysis.TextEdit{Pos: before.Pos(), End: before.Pos(), NewText: []byte(quoted + "\n\t")}
		case len(gd.Specs) > 0:
			first := gd.Specs[0].Pos()
			return analysis.TextEdit{Pos: first, End: first, NewText: []byte(quoted + "\n\t")}
		}
		return analysis.TextEdit{Pos: gd.Rparen, End: gd.Rparen, NewText: []byte("\t" + quoted + "\n")}
	}
	end := f.AST.Name.End()
	return analysis.TextEdit{Pos: end, End: end, NewText: []byte("\n\nimport " + quoted)}
}

// isStd reports whether a quoted import path is of the standard library
// (no dot in its first element).
func isStd(quoted string) bool {
	path, err := strconv.Unquote(quoted)
	if err != nil {
		return false
	}
	first, _, _ := strings.Cut(path, "/")
	return !strings.Contains(first, ".")
}
