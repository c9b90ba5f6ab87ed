package shell

import (
	"bytes"
	"path/filepath"
	"strings"
)

// Interpreter returns the base name of the program a script's shebang line
// runs ("bash" for #!/bin/bash), resolving `#!/usr/bin/env [-S] [NAME=value
// ...] PROG`; "" when code has no shebang or it names nothing.
func Interpreter(code []byte) string {
	if !bytes.HasPrefix(code, []byte("#!")) {
		return ""
	}
	line := code[2:]
	if i := bytes.IndexByte(line, '\n'); i >= 0 {
		line = line[:i]
	}
	fields := strings.Fields(string(line))
	if len(fields) == 0 {
		return ""
	}
	prog := filepath.Base(fields[0])
	if prog != "env" {
		return prog
	}
	rest := fields[1:]
	for len(rest) > 0 && (strings.HasPrefix(rest[0], "-") || strings.Contains(rest[0], "=")) {
		rest = rest[1:]
	}
	if len(rest) == 0 {
		return ""
	}
	return filepath.Base(rest[0])
}
