package dockercli

import (
	"strconv"
	"strings"
)

// Unwrapped is a command line with its wrappers (sudo, env, timeout, xargs,
// GNU parallel...) peeled off.
type Unwrapped struct {
	// Argv is the command that finally runs; empty when a wrapper runs
	// nothing (command -v, sudo -l) or no command was given.
	Argv []Word
	// Wrappers names the wrappers peeled off, outermost first.
	Wrappers []string
	// StdinArgs is set when Argv receives further arguments read from
	// standard input (xargs, GNU parallel without :::).
	StdinArgs bool
	// Replace is the placeholder (xargs -I {}, parallel's {}) that input
	// replaces inside words; empty when input is appended instead.
	Replace string
	// InputArgs are the words GNU parallel reads after ::: .
	InputArgs []Word
	// Jobs is the runner's concurrency: 1 sequential, JobsUnbounded (0)
	// for xargs -P 0 and GNU parallel's default of one job per CPU core,
	// N for at most N, JobsUnknown when the value is not known.
	Jobs int
	// JobsWord is the word that set Jobs (the -P value) or the runner's
	// name when the concurrency is its default. Zero when Jobs is 1 by
	// default.
	JobsWord Word
	// Runner is "xargs" or "parallel" when one of them runs Argv.
	Runner string
	// perInput is set when xargs runs Argv once per input item or line
	// (-n, -L, -I): the input is not appended all at once.
	perInput bool
}

// Concurrency values of Unwrapped.Jobs.
const (
	JobsUnbounded = 0
	JobsUnknown   = -1
)

// wrapper describes a command that runs its arguments as another command.
type wrapper struct {
	flags flagTable
	// operands is the number of plain words before the command
	// (timeout's DURATION).
	operands int
	// assigns: NAME=VALUE words may precede the command (env, sudo).
	assigns bool
	// lookup flags make the wrapper print instead of run (command -v).
	lookup []string
}

var wrappers = map[string]wrapper{
	"sudo": {flags: flagTable{
		v("user", "u"), v("group", "g"), v("close-from", "C"), v("chdir", "D"),
		v("prompt", "p"), v("role", "r"), v("type", "t"), v("other-user", "U"),
		v("command-timeout", "T"), v("chroot", "R"), v("host", ""),
		b("preserve-env", "E"), b("set-home", "H"), b("non-interactive", "n"),
		b("stdin", "S"), b("background", "b"), b("login", "i"), b("shell", "s"),
		b("reset-timestamp", "k"), b("remove-timestamp", "K"), b("askpass", "A"),
		b("bell", "B"), b("preserve-groups", "P"), b("list", "l"), b("validate", "v"),
		b("version", "V"), b("help", "h"),
	}, assigns: true, lookup: []string{"list", "validate", "version", "help", "remove-timestamp"}},
	"doas": {flags: flagTable{v("user", "u"), v("config", "C"), b("non-interactive", "n"), b("shell", "s"), b("L", "L")}},
	"env": {flags: flagTable{
		v("unset", "u"), v("chdir", "C"), v("split-string", "S"), v("path", "P"),
		b("ignore-environment", "i"), b("null", "0"), b("debug", "v"),
		b("block-signal", ""), b("default-signal", ""), b("ignore-signal", ""),
		b("list-signal-handling", ""),
	}, assigns: true},
	"timeout": {flags: flagTable{
		v("signal", "s"), v("kill-after", "k"), b("preserve-status", ""),
		b("foreground", ""), b("verbose", "v"),
	}, operands: 1},
	"nice":    {flags: flagTable{v("adjustment", "n")}},
	"nohup":   {},
	"setsid":  {flags: flagTable{b("fork", "f"), b("wait", "w"), b("ctty", "c")}},
	"stdbuf":  {flags: flagTable{v("input", "i"), v("output", "o"), v("error", "e")}},
	"ionice":  {flags: flagTable{v("class", "c"), v("classdata", "n"), v("pid", "p"), v("pgid", "P"), v("uid", "u"), b("ignore", "t")}},
	"time":    {flags: flagTable{v("format", "f"), v("output", "o"), b("append", "a"), b("portability", "p"), b("verbose", "v"), b("quiet", "q")}},
	"command": {flags: flagTable{b("p", "p"), b("v", "v"), b("V", "V")}, lookup: []string{"v", "V"}},
	"exec":    {flags: flagTable{b("c", "c"), b("l", "l"), v("a", "a")}},
	"builtin": {},
}

var xargsFlags = flagTable{
	v("arg-file", "a"), v("delimiter", "d"), v("E", "E"), v("replace-I", "I"),
	v("max-lines-L", "L"), v("max-args", "n"), v("max-procs", "P"), v("max-chars", "s"),
	v("J", "J"), v("R", "R"), v("S", "S"), v("process-slot-var", ""),
	b("null", "0"), b("interactive", "p"), b("no-run-if-empty", "r"), b("verbose", "t"),
	b("exit", "x"), b("open-tty", "o"), b("show-limits", ""),
	// Optional-argument options: only the attached form takes a value.
	b("eof", "e"), b("replace", "i"), b("max-lines", "l"),
}

var parallelFlags = flagTable{
	v("jobs", "jP"), v("sshlogin", "S"), v("arg-file", "a"), v("delimiter", "d"),
	v("eof", "E"), v("replace", "I"), v("max-args", "n"), v("max-replace-args", "N"),
	v("max-lines", "L"), v("max-chars", "s"), v("colsep", "C"), v("joblog", ""),
	v("results", "", "res"), v("tmpdir", ""), v("timeout", ""), v("delay", ""),
	v("retries", ""), v("halt", "", "halt-on-error"), v("memfree", ""), v("load", ""),
	v("tag-string", "", "tagstring"), v("workdir", "", "wd"), v("env", ""),
	v("basefile", "", "bf"), v("sshdelay", ""), v("block", "", "block-size"),
	v("transferfile", "", "tf"), v("return", ""), v("termseq", ""),
	v("sshloginfile", "", "slf"), v("shebang-wrap", ""), v("profile", "J"),
	b("pipe", ""), b("keep-order", "k"), b("tag", ""), b("quote", "q"), b("verbose", "v"),
	b("dry-run", ""), b("eta", ""), b("bar", ""), b("progress", ""), b("ungroup", "u"),
	b("line-buffer", "", "lb"), b("null", "0"), b("xargs", "m"), b("X", "X"),
	b("nonall", ""), b("onall", ""), b("shuf", ""), b("group", ""), b("will-cite", ""),
	b("no-notice", ""), b("silent", ""), b("trim", ""), b("header", ""),
}

// Unwrap peels command wrappers off argv. It understands sudo, doas, env
// (including -S), timeout, nice, nohup, setsid, stdbuf, ionice, time,
// command, exec, builtin, xargs and GNU parallel, with their options, in any
// nesting.
func Unwrap(argv []Word) Unwrapped {
	u := Unwrapped{Jobs: 1}
	for len(argv) > 0 && argv[0].Known {
		name := BaseName(argv[0].Value)
		switch name {
		case "xargs":
			argv = u.xargs(argv)
			continue
		case "parallel":
			argv = u.parallel(argv)
			continue
		}
		w, ok := wrappers[name]
		if !ok {
			break
		}
		u.Wrappers = append(u.Wrappers, name)
		i := 1
		restart := false
		for i < len(argv) && !restart {
			a := argv[i]
			if !a.Known {
				break
			}
			if a.Value == "--" {
				i++
				break
			}
			if name == "nice" && len(a.Value) > 1 && a.Value[0] == '-' && isDigits(a.Value[1:]) {
				i++ // legacy nice -10
				continue
			}
			if !isFlagWord(a.Value) {
				break
			}
			fl, next := parseFlagWord(argv, i, w.flags)
			for _, f := range fl {
				if f.Listed && contains(w.lookup, f.Name) {
					// command -v / sudo -l: prints, does not run.
					u.Argv = nil
					return u
				}
				if name == "env" && f.Name == "split-string" && f.HasValue && f.Value.Known {
					// env -S "docker rm -f x" splits its argument into words.
					var split []Word
					for _, s := range strings.Fields(f.Value.Value) {
						split = append(split, Word{Value: s, Known: true, Start: f.Value.Start, End: f.Value.End, Text: s})
					}
					argv = append(split, argv[next:]...)
					restart = true
					break
				}
			}
			i = next
		}
		if restart {
			continue
		}
		for k := 0; k < w.operands && i < len(argv); k++ {
			i++
		}
		if w.assigns {
			for i < len(argv) && argv[i].Known && isAssignment(argv[i].Value) {
				i++
			}
		}
		argv = argv[i:]
	}
	u.Argv = argv
	return u
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func isAssignment(s string) bool {
	i := strings.IndexByte(s, '=')
	if i <= 0 {
		return false
	}
	for k := 0; k < i; k++ {
		c := s[k]
		if c != '_' && (c < 'a' || c > 'z') && (c < 'A' || c > 'Z') && (k == 0 || c < '0' || c > '9') {
			return false
		}
	}
	return true
}

func (u *Unwrapped) xargs(argv []Word) []Word {
	u.Wrappers = append(u.Wrappers, "xargs")
	u.Runner = "xargs"
	u.StdinArgs = true
	i := 1
	for i < len(argv) {
		a := argv[i]
		if !a.Known || !isFlagWord(a.Value) {
			break
		}
		if a.Value == "--" {
			i++
			break
		}
		fl, next := parseFlagWord(argv, i, xargsFlags)
		for _, f := range fl {
			switch f.Name {
			case "max-procs":
				u.setJobs(f)
			case "max-args", "max-lines-L", "max-lines":
				u.perInput = true
			case "arg-file":
				u.StdinArgs = false // input comes from a file
			case "replace-I", "J":
				if f.HasValue && f.Value.Known {
					u.Replace = f.Value.Value
				}
			case "replace":
				u.Replace = "{}"
				if f.HasValue && f.Value.Known && f.Value.Value != "" {
					u.Replace = f.Value.Value
				}
			}
		}
		i = next
	}
	if i >= len(argv) {
		return nil // xargs alone runs echo
	}
	return argv[i:]
}

func (u *Unwrapped) setJobs(f Flag) {
	u.JobsWord = f.Value
	if !f.HasValue || !f.Value.Known {
		u.Jobs = JobsUnknown
		return
	}
	s := strings.TrimSpace(f.Value.Value)
	n, err := strconv.Atoi(s)
	switch {
	case err == nil && n >= 0:
		u.Jobs = n
	case strings.HasSuffix(s, "%") || strings.HasPrefix(s, "+") || strings.HasPrefix(s, "-"):
		// GNU parallel: relative to the number of CPU cores.
		u.Jobs = JobsUnbounded
	default:
		u.Jobs = JobsUnknown
	}
}

func (u *Unwrapped) parallel(argv []Word) []Word {
	u.Wrappers = append(u.Wrappers, "parallel")
	u.Runner = "parallel"
	u.Jobs = JobsUnbounded // one job per CPU core by default
	u.JobsWord = argv[0]
	u.StdinArgs = true
	i := 1
	for i < len(argv) {
		a := argv[i]
		if !a.Known || !isFlagWord(a.Value) || strings.HasPrefix(a.Value, ":::") {
			break
		}
		if a.Value == "--" {
			i++
			break
		}
		fl, next := parseFlagWord(argv, i, parallelFlags)
		for _, f := range fl {
			switch f.Name {
			case "jobs":
				u.setJobs(f)
			case "arg-file":
				u.StdinArgs = false
			case "replace":
				if f.HasValue && f.Value.Known {
					u.Replace = f.Value.Value
				}
			}
		}
		i = next
	}
	cmd := argv[i:]
	for k, w := range cmd {
		if w.Known && strings.HasPrefix(w.Value, ":::") {
			if w.Value == ":::" || w.Value == ":::+" {
				for _, in := range cmd[k+1:] {
					if !in.Known || !strings.HasPrefix(in.Value, ":::") {
						u.InputArgs = append(u.InputArgs, in)
					}
				}
			}
			u.StdinArgs = false
			cmd = cmd[:k]
			break
		}
	}
	if u.Replace == "" {
		for _, w := range cmd {
			if w.Known && strings.Contains(w.Value, "{}") {
				u.Replace = "{}"
				break
			}
		}
	}
	return cmd
}

// Feed returns Argv as the runner will call it: words holding the Replace
// placeholder become unknown input words, or, without a placeholder, one
// unknown input word is appended. listing says whether the input is a
// container listing; text describes the input for messages. Without a
// runner, Feed returns Argv unchanged.
func (u *Unwrapped) Feed(listing bool, text string) []Word {
	if u.Runner == "" || len(u.Argv) == 0 {
		return u.Argv
	}
	for _, in := range u.InputArgs {
		if in.FromListing {
			listing = true
			if text == "" {
				text = in.Source
				if text == "" {
					text = in.Text
				}
			}
		}
	}
	if !u.StdinArgs && len(u.InputArgs) == 0 {
		listing = false
	}
	out := make([]Word, 0, len(u.Argv)+1)
	replaced := false
	for _, w := range u.Argv {
		if u.Replace != "" && w.Known && strings.Contains(w.Value, u.Replace) {
			out = append(out, Word{Start: w.Start, End: w.End, FromListing: listing, Text: w.Value, Source: text})
			replaced = true
			continue
		}
		out = append(out, w)
	}
	if !replaced {
		// xargs -P N is judged as a runner; only a sequential xargs
		// hands one command the whole listing.
		many := listing && u.Runner == "xargs" && !u.perInput && u.Jobs == 1
		out = append(out, Word{Start: -1, End: -1, FromListing: listing, Many: many, Text: "…", Source: text})
	}
	return out
}

// Shells are the command names whose -c argument is shell code.
var Shells = map[string]bool{
	"sh": true, "bash": true, "dash": true, "ksh": true, "zsh": true, "ash": true,
	"mksh": true, "yash": true, "busybox": false,
}

// ShellCode reports whether argv runs a shell on code: it returns the -c
// argument (sh -c CODE, bash -euxc CODE, bash -o pipefail -c CODE,
// su -c CODE user), or
// stdin true when the shell reads its program from standard input (sh,
// sh -s, bash -e with no script operand). ok is false when argv is not a
// shell or runs a script file.
func ShellCode(argv []Word) (code Word, stdin, ok bool) {
	if len(argv) == 0 || !argv[0].Known {
		return Word{}, false, false
	}
	name := BaseName(argv[0].Value)
	if name == "busybox" && len(argv) > 1 && argv[1].Known && (argv[1].Value == "sh" || argv[1].Value == "ash") {
		argv = argv[1:]
		name = "sh"
	}
	if name == "su" || name == "runuser" {
		return suCode(argv)
	}
	if !Shells[name] {
		return Word{}, false, false
	}
	hasC, hasS := false, false
	i := 1
	for ; i < len(argv); i++ {
		a := argv[i]
		if !a.Known {
			break // an operand: the code, or a script
		}
		s := a.Value
		if s == "--" || s == "-" {
			i++
			break
		}
		if len(s) < 2 || (s[0] != '-' && s[0] != '+') {
			break
		}
		if strings.HasPrefix(s, "--") {
			// --login, --norc, --noprofile, --posix...; --rcfile and
			// --init-file take a value.
			if s == "--rcfile" || s == "--init-file" {
				i++
			}
			continue
		}
		optArg := false
		for _, c := range s[1:] {
			switch c {
			case 'c':
				hasC = true
			case 's':
				hasS = true
			case 'o', 'O':
				optArg = true
			}
		}
		if optArg {
			i++
		}
	}
	if hasC {
		if i < len(argv) {
			return argv[i], false, true
		}
		return Word{}, false, false
	}
	if hasS || i >= len(argv) {
		return Word{}, true, true
	}
	return Word{}, false, false
}

var suFlags = flagTable{
	v("command", "c"), v("shell", "s"), v("group", "g"), v("supp-group", "G"),
	v("whitelist-environment", "w"), v("user", "u"), b("login", "l"),
	b("preserve-environment", "mp"), b("pty", "P"), b("fast", "f"),
}

// suCode returns the -c command of su or runuser.
func suCode(argv []Word) (Word, bool, bool) {
	for i := 1; i < len(argv); {
		a := argv[i]
		if !a.Known || !isFlagWord(a.Value) || a.Value == "--" {
			i++
			continue
		}
		fl, next := parseFlagWord(argv, i, suFlags)
		for _, f := range fl {
			if f.Name == "command" && f.HasValue {
				return f.Value, false, true
			}
		}
		i = next
	}
	return Word{}, false, false
}

var sshFlags = flagTable{
	v("b", "b"), v("c", "c"), v("D", "D"), v("E", "E"), v("e", "e"), v("F", "F"),
	v("I", "I"), v("i", "i"), v("J", "J"), v("L", "L"), v("l", "l"), v("m", "m"),
	v("O", "O"), v("o", "o"), v("p", "p"), v("Q", "Q"), v("R", "R"), v("S", "S"),
	v("W", "W"), v("w", "w"), v("B", "B"),
}

// RemoteCommand returns the words of the command that ssh runs on the
// remote host (ssh [options] destination command...), which the remote
// user's shell reads as code joined by spaces. ok is false for anything
// else, including ssh without a command.
func RemoteCommand(argv []Word) ([]Word, bool) {
	if len(argv) == 0 || !argv[0].Known || BaseName(argv[0].Value) != "ssh" {
		return nil, false
	}
	// OpenSSH reads its options on both sides of the destination
	// (ssh user@host -p 2222 'docker rm -f x'); the command starts at the
	// first word after the destination that is not an option.
	i, ended := sshOptions(argv, 1)
	i++ // the destination
	if !ended {
		i, _ = sshOptions(argv, i)
	}
	if i >= len(argv) {
		return nil, false
	}
	return argv[i:], true
}

// sshOptions skips ssh options from i; ended reports a "--".
func sshOptions(argv []Word, i int) (next int, ended bool) {
	for i < len(argv) {
		a := argv[i]
		if !a.Known || !isFlagWord(a.Value) {
			return i, false
		}
		if a.Value == "--" {
			return i + 1, true
		}
		_, i = parseFlagWord(argv, i, sshFlags)
	}
	return i, false
}
