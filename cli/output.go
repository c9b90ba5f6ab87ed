package cli

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/dockguard/dockguard/report"
)

// outputSpec is one --format value: a format and where it goes ("" is
// --output, or stdout).
type outputSpec struct {
	format, path string
	// omit holds the findings this output already printed while the run
	// went on (text streamed to stdout, cli/stream.go).
	omit map[printedKey]bool
}

// outputList collects repeated --format FORMAT[=FILE] flags.
type outputList []outputSpec

func (l *outputList) String() string {
	if l == nil || len(*l) == 0 {
		return "text"
	}
	parts := make([]string, len(*l))
	for i, o := range *l {
		parts[i] = o.format
		if o.path != "" {
			parts[i] += "=" + o.path
		}
	}
	return strings.Join(parts, " ")
}

// Set parses FORMAT or FORMAT=FILE.
func (l *outputList) Set(v string) error {
	name, path, hasPath := strings.Cut(v, "=")
	name = strings.ToLower(strings.TrimSpace(name))
	if !knownFormat(name) {
		msg := fmt.Sprintf("unknown format %q (want %s)", name, strings.Join(report.FormatNames(), ", "))
		return fmt.Errorf("%s", msg)
	}
	if hasPath && path == "" {
		return fmt.Errorf("%s=: missing file name", name)
	}
	*l = append(*l, outputSpec{format: name, path: path})
	return nil
}

func knownFormat(name string) bool {
	_, ok := report.Formats[name]
	return ok || name == "text"
}

// specs returns the outputs with their destinations resolved: a format
// without its own file goes to --output, else stdout ("").
func (l outputList) specs(output string) []outputSpec {
	if len(l) == 0 {
		l = outputList{{format: "text"}}
	}
	out := make([]outputSpec, len(l))
	for i, o := range l {
		if o.path == "" {
			o.path = output
		}
		out[i] = o
	}
	return out
}

// toFiles drops the outputs bound for stdout (which --diff owns).
func toFiles(specs []outputSpec) []outputSpec {
	var out []outputSpec
	for _, o := range specs {
		if o.path != "" && o.path != "-" {
			out = append(out, o)
		}
	}
	return out
}

// check rejects two formats written to the same destination.
func (l outputList) check(output string) error {
	seen := map[string]string{}
	for _, o := range l.specs(output) {
		dest := o.path
		if dest == "" || dest == "-" {
			dest = "standard output"
		}
		if prev, ok := seen[dest]; ok {
			return &usageError{fmt.Sprintf("--format %s and --format %s both write to %s; give one of them its own file (--format %s=FILE)", prev, o.format, dest, o.format)}
		}
		seen[dest] = o.format
	}
	return nil
}

// writeOutputs renders run in every requested format. Text on stdout gets
// colour and source lines as tf decides (textFlags); the summary and
// any unreadable inputs go to stderr when text is written or nothing goes
// to stdout, so that a CI log always says what happened.
func writeOutputs(env *Env, specs []outputSpec, run *report.Run, tf *textFlags) error {
	summary := false
	toStdout := false
	for _, o := range specs {
		if o.format == "text" {
			summary = true
		}
		if o.path == "" || o.path == "-" {
			toStdout = true
		}
	}
	for _, o := range specs {
		// Rendering streams into the destination: a SARIF log of many
		// findings is several times the text, and buffering it whole
		// cost more than rendering it.
		out, closeOut, err := openOutput(env, o.path)
		if err != nil {
			return fmt.Errorf("write %s: %w", o.format, err)
		}
		bw := bufio.NewWriterSize(out, 64<<10)
		if o.format == "text" {
			toTerm := o.path == "" || o.path == "-"
			var opts report.TextOptions
			if toTerm {
				opts = report.TextOptions{Color: tf.useColor(env, env.Stdout), ShowSource: tf.useSource(env.Stdout)}
			} else if tf.showSource.set {
				opts.ShowSource = tf.showSource.on
			}
			err = report.Text(bw, withoutPrinted(run, o.omit), opts)
		} else {
			err = report.Formats[o.format](bw, run)
		}
		if err == nil {
			err = bw.Flush()
		}
		if cerr := closeOut(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("write %s: %w", o.format, err)
		}
	}
	if summary || !toStdout {
		for _, e := range run.Errors {
			fmt.Fprintf(env.Stderr, "dockguard: %s\n", joinLoc(e.File, e.Message))
		}
		for _, n := range run.Notes {
			fmt.Fprintf(env.Stderr, "note: %s\n", joinLoc(n.File, n.Message))
		}
		fmt.Fprintln(env.Stderr, report.SummaryLine(run))
	}
	return nil
}

// openOutput returns where one --format output goes: stdout for "" and
// "-", else the file, created with its folder.
func openOutput(env *Env, path string) (io.Writer, func() error, error) {
	if path == "" || path == "-" {
		return env.Stdout, func() error { return nil }, nil
	}
	if dir := filepath.Dir(path); dir != "." {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, nil, err
		}
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return nil, nil, err
	}
	return f, f.Close, nil
}

// withoutPrinted returns run without the findings in printed (a shallow
// copy; run itself is unchanged).
func withoutPrinted(run *report.Run, printed map[printedKey]bool) *report.Run {
	if len(printed) == 0 {
		return run
	}
	cp := *run
	cp.Findings = nil
	for i := range run.Findings {
		if !printed[keyOf(&run.Findings[i])] {
			cp.Findings = append(cp.Findings, run.Findings[i])
		}
	}
	return &cp
}
