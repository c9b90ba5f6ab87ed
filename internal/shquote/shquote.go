// Package shquote renders words as shell text that a user can paste: the
// quoting is mvdan.cc/sh's (syntax.Quote), so a name such as `a;b`, `my app`
// or one with invalid UTF-8 reaches the command as the one word it was.
package shquote

import (
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

// Word returns s quoted for bash (and any shell that reads $'…', which
// POSIX.1-2024 includes), or s itself when it needs no quoting. An `=`
// alone does not make a word quoted: it only means an assignment at the
// start of a command, where advice never puts a value.
func Word(s string) string {
	if q, err := syntax.Quote(strings.ReplaceAll(s, "=", "_"), syntax.LangBash); err == nil && q == strings.ReplaceAll(s, "=", "_") {
		return s
	}
	// A NUL cannot reach a command through exec; drop it rather than fail.
	q, err := syntax.Quote(strings.ReplaceAll(s, "\x00", ""), syntax.LangBash)
	if err != nil {
		return "''"
	}
	return q
}

// Join quotes each word and joins them with spaces: a command line.
func Join(words ...string) string {
	q := make([]string, len(words))
	for i, w := range words {
		q[i] = Word(w)
	}
	return strings.Join(q, " ")
}
