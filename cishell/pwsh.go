package cishell

import (
	"bytes"
	"strings"

	"github.com/dockguard/dockguard/cishell/fragment"
	"github.com/dockguard/dockguard/dockercli"
	"github.com/dockguard/dockguard/rules"
	"github.com/dockguard/dockguard/shell"
)

// A PowerShell step is not parsed with a PowerShell grammar: a small
// splitter finds its commands (one per line or `;`, `|`, `&&`, `||`, braces
// of script blocks; backtick line continuations; the `&` call operator;
// single and double quotes; `$(...)` subexpressions, whose commands are
// split too), and the commands whose first word is a container CLI go to
// the docker-CLI model. Variables ($id, $env:NAME) and masked CI
// expressions are unknown words, as in the shell front end.

// maxPSDepth bounds nested $(...) and Invoke-Expression strings.
const maxPSDepth = 8

// psCommands splits PowerShell code into commands; each word's Start and End
// are offsets in code.
func psCommands(code []byte) [][]dockercli.Word {
	var out [][]dockercli.Word
	psSplit(code, 0, len(code), 0, &out)
	return out
}

// psSplit splits code[start:end] and appends the commands to out.
func psSplit(code []byte, start, end, depth int, out *[][]dockercli.Word) {
	if depth > maxPSDepth {
		return
	}
	var cmd []dockercli.Word
	flush := func() {
		if len(cmd) > 0 {
			// A command whose first word is unknown ($x, (expr)) runs
			// nothing the docker-CLI model could judge.
			if c := psCallOperator(code, cmd, depth, out); len(c) > 0 && c[0].Known {
				*out = append(*out, c)
			}
		}
		cmd = nil
	}
	i := start
	for i < end {
		c := code[i]
		switch {
		case c == '`' && i+1 < end && (code[i+1] == '\n' || code[i+1] == '\r'):
			// A line continuation.
			i += 2
			if i < end && code[i-1] == '\r' && code[i] == '\n' {
				i++
			}
		case c == ' ' || c == '\t' || c == '\r':
			i++
		case c == '\n' || c == ';' || c == '{' || c == '}' || c == ')':
			flush()
			i++
		case c == '|' || c == '&' && i+1 < end && code[i+1] == '&':
			flush()
			i++
			if i < end && (code[i] == '|' || code[i] == '&') {
				i++
			}
		case c == '#':
			for i < end && code[i] != '\n' {
				i++
			}
		case c == '<' && i+1 < end && code[i+1] == '#':
			j := bytes.Index(code[i+2:end], []byte("#>"))
			if j < 0 {
				i = end
			} else {
				i += 2 + j + 2
			}
		case c == '(':
			// A parenthesised expression (if/foreach conditions, (Get-X)):
			// one unknown word, and the commands inside it.
			j := psClose(code, i+1, end, '(', ')')
			psSplit(code, i+1, j, depth+1, out)
			cmd = append(cmd, dockercli.Word{Text: string(code[i:min(j+1, end)]), Start: i, End: min(j+1, end)})
			i = min(j+1, end)
		case psRedirect(code, i, end) > 0:
			// 2>&1, *> $null, > file: neither the operator nor its target
			// is an argument.
			n := psRedirect(code, i, end)
			merge := n >= 2 && code[i+n-2] == '&'
			i += n
			if !merge {
				for i < end && (code[i] == ' ' || code[i] == '\t') {
					i++
				}
				_, i = psWord(code, i, end, depth, out)
			}
		default:
			var w dockercli.Word
			w, i = psWord(code, i, end, depth, out)
			cmd = append(cmd, w)
		}
	}
	flush()
}

// psRedirect returns the length of a redirection operator at i, or 0.
func psRedirect(code []byte, i, end int) int {
	j := i
	if j < end && (code[j] == '*' || code[j] >= '1' && code[j] <= '6') {
		j++
	}
	if j >= end || code[j] != '>' {
		return 0
	}
	j++
	if j < end && code[j] == '>' {
		j++
	}
	if j+1 < end && code[j] == '&' && code[j+1] >= '1' && code[j+1] <= '6' {
		j += 2
	}
	return j - i
}

// psClose returns the offset of the bracket closing one opened before i,
// skipping quotes and nested brackets; end when it is missing.
func psClose(code []byte, i, end int, open, close byte) int {
	level := 0
	for ; i < end; i++ {
		switch c := code[i]; c {
		case '\'':
			i = psSingleEnd(code, i+1, end) - 1
		case '"':
			i = psDoubleEnd(code, i+1, end) - 1
		case '`':
			i++
		case open:
			level++
		case close:
			if level == 0 {
				return i
			}
			level--
		}
	}
	return end
}

// psSingleEnd returns the offset just past the quote closing a
// single-quoted string whose body starts at i (” is a quote inside).
func psSingleEnd(code []byte, i, end int) int {
	for ; i < end; i++ {
		if code[i] == '\'' {
			if i+1 < end && code[i+1] == '\'' {
				i++
				continue
			}
			return i + 1
		}
	}
	return end
}

// psDoubleEnd returns the offset just past the quote closing a
// double-quoted string whose body starts at i.
func psDoubleEnd(code []byte, i, end int) int {
	for ; i < end; i++ {
		switch code[i] {
		case '`':
			i++
		case '$':
			if i+1 < end && code[i+1] == '(' {
				i = psClose(code, i+2, end, '(', ')')
			}
		case '"':
			if i+1 < end && code[i+1] == '"' {
				i++
				continue
			}
			return i + 1
		}
	}
	return end
}

// psWord reads one word at i: its value when it is literal, unknown when it
// holds a variable, a subexpression or an escape. Commands inside $(...)
// are split too.
func psWord(code []byte, i, end, depth int, out *[][]dockercli.Word) (dockercli.Word, int) {
	start := i
	var val strings.Builder
	known := true
	var listing *dockercli.Invocation
	done := func(e int) dockercli.Word {
		w := psMake(code, start, e, val.String(), known)
		if listing != nil {
			w.FromListing, w.Source, w.Many = true, listing.Key(), true
			w.Stopped, w.Filtered = listing.ListsOnlyStopped(), listing.ListsFiltered()
		}
		return w
	}
	for i < end {
		c := code[i]
		switch c {
		case ' ', '\t', '\n', '\r', ';', '|', '{', '}', '(', ')':
			return done(i), i
		case '&':
			if i > start {
				return done(i), i
			}
			return psMake(code, start, i+1, "&", true), i + 1
		case '`':
			if i+1 < end && (code[i+1] == '\n' || code[i+1] == '\r') {
				return done(i), i
			}
			if i+1 < end {
				val.WriteByte(code[i+1])
				if !strings.ContainsRune("\"'`$ #", rune(code[i+1])) {
					known = false // `n, `t... stand for other characters
				}
			}
			i = min(i+2, end)
		case '\'':
			j := psSingleEnd(code, i+1, end)
			body := code[i+1 : quoteBodyEnd(code, i, j)]
			val.WriteString(strings.ReplaceAll(string(body), "''", "'"))
			i = j
		case '"':
			j := psDoubleEnd(code, i+1, end)
			body := code[i+1 : quoteBodyEnd(code, i, j)]
			if bytes.ContainsAny(body, "$`") {
				known = false
				psSubexpressions(code, i+1, quoteBodyEnd(code, i, j), depth, out)
			}
			val.WriteString(strings.ReplaceAll(string(body), `""`, `"`))
			i = j
		case '$':
			known = false
			if i+1 < end && code[i+1] == '(' {
				j := psClose(code, i+2, end, '(', ')')
				before := len(*out)
				psSplit(code, i+2, j, depth+1, out)
				if before < len(*out) {
					if inv, ok := dockercli.Parse((*out)[before], nil); ok && inv.IsContainerListing() {
						listing = inv
					}
				}
				i = min(j+1, end)
				continue
			}
			if i+1 < end && code[i+1] == '{' {
				i = min(psClose(code, i+2, end, '{', '}')+1, end)
				continue
			}
			i++
		default:
			val.WriteByte(c)
			i++
		}
	}
	return done(i), i
}

// quoteBodyEnd returns the end of the body of a string opened at i whose
// scan stopped at j: before the closing quote, or at j when it is missing.
func quoteBodyEnd(code []byte, i, j int) int {
	if j-1 > i && code[j-1] == code[i] {
		return j - 1
	}
	return j
}

// psSubexpressions splits the commands of each $(...) inside a
// double-quoted string body [i, end).
func psSubexpressions(code []byte, i, end, depth int, out *[][]dockercli.Word) {
	for ; i < end; i++ {
		switch code[i] {
		case '`':
			i++
		case '$':
			if i+1 < end && code[i+1] == '(' {
				j := psClose(code, i+2, end, '(', ')')
				psSplit(code, i+2, j, depth+1, out)
				i = j
			}
		}
	}
}

func psMake(code []byte, start, end int, val string, known bool) dockercli.Word {
	w := dockercli.Word{Start: start, End: end, Text: string(code[start:end])}
	if known {
		w.Value, w.Known = val, true
	}
	return w
}

// psCallOperator resolves the command a PowerShell command line runs: the
// word after the `&` call operator (& docker ..., & "docker.exe" ...), and
// the string Invoke-Expression (iex) evaluates, which is split as code of
// its own (its commands are appended to out; the iex itself runs nothing
// dockercli knows).
func psCallOperator(code []byte, cmd []dockercli.Word, depth int, out *[][]dockercli.Word) []dockercli.Word {
	if len(cmd) > 1 && cmd[0].Known && cmd[0].Value == "&" {
		cmd = cmd[1:]
	}
	if len(cmd) == 0 || !cmd[0].Known {
		return cmd
	}
	switch strings.ToLower(cmd[0].Value) {
	case "invoke-expression", "iex":
		for _, a := range cmd[1:] {
			if a.Known && !strings.HasPrefix(a.Value, "-") && a.End-a.Start >= 2 {
				// The string's body, which is code at the same offsets.
				q := code[a.Start]
				if q == '"' || q == '\'' {
					psSplit(code, a.Start+1, a.End-1, depth+1, out)
				}
				break
			}
		}
		return nil
	}
	cmd[0].Value = psProgram(cmd[0].Value)
	return cmd
}

// psProgram normalises a Windows program path: C:\docker\docker.exe is
// docker.
func psProgram(s string) string {
	s = strings.ReplaceAll(s, `\`, "/")
	low := strings.ToLower(s)
	if strings.HasSuffix(low, ".exe") {
		s = s[:len(s)-len(".exe")]
	}
	return s
}

// psMarkers reports whether code shows PowerShell rather than POSIX shell:
// a line starting with the & call operator, a trailing backtick
// continuation, $env:, Write-Host or -ErrorAction.
func psMarkers(code []byte) bool {
	for _, line := range bytes.Split(code, []byte("\n")) {
		t := bytes.TrimSpace(line)
		if bytes.HasPrefix(t, []byte("& ")) || bytes.HasSuffix(t, []byte(" `")) {
			return true
		}
	}
	low := bytes.ToLower(code)
	for _, m := range []string{"$env:", "write-host", "-erroraction", "write-output"} {
		if bytes.Contains(low, []byte(m)) {
			return true
		}
	}
	return false
}

// checkPowerShell judges the container-CLI commands of a PowerShell
// fragment through the docker-CLI model. Parse problems do not exist here:
// what the splitter cannot read is unknown words.
func checkPowerShell(file string, src []byte, f *fragment.Fragment, cfg *shell.Config) []rules.Finding {
	if !fragment.Relevant(f.Code, cfg) {
		return nil
	}
	var bins []string
	if cfg != nil {
		bins = cfg.Binaries
	}
	var out []rules.Finding
	// The commands of a step run in order, as a script's do: a docker stop
	// before a docker rm -f of the same container leaves -f nothing to kill.
	var halts shell.Halts
	for _, cmd := range psCommands(f.Code) {
		inv, ok := dockercli.Parse(cmd, bins)
		if !ok {
			continue
		}
		stoppedFirst := halts.Observe(inv)
		start, end := f.Map(cmd[0].Start), f.Map(cmd[len(cmd)-1].End)
		for i := range cmd {
			cmd[i].Start, cmd[i].End = f.Map(cmd[i].Start), f.Map(cmd[i].End)
		}
		for _, vd := range inv.Verdicts() {
			if stoppedFirst && vd.Base == dockercli.RuleForceRemoveContainer {
				continue
			}
			r, found := rules.Lookup(vd.Rule)
			if !found {
				continue
			}
			fd := rules.New(r, file, src, start, end, vd.Message)
			fd.Key = inv.Key()
			out = append(out, fd)
		}
	}
	return out
}

// CheckPowerShell judges the container-CLI commands of f, PowerShell code
// from file (contents src), as the PowerShell steps of CI files are:
// other front ends whose host runs PowerShell (a Dockerfile's SHELL
// ["powershell", ...]) hand their fragments here.
func CheckPowerShell(file string, src []byte, f *fragment.Fragment, cfg *shell.Config) []rules.Finding {
	return checkPowerShell(file, src, f, cfg)
}
