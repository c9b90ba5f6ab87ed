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
	df := NewFile(file, src, ds)
	kept := fs[:0:0]
	var hidden []report.Suppressed
	for _, f := range fs {
		if d := df.Hide(f.Rule, f.Line); d != nil {
			hidden = append(hidden, report.Suppressed{Finding: f, Kind: "inSource", Justification: d.Reason})
			continue
		}
		kept = append(kept, f)
	}
	kept = append(kept, df.Problems(s.enabled)...)
	if len(hidden) > 0 {
		s.mu.Lock()
		s.suppressed = append(s.suppressed, hidden...)
		s.mu.Unlock()
	}
	return kept, len(hidden)
}

// File is the directives of one file and the rules each has hidden so
// far. The Suppressor uses one per file, and so do drivers that see a
// file's findings one at a time (go vet, golangci-lint), so that both
// match, and report unused or malformed directives, alike. It is not safe
// for concurrent use.
type File struct {
	name string
	src  []byte
	ds   []Directive
	used []map[string]bool
}

// NewFile returns the state of file, whose contents are src and whose
// directives are ds (from Parse, possibly narrowed by the caller).
func NewFile(file string, src []byte, ds []Directive) *File {
	return &File{name: file, src: src, ds: ds, used: make([]map[string]bool, len(ds))}
}

// Hide returns the directive that hides a finding of rule on line (1-based)
// and records that it was used, or nil. A line directive is preferred over
// a file-wide one, so that the narrower exception is the one used.
func (df *File) Hide(rule string, line int) *Directive {
	best := -1
	for i := range df.ds {
		if df.ds[i].Covers(rule, line) && (best < 0 || df.ds[best].FileWide && !df.ds[i].FileWide) {
			best = i
		}
	}
	if best < 0 {
		return nil
	}
	if df.used[best] == nil {
		df.used[best] = map[string]bool{}
	}
	df.used[best][rule] = true
	return &df.ds[best]
}

// Problems returns a DG003 finding for each malformed directive and a DG002
// finding for each rule a directive names that hid nothing, for the rules
// enabled reports on (nil: all). Call it once every finding of the file
// has been offered to Hide.
func (df *File) Problems(enabled func(ruleID string) bool) []rules.Finding {
	on := func(id string) bool { return enabled == nil || enabled(id) }
	var out []rules.Finding
	for i := range df.ds {
		d := &df.ds[i]
		if d.Problem != "" {
			if on("DG003") {
				out = append(out, df.finding("DG003", d, fmt.Sprintf("malformed suppression: %s", d.Problem)))
			}
			continue
		}
		if !on("DG002") {
			continue
		}
		if d.NoLint {
			if len(df.used[i]) == 0 {
				out = append(out, df.finding("DG002", d, "nolint:dockguard matched no finding; remove it"))
			}
			continue
		}
		for _, id := range d.Rules {
			if df.used[i][id] || !on(id) {
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
			out = append(out, df.finding("DG002", d, msg))
		}
	}
	return out
}

func (df *File) finding(id string, d *Directive, msg string) rules.Finding {
	f := rules.New(rules.MustLookup(id), df.name, df.src, d.Start, d.End, msg)
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
