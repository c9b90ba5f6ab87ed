package rules

import (
	"strings"
	"unicode/utf8"
)

// Bounds on the code a message quotes and on the message itself: a
// command built from 5,000 nested $( would otherwise be quoted whole.
const (
	MaxQuotedCode = 120  // bytes of one `…` span of code
	MaxMessage    = 2000 // bytes of a whole message
)

// BoundMessage cuts every backquoted span of code in msg longer than
// MaxQuotedCode, and then the whole message at MaxMessage, at a rune
// boundary and with an ellipsis where text was cut.
func BoundMessage(msg string) string {
	if len(msg) <= MaxQuotedCode {
		return msg
	}
	var b strings.Builder
	rest := msg
	for {
		open := strings.IndexByte(rest, '`')
		if open < 0 {
			break
		}
		end := strings.IndexByte(rest[open+1:], '`')
		if end < 0 {
			break
		}
		code := rest[open+1 : open+1+end]
		b.WriteString(rest[:open+1])
		b.WriteString(Cut(code, MaxQuotedCode))
		b.WriteByte('`')
		rest = rest[open+1+end+1:]
	}
	b.WriteString(rest)
	return Cut(b.String(), MaxMessage)
}

// Cut returns s cut to at most n bytes at a rune boundary, ending with
// "…" when something was cut.
func Cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i := n
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "…"
}

// SplitAdvice splits a message into what is wrong and the advice after it:
// the two halves around the first "; " outside backquoted code (which may
// hold a "; " of its own). Advice is "" when the message has none.
func SplitAdvice(msg string) (what, advice string) {
	inCode := false
	for i := 0; i < len(msg); i++ {
		switch msg[i] {
		case '`':
			inCode = !inCode
		case ';':
			if !inCode && i+1 < len(msg) && msg[i+1] == ' ' {
				return msg[:i], msg[i+2:]
			}
		}
	}
	return msg, ""
}
