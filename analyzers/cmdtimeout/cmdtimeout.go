package cmdtimeout

import (
	"github.com/dockguard/dockguard/analyzers/internal/diag"
	"github.com/dockguard/dockguard/analyzers/internal/dockerexec"
	"golang.org/x/tools/go/analysis"
)

// Doc is the analyzer's documentation.
const Doc = `report exec.Command running docker without a context

cmdtimeout reports os/exec.Command calls that run a container CLI (docker,
podman, nerdctl, docker-compose), where exec.CommandContext with a deadline
would keep a hung daemon from hanging the program (DG302).`

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
			for _, s := range pass.ResultOf[exec].(*dockerexec.Result).Sites {
				if s.Context || !s.Docker || s.Wrapper != "" { // a wrapper or helper: its own exec call is the site
					continue
				}
				what := s.Program
				if s.Invocation != nil {
					what = s.Invocation.Binary
				}
				// Point at exec.Command itself: that is what a fix replaces.
				diag.Report(pass, "DG302", s.Call.Fun.Pos(), s.Call.Fun.End(),
					"exec.Command runs "+what+" with no deadline, so a hung daemon hangs this call for ever; use exec.CommandContext with a context that has a timeout")
			}
			return nil, nil
		},
	}
}
