package shell

import (
	"strings"

	"github.com/dockguard/dockguard/dockercli"
)

// awkSystem returns the shell code of the system() calls of an awk command
// whose program is a literal: each call's argument with its string
// literals kept and every other operand ($3, name, ...) replaced by
// value(operand), one command line per call. w is the program word.
func awkSystem(argv []dockercli.Word, value func(operand string) string) (code string, w dockercli.Word, ok bool) {
	if len(argv) < 2 || !argv[0].Known {
		return "", w, false
	}
	switch dockercli.BaseName(argv[0].Value) {
	case "awk", "gawk", "mawk", "nawk", "busybox awk":
	default:
		return "", w, false
	}
	i := 1
	for ; i < len(argv); i++ {
		a := argv[i]
		if !a.Known {
			return "", w, false
		}
		switch {
		case a.Value == "--":
			i++
		case a.Value == "-f" || strings.HasPrefix(a.Value, "--file"):
			return "", w, false // the program is in a file
		case a.Value == "-F" || a.Value == "-v":
			i++
			continue
		case strings.HasPrefix(a.Value, "-") && len(a.Value) > 1:
			continue
		}
		break
	}
	if i >= len(argv) || !argv[i].Known {
		return "", w, false
	}
	w = argv[i]
	var lines []string
	prog := w.Value
	for j := 0; j < len(prog); {
		k := strings.Index(prog[j:], "system(")
		if k < 0 {
			break
		}
		start := j + k + len("system(")
		if j+k > 0 && isNameByte(prog[j+k-1]) {
			j = start
			continue
		}
		line, end := awkConcat(prog, start, value)
		if line != "" {
			lines = append(lines, line)
		}
		j = end
	}
	if len(lines) == 0 {
		return "", w, false
	}
	return strings.Join(lines, "\n"), w, true
}

// awkConcat reads the argument of system( starting at i up to its closing
// parenthesis: string literals are kept, every other operand becomes
// value(operand).
func awkConcat(prog string, i int, value func(string) string) (string, int) {
	var b strings.Builder
	depth := 0
	from := -1 // start of the operand being read
	flush := func(end int) {
		if from >= 0 {
			b.WriteString(value(prog[from:end]))
			from = -1
		}
	}
	for i < len(prog) {
		c := prog[i]
		switch {
		case c == '"':
			flush(i)
			i++
			for i < len(prog) && prog[i] != '"' {
				if prog[i] == '\\' && i+1 < len(prog) {
					i++
					switch prog[i] {
					case 'n':
						b.WriteByte('\n')
					case 't':
						b.WriteByte('\t')
					default:
						b.WriteByte(prog[i])
					}
					i++
					continue
				}
				b.WriteByte(prog[i])
				i++
			}
			i++
		case c == '(':
			depth++
			if from < 0 {
				from = i
			}
			i++
		case c == ')':
			if depth == 0 {
				flush(i)
				return b.String(), i + 1
			}
			depth--
			i++
		case (c == ' ' || c == '\t') && depth == 0:
			flush(i)
			i++
		case c == ';' || c == '}' || c == '\n':
			flush(i)
			return b.String(), i
		default:
			if from < 0 {
				from = i
			}
			i++
		}
	}
	flush(i)
	return b.String(), i
}
