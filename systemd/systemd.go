// Package systemd finds the commands of systemd unit files (ExecStart=,
// ExecStartPre=, ExecStop= and the other Exec*= settings) and checks them
// with the shell front end, reporting findings at their real line and
// column in the unit.
//
// A unit's command line is not shell code: systemd splits it into words
// with its own quoting, expands $VAR and ${VAR} from the environment and %
// specifiers from the unit, and runs the first word directly. For the
// command lines that call a container CLI those rules read as the shell's
// do, so each command goes to the shell front end as a fragment whose
// bytes map to the file. What differs is handled here: the prefixes
// (@ - : + ! !!) are not part of the command, @ makes the second word
// argv[0], % specifiers are unknown words, and a line ending in a
// backslash continues on the next.
package systemd

import (
	"bytes"
	"regexp"

	"github.com/dockguard/dockguard/cishell/fragment"
	"github.com/dockguard/dockguard/rules"
	"github.com/dockguard/dockguard/shell"
)

// execKeys are the settings whose value is a command line.
var execKeys = map[string]bool{
	"ExecStart": true, "ExecStartPre": true, "ExecStartPost": true, "ExecCondition": true,
	"ExecReload": true, "ExecStop": true, "ExecStopPost": true,
	"ExecStopPre": true, // .socket and .mount units
}

// Check checks the Exec*= commands of a unit file (*.service, *.socket,
// *.mount, *.swap). Findings have File set to file and positions in src.
func Check(file string, src []byte, cfg *shell.Config) []rules.Finding {
	var out []rules.Finding
	h := fragment.NewHost(file, src)
	for _, f := range extract(src) {
		out = append(out, h.Check(f, cfg)...)
	}
	return out
}

// specifierRE matches a unit specifier (%n, %i, %H…); %% is a literal %.
var specifierRE = regexp.MustCompile(`%[A-Za-z]`)

// extract returns one fragment per Exec*= setting.
func extract(src []byte) []*fragment.Fragment {
	var frags []*fragment.Fragment
	for off := 0; off < len(src); {
		end := lineEnd(src, off)
		line := src[off:end]
		next := min(end+1, len(src))
		trimmed := bytes.TrimLeft(line, " \t")
		lead := len(line) - len(trimmed)
		eq := bytes.IndexByte(trimmed, '=')
		if eq <= 0 || trimmed[0] == '#' || trimmed[0] == ';' || trimmed[0] == '[' {
			off = next
			continue
		}
		if !execKeys[string(bytes.TrimRight(trimmed[:eq], " \t"))] {
			// A continued non-Exec setting: skip its continuation lines.
			for off = next; continued(src, end) && off < len(src); off = next {
				end = lineEnd(src, off)
				next = min(end+1, len(src))
			}
			continue
		}
		var b fragment.Builder
		start := off + lead + eq + 1
		start = skipBlanks(src, start, end)
		start = skipPrefixes(src, start, end)
		for {
			b.Copy(src[start:end], start)
			if !continued(src, end) || next >= len(src) {
				break
			}
			// Keep the backslash-newline: the shell joins the lines as
			// systemd does.
			b.Copy([]byte("\n"), end)
			start, end = next, lineEnd(src, next)
			next = min(end+1, len(src))
		}
		off = next
		// The shell front end's fixes are shell code (`;`, `||`,
		// redirections), which systemd would pass to docker as
		// arguments: a unit gets advice, never an edit.
		b.FixText(func(string) (string, bool) { return "", false })
		for _, m := range specifierRE.FindAllIndex(b.Bytes(), -1) {
			if m[0] > 0 && b.Bytes()[m[0]-1] == '%' {
				continue // %%x is a literal % before x
			}
			b.Mask(m[0], m[1])
		}
		frags = append(frags, b.Fragment())
	}
	return frags
}

// skipPrefixes returns the offset after a command's prefixes. With @ the
// first word is the program and the second argv[0]: the program word is
// skipped too, so the command reads as argv.
func skipPrefixes(src []byte, i, end int) int {
	at := false
	for i < end {
		switch src[i] {
		case '@':
			at = true
		case '-', ':', '+', '!':
		default:
			if at {
				for i < end && src[i] != ' ' && src[i] != '\t' {
					i++
				}
				i = skipBlanks(src, i, end)
			}
			return i
		}
		i++
	}
	return i
}

func skipBlanks(src []byte, i, end int) int {
	for i < end && (src[i] == ' ' || src[i] == '\t') {
		i++
	}
	return i
}

// lineEnd returns the offset of the newline ending the line at off (or the
// end of src); a CR before it is left in the line's last byte run.
func lineEnd(src []byte, off int) int {
	if i := bytes.IndexByte(src[off:], '\n'); i >= 0 {
		return off + i
	}
	return len(src)
}

// continued reports whether the line ending at end ends in a backslash.
func continued(src []byte, end int) bool {
	e := end
	if e > 0 && src[e-1] == '\r' {
		e--
	}
	return e > 0 && src[e-1] == '\\'
}
