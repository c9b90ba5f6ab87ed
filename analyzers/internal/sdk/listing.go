package sdk

import (
	"go/ast"
	"go/token"
	"go/types"

	"github.com/dockguard/dockguard/analyzers/internal/resolve"
	"github.com/dockguard/dockguard/dockercli"
	"golang.org/x/tools/go/ast/inspector"
)

// Listing reports whether e evaluates to a container listing: the result of
// ContainerList / ListContainers (or its Items), the output of an exec'd
// `docker ps`, and values derived from those by slicing, indexing,
// strings.Fields/Split/TrimSpace or conversion, directly or through local
// variables.
func Listing(p *resolve.Pkg, body *ast.BlockStmt, e ast.Expr, at token.Pos) bool {
	return listing(p, body, e, at, 0)
}

func listing(p *resolve.Pkg, body *ast.BlockStmt, e ast.Expr, at token.Pos, depth int) bool {
	if depth > 6 {
		return false
	}
	switch x := ast.Unparen(e).(type) {
	case *ast.CallExpr:
		if c, ok := IsClientCall(p, x); ok {
			return c.Name == "ContainerList" || c.Name == "ListContainers"
		}
		c, ok := p.CalleeOf(x)
		if !ok {
			// string(out), []byte(s): conversions.
			if tv, found := p.Info.Types[x.Fun]; found && tv.IsType() && len(x.Args) == 1 {
				return listing(p, body, x.Args[0], at, depth+1)
			}
			if id, isIdent := ast.Unparen(x.Fun).(*ast.Ident); isIdent && (id.Name == "string") && len(x.Args) == 1 {
				return listing(p, body, x.Args[0], at, depth+1)
			}
			return false
		}
		if c.Method && (c.Name == "Output" || c.Name == "CombinedOutput") {
			if sel, isSel := ast.Unparen(x.Fun).(*ast.SelectorExpr); isSel {
				return execListing(p, body, sel.X, at, depth+1)
			}
			return false
		}
		if !c.Method && (c.Pkg == "strings" || c.Pkg == "bytes") && len(x.Args) > 0 {
			switch c.Name {
			case "Fields", "Split", "SplitN", "TrimSpace", "Trim", "TrimRight", "TrimSuffix", "Lines", "FieldsSeq", "SplitSeq":
				return listing(p, body, x.Args[0], at, depth+1)
			}
		}
	case *ast.SelectorExpr:
		if x.Sel.Name == "Items" {
			return listing(p, body, x.X, at, depth+1)
		}
	case *ast.IndexExpr:
		return listing(p, body, x.X, at, depth+1)
	case *ast.SliceExpr:
		return listing(p, body, x.X, at, depth+1)
	case *ast.Ident:
		v, isVar := p.ObjectOf(x).(*types.Var)
		if !isVar {
			return false
		}
		for _, src := range p.AssignedFrom(body, v, at) {
			if listing(p, body, src, at, depth+1) {
				return true
			}
		}
	}
	return false
}

// execListing reports whether e is (a variable holding) an exec.Command
// running a container listing such as `docker ps -q`.
func execListing(p *resolve.Pkg, body *ast.BlockStmt, e ast.Expr, at token.Pos, depth int) bool {
	if depth > 6 {
		return false
	}
	switch x := ast.Unparen(e).(type) {
	case *ast.CallExpr:
		c, ok := p.CalleeOf(x)
		if !ok || c.Method || !IsExecPkg(c.Pkg) {
			return false
		}
		args := x.Args
		switch c.Name {
		case "Command":
		case "CommandContext":
			if len(args) == 0 {
				return false
			}
			args = args[1:]
		default:
			return false
		}
		ws := p.Args(body, args, x.Ellipsis.IsValid(), x.Pos())
		argv := make([]dockercli.Word, len(ws))
		for i, w := range ws {
			argv[i] = dockercli.Word{Value: w.Value, Known: w.Known, Start: -1, End: -1, Text: w.Text}
		}
		inv, ok := dockercli.Parse(argv, nil)
		return ok && inv.IsContainerListing()
	case *ast.Ident:
		v, isVar := p.ObjectOf(x).(*types.Var)
		if !isVar {
			return false
		}
		for _, src := range p.AssignedFrom(body, v, at) {
			if execListing(p, body, src, at, depth+1) {
				return true
			}
		}
	}
	return false
}

// FromListing reports whether expression e, found at cursor c, mentions a
// variable that holds a container listing or ranges over one. An element
// picked by a constant index (list[0]), or by any index outside a loop, is
// one container, not the listing.
func FromListing(p *resolve.Pkg, c inspector.Cursor, e ast.Expr) bool {
	body := resolve.EnclosingFunc(c)
	inLoop := false // in a loop of the same declared function
	for l := range c.Enclosing((*ast.ForStmt)(nil), (*ast.RangeStmt)(nil), (*ast.FuncDecl)(nil)) {
		_, isDecl := l.Node().(*ast.FuncDecl)
		inLoop = !isDecl
		break
	}
	found := false
	ast.Inspect(e, func(n ast.Node) bool {
		if found {
			return false
		}
		if ix, isIndex := n.(*ast.IndexExpr); isIndex && (!inLoop || p.Const(ix.Index) != nil) {
			// list[0], or list[n] outside a loop: one container picked
			// from the listing, not every one.
			return false
		}
		id, isIdent := n.(*ast.Ident)
		if !isIdent {
			return true
		}
		v, isVar := p.ObjectOf(id).(*types.Var)
		if !isVar || v.IsField() {
			return true
		}
		for r := range c.Enclosing((*ast.RangeStmt)(nil)) {
			rs := r.Node().(*ast.RangeStmt)
			if isDef(p, rs.Key, v) || isDef(p, rs.Value, v) {
				if Listing(p, body, rs.X, rs.Pos()) {
					found = true
				}
				return false
			}
		}
		if Listing(p, body, id, e.Pos()) {
			found = true
		}
		return false
	})
	return found
}

func isDef(p *resolve.Pkg, e ast.Expr, v *types.Var) bool {
	id, ok := e.(*ast.Ident)
	return ok && e != nil && p.ObjectOf(id) == v
}
