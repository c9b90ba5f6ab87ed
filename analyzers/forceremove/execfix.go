package forceremove

import (
	"go/ast"
	"go/token"
	"go/types"
	"strconv"
	"strings"

	"github.com/dockguard/dockguard/analyzers/internal/diag"
	"github.com/dockguard/dockguard/analyzers/internal/dockerexec"
	"github.com/dockguard/dockguard/analyzers/internal/edit"
	"github.com/dockguard/dockguard/analyzers/internal/resolve"
	"github.com/dockguard/dockguard/analyzers/internal/sdk"
	"github.com/dockguard/dockguard/dockercli"
	"golang.org/x/tools/go/analysis"
)

// execRules are the exec-site findings forceremove reports.
var execRules = map[string]bool{"DG101": true, "DG102": true, "DG103": true, "DG105": true, "DG001": true}

// reportExec reports the exec helper's findings of forceremove's rules. A
// container force removal (docker rm -f) that follows a graceful stop of
// the same container on every path, whose failure ends the path, gets a
// fix that drops -f: inserting the stop itself is not mechanical (the
// command's error handling is the program's), but where the program
// already stops, -f only turns a failed stop into a kill.
func reportExec(pass *analysis.Pass, p *resolve.Pkg, res *dockerexec.Result, stops func() *sdk.Stops) {
	for _, s := range res.Sites {
		for _, f := range s.Findings {
			if !execRules[f.Rule] {
				continue
			}
			var fix *analysis.SuggestedFix
			msg := f.Message
			if f.Rule == "DG101" && s.Wrapper == "" && s.Invocation != nil && s.Invocation.Cmd() == "container rm" {
				// Only after a stop whose failure ends the path: docker rm -f
				// of a missing container exits 0 (Docker 20.10 and later),
				// docker rm exits 1, so the removal must only run on a
				// container that the stop found.
				if stops().StoppedBeforeChecked(s.Cursor, execTargets(p, s)) {
					var what string
					if fix, what = dropForce(pass, s); fix != nil {
						msg += "; the container is already stopped before this on every path, so dropping " + what + " is enough"
					}
				}
			}
			diag.ReportFix(pass, f.Rule, f.Pos, f.End, msg, fix)
		}
	}
}

// execStop recognises a graceful `docker stop` run through os/exec and
// waited for: exec.Command("docker", "stop", id).Run() (or Output,
// CombinedOutput), directly or through a variable assigned once from the
// command. Start does not wait, and `stop -t 0` or `-s KILL` kill.
func execStop(p *resolve.Pkg, res *dockerexec.Result) sdk.StopFunc {
	byCall := map[*ast.CallExpr]*dockerexec.Site{}
	for _, s := range res.Sites {
		if s.Wrapper == "" && s.Invocation != nil && s.Invocation.Cmd() == "container stop" {
			byCall[s.Call] = s
		}
	}
	return func(body *ast.BlockStmt, call *ast.CallExpr) (sdk.Target, bool) {
		if len(byCall) == 0 {
			return sdk.Target{}, false
		}
		sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
		if !ok {
			return sdk.Target{}, false
		}
		switch sel.Sel.Name {
		case "Run", "Output", "CombinedOutput":
		default:
			return sdk.Target{}, false
		}
		x := ast.Unparen(sel.X)
		if id, ok := x.(*ast.Ident); ok {
			if src := assignedOnce(p, body, id, call.Pos()); src != nil {
				x = ast.Unparen(src)
			}
		}
		site, ok := byCall[asCall(x)]
		if !ok {
			return sdk.Target{}, false
		}
		for _, v := range site.Invocation.Verdicts() {
			if v.Rule == dockercli.RuleKill {
				return sdk.Target{}, false // stop -t 0, -s KILL
			}
		}
		ts := execTargets(p, site)
		if len(ts) == 1 {
			return ts[0], true
		}
		return sdk.Target{}, true // several or none: some container
	}
}

func asCall(e ast.Expr) *ast.CallExpr {
	c, _ := e.(*ast.CallExpr)
	return c
}

// assignedOnce returns what the variable id names was assigned from, when
// it was assigned exactly once before at in body.
func assignedOnce(p *resolve.Pkg, body *ast.BlockStmt, id *ast.Ident, at token.Pos) ast.Expr {
	v, ok := p.ObjectOf(id).(*types.Var)
	if !ok {
		return nil
	}
	srcs := p.AssignedFrom(body, v, at)
	if len(srcs) != 1 {
		return nil
	}
	return srcs[0]
}

// execTargets names the containers of an exec site's command line, from
// the arguments of the call they were written in.
func execTargets(p *resolve.Pkg, s *dockerexec.Site) []sdk.Target {
	tf := p.Fset.File(s.Call.Pos())
	if tf == nil {
		return nil
	}
	body := resolve.EnclosingFunc(s.Cursor)
	var out []sdk.Target
	for _, w := range s.Invocation.Targets() {
		var t sdk.Target
		for _, a := range s.Call.Args {
			if tf.Offset(a.Pos()) == w.Start && tf.Offset(a.End()) == w.End {
				t = sdk.TargetOf(p, body, a)
			}
		}
		out = append(out, t)
	}
	return out
}

// dropForce returns the fix that removes the force flag from the exec
// call's arguments: the whole "-f" / "--force" / "--force=true" argument,
// or the f of a short cluster ("-fv" becomes "-v"). The flag must be a
// string literal argument of the call itself, given once. what says what
// goes, for the message.
func dropForce(pass *analysis.Pass, s *dockerexec.Site) (fix *analysis.SuggestedFix, what string) {
	inv := s.Invocation
	var force *dockercli.Flag
	for i := range inv.Flags {
		if inv.Flags[i].Name == "force" {
			if force != nil {
				return nil, "" // given twice
			}
			force = &inv.Flags[i]
		}
	}
	if force == nil || force.Index < 0 || force.Index >= len(inv.Argv) {
		return nil, ""
	}
	w := inv.Argv[force.Index]
	f, ok := edit.FileOf(pass, s.Call.Pos())
	if !ok {
		return nil, ""
	}
	for k, a := range s.Call.Args {
		lit, ok := a.(*ast.BasicLit)
		if !ok || lit.Kind != token.STRING || f.Tok.Offset(a.Pos()) != w.Start || f.Tok.Offset(a.End()) != w.End {
			continue
		}
		val, err := strconv.Unquote(lit.Value)
		if err != nil || val != force.Written {
			return nil, ""
		}
		switch {
		case val == "-f" || val == "--force" || val == "--force=true":
			return &analysis.SuggestedFix{
				Message:   "Remove without " + val + ": the container is stopped before",
				TextEdits: []analysis.TextEdit{f.DeleteElement(s.Call.Args, k)},
			}, val
		case !strings.HasPrefix(val, "--") && strings.Count(val, "f") == 1 && len(val) > 2:
			rest := strings.Replace(val, "f", "", 1)
			return &analysis.SuggestedFix{
				Message:   "Remove with " + rest + " instead of " + val + ": the container is stopped before",
				TextEdits: []analysis.TextEdit{{Pos: lit.Pos(), End: lit.End(), NewText: []byte(strconv.Quote(rest))}},
			}, "the f of " + val
		}
		return nil, ""
	}
	return nil, ""
}
