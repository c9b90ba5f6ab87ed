package prune

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
const Doc = `report cleanup that destroys volume data

prune reports volume pruning (DG107): os/exec running docker volume prune,
docker system prune --volumes or docker compose down -v, and the SDK's
VolumesPrune / VolumePrune / PruneVolumes.`

// Analyzer reports destructive pruning.
var Analyzer = New(dockerexec.Analyzer)

// New returns the analyzer using exec as its exec-site helper.
func New(exec *analysis.Analyzer) *analysis.Analyzer {
	return &analysis.Analyzer{
		Name:             "prune",
		Doc:              Doc,
		URL:              "https://github.com/dockguard/dockguard/blob/main/docs/rules/DG107.md",
		Requires:         []*analysis.Analyzer{exec},
		RunDespiteErrors: true,
		Run: func(pass *analysis.Pass) (any, error) {
			res := pass.ResultOf[exec].(*dockerexec.Result)
			if !res.Relevant {
				return nil, nil
			}
			diag.ReportExec(pass, res, "DG107")
			insp := res.Insp
			p := resolve.New(pass, insp)
			for cur := range insp.Root().Preorder((*ast.CallExpr)(nil)) {
				call := cur.Node().(*ast.CallExpr)
				c, ok := sdk.IsClientCall(p, call)
				if !ok {
					continue
				}
				switch c.Name {
				case "VolumesPrune", "VolumePrune", "PruneVolumes":
					if forwards(cur, c.Name) {
						continue
					}
					diag.Report(pass, "DG107", call.Pos(), resolve.CallEnd(call),
						c.Name+" deletes unused volumes and the data in them, other projects' too; remove the volumes you own by name instead")
				}
			}
			return nil, nil
		},
	}
}

// forwards reports whether the call at cur sits in a method of the same
// name: a wrapper that implements the client interface (a dry-run or
// tracing client) and hands the call on. The prune happens where the
// wrapper is called, through the interface, and is reported there.
func forwards(cur inspector.Cursor, name string) bool {
	for e := range cur.Enclosing((*ast.FuncDecl)(nil), (*ast.FuncLit)(nil)) {
		fd, ok := e.Node().(*ast.FuncDecl)
		return ok && fd.Recv != nil && fd.Name.Name == name
	}
	return false
}
