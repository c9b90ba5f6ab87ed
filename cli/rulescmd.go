package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/dockguard/dockguard/rules"
)

func runRules(env *Env, args []string) int {
	fs := newFlagSet("rules", env.Stderr)
	format := fs.String("format", "text", "output format: text, markdown or json")
	if _, err := parseInterspersed(fs, args); err != nil {
		return flagError(err)
	}
	switch *format {
	case "text":
		tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tNAME\tSEVERITY\tFRONT END\tSUMMARY")
		for _, r := range rules.Catalogue {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.ID, r.Name, r.Severity, r.Frontend, r.Summary)
		}
		if err := tw.Flush(); err != nil {
			return ExitErrors
		}
	case "markdown":
		fmt.Fprintln(env.Stdout, "| ID | name | severity | summary |")
		fmt.Fprintln(env.Stdout, "|---|---|---|---|")
		for _, r := range rules.Catalogue {
			fmt.Fprintf(env.Stdout, "| [%s](docs/rules/%s.md) | %s | %s | %s |\n", r.ID, r.ID, r.Name, r.Severity, strings.ReplaceAll(r.Summary, "|", `\|`))
		}
	case "json":
		if err := rulesJSON(env.Stdout); err != nil {
			fmt.Fprintf(env.Stderr, "dockguard rules: %v\n", err)
			return ExitErrors
		}
	default:
		fmt.Fprintf(env.Stderr, "dockguard rules: unknown format %q (want text, markdown or json)\n", *format)
		return ExitUsage
	}
	return ExitOK
}

// jsonRule is one rule in `dockguard rules --format json`: the catalogue's
// fields, in the JSON spelling of the finding formats.
type jsonRule struct {
	ID          string         `json:"id"`
	Name        string         `json:"name"`
	Severity    rules.Severity `json:"severity"`
	Frontend    []string       `json:"frontends"`
	Summary     string         `json:"summary"`
	Rationale   string         `json:"rationale"`
	Bad         string         `json:"bad,omitempty"`
	Good        string         `json:"good,omitempty"`
	Alternative string         `json:"alternative,omitempty"`
	NotReported string         `json:"notReported,omitempty"`
	Fix         string         `json:"fix,omitempty"`
	Fixable     bool           `json:"fixable"`
	Tags        []string       `json:"tags"`
	Precision   string         `json:"precision,omitempty"`
	HelpURI     string         `json:"helpUri"`
}

// rulesJSON writes the catalogue as {"version": 1, "rules": [...]}.
func rulesJSON(w io.Writer) error {
	doc := struct {
		Version int        `json:"version"`
		Rules   []jsonRule `json:"rules"`
	}{Version: 1, Rules: []jsonRule{}}
	for _, r := range rules.Catalogue {
		var fe []string
		for _, f := range strings.Split(r.Frontend, ",") {
			fe = append(fe, strings.TrimSpace(f))
		}
		doc.Rules = append(doc.Rules, jsonRule{ID: r.ID, Name: r.Name, Severity: r.Severity, Frontend: fe, Summary: r.Summary,
			Rationale: r.Rationale, Bad: r.Bad, Good: r.Good, Alternative: r.Alternative, NotReported: r.NotReported, Fix: r.Fix,
			Fixable: r.Fixable, Tags: append([]string{}, r.Tags...), Precision: r.Precision, HelpURI: r.HelpURI()})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(doc)
}

func runExplain(env *Env, args []string) int {
	fs := newFlagSet("explain", env.Stderr)
	ids, err := parseInterspersed(fs, args)
	if err != nil {
		return flagError(err)
	}
	if len(ids) == 0 {
		fmt.Fprintln(env.Stderr, "usage: dockguard explain RULE...   (for example: dockguard explain DG101)")
		return ExitUsage
	}
	for i, id := range ids {
		r, ok := rules.Lookup(id)
		if !ok {
			msg := fmt.Sprintf("dockguard explain: unknown rule %q", id)
			if s := rules.Suggest(id); len(s) > 0 {
				msg += fmt.Sprintf(" (did you mean %s?)", s[0])
			}
			fmt.Fprintln(env.Stderr, msg)
			return ExitUsage
		}
		if i > 0 {
			fmt.Fprintln(env.Stdout)
		}
		fmt.Fprint(env.Stdout, r.Explain())
		fmt.Fprintf(env.Stdout, "\nMore: %s\n", r.HelpURI())
	}
	return ExitOK
}
