package rules

import (
	"regexp"
	"strings"
	"testing"
)

func TestCatalogueIsComplete(t *testing.T) {
	id := regexp.MustCompile(`^DG[0-9]{3}$`)
	name := regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	seen := map[string]bool{}
	prev := ""
	for _, r := range Catalogue {
		if !id.MatchString(r.ID) || !name.MatchString(r.Name) {
			t.Errorf("bad ID or name: %q %q", r.ID, r.Name)
		}
		if r.ID <= prev {
			t.Errorf("%s: catalogue not ordered by ID", r.ID)
		}
		prev = r.ID
		if seen[r.ID] || seen[r.Name] {
			t.Errorf("%s: duplicate ID or name", r.ID)
		}
		seen[r.ID], seen[r.Name] = true, true
		if r.Severity == SeverityNone {
			t.Errorf("%s: no default severity", r.ID)
		}
		for field, v := range map[string]string{"Summary": r.Summary, "Rationale": r.Rationale, "Bad": r.Bad, "Good": r.Good, "Alternative": r.Alternative, "Frontend": r.Frontend, "Precision": r.Precision} {
			if strings.TrimSpace(v) == "" {
				t.Errorf("%s: empty %s", r.ID, field)
			}
		}
		if len(r.Tags) == 0 {
			t.Errorf("%s: no tags", r.ID)
		}
		if !strings.HasSuffix(r.HelpURI(), "/docs/rules/"+r.ID+".md") {
			t.Errorf("%s: help URI %s", r.ID, r.HelpURI())
		}
	}
	// The IDs the issues fix, with their default severities.
	want := map[string]Severity{
		"DG001": SeverityError, "DG002": SeverityWarning, "DG003": SeverityError, "DG004": SeverityWarning,
		"DG101": SeverityError, "DG102": SeverityWarning, "DG103": SeverityWarning, "DG104": SeverityWarning,
		"DG105": SeverityError, "DG106": SeverityWarning, "DG107": SeverityWarning,
		"DG201": SeverityError, "DG202": SeverityError, "DG203": SeverityWarning, "DG204": SeverityWarning, "DG205": SeverityError,
		"DG301": SeverityWarning, "DG302": SeverityInfo,
		"DG401": SeverityError, "DG402": SeverityWarning, "DG403": SeverityError, "DG404": SeverityInfo,
		"DG405": SeverityInfo, "DG406": SeverityInfo, "DG407": SeverityError, "DG408": SeverityError,
	}
	for id, sev := range want {
		r, ok := Lookup(id)
		if !ok || r.Severity != sev {
			t.Errorf("%s: missing or severity %v, want %v", id, r, sev)
		}
	}
	if len(Catalogue) != len(want) {
		t.Errorf("catalogue has %d rules, want %d", len(Catalogue), len(want))
	}
}

func TestLookupAndSuggest(t *testing.T) {
	if r, ok := Lookup("dg101"); !ok || r.Name != "force-remove-container" {
		t.Error("lower-case ID")
	}
	if r, ok := Lookup("kill-container"); !ok || r.ID != "DG104" {
		t.Error("lookup by name")
	}
	if _, ok := Lookup("DG999"); ok {
		t.Error("unknown rule found")
	}
	if s := Suggest("DG1O1"); len(s) == 0 || s[0] != "DG101" {
		t.Errorf("Suggest(DG1O1) = %v", s)
	}
	if s := Suggest("kill-containers"); len(s) == 0 || s[0] != "kill-container" {
		t.Errorf("Suggest(kill-containers) = %v", s)
	}
}

func TestPositions(t *testing.T) {
	src := []byte("ab\nxé€😀z\n\nlast")
	for _, c := range []struct{ off, line, col int }{
		{0, 1, 1}, {2, 1, 3}, {3, 2, 1}, {4, 2, 2}, {6, 2, 4}, {13, 2, 11}, {14, 2, 12}, {15, 3, 1}, {16, 4, 1}, {20, 4, 5}, {99, 4, 5}, {-1, 1, 1},
	} {
		l, col := Position(src, c.off)
		if l != c.line || col != c.col {
			t.Errorf("Position(%d) = %d:%d, want %d:%d", c.off, l, col, c.line, c.col)
		}
		if c.off >= 0 && c.off <= len(src) {
			if back := Offset(src, l, col); back != c.off {
				t.Errorf("Offset(%d:%d) = %d, want %d", l, col, back, c.off)
			}
		}
	}
	// Line 2 is "xé€😀z": runes x(1 byte) é(2) €(3) 😀(4) z(1).
	for runeCol, byteCol := range map[int]int{1: 1, 2: 2, 3: 4, 4: 7, 5: 11, 6: 12} {
		if got := RuneColumnToByte(src, 2, runeCol); got != byteCol {
			t.Errorf("RuneColumnToByte(2, %d) = %d, want %d", runeCol, got, byteCol)
		}
	}
	// UTF-16: x é € are one unit each, 😀 is a surrogate pair.
	for byteCol, u16 := range map[int]int{1: 1, 2: 2, 4: 3, 7: 4, 11: 6, 12: 7} {
		if got := UTF16Column(src, 2, byteCol); got != u16 {
			t.Errorf("UTF16Column(2, %d) = %d, want %d", byteCol, got, u16)
		}
	}
}

func TestNewFinding(t *testing.T) {
	src := []byte("#!/bin/sh\ndocker rm -f web\n")
	f := New(MustLookup("DG101"), "x.sh", src, 10, 26, "msg")
	if f.Line != 2 || f.Column != 1 || f.EndLine != 2 || f.EndColumn != 17 || f.Severity != SeverityError || f.Name != "force-remove-container" {
		t.Errorf("%+v", f)
	}
	f.SetRange(src, 20, 5) // end before start is clamped to start
	if f.Start != 20 || f.End != 20 {
		t.Errorf("clamped range %d-%d", f.Start, f.End)
	}
}

func TestSeverity(t *testing.T) {
	for _, s := range []string{"error", "warning", "info", "none"} {
		v, err := ParseSeverity(s)
		if err != nil || v.String() != s {
			t.Errorf("%s: %v %v", s, v, err)
		}
	}
	if _, err := ParseSeverity("fatal"); err == nil {
		t.Error("fatal accepted")
	}
	if SeverityError <= SeverityWarning || SeverityWarning <= SeverityInfo || SeverityInfo <= SeverityNone {
		t.Error("severity order")
	}
}

func TestLineIndexAgreesWithPosition(t *testing.T) {
	for _, src := range []string{"", "\n", "a", "ab\nxé€😀z\n\nlast", "\n\n\nx\n"} {
		ix := NewLineIndex([]byte(src))
		for off := -1; off <= len(src)+1; off++ {
			l1, c1 := Position([]byte(src), off)
			l2, c2 := ix.Position(off)
			if l1 != l2 || c1 != c2 {
				t.Errorf("%q @%d: Position %d:%d, LineIndex %d:%d", src, off, l1, c1, l2, c2)
			}
		}
		r := MustLookup("DG101")
		a := New(r, "f", []byte(src), 1, len(src), "m")
		b := ix.New(r, "f", 1, len(src), "m")
		if a.Line != b.Line || a.Column != b.Column || a.EndLine != b.EndLine || a.EndColumn != b.EndColumn || a.Start != b.Start || a.End != b.End {
			t.Errorf("%q: New %+v, LineIndex.New %+v", src, a, b)
		}
	}
}

// The report formats convert every finding's position through a LineIndex;
// it must give what the whole-source scans give.
func TestLineIndexAgreesWithOffsetAndUTF16(t *testing.T) {
	for _, src := range []string{"", "\n", "a", "ab\r\nxé€😀z\n\nlast", "\n\n\nx\n", "😀😀\n"} {
		b := []byte(src)
		ix := NewLineIndex(b)
		for line := 0; line <= ix.Lines()+1; line++ {
			for col := 0; col <= len(src)+2; col++ {
				if o1, o2 := Offset(b, line, col), ix.Offset(line, col); o1 != o2 {
					t.Errorf("%q %d:%d: Offset %d, LineIndex.Offset %d", src, line, col, o1, o2)
				}
				if u1, u2 := UTF16Column(b, line, col), ix.UTF16Column(line, col); u1 != u2 {
					t.Errorf("%q %d:%d: UTF16Column %d, LineIndex %d", src, line, col, u1, u2)
				}
			}
		}
	}
	ix := NewLineIndex([]byte("ab\r\nxé😀\nlast"))
	for line, want := range map[int]string{1: "ab", 2: "xé😀", 3: "last", 4: ""} {
		if got := string(ix.LineText(line)); got != want {
			t.Errorf("LineText(%d) = %q, want %q", line, got, want)
		}
	}
	if got := ix.UTF16Column(2, 1+1+2+4); got != 5 {
		t.Errorf("UTF16Column after xé😀 = %d, want 5", got)
	}
}

func TestRiskThresholds(t *testing.T) {
	for _, tc := range []struct {
		name      string
		got, want Risk
	}{
		{"overcommit at 100%", RiskOvercommit(8, 8), RiskMedium},
		{"overcommit above 100%", RiskOvercommit(9, 8), RiskHigh},
		{"overcommit below 80%", RiskOvercommit(6, 8), RiskLow},
		{"overcommit, capacity unknown", RiskOvercommit(6, 0), RiskUnknown},
		{"reclaim 5 GiB", RiskReclaimable(5 << 30), RiskMedium},
		{"reclaim just under 5 GiB", RiskReclaimable(5<<30 - 1), RiskLow},
		{"reclaim 10 GiB", RiskReclaimable(10 << 30), RiskHigh},
		{"reclaim unknown", RiskReclaimable(-1), RiskUnknown},
		{"2 restarts", RiskOOM(0, 2), RiskMedium},
		{"3 restarts", RiskOOM(0, 3), RiskHigh},
		{"OOM-killed", RiskOOM(1, 0), RiskHigh},
		{"slow ping", RiskDaemon(true, 0, RiskPingMedium), RiskMedium},
		{"unreachable", RiskDaemon(false, 0, 0), RiskHigh},
		{"worst with an unknown", RiskWorst(RiskLow, RiskUnknown), RiskUnknown},
		{"worst, HIGH wins over unknown", RiskWorst(RiskUnknown, RiskHigh), RiskHigh},
		{"worst of known", RiskWorst(RiskLow, RiskMedium), RiskMedium},
		{"warning severity", RiskOfSeverity(SeverityWarning), RiskMedium},
	} {
		if tc.got != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, tc.got, tc.want)
		}
	}
	if !strings.Contains(MustLookup("DG407").Explain(), "HIGH above 100%") {
		t.Error("DG407's page does not state its thresholds")
	}
}
