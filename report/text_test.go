package report

import (
	"fmt"
	"strings"
	"testing"

	"github.com/dockguard/dockguard/rules"
)

// TestTextShortFormAndSource pins the text form: a first line of about
// MaxFirstLine characters (what and where), the source line with carets
// under the span (tabs expanded, escapes neutralised), the advice on a
// help: line and the rule's page on a see: line.
func TestTextShortFormAndSource(t *testing.T) {
	src := "#!/bin/sh\n\tdocker rm -f \x1b[31mweb\n"
	start := strings.Index(src, "docker")
	end := strings.Index(src, "web") + 3
	code := "docker rm -f " + strings.Repeat("x", 300)
	f := rules.New(rules.MustLookup("DG101"), "a.sh", []byte(src), start, end,
		"`"+code+"` kills the container with SIGKILL and removes it in one call; stop it first: docker stop --time 10 web && docker rm web")
	r := &Run{Findings: []rules.Finding{f}, Source: func(string) []byte { return []byte(src) }}
	var b strings.Builder
	if err := Text(&b, r, TextOptions{ShowSource: true}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	if len(lines) != 5 {
		t.Fatalf("want 5 lines (finding, source, carets, help, see), got %d:\n%s", len(lines), b.String())
	}
	if n := len([]rune(lines[0])) - len("[DG101 force-remove-container]"); n > MaxFirstLine+5 {
		t.Errorf("first line has %d characters, want about %d: %s", n, MaxFirstLine, lines[0])
	}
	if !strings.HasPrefix(lines[0], "a.sh:2:2: error: `docker rm -f xxx") || !strings.Contains(lines[0], "…` kills") || !strings.HasSuffix(lines[0], "[DG101 force-remove-container]") {
		t.Errorf("first line: %s", lines[0])
	}
	if want := "  2 |     docker rm -f \uFFFD[31mweb"; lines[1] != want {
		t.Errorf("source line %q, want %q", lines[1], want)
	}
	if want := "    |     " + strings.Repeat("^", len("docker rm -f \uFFFD[31mweb")-2); lines[2] != want {
		t.Errorf("caret line %q, want %q", lines[2], want)
	}
	if want := "  help: stop it first: docker stop --time 10 web && docker rm web"; lines[3] != want {
		t.Errorf("help line %q, want %q", lines[3], want)
	}
	if want := "  see: " + rules.MustLookup("DG101").HelpURI(); lines[4] != want {
		t.Errorf("see line %q, want %q", lines[4], want)
	}
	if strings.Contains(b.String(), "\x1b") {
		t.Errorf("an escape from the source reached the output")
	}
}

// TestTextSourceLongLine: a long line is shown as a window around the span.
func TestTextSourceLongLine(t *testing.T) {
	src := strings.Repeat("a", 500) + " docker rm -f web " + strings.Repeat("b", 500) + "\n"
	start := strings.Index(src, "docker")
	f := rules.New(rules.MustLookup("DG101"), "a.sh", []byte(src), start, start+16, "x")
	r := &Run{Findings: []rules.Finding{f}, Source: func(string) []byte { return []byte(src) }}
	var b strings.Builder
	if err := Text(&b, r, TextOptions{ShowSource: true}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(b.String(), "\n")
	if len([]rune(lines[1])) > maxSourceWidth+20 || !strings.Contains(lines[1], "docker rm -f web") {
		t.Errorf("source window: %q", lines[1])
	}
	at := strings.Index(lines[2], "^")
	if at < 0 {
		t.Fatalf("no carets: %q", lines[2])
	}
	caret := len([]rune(lines[2][:at]))
	if src := []rune(lines[1]); caret >= len(src) || string(src[caret:caret+6]) != "docker" {
		t.Errorf("carets do not start under the span:\n%s\n%s", lines[1], lines[2])
	}
}

// TestTextCutsAtAReasonThatFits: a long message is cut at a ": " that
// leaves a first line that fits, not inside brackets: Compose's refusal
// of an unset limit keeps its unset-variable list whole on the help line.
func TestTextCutsAtAReasonThatFits(t *testing.T) {
	msg := "Compose refuses this project: decoding failed due to the following error(s): 'services[app].mem_limit' invalid size: '' (unset variable(s): APP_MEM, PG_MEM)"
	f := rules.Finding{Rule: "DG004", Name: "compose-load-error", Severity: rules.SeverityWarning, File: "i5/compose.yaml", Line: 10, Column: 16, Message: msg}
	var b strings.Builder
	if err := Text(&b, &Run{Findings: []rules.Finding{f}}, TextOptions{}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(b.String(), "\n")
	if want := "i5/compose.yaml:10:16: warning: Compose refuses this project: decoding failed due to the following error(s) [DG004 compose-load-error]"; lines[0] != want {
		t.Errorf("first line\n%q, want\n%q", lines[0], want)
	}
	if want := "  help: 'services[app].mem_limit' invalid size: '' (unset variable(s): APP_MEM, PG_MEM)"; lines[1] != want {
		t.Errorf("help line\n%q, want\n%q", lines[1], want)
	}
}

// TestTextSourceReadOncePerFile: --show-source on many findings in one
// file reads and indexes the file once (it scanned the file from its start
// for every finding: 16,000 findings took 4.5 s against 0.4 s), and each
// finding still shows its own line.
func TestTextSourceReadOncePerFile(t *testing.T) {
	var src strings.Builder
	src.WriteString("#!/bin/sh\n")
	for i := 0; i < 500; i++ {
		fmt.Fprintf(&src, "docker rm -f w%d\n", i)
	}
	code := []byte(src.String())
	ix := rules.NewLineIndex(code)
	var fs []rules.Finding
	for i := 0; i < 500; i++ {
		s := ix.LineStart(i + 2)
		fs = append(fs, ix.New(rules.MustLookup("DG101"), "a.sh", s, s+len(fmt.Sprintf("docker rm -f w%d", i)), "x"))
	}
	fs = append(fs, rules.Finding{Rule: "DG101", Name: "force-remove-container", File: "b.sh", Line: 1, Column: 1, EndLine: 1, EndColumn: 2, Message: "y"})
	reads := map[string]int{}
	r := &Run{Findings: fs, Source: func(f string) []byte {
		reads[f]++
		if f == "b.sh" {
			return []byte("x\n")
		}
		return code
	}}
	var b strings.Builder
	if err := Text(&b, r, TextOptions{ShowSource: true}); err != nil {
		t.Fatal(err)
	}
	if reads["a.sh"] != 1 || reads["b.sh"] != 1 {
		t.Errorf("sources read %v, want each file once", reads)
	}
	out := b.String()
	for _, want := range []string{"  2 | docker rm -f w0\n", "501 | docker rm -f w499\n", "  1 | x\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q", want)
		}
	}
}
