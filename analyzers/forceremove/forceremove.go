package forceremove

import (
	"fmt"
	"go/ast"
	"go/types"

	"github.com/dockguard/dockguard/analyzers/internal/diag"
	"github.com/dockguard/dockguard/analyzers/internal/dockerexec"
	"github.com/dockguard/dockguard/analyzers/internal/edit"
	"github.com/dockguard/dockguard/analyzers/internal/resolve"
	"github.com/dockguard/dockguard/analyzers/internal/sdk"
	"golang.org/x/tools/go/analysis"
)

// Doc is the analyzer's documentation.
const Doc = `report force removal of containers and images

forceremove reports force removals from Go code: os/exec running docker,
podman or nerdctl with rm -f / rmi -f (judged by the docker command-line
model, sh -c scripts through the shell front end), and Docker SDK calls
(moby/moby/client, docker/docker/client, fsouza/go-dockerclient) whose
remove options have Force set to true. Rules: DG101 (container), DG102
(image), DG103 (podman volume), DG105 (every container from a listing).`

// Analyzer reports force removals with the default configuration.
var Analyzer = New(dockerexec.Analyzer, DefaultStopTimeout)

// New returns the analyzer using exec as its exec-site helper (see
// analyzers.New for a configured set). stopTimeout is the number of
// seconds the stops its fixes insert give a container (0:
// DefaultStopTimeout); the analyzer's -stop-timeout flag overrides it, as
// in go vet -vettool=dockguard -forceremove.stop-timeout=30.
func New(exec *analysis.Analyzer, stopTimeout int) *analysis.Analyzer {
	if stopTimeout <= 0 {
		stopTimeout = DefaultStopTimeout
	}
	a := &analysis.Analyzer{
		Name:             "forceremove",
		Doc:              Doc,
		URL:              "https://github.com/dockguard/dockguard/blob/main/docs/rules/DG101.md",
		Requires:         []*analysis.Analyzer{exec},
		RunDespiteErrors: true,
	}
	timeout := a.Flags.Int("stop-timeout", stopTimeout, "seconds the graceful stops inserted by fixes give a container before it is killed")
	a.Run = func(pass *analysis.Pass) (any, error) {
		t := *timeout
		if t <= 0 {
			t = DefaultStopTimeout
		}
		run(pass, pass.ResultOf[exec].(*dockerexec.Result), t)
		return nil, nil
	}
	return a
}

// check describes one SDK removal method.
type check struct {
	rule string
	opts []sdk.Type
	arg  int    // index of the options argument, for calls without types
	id   string // field holding the target in the options (fsouza), or ""
	// target is the index of the argument naming the removed object (-1:
	// none), set per call: the argument before the options for the SDK,
	// the wrapper's own parameter for a wrapper.
	target int
	what   string
}

var checks = map[string]check{
	"ContainerRemove":     {rule: "DG101", opts: sdk.ContainerRemoveOptions, arg: 2, what: "container"},
	"RemoveContainer":     {rule: "DG101", opts: sdk.ContainerRemoveOptions, arg: 0, id: "ID", what: "container"},
	"ImageRemove":         {rule: "DG102", opts: sdk.ImageRemoveOptions, arg: 2, what: "image"},
	"RemoveImageExtended": {rule: "DG102", opts: sdk.ImageRemoveOptions, arg: 1, what: "image"},
}

// libraryRemovals are methods of test libraries (package.Type.Method)
// that force-remove a container.
var libraryRemovals = map[string]bool{
	"github.com/ory/dockertest/v3.Pool.Purge":                 true,
	"github.com/ory/dockertest/v3.Pool.RemoveContainerByName": true,
	"github.com/ory/dockertest/v3.Resource.Close":             true,
}

func run(pass *analysis.Pass, res *dockerexec.Result, timeout int) {
	if !res.Relevant {
		return
	}
	insp := res.Insp
	p := resolve.New(pass, insp)
	var stops *sdk.Stops // built on the first forced container removal
	getStops := func() *sdk.Stops {
		if stops == nil {
			stops = sdk.NewStops(p, pass.Files, execStop(p, res))
		}
		return stops
	}
	reportExec(pass, p, res, getStops)
	names := edit.Names{}
	for cur := range insp.Root().Preorder((*ast.CallExpr)(nil)) {
		call := cur.Node().(*ast.CallExpr)
		if lib, ok := p.CalleeOf(call); ok && lib.Typed && lib.Method && libraryRemovals[lib.Pkg+"."+lib.Recv+"."+lib.Name] {
			if !getStops().StoppedBefore(cur, libraryTargets(p, resolve.EnclosingFunc(cur), lib, call)) {
				diag.Report(pass, "DG101", call.Pos(), resolve.CallEnd(call), fmt.Sprintf(
					"dockertest's %s.%s force-removes the container (RemoveContainer with Force: true), killing it with SIGKILL; "+
						"stop it with a timeout first (pool.Client.StopContainer(id, 10)) so that the removal kills nothing", lib.Recv, lib.Name))
			}
			continue
		}
		c, ck, opt, via := removal(p, res, call)
		if opt == nil {
			continue
		}
		body := resolve.EnclosingFunc(cur)
		var force *resolve.Value
		for _, v := range p.Field(body, opt, call.Pos(), "Force") {
			if v.IsTrue() {
				force = &v
				break
			}
		}
		if force == nil {
			continue
		}
		var related []analysis.RelatedInformation
		if force.At.IsValid() && (force.At < call.Pos() || force.At >= call.End()) {
			related = append(related, analysis.RelatedInformation{Pos: force.At, Message: "Force is set to true here"})
		}
		if ck.rule == "DG101" {
			// Stop with a timeout, then remove: Force only removes a
			// stopped container, nothing is killed. This is the sequence
			// the rule asks for, with a redundant Force.
			if getStops().StoppedBefore(cur, removed(p, body, ck, opt, call)) {
				continue
			}
		}
		mass := false
		var targets []ast.Expr
		if ck.rule == "DG101" {
			targets = call.Args
			if ck.id != "" {
				for _, v := range p.Field(body, opt, call.Pos(), ck.id) {
					if v.Expr != nil {
						targets = append(targets, v.Expr)
					}
				}
			}
			for _, t := range targets {
				if t != opt && sdk.FromListing(p, cur, t) {
					mass = true
				}
			}
		}
		if !mass && ck.rule == "DG101" && createdOnly(p, body, call, targets) {
			// Created and never started: nothing runs, nothing is killed.
			continue
		}
		switch {
		case mass:
			diag.Report(pass, "DG105", call.Pos(), resolve.CallEnd(call), fmt.Sprintf(
				"%s with Force: true on every container from a listing SIGKILLs and removes each of them with no time to stop, the removal storm that hangs the engine; "+
					"filter the listing to what you own, stop with bounded concurrency (at most 3 at a time), then remove without Force", shown(c, via)), related...)
		case ck.rule == "DG101":
			var fix *analysis.SuggestedFix
			if c.Typed && via == "" {
				fix = stopFix(pass, names, cur, ck, call, opt, *force, timeout)
			}
			diag.ReportFix(pass, "DG101", call.Pos(), resolve.CallEnd(call), fmt.Sprintf(
				"%s with Force: true kills the container with SIGKILL and removes it in one request; stop it with a timeout first (%s), then remove it without Force",
				shown(c, via), stopName(c)), fix, related...)
		default:
			diag.Report(pass, "DG102", call.Pos(), resolve.CallEnd(call), fmt.Sprintf(
				"%s with Force: true removes the image even while containers use it; remove those containers gracefully first, then the image without Force",
				shown(c, via)), related...)
		}
	}
}

// removal matches an SDK removal call, or a call of a project's own
// wrapper of one (a function that passes its SDK remove-options parameter
// on to the SDK, see dockerexec.RemoverFact), and returns its options
// argument (nil: not a removal). For a wrapper, c is the SDK method it
// calls and via names the wrapper and the method for the message ("" for
// the SDK itself).
func removal(p *resolve.Pkg, res *dockerexec.Result, call *ast.CallExpr) (c resolve.Callee, ck check, opt ast.Expr, via string) {
	if c, ok := sdk.IsClientCall(p, call); ok {
		if ck, ok := checks[c.Name]; ok {
			ck.target = ck.arg - 1
			return c, ck, sdk.OptionsArg(p, c, call, ck.opts, ck.arg), ""
		}
	}
	w, ok := p.CalleeOf(call)
	if !ok || !w.Typed || w.Func == nil {
		return resolve.Callee{}, check{}, nil, ""
	}
	rf, ok := res.Remover(w.Func)
	if !ok || rf.Opts >= len(call.Args) {
		return resolve.Callee{}, check{}, nil, ""
	}
	ck, ok = checks[rf.Method]
	if !ok {
		return resolve.Callee{}, check{}, nil, ""
	}
	ck.arg, ck.target = rf.Opts, rf.Target
	sdkCall := resolve.Callee{Name: rf.Method, Method: true}
	return sdkCall, ck, call.Args[rf.Opts], fmt.Sprintf("%s, which passes its options to %s,", w.Name, rf.Method)
}

// shown names the removal in a message: the SDK method, or the wrapper
// that calls it.
func shown(c resolve.Callee, via string) string {
	if via != "" {
		return via
	}
	return c.Name
}

// removed names the containers an SDK removal acts on: the id argument
// of ContainerRemove, or every value the ID field of fsouza's options may
// hold. An ID that cannot be resolved gives an unknown target.
func removed(p *resolve.Pkg, body *ast.BlockStmt, ck check, opt ast.Expr, call *ast.CallExpr) []sdk.Target {
	if ck.id == "" {
		if ck.target >= 0 && ck.target < len(call.Args) {
			return []sdk.Target{sdk.TargetOf(p, body, call.Args[ck.target])}
		}
		return nil
	}
	var out []sdk.Target
	for _, v := range p.Field(body, opt, call.Pos(), ck.id) {
		switch {
		case v.Expr != nil:
			out = append(out, sdk.TargetOf(p, body, v.Expr))
		default:
			out = append(out, sdk.Target{})
		}
	}
	return out
}

// libraryTargets names the container a dockertest removal acts on:
// Purge(r) and r.Close() remove r.Container.ID, RemoveContainerByName its
// argument.
func libraryTargets(p *resolve.Pkg, body *ast.BlockStmt, lib resolve.Callee, call *ast.CallExpr) []sdk.Target {
	switch lib.Name {
	case "Purge":
		if len(call.Args) == 1 {
			return []sdk.Target{sdk.TargetOf(p, body, call.Args[0]).Field("Container", "ID")}
		}
	case "Close":
		if sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok {
			return []sdk.Target{sdk.TargetOf(p, body, sel.X).Field("Container", "ID")}
		}
	case "RemoveContainerByName":
		if len(call.Args) == 1 {
			return []sdk.Target{sdk.TargetOf(p, body, call.Args[0])}
		}
	}
	return nil
}

func stopName(c resolve.Callee) string {
	if sdk.Family(c) == sdk.Fsouza || c.Name == "RemoveContainer" {
		return "StopContainer"
	}
	return "ContainerStop"
}

// createdOnly reports whether a target of the removal is the ID of a
// container created in the same function (created.ID, with created set
// only from ContainerCreate or CreateContainer) that is never started there.
func createdOnly(p *resolve.Pkg, body *ast.BlockStmt, call *ast.CallExpr, targets []ast.Expr) bool {
	isClient := func(c *ast.CallExpr) (string, bool) {
		callee, ok := sdk.IsClientCall(p, c)
		return callee.Name, ok
	}
	for _, t := range targets {
		sel, ok := ast.Unparen(t).(*ast.SelectorExpr)
		if !ok || sel.Sel.Name != "ID" {
			continue
		}
		id, ok := ast.Unparen(sel.X).(*ast.Ident)
		if !ok {
			continue
		}
		v, ok := p.ObjectOf(id).(*types.Var)
		if !ok {
			continue
		}
		srcs := p.AssignedFrom(body, v, call.Pos())
		created := len(srcs) > 0
		for _, src := range srcs {
			c, isCall := ast.Unparen(src).(*ast.CallExpr)
			if !isCall {
				created = false
				break
			}
			if name, ok := isClient(c); !ok || !sdk.IsCreate(name) {
				created = false
				break
			}
		}
		if created && sdk.NeverStarted(p.Info, body, v, isClient) {
			return true
		}
	}
	return false
}
