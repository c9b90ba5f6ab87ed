package render

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"strings"
	"time"

	"github.com/dockguard/dockguard/rules"
	"github.com/dockguard/dockguard/verify"
)

//go:embed report.html.tmpl
var htmlSource string

var htmlTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
	"size":        Size,
	"cleanupRows": CleanupRows,
	"guardRows":   GuardRows,
	"limit":       Limit,
	"signed":      signedSize,
	"loc":         Location,
	"finished":    finished,
	"yesno":       yesNo,
	"sev":         func(s rules.Severity) string { return s.String() },
	"usage": func(c verify.ContainerFacts) string {
		if c.Usage < 0 {
			return "not sampled"
		}
		return Size(c.Usage)
	},
	"ms":             func(f float64) string { return fmt.Sprintf("%.1f ms", f) },
	"total":          total,
	"headroom":       headroom,
	"committed":      committed,
	"unlimitedusage": unlimitedUsage,
	"commit":         commitText,
	"lines":          func(ls []string) string { return strings.Join(ls, "\n") },
	"notloc":         joinLoc,
	"code":           inlineCode,
	"bars":           bars,
	"memchart":       MemoryChart,
	"commitchart":    CommittedChart,
	"riskcls":        func(r rules.Risk) string { return strings.ToLower(r.String()) },
}).Parse(htmlSource))

// riskColour fills the "after" bar with the colour of its level.
var riskColour = map[rules.Risk]string{rules.RiskHigh: "#cf222e", rules.RiskMedium: "#9a6700", rules.RiskLow: "#1a7f37", rules.RiskUnknown: "#8c959f"}

// bars draws a row's before and after figures as two inline SVG bars on
// one scale; an unknown figure has no bar.
func bars(r CompareRow) template.HTML {
	const width, barH = 160.0, 8.0
	top := max(r.BeforeValue, r.AfterValue)
	w := func(v float64) float64 {
		if v <= 0 || top <= 0 {
			return 0
		}
		return max(1, width*v/top)
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="bars" width="%.0f" height="22" viewBox="0 0 %.0f 22" role="img" aria-label="%s">`, width, width,
		template.HTMLEscapeString("before "+r.Before+", after "+r.After))
	if r.BeforeValue >= 0 {
		fmt.Fprintf(&b, `<rect x="0" y="2" width="%.1f" height="%.0f" fill="#8c959f"/>`, w(r.BeforeValue), barH)
	}
	if r.AfterValue >= 0 {
		fmt.Fprintf(&b, `<rect x="0" y="12" width="%.1f" height="%.0f" fill="%s"/>`, w(r.AfterValue), barH, riskColour[r.AfterRisk])
	}
	b.WriteString("</svg>")
	return template.HTML(b.String()) // numbers and an escaped label only
}

// inlineCode escapes s and turns its `backtick` spans, as rule texts and
// messages write commands, into <code> elements.
func inlineCode(s string) template.HTML {
	parts := strings.Split(s, "`")
	if len(parts)%2 == 0 {
		// An unmatched backtick: show the text as it is.
		return template.HTML(template.HTMLEscapeString(s)) // escaped above
	}
	var b strings.Builder
	for i, p := range parts {
		if i%2 == 1 {
			b.WriteString("<code>" + template.HTMLEscapeString(p) + "</code>")
		} else {
			b.WriteString(template.HTMLEscapeString(p))
		}
	}
	return template.HTML(b.String()) // every part is escaped
}

type htmlView struct {
	*Document
	Generated   string
	Date        string
	Top         []Action
	Groups      []Group
	Commands    []CommandBlock
	Links       []Link
	StatusClass string
	StatusText  string
	StaticCount Counts
	LiveCount   Counts
	TotalCount  Counts
	Checks      []Check
	Running     []verify.ContainerFacts
	NotesList   []rules.Note
	ErrorsList  []rules.Note
	Compare     *Comparison
	RiskAreas   []rules.RiskArea
}

// LinkText is what a finding's line says about its DG401/DG201 link.
func (v htmlView) LinkText(f rules.Finding) string { return linkText(v.Links, f) }

// HTML writes the report as one self-contained HTML file: inline CSS, no
// scripts, no external assets, so it can be mailed or archived as is.
func HTML(w io.Writer, d *Document) error {
	v := htmlView{
		Document:    d,
		Generated:   d.Generated.UTC().Format(time.RFC3339),
		Date:        d.Generated.UTC().Format("2006-01-02 15:04 MST"),
		Groups:      d.Impact(),
		Commands:    d.Commands(),
		Links:       d.Links(),
		StatusClass: string(d.Status()),
		StatusText:  statusText[d.Status()],
		LiveCount:   count(d.LiveResult.Findings),
		TotalCount:  count(d.Findings()),
		Checks:      d.Checklist(),
		NotesList:   d.Notes(),
		ErrorsList:  d.Errors(),
		Compare:     d.Comparison(),
		RiskAreas:   rules.RiskAreas,
	}
	if acts := d.Actions(); len(acts) > 0 {
		v.Top = acts[:min(len(acts), TopActions)]
	}
	if d.Static != nil {
		v.StaticCount = count(d.Static.Result.Findings)
	}
	if d.Live != nil {
		v.Running = running(d.Live)
	}
	return htmlTemplate.Execute(w, v)
}
