package cli

import (
	"bufio"
	"flag"
	"slices"

	"github.com/dockguard/dockguard/report"
	"github.com/dockguard/dockguard/rules"
)

// streamFlags decide whether check prints the findings that are not Go's
// before the Go front end finishes: on a cold build cache the go command
// can take minutes, and shell, CI and compose findings are known within
// seconds.
type streamFlags struct {
	stream triState
}

func (s *streamFlags) register(fs *flag.FlagSet) {
	fs.Var(&s.stream, "stream", "text on standard output: print the findings of shell, CI, compose and Python files as soon as they are known, then Go's (default: on a terminal); other formats are always sorted whole")
}

// printedKey identifies a finding already printed by the stream.
type printedKey struct {
	file, rule, message string
	line, column, start int
	end                 int
}

func keyOf(f *rules.Finding) printedKey {
	return printedKey{f.File, f.Rule, f.Message, f.Line, f.Column, f.Start, f.End}
}

// streamSpec returns the index of the text output written to stdout when
// this run streams, else -1. Fixing runs never stream: applying fixes
// changes what is reported.
func (c *checkFlags) streamSpec(env *Env, specs []outputSpec) int {
	if c.fixes.active() {
		return -1
	}
	on := isTerminal(env.Stdout)
	if c.streamOpts.stream.set {
		on = c.streamOpts.stream.on
	}
	if !on {
		return -1
	}
	return slices.IndexFunc(specs, func(o outputSpec) bool {
		return o.format == "text" && (o.path == "" || o.path == "-")
	})
}

// earlyPrinter returns the engine's Early hook: it adjusts the early
// findings as the final pass will (severities, baseline, new code), prints
// them as text on stdout at once, and records them in printed, so that the
// final text output leaves them out.
func (c *checkFlags) earlyPrinter(env *Env, paths []string, printed map[printedKey]bool) func([]rules.Finding) {
	return func(fs []rules.Finding) {
		run := &report.Run{Findings: fs}
		if err := c.adjustRun(run, paths, true); err != nil {
			return // the final pass reports it
		}
		if len(run.Findings) == 0 {
			return
		}
		w := bufio.NewWriterSize(env.Stdout, 64<<10)
		opts := report.TextOptions{Color: c.text.useColor(env, env.Stdout), ShowSource: c.text.useSource(env.Stdout)}
		if err := report.Text(w, run, opts); err != nil || w.Flush() != nil {
			return // nothing is recorded as printed; the final pass prints all
		}
		for i := range run.Findings {
			printed[keyOf(&run.Findings[i])] = true
		}
	}
}
