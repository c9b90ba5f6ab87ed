package diag

import (
	"github.com/dockguard/dockguard/analyzers/internal/dockerexec"
	"golang.org/x/tools/go/analysis"
)

// ReportExec reports the findings of the exec helper whose rule is in ids.
func ReportExec(pass *analysis.Pass, res *dockerexec.Result, ids ...string) {
	for _, s := range res.Sites {
		for _, f := range s.Findings {
			for _, id := range ids {
				if f.Rule == id {
					Report(pass, f.Rule, f.Pos, f.End, f.Message)
				}
			}
		}
	}
}
