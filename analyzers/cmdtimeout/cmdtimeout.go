package cmdtimeout

import (
	"go/ast"
	"go/token"
	"go/types"
	"slices"

	"github.com/dockguard/dockguard/analyzers/internal/diag"
	"github.com/dockguard/dockguard/analyzers/internal/dockerexec"
	"github.com/dockguard/dockguard/analyzers/internal/resolve"
	"github.com/dockguard/dockguard/analyzers/internal/sdk"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/inspector"
)

// Doc is the analyzer's documentation.
const Doc = `report exec.Command running docker without a context

cmdtimeout reports os/exec.Command calls that run a container CLI (docker,
podman, nerdctl, docker-compose), where exec.CommandContext with a deadline
would keep a hung daemon from hanging the program (DG302). Where a
context.Context parameter or local is in scope, the suggested fix passes it
to exec.CommandContext.`

// Analyzer reports docker commands without a deadline.
var Analyzer = New(dockerexec.Analyzer)

// New returns the analyzer using exec as its exec-site helper.
func New(exec *analysis.Analyzer) *analysis.Analyzer {
	return &analysis.Analyzer{
		Name:             "cmdtimeout",
		Doc:              Doc,
		URL:              "https://github.com/dockguard/dockguard/blob/main/docs/rules/DG302.md",
		Requires:         []*analysis.Analyzer{exec},
		RunDespiteErrors: true,
		Run: func(pass *analysis.Pass) (any, error) {
			res := pass.ResultOf[exec].(*dockerexec.Result)
			var p *resolve.Pkg
			for _, s := range res.Sites {
				if s.Context || !s.Docker || s.Wrapper != "" { // a wrapper or helper: its own exec call is the site
					continue
				}
				if p == nil {
					p = resolve.New(pass, res.Insp)
				}
				what := s.Program
				if s.Invocation != nil {
					what = s.Invocation.Binary
				}
				// Point at exec.Command itself: that is what a fix replaces.
				diag.ReportFix(pass, "DG302", s.Call.Fun.Pos(), s.Call.Fun.End(),
					"exec.Command runs "+what+" with no deadline, so a hung daemon hangs this call for ever; use exec.CommandContext with a context that has a timeout",
					withContext(pass, p, s.Cursor, s.Call))
			}
			return nil, nil
		},
	}
}

// withContext rewrites exec.Command(name, args...) into
// exec.CommandContext(ctx, name, args...), where ctx is the one
// context.Context variable in scope (see contextAt); nil when there is none
// or the call is not written pkg.Command.
func withContext(pass *analysis.Pass, p *resolve.Pkg, cur inspector.Cursor, call *ast.CallExpr) *analysis.SuggestedFix {
	sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
	if !ok || pass.Pkg == nil {
		return nil
	}
	if id, isIdent := sel.X.(*ast.Ident); !isIdent {
		return nil
	} else if _, isPkg := pass.TypesInfo.Uses[id].(*types.PkgName); !isPkg {
		return nil
	}
	if c, ok := p.CalleeOf(call); !ok || !c.Typed || c.Method || !sdk.IsExecPkg(c.Pkg) || c.Name != "Command" {
		return nil // only os/exec (or execabs) has CommandContext to switch to
	}
	ctx, ok := contextAt(pass, p, cur, call.Lparen)
	if !ok {
		return nil
	}
	return &analysis.SuggestedFix{
		Message: "Use exec.CommandContext with " + ctx,
		TextEdits: []analysis.TextEdit{
			{Pos: sel.Sel.Pos(), End: sel.Sel.End(), NewText: []byte("CommandContext")},
			{Pos: call.Lparen + 1, End: call.Lparen + 1, NewText: []byte(ctx + ", ")},
		},
	}
}

// contextAt returns the name of the context.Context variable to use at pos:
// a parameter of an enclosing function, or a local assigned before pos,
// visible there (not shadowed). Of several in the innermost scope that has
// one, the one called ctx wins; with no ctx among them, none.
// Package-level contexts do not count: a context belongs to a call chain.
func contextAt(pass *analysis.Pass, p *resolve.Pkg, cur inspector.Cursor, pos token.Pos) (string, bool) {
	inner := pass.Pkg.Scope().Innermost(pos)
	body := resolve.EnclosingFunc(cur)
	params := paramsOf(pass.TypesInfo, cur)
	for s := inner; s != nil && s != pass.Pkg.Scope() && s != types.Universe; s = s.Parent() {
		var found []string
		for _, name := range s.Names() {
			_, obj := inner.LookupParent(name, pos)
			v, ok := obj.(*types.Var)
			if !ok || v.Parent() != s || !isContext(v.Type()) {
				continue
			}
			if !slices.Contains(params, v) && len(p.AssignedFrom(body, v, pos)) == 0 {
				continue // var ctx context.Context: nil until assigned
			}
			found = append(found, name)
		}
		switch {
		case len(found) == 1:
			return found[0], true
		case slices.Contains(found, "ctx"):
			return "ctx", true
		case len(found) > 1:
			return "", false
		}
	}
	return "", false
}

// paramsOf returns the parameters (receivers included) of the functions
// enclosing cur.
func paramsOf(info *types.Info, cur inspector.Cursor) []*types.Var {
	var out []*types.Var
	add := func(fields ...*ast.FieldList) {
		for _, fl := range fields {
			if fl == nil {
				continue
			}
			for _, f := range fl.List {
				for _, n := range f.Names {
					if v, ok := info.Defs[n].(*types.Var); ok {
						out = append(out, v)
					}
				}
			}
		}
	}
	for e := range cur.Enclosing((*ast.FuncDecl)(nil), (*ast.FuncLit)(nil)) {
		switch n := e.Node().(type) {
		case *ast.FuncDecl:
			add(n.Recv, n.Type.Params)
		case *ast.FuncLit:
			add(n.Type.Params)
		}
	}
	return out
}

func isContext(t types.Type) bool {
	n, ok := types.Unalias(t).(*types.Named)
	return ok && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == "context" && n.Obj().Name() == "Context"
}
