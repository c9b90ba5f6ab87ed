package killcontainer

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/types"
	"strings"

	"github.com/dockguard/dockguard/analyzers/internal/diag"
	"github.com/dockguard/dockguard/analyzers/internal/dockerexec"
	"github.com/dockguard/dockguard/analyzers/internal/resolve"
	"github.com/dockguard/dockguard/analyzers/internal/sdk"
	"github.com/dockguard/dockguard/dockercli"
	"golang.org/x/tools/go/analysis"
)

// Doc is the analyzer's documentation.
const Doc = `report containers killed without a graceful stop

killcontainer reports SIGKILL without a graceful stop (DG104): SDK
ContainerKill / KillContainer with the default signal or KILL, ContainerStop
and ContainerRestart with a zero timeout or the KILL signal, and os/exec
running docker kill or docker stop -t 0. A kill of every container from a
listing is reported as DG105.`

// Analyzer reports kills with the default configuration.
var Analyzer = New(dockerexec.Analyzer)

// New returns the analyzer using exec as its exec-site helper.
func New(exec *analysis.Analyzer) *analysis.Analyzer {
	return &analysis.Analyzer{
		Name:             "killcontainer",
		Doc:              Doc,
		URL:              "https://github.com/dockguard/dockguard/blob/main/docs/rules/DG104.md",
		Requires:         []*analysis.Analyzer{exec},
		RunDespiteErrors: true,
		Run: func(pass *analysis.Pass) (any, error) {
			run(pass, pass.ResultOf[exec].(*dockerexec.Result))
			return nil, nil
		},
	}
}

func run(pass *analysis.Pass, res *dockerexec.Result) {
	if !res.Relevant {
		return
	}
	diag.ReportExec(pass, res, "DG104")
	insp := res.Insp
	p := resolve.New(pass, insp)
	for cur := range insp.Root().Preorder((*ast.CallExpr)(nil)) {
		call := cur.Node().(*ast.CallExpr)
		c, ok := sdk.IsClientCall(p, call)
		if !ok {
			continue
		}
		body := resolve.EnclosingFunc(cur)
		var why string
		switch c.Name {
		case "ContainerKill":
			why = containerKill(p, body, c, call)
		case "KillContainer":
			if opt := sdk.OptionsArg(p, c, call, sdk.KillOptions, 0); opt != nil {
				why = strings.Replace(killSignal(p.Field(body, opt, call.Pos(), "Signal"), true), "ContainerStop", "StopContainer", 1)
			}
		case "ContainerStop", "ContainerRestart", "StopContainer", "RestartContainer", "StopContainerWithContext":
			why = sdk.StopKills(p, body, c, call)
		}
		if why == "" {
			continue
		}
		mass := false
		if c.Name != "KillContainer" || len(call.Args) == 0 {
			for _, a := range call.Args {
				if sdk.FromListing(p, cur, a) {
					mass = true
				}
			}
		} else {
			for _, v := range p.Field(body, call.Args[0], call.Pos(), "ID") {
				if v.Expr != nil && sdk.FromListing(p, cur, v.Expr) {
					mass = true
				}
			}
		}
		if mass && (c.Name == "ContainerKill" || c.Name == "KillContainer") {
			diag.Report(pass, "DG105", call.Pos(), resolve.CallEnd(call), fmt.Sprintf(
				"%s on every container from a listing SIGKILLs each of them with no time to stop (it removes nothing), the SIGKILL storm that hangs the engine; "+
					"filter the listing to what you own and stop with a timeout and bounded concurrency (at most 3 at a time)", c.Name))
			continue
		}
		diag.Report(pass, "DG104", call.Pos(), resolve.CallEnd(call), c.Name+": "+why)
	}
}

const useStop = "use ContainerStop with a timeout (SIGTERM, then SIGKILL after the timeout) instead"

// containerKill judges ContainerKill: moby's options struct or docker's
// signal string.
func containerKill(p *resolve.Pkg, body *ast.BlockStmt, c resolve.Callee, call *ast.CallExpr) string {
	if opt := sdk.OptionsArg(p, c, call, sdk.KillOptions, -1); opt != nil {
		return killSignal(p.Field(body, opt, call.Pos(), "Signal"), true)
	}
	if len(call.Args) != 3 {
		return ""
	}
	if c.Typed && !isString(p, call.Args[2]) {
		return ""
	}
	return killSignal(p.Scalar(body, call.Args[2], call.Pos()), true)
}

// killSignal judges the possible values of a signal; dflt says an unset
// signal means SIGKILL.
func killSignal(vals []resolve.Value, dflt bool) string {
	for _, v := range vals {
		switch {
		case v.State == resolve.Absent && dflt, v.State == resolve.Known && v.IsZero() && dflt:
			return "the default signal is SIGKILL, with no graceful shutdown; " + useStop
		case v.State == resolve.Known:
			var s string
			switch v.Const.Kind() {
			case constant.String:
				s = constant.StringVal(v.Const)
			case constant.Int:
				s = v.Const.ExactString()
			}
			if dockercli.IsKillSignal(s) {
				return "signal " + s + " is SIGKILL, with no graceful shutdown; " + useStop
			}
		}
	}
	return ""
}

func isString(p *resolve.Pkg, e ast.Expr) bool {
	t := p.Info.TypeOf(e)
	if t == nil {
		return true
	}
	b, ok := t.Underlying().(*types.Basic)
	return ok && (b.Info()&types.IsString != 0 || b.Kind() == types.Invalid)
}
