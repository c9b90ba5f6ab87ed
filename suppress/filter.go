package suppress

import (
	"fmt"
	"sort"
	"sync"

	"github.com/dockguard/dockguard/engine"
	"github.com/dockguard/dockguard/report"
	"github.com/dockguard/dockguard/rules"
)

// Suppressor applies inline directives to each file's findings. Its Filter
// method is an engine.Options.Filter; it is safe for concurrent use. The
// findings it hides are kept for formats that show suppressions (SARIF).
type Suppressor struct {
	// Enabled reports whether a rule is on; nil means every rule is. A
	// directive naming only rules that are off is not reported unused, and
	// DG002/DG003 findings are produced only when those rules are on.
	Enabled func(ruleID string) bool

	mu         sync.Mutex
	suppressed []report.Suppressed
}

func (s *Suppressor) enabled(id string) bool { return s.Enabled == nil || s.Enabled(id) }

// Filter returns the findings of file that no directive in src covers, plus
// DG002 and DG003 findings for the directives themselves, and the number of
// findings it hid. It is called for files with findings and for files that
// contain a directive even when they have none.
func (s *Suppressor) Filter(file string, src []byte, fs []rules.Finding) ([]rules.Finding, int) {
	ds := Parse(file, src)
	if len(ds) == 0 {
		return fs, 0
	}
	used := make([]map[string]bool, len(ds))
	kept := fs[:0:0]
	var hidden []report.Suppressed
	for _, f := range fs {
		if d := s.match(ds, f, used); d != nil {
			hidden = append(hidden, report.Suppressed{Finding: f, Kind: "inSource", Justification: d.Reason})
			continue
		}
		kept = append(kept, f)
	}
	for i := range ds {
		d := &ds[i]
		if d.Problem != "" {
			if s.enabled("DG003") {
				kept = append(kept, s.directiveFinding("DG003", file, src, d, fmt.Sprintf("malformed suppression: %s", d.Problem)))
			}
			continue
		}
		if !s.enabled("DG002") {
			continue
		}
		if d.NoLint {
			if len(used[i]) == 0 {
				kept = append(kept, s.directiveFinding("DG002", file, src, d, "nolint:dockguard matched no finding; remove it"))
			}
			continue
		}
		for _, id := range d.Rules {
			if used[i][id] || !s.enabled(id) {
				continue
			}
			where := "on the line it covers"
			switch {
			case d.FileWide:
				where = "in this file"
			case d.From == 0:
				where = "(no command follows it)"
			case d.From != d.Line:
				where = fmt.Sprintf("on line %d", d.From)
				if d.To != d.From {
					where = fmt.Sprintf("on lines %d-%d", d.From, d.To)
				}
			}
			msg := fmt.Sprintf("unused suppression: no %s finding %s; remove %s from the directive", id, where, id)
			if len(d.Rules) == 1 {
				msg = fmt.Sprintf("unused suppression: no %s finding %s; remove the directive", id, where)
			}
			kept = append(kept, s.directiveFinding("DG002", file, src, d, msg))
		}
	}
	if len(hidden) > 0 {
		s.mu.Lock()
		s.suppressed = append(s.suppressed, hidden...)
		s.mu.Unlock()
	}
	return kept, len(hidden)
}

// match returns the directive that hides f, preferring a line directive
// over a file-wide one so that the narrower exception is the one used.
func (s *Suppressor) match(ds []Directive, f rules.Finding, used []map[string]bool) *Directive {
	best := -1
	for i := range ds {
		if ds[i].Covers(f.Rule, f.Line) && (best < 0 || ds[best].FileWide && !ds[i].FileWide) {
			best = i
		}
	}
	if best < 0 {
		return nil
	}
	if used[best] == nil {
		used[best] = map[string]bool{}
	}
	used[best][f.Rule] = true
	return &ds[best]
}

func (s *Suppressor) directiveFinding(id, file string, src []byte, d *Directive, msg string) rules.Finding {
	f := rules.New(rules.MustLookup(id), file, src, d.Start, d.End, msg)
	f.Key = d.Text
	return f
}

// Suppressed returns the findings hidden so far, sorted by file and position.
func (s *Suppressor) Suppressed() []report.Suppressed {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := append([]report.Suppressed(nil), s.suppressed...)
	sort.SliceStable(out, func(i, j int) bool { return engine.Less(&out[i].Finding, &out[j].Finding) })
	return out
}
