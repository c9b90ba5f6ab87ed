package cli

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/dockguard/dockguard/rules"
)

func runRules(env *Env, args []string) int {
	fs := newFlagSet("rules", env.Stderr)
	format := fs.String("format", "text", "output format: text or markdown")
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
	default:
		fmt.Fprintf(env.Stderr, "dockguard rules: unknown format %q (want text or markdown)\n", *format)
		return ExitUsage
	}
	return ExitOK
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
