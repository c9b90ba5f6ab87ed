// Package shell is dockguard's shell front end: it parses shell code with
// mvdan.cc/sh/v3/syntax, resolves the words it can, and hands every docker
// command line to package dockercli for judgement.
//
// Commands are found wherever they run: in pipelines, lists, subshells,
// groups, functions, if and loop bodies, command and process substitutions,
// assignments, behind wrappers (sudo, env, timeout, xargs, GNU parallel...)
// and inside strings and here-documents that are shell code (sh -c, bash -c,
// eval, trap, bash <<EOF, the value of alias NAME=VALUE). Where the shell
// expands aliases (zsh, sh, bash start-up files, bash after shopt -s
// expand_aliases), a use of an alias defined on an earlier line is read
// as its value followed by the rest of the command. Words assigned a
// constant earlier in the same code are resolved; every other expansion is unknown and never causes a
// finding by itself. A call of a shell function whose arguments or input
// are a container listing is judged by what the body does with them, and
// reported at the call. A call at the top level sees the functions defined
// above it; a call inside a function body sees those defined when that
// function runs: at its calls, or at the end of the code for a function
// no call runs.
package shell

import (
	"bytes"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/dockguard/dockguard/dockercli"
	"github.com/dockguard/dockguard/rules"
)

// DefaultParallelLimit is the largest concurrency DG106 accepts when the
// configuration does not say otherwise.
const DefaultParallelLimit = 3

// Config tunes the shell front end. The zero value and nil are valid and
// mean the defaults.
type Config struct {
	// Binaries are the container CLIs to recognise (default docker, podman,
	// nerdctl; docker-compose is always recognised).
	Binaries []string
	// ParallelLimit is the largest concurrency DG106 accepts (default 3).
	ParallelLimit int
	// Fix shapes the fixes attached to findings (see rules.FixSettings).
	Fix rules.FixSettings
}

func (c *Config) binaries() []string {
	if c == nil || len(c.Binaries) == 0 {
		return dockercli.DefaultBinaries
	}
	return c.Binaries
}

func (c *Config) limit() int {
	if c == nil || c.ParallelLimit <= 0 {
		return DefaultParallelLimit
	}
	return c.ParallelLimit
}

// OffsetMap maps a byte offset in an extracted code fragment to the byte
// offset of the same byte in the file the fragment came from.
type OffsetMap func(codeOffset int) (fileOffset int)

// CheckScript checks a whole shell script. file is the path reported in
// findings.
func CheckScript(file string, src []byte, cfg *Config) []rules.Finding {
	return Check(file, src, src, nil, cfg)
}

// Check parses code, a shell fragment extracted from file (whose full
// contents are fileSrc), and returns findings positioned in fileSrc through m.
// A nil m means code is fileSrc itself. A parse error is a DG001 finding at
// the parser's position; the code around it is still checked as far as it
// can be parsed.
//
// Check never panics on input: a panic inside the parser is recovered and
// reported as DG001.
func Check(file string, fileSrc, code []byte, m OffsetMap, cfg *Config) []rules.Finding {
	return CheckFragment(file, fileSrc, code, m, nil, cfg)
}

// CheckFragment is Check for code extracted from a host file: host
// adapts the fixes to it (see FixHost).
func CheckFragment(file string, fileSrc, code []byte, m OffsetMap, host FixHost, cfg *Config) (out []rules.Finding) {
	if !mayMention(code, cfg.binaries()) {
		return nil
	}
	c := &checker{
		file:        file,
		fileSrc:     fileSrc,
		m:           m,
		cfg:         cfg,
		bins:        cfg.binaries(),
		limit:       cfg.limit(),
		lang:        langFor(file, code),
		topSrc:      code,
		seen:        map[findingKey]bool{},
		host:        host,
		budget:      8*len(code) + 1<<16,
		funcBudget:  8*len(code) + 1<<16,
		aliasBudget: 8*len(code) + 1<<16,
	}
	defer func() {
		if r := recover(); r != nil {
			c.findings = append(c.findings, c.newFinding("DG001", &unit{src: code}, 0, 0,
				fmt.Sprintf("internal error while checking this file: %v", r), "parse-error"))
			out = c.findings
		}
	}()
	c.expandFrom = -1
	if aliasesFromStart(file, code, c.lang) {
		c.expandFrom = 0
	}
	top := &unit{src: normalise(code), vars: newVars()}
	if !utf8.Valid(code) {
		// The parser reads '?' for each invalid byte; the words keep
		// the bytes the shell would pass.
		top.orig = crlf(bytes.Clone(code))
	}
	c.checkCode(top, true)
	c.runUncalled()
	return c.findings
}

// normalise prepares code for the parser without moving any byte: invalid
// UTF-8 becomes '?', and the CR of a CRLF line ending becomes a space, so
// scripts saved with Windows line endings read as their authors meant.
// After a blank and a backslash the backslash moves onto the CR, so the
// line still continues.
// On a line that is one word (after the tabs <<- strips) the CR becomes a
// second newline instead: such a line may close a here-document, and
// "EOF " would not; a blank line after it changes nothing else.
func normalise(code []byte) []byte { return crlf(validUTF8(code)) }

// crlf is normalise's CRLF step alone, which moves no byte either.
func crlf(code []byte) []byte {
	if !bytes.Contains(code, []byte("\r\n")) {
		return code
	}
	out := bytes.Clone(code)
	start := 0
	for i := 0; i+1 < len(out); i++ {
		if out[i] == '\n' {
			start = i + 1
		}
		if out[i] == '\r' && out[i+1] == '\n' {
			switch {
			case continuation(out[start:i]):
				// "cmd \<CR><LF>" continues the line for its author;
				// " \<LF>" keeps the word break the blank made.
				out[i-1], out[i] = ' ', '\\'
			case loneWord(out[start:i]):
				out[i] = '\n'
			default:
				out[i] = ' '
			}
		}
	}
	return out
}

// continuation reports whether line ends in one backslash after a blank
// (or alone), the usual way to continue a command on the next line.
func continuation(line []byte) bool {
	n := len(line)
	return n > 0 && line[n-1] == '\\' && (n == 1 || line[n-2] == ' ' || line[n-2] == '\t')
}

// loneWord reports whether line, less leading tabs, is one word that does
// not end in a backslash (which would continue the line).
func loneWord(line []byte) bool {
	line = bytes.TrimLeft(line, "\t")
	return len(line) > 0 && line[len(line)-1] != '\\' && !bytes.ContainsAny(line, " \t\r")
}

// validUTF8 returns code with every byte of an invalid UTF-8 sequence
// replaced by '?', so offsets stay the same: shells run such scripts, but
// the parser refuses them.
func validUTF8(code []byte) []byte {
	if utf8.Valid(code) {
		return code
	}
	out := make([]byte, 0, len(code))
	for i := 0; i < len(code); {
		r, n := utf8.DecodeRune(code[i:])
		if r == utf8.RuneError && n <= 1 {
			out = append(out, '?')
			i++
			continue
		}
		out = append(out, code[i:i+n]...)
		i += n
	}
	return out
}

// NamedVars returns the variable names a command word may use to name one
// of bins without setting it in the file ($DOCKER, $CONTAINER_RUNTIME): a
// prefilter that looks for the binaries' names must look for these too.
func NamedVars(bins []string) []string {
	var out []string
	for name, bin := range namedCLIs {
		if slices.Contains(bins, bin) {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

// mayMention is the cheap prefilter: code that names none of the binaries,
// nor a variable named for one of them ($DOCKER, ${CONTAINER_RUNTIME}, see
// namedCLIs), cannot produce a finding.
func mayMention(code []byte, bins []string) bool {
	for _, b := range bins {
		if bytes.Contains(code, []byte(b)) {
			return true
		}
	}
	for name, bin := range namedCLIs {
		if slices.Contains(bins, bin) && bytes.Contains(code, []byte(name)) {
			return true
		}
	}
	return bytes.Contains(code, []byte("docker-compose"))
}

// langFor picks the parser dialect: bash (a superset of POSIX sh for our
// purposes) unless the file name (.zshrc and the other zsh start-up
// files, *.zsh, *.bats) or the shebang says zsh, mksh or bats.
func langFor(file string, code []byte) langVariant {
	if strings.HasSuffix(file, ".bats") {
		return langBats
	}
	switch base := filepath.Base(file); base {
	case ".zshrc", ".zprofile", ".zshenv", ".zlogin", ".zlogout":
		return langZsh
	default:
		if strings.HasSuffix(base, ".zsh") {
			return langZsh
		}
	}
	switch Interpreter(code) {
	case "zsh":
		return langZsh
	case "mksh":
		return langMksh
	case "bats":
		return langBats
	}
	return langBash
}
