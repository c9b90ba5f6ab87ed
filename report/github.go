package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/dockguard/dockguard/rules"
)

// GitHub writes GitHub Actions workflow commands, one annotation per
// finding: `::error file=F,line=L,col=C,endLine=L,endColumn=C,title=DG101::message`.
// Errors, warnings and info map to ::error, ::warning and ::notice. Inputs
// that could not be checked become ::error annotations too, so a broken run
// is visible on the pull request.
func GitHub(w io.Writer, r *Run) error {
	var b strings.Builder
	for i := range r.Findings {
		f := &r.Findings[i]
		props := []string{}
		msg := f.Message
		if strings.Contains(f.File, "://") {
			// A daemon endpoint, not a file in the repository: the
			// container (or the daemon) is named in the message.
			msg = Where(f) + ": " + msg
		} else if f.File != "" {
			props = append(props, "file="+ghProperty(r.repoPath(f.File)))
			if f.Line > 0 {
				sc, ec := utf16Columns(r.lines(f.File), f)
				props = append(props,
					fmt.Sprintf("line=%d", f.Line), fmt.Sprintf("col=%d", sc),
					fmt.Sprintf("endLine=%d", f.EndLine), fmt.Sprintf("endColumn=%d", ec))
			}
		}
		props = append(props, "title="+ghProperty(f.Rule))
		if name := ruleName(f); name != "" {
			msg += " [" + f.Rule + " " + name + "]"
		}
		if len(f.Fixes) > 0 {
			// Annotations cannot carry an edit; the fixed line is the
			// suggestion (`dockguard fix` applies it).
			if line, ok := fixedLines(r.lines(f.File).Src(), f.Fixes); ok {
				msg += "\nSuggested fix (dockguard fix):\n" + line
			}
		}
		fmt.Fprintf(&b, "::%s %s::%s\n", ghCommand(f.Severity), strings.Join(props, ","), ghData(msg))
	}
	for _, e := range r.Errors {
		props := "title=" + ghProperty("dockguard")
		if e.File != "" {
			props = "file=" + ghProperty(r.repoPath(e.File)) + "," + props
		}
		fmt.Fprintf(&b, "::error %s::%s\n", props, ghData("could not check: "+e.Message))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func ghCommand(s rules.Severity) string {
	switch s {
	case rules.SeverityError:
		return "error"
	case rules.SeverityWarning:
		return "warning"
	}
	return "notice"
}

// The escapers are built once: building a Replacer costs more than using
// it, and every annotation uses both.
var (
	ghDataEscaper     = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")
	ghPropertyEscaper = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C")
)

// ghData escapes a workflow command's message.
func ghData(s string) string { return ghDataEscaper.Replace(s) }

// ghProperty escapes a workflow command's property value.
func ghProperty(s string) string { return ghPropertyEscaper.Replace(s) }
