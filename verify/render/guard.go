package render

import (
	"fmt"
	"strings"

	"github.com/dockguard/dockguard/guardproxy"
)

// Guard is what a running `dockguard guard` counted, read from its
// metrics page by report --guard-metrics.
type Guard struct {
	URL string `json:"url"`
	guardproxy.Totals
}

// GuardRow is one line of the "Guard proxy" table.
type GuardRow struct{ What, Value string }

// GuardRows lays the guard's totals out as table rows.
func GuardRows(g *Guard) []GuardRow {
	join := guardproxy.FormatCounts
	return []GuardRow{
		{"Requests", join(g.Requests)},
		{"Rewritten into graceful ones", join(g.Rewrites)},
		{"Refused by the guard", join(g.Refused)},
		{"Retried reads", fmt.Sprint(g.Retries)},
		{"Peak in flight at the daemon", fmt.Sprintf("%d writes, %d reads", g.PeakWriteInFlight, g.PeakReadInFlight)},
		{"Circuit breaker opened", fmt.Sprintf("%d times", g.BreakerOpens)},
	}
}

func guardMarkdown(b *strings.Builder, g *Guard) {
	if g == nil {
		return
	}
	fmt.Fprintf(b, "## Guard proxy\n\nTotals of the `dockguard guard` at `%s` since it started.\n\n| | |\n|---|---|\n", mdEscape(g.URL))
	for _, r := range GuardRows(g) {
		fmt.Fprintf(b, "| %s | %s |\n", r.What, mdEscape(r.Value))
	}
	b.WriteString("\n")
}
