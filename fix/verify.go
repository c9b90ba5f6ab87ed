package fix

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/dockguard/dockguard/rules"
)

// parseRules are the findings that say a file could not be read as what
// it is: a fix that brings one breaks the file.
var parseRules = map[string]bool{"DG001": true, "DG004": true}

// verifier re-checks fixed contents of one file.
type verifier struct {
	ctx     context.Context
	name    string
	before  []byte
	raw     []rules.Finding
	recheck Recheck
}

// try applies the fixes of cs to the original contents, re-checks the
// result and returns it, or the reason it is refused.
func (v *verifier) try(cs []*candidate) ([]byte, []rules.Finding, string) {
	var edits []rules.Edit
	for _, c := range cs {
		edits = append(edits, c.edits...)
	}
	sort.SliceStable(edits, func(i, j int) bool { return edits[i].Start < edits[j].Start })
	after, err := Apply(v.before, edits)
	if err != nil {
		return nil, nil, "not applied: " + err.Error()
	}
	again := v.recheck(v.ctx, v.name, after)
	if why := v.check(cs, edits, again); why != "" {
		return nil, nil, why
	}
	return after, again, ""
}

// check compares the re-check with the original findings: no rule may
// have more findings than before less those fixed, and no fixed finding
// may still be reported where its text went.
func (v *verifier) check(cs []*candidate, edits []rules.Edit, again []rules.Finding) string {
	count := map[string]int{}
	for _, f := range v.raw {
		count[f.Rule]++
	}
	for _, f := range appliedOf(cs) {
		count[f.Rule]--
	}
	for _, f := range again {
		count[f.Rule]--
	}
	for _, f := range again {
		if count[f.Rule] >= 0 {
			continue
		}
		if parseRules[f.Rule] {
			if msg, ok := strings.CutPrefix(f.Message, rules.TypeCheckFailed); ok {
				return fmt.Sprintf("rolled back: the fixed file does not type-check (line %d: %s)", f.Line, msg)
			}
			return fmt.Sprintf("rolled back: the fixed file does not parse (%s at line %d: %s)", f.Rule, f.Line, f.Message)
		}
		if !v.fixedRule(cs, f.Rule) {
			return fmt.Sprintf("rolled back: the fix brings a new finding (%s at line %d: %s)", f.Rule, f.Line, f.Message)
		}
	}
	for _, c := range cs {
		for _, fd := range append([]rules.Finding{c.finding}, c.dups...) {
			s, e := shift(edits, fd.Start, false), shift(edits, fd.End, true)
			for _, f := range again {
				if f.Rule == fd.Rule && f.Start < max(e, s+1) && s < max(f.End, f.Start+1) {
					return fmt.Sprintf("rolled back: %s is still reported after the fix (line %d)", fd.Rule, f.Line)
				}
			}
		}
	}
	for r, n := range count {
		if n < 0 {
			return fmt.Sprintf("rolled back: %s is still reported after the fix", r)
		}
	}
	return ""
}

func (v *verifier) fixedRule(cs []*candidate, rule string) bool {
	for _, f := range appliedOf(cs) {
		if f.Rule == rule {
			return true
		}
	}
	return false
}

// all tries every fix at once: the usual case, one re-check per file.
func (v *verifier) all(cs []*candidate) ([]*candidate, []byte, []rules.Finding) {
	after, again, why := v.try(cs)
	if why != "" {
		return nil, nil, nil
	}
	return cs, after, again
}

// oneByOne keeps each fix that works together with those kept before it,
// and rejects the others with their reason.
func (v *verifier) oneByOne(cs []*candidate, r *Result) ([]*candidate, []byte, []rules.Finding) {
	var kept []*candidate
	var after []byte
	var again []rules.Finding
	for _, c := range cs {
		next := append(append([]*candidate(nil), kept...), c)
		a, f, why := v.try(next)
		if why != "" {
			r.reject(append([]rules.Finding{c.finding}, c.dups...), why)
			continue
		}
		kept, after, again = next, a, f
	}
	return kept, after, again
}
