// Package dockercli models the command lines of docker, podman, nerdctl and
// docker-compose. It turns an argv into an Invocation (binary, global flags,
// canonical subcommand path, flags and arguments) and judges it: force
// removals, kills, destructive prunes. The shell and Go front ends both ask
// it, so the command grammar and the judgement live in one place.
package dockercli

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/dockguard/dockguard/internal/shquote"
)

// Word is one element of an argv as a front end sees it.
//
// A word whose value cannot be known statically ("$@", $UNSET, a function
// parameter in Go) has Known false. An unknown word is not empty and is not a
// flag: it never causes a finding by itself.
type Word struct {
	// Value is the word after quote removal; meaningful only when Known.
	Value string
	// Known reports whether Value is the word's real value.
	Known bool
	// Start and End are byte offsets of the word in the caller's source
	// (End exclusive), or -1 when the word has no source position.
	Start, End int
	// FromListing marks a word whose value comes from a container listing,
	// such as $(docker ps -aq) or a loop variable iterating over one.
	FromListing bool
	// Text is the word as written in the source, used in messages and keys
	// for unknown words. Optional.
	Text string
	// Source is, for a FromListing word, the listing it came from (for
	// example "docker ps -aq"), for messages. Optional.
	Source string
	// Stopped is, for a FromListing word, set when the listing can only
	// hold containers that are not running (docker ps -aq -f
	// status=exited): a force removal or kill of those has nothing to kill.
	Stopped bool
	// Filtered is, for a FromListing word, set when the listing is already
	// scoped (Invocation.ListsFiltered): the advice then is not to filter
	// it again.
	Filtered bool
	// Many is, for a FromListing word, set when the word hands the whole
	// listing to one command at once ($(docker ps -q), a variable assigned
	// from one, xargs without -n), rather than one container at a time (a
	// loop variable, xargs -n1 or -I): the CLI then runs one API call per
	// container in parallel.
	Many bool
}

// Lit returns a known word without a source position.
func Lit(s string) Word { return Word{Value: s, Known: true, Start: -1, End: -1} }

// Unknown returns a word whose value is unknown; text is how it is written
// (for messages), for example "$@".
func Unknown(text string) Word { return Word{Text: text, Start: -1, End: -1} }

// Lits returns known words without source positions.
func Lits(ss ...string) []Word {
	ws := make([]Word, len(ss))
	for i, s := range ss {
		ws[i] = Lit(s)
	}
	return ws
}

// Display is the word as it should appear in a message or key: its value
// when known, otherwise its source text (or "…" when there is none).
// Control characters are escaped so messages stay on one line.
func (w Word) Display() string {
	switch {
	case w.Known:
		return printable(w.Value)
	case w.Text != "":
		return printable(w.Text)
	}
	return "…"
}

// Shell is the word as shell text for advice a user may paste: a known
// value quoted with the shell's rules (shquote), an unknown one as written
// (it is already shell text: $name, "$@"), or "…" when there is none.
// Display, not Shell, makes keys: baselines must not change with quoting.
//
// A word longer than maxShellWord is cut with "…": advice quoting a word
// built from thousands of nested $( is not something to paste anyway, and
// it must not make a message of many kilobytes.
func (w Word) Shell() string {
	s := "…"
	switch {
	case w.Known:
		s = shquote.Word(w.Value)
	case w.Text != "":
		s = printable(w.Text)
	}
	if len(s) > maxShellWord {
		i := maxShellWord
		for i > 0 && !utf8.RuneStart(s[i]) {
			i--
		}
		s = s[:i] + "…"
	}
	return s
}

// maxShellWord bounds one word in advice (Shell).
const maxShellWord = 80

func printable(s string) string {
	clean := true
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] == 0x7f {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\n':
			b.WriteString(`\n`)
		case c == '\r':
			b.WriteString(`\r`)
		case c == '\t':
			b.WriteString(`\t`)
		case c < 0x20 || c == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// Is reports whether the word is known and equal to s.
func (w Word) Is(s string) bool { return w.Known && w.Value == s }

// DefaultBinaries are the container CLIs recognised when a front end is not
// configured otherwise. docker-compose is always recognised.
var DefaultBinaries = []string{"docker", "podman", "nerdctl"}

// BaseName returns the command name of an argv[0]: the last path element
// (slash or backslash separated) without a Windows ".exe" suffix.
func BaseName(s string) string {
	if i := strings.LastIndexAny(s, `/\`); i >= 0 {
		s = s[i+1:]
	}
	if len(s) > 4 && strings.EqualFold(s[len(s)-4:], ".exe") {
		s = s[:len(s)-4]
	}
	return s
}
