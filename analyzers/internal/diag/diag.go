// Package diag reports dockguard findings as analysis diagnostics: the
// category is the rule ID, the URL the rule's documentation, and the message
// ends with the rule ID in parentheses so that go vet and golangci-lint
// output names the rule.
package diag

import (
	"go/token"
	"strings"

	"github.com/dockguard/dockguard/rules"
	"golang.org/x/tools/go/analysis"
)

// Report reports a finding of rule on [pos, end). An end that is missing or
// before pos (syntax trees of files with errors) becomes pos.
func Report(pass *analysis.Pass, rule string, pos, end token.Pos, msg string, related ...analysis.RelatedInformation) {
	ReportFix(pass, rule, pos, end, msg, nil, related...)
}

// ReportFix is Report with a suggested fix (none when fix is nil). Drivers
// that apply fixes (go vet -fix, go fix -fixtool, gopls, golangci-lint
// --fix, dockguard check --fix) take the first one.
func ReportFix(pass *analysis.Pass, rule string, pos, end token.Pos, msg string, fix *analysis.SuggestedFix, related ...analysis.RelatedInformation) {
	d := New(rule, pos, end, msg)
	d.Related = related
	if fix != nil {
		d.SuggestedFixes = []analysis.SuggestedFix{*fix}
	}
	pass.Report(d)
}

// New returns the diagnostic of a finding of rule on [pos, end), as Report
// reports it.
func New(rule string, pos, end token.Pos, msg string) analysis.Diagnostic {
	r := rules.MustLookup(rule)
	if !end.IsValid() || end < pos {
		end = pos
	}
	return analysis.Diagnostic{
		Pos:      pos,
		End:      end,
		Category: r.ID,
		Message:  msg + " (" + r.ID + ")",
		URL:      r.HelpURI(),
	}
}

// TrimRule removes the " (DGnnn)" suffix Report adds, for front ends that
// print the rule ID themselves.
func TrimRule(msg, rule string) string {
	return strings.TrimSuffix(msg, " ("+rule+")")
}

// URL is the analyzer documentation URL for a rule.
func URL(rule string) string { return rules.MustLookup(rule).HelpURI() }
