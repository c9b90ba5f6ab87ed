package memlimit

import (
	"go/ast"

	"github.com/dockguard/dockguard/analyzers/internal/diag"
	"github.com/dockguard/dockguard/analyzers/internal/dockerexec"
	"github.com/dockguard/dockguard/analyzers/internal/resolve"
	"github.com/dockguard/dockguard/analyzers/internal/sdk"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/inspector"
)

// Doc is the analyzer's documentation.
const Doc = `report ContainerCreate without a memory limit

memlimit reports Docker SDK container creation (moby/moby/client,
docker/docker/client, fsouza/go-dockerclient) whose host configuration is
nil or sets no Resources.Memory, or sets it to 0 (DG301).`

// Analyzer reports containers created without a memory limit.
var Analyzer = New(dockerexec.Analyzer)

// New returns the analyzer using exec as its helper (which decides whether
// the package is worth inspecting and provides the inspector).
func New(exec *analysis.Analyzer) *analysis.Analyzer {
	return &analysis.Analyzer{
		Name:             "memlimit",
		Doc:              Doc,
		URL:              "https://github.com/dockguard/dockguard/blob/main/docs/rules/DG301.md",
		Requires:         []*analysis.Analyzer{exec},
		RunDespiteErrors: true,
		Run: func(pass *analysis.Pass) (any, error) {
			res := pass.ResultOf[exec].(*dockerexec.Result)
			if !res.Relevant {
				return nil, nil
			}
			return run(pass, res.Insp)
		},
	}
}

const fix = "set HostConfig.Resources.Memory (for example 512 << 20)"

func run(pass *analysis.Pass, insp *inspector.Inspector) (any, error) {
	p := resolve.New(pass, insp)
	for cur := range insp.Root().Preorder((*ast.CallExpr)(nil)) {
		call := cur.Node().(*ast.CallExpr)
		c, ok := sdk.IsClientCall(p, call)
		if !ok || (c.Name != "ContainerCreate" && c.Name != "CreateContainer") {
			continue
		}
		body := resolve.EnclosingFunc(cur)
		var vals []resolve.Value
		var host []resolve.Value
		if opt := sdk.OptionsArg(p, c, call, sdk.CreateOptions, -1); opt != nil {
			// moby/moby/client and fsouza: an options struct holding HostConfig.
			path := []string{"HostConfig", "Resources", "Memory"}
			if c.Name == "CreateContainer" {
				path = []string{"HostConfig", "Memory"}
				if anyLimit(p.Field(body, opt, call.Pos(), "Config", "Memory")) {
					continue
				}
			}
			vals = p.Field(body, opt, call.Pos(), path...)
			host = p.Field(body, opt, call.Pos(), "HostConfig")
		} else if c.Name == "ContainerCreate" {
			// docker/docker/client: ContainerCreate(ctx, config, hostConfig, ...).
			hc := sdk.OptionsArg(p, c, call, sdk.HostConfig, 2)
			if hc == nil || (!c.Typed && len(call.Args) < 5) {
				continue
			}
			vals = p.Field(body, hc, call.Pos(), "Resources", "Memory")
			host = p.Field(body, hc, call.Pos())
		} else {
			continue
		}
		if len(vals) == 0 || anyLimit(vals) || !allZero(vals) {
			continue
		}
		// A container created only to copy files out of its image, and
		// removed without ever starting, uses no memory.
		if v := sdk.CreatedVar(p.Info, cur.Parent().Node(), call); v != nil && sdk.NeverStarted(p.Info, body, v, clientCall(p)) {
			continue
		}
		msg := c.Name + " with a HostConfig that sets no Resources.Memory creates a container without a memory limit; it may use all of the Docker VM's memory; " + fix
		switch {
		case all(host, resolve.Nil):
			msg = c.Name + " with a nil HostConfig creates a container without a memory limit; it may use all of the Docker VM's memory; " + fix
		case all(host, resolve.Absent):
			msg = c.Name + " without a HostConfig creates a container without a memory limit; it may use all of the Docker VM's memory; " + fix
		case anyKnownZero(vals):
			msg = c.Name + " with Memory 0 creates a container without a memory limit (0 means unlimited); " + fix
		}
		diag.Report(pass, "DG301", call.Pos(), resolve.CallEnd(call), msg)
	}
	return nil, nil
}

func anyLimit(vals []resolve.Value) bool {
	for _, v := range vals {
		if v.State == resolve.Known && !v.IsZero() {
			return true
		}
	}
	return false
}

func allZero(vals []resolve.Value) bool {
	for _, v := range vals {
		if !v.IsZero() {
			return false
		}
	}
	return true
}

func all(vals []resolve.Value, st resolve.State) bool {
	for _, v := range vals {
		if v.State != st {
			return false
		}
	}
	return len(vals) > 0
}

func anyKnownZero(vals []resolve.Value) bool {
	for _, v := range vals {
		if v.State == resolve.Known {
			return true
		}
	}
	return false
}

// clientCall adapts sdk.IsClientCall for sdk.NeverStarted.
func clientCall(p *resolve.Pkg) func(*ast.CallExpr) (string, bool) {
	return func(call *ast.CallExpr) (string, bool) {
		c, ok := sdk.IsClientCall(p, call)
		return c.Name, ok
	}
}
