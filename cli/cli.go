// Package cli implements the dockguard command line. cmd/dockguard only
// calls Run, so every command is testable in-process.
package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"sort"
	"strings"
)

// Exit codes shared by every command that checks something.
const (
	ExitOK       = 0 // nothing at or above --fail-on
	ExitFindings = 1 // findings at or above --fail-on
	ExitUsage    = 2 // bad usage or configuration
	ExitErrors   = 3 // some input could not be checked; wins over ExitFindings
	// ExitInterrupted is cleanup's exit after Ctrl-C (SIGINT or SIGTERM):
	// 128 + SIGINT, as a shell reports an interrupted command.
	ExitInterrupted = 130
)

// command is one subcommand.
type command struct {
	summary string
	run     func(env *Env, args []string) int
}

// commands is the subcommand table.
var commands = map[string]command{
	"check":   {"check files and directories (default .)", runCheck},
	"fix":     {"apply the fixes of the fixable rules in place (check --fix)", runFix},
	"rules":   {"list the rules", runRules},
	"explain": {"print a rule's documentation", runExplain},
	"version": {"print the version", runVersion},
	"verify":  {"check the live Docker daemon, read-only (DG401-DG408)", runVerify},
	"report":  {"check PATH and the daemon, write a verification report", runReport},
	"cleanup": {"plan (and with --apply carry out) a paced, graceful cleanup of the daemon", runCleanup},
	"guard":   {"forward the Docker API to the daemon, holding every client to safe limits", runGuard},
	"merge":   {"combine the JSON outputs of check --shard runs into one output", runMerge},
}

// Env is a command's view of the process: its streams and environment.
type Env struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Getenv         func(string) string
}

// Run runs the dockguard command line with args (without the program name)
// and returns the process exit code.
func Run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	env := &Env{Stdin: stdin, Stdout: stdout, Stderr: stderr, Getenv: os.Getenv}
	if len(args) == 0 {
		usage(stderr)
		return ExitUsage
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		usage(stdout)
		return ExitOK
	case "-version", "--version", "-V":
		return runVersion(env, nil)
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "dockguard: unknown command %q\n", args[0])
		usage(stderr)
		return ExitUsage
	}
	return cmd.run(env, args[1:])
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "dockguard finds what crashes Docker daemons and exhausts their memory.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Usage: dockguard <command> [flags] [args]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Commands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Run `dockguard <command> -h` for a command's flags.")
	fmt.Fprintln(w, "As a vet tool: go vet -vettool=$(which dockguard) ./...")
}

// Version is dockguard's version: the module version the go command
// stamped (a tag with `go install …@v0.1.0`, a pseudo-version with
// `go build` in a checkout since Go 1.24); else, in a build with VCS
// settings but no module version, "devel-" and the revision's first 12
// characters, "-dirty" when the tree was modified; else "devel".
func Version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "devel"
	}
	return versionOf(bi)
}

func versionOf(bi *debug.BuildInfo) string {
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	vcs := vcsSettings(bi)
	if rev := vcs["vcs.revision"]; rev != "" {
		v := "devel-" + rev[:min(12, len(rev))]
		if vcs["vcs.modified"] == "true" {
			v += "-dirty"
		}
		return v
	}
	return "devel"
}

func vcsSettings(bi *debug.BuildInfo) map[string]string {
	m := map[string]string{}
	for _, s := range bi.Settings {
		if strings.HasPrefix(s.Key, "vcs") {
			m[s.Key] = s.Value
		}
	}
	return m
}

// versionLine is what --version prints: the version, then the VCS
// settings and the Go version as `go version -m` shows them.
func versionLine() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "dockguard devel"
	}
	line := "dockguard " + versionOf(bi)
	vcs := vcsSettings(bi)
	var extra []string
	for _, k := range []string{"vcs.revision", "vcs.time", "vcs.modified"} {
		if v := vcs[k]; v != "" {
			extra = append(extra, k+"="+v)
		}
	}
	extra = append(extra, bi.GoVersion)
	return line + " (" + strings.Join(extra, ", ") + ")"
}

func runVersion(env *Env, _ []string) int {
	fmt.Fprintln(env.Stdout, versionLine())
	return ExitOK
}

// parseInterspersed parses flags that may appear before, between or after
// positional arguments, as users of golangci-lint and ShellCheck expect.
// "--" ends flag parsing.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	// A bad flag gets the flag package's one-line error, not the whole
	// usage (which buries the error); -h still prints the usage.
	usage := fs.Usage
	fs.Usage = func() {}
	defer func() { fs.Usage = usage }()
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				if usage != nil {
					usage()
				} else {
					fs.PrintDefaults()
				}
			}
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		// flag stops at "--" too; keep everything after it positional.
		consumed := len(args) - len(rest)
		if consumed > 0 && args[consumed-1] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// newFlagSet returns a FlagSet that reports errors to stderr and never exits.
func newFlagSet(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("dockguard "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// flagError turns a flag parse error into an exit code: -h is success.
func flagError(err error) int {
	if errors.Is(err, flag.ErrHelp) {
		return ExitOK
	}
	return ExitUsage
}

// listFlag collects a repeatable, comma-separated flag.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }

func (l *listFlag) Set(v string) error {
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			*l = append(*l, p)
		}
	}
	return nil
}

// repeatFlag collects a repeatable flag without splitting on commas.
type repeatFlag []string

func (l *repeatFlag) String() string { return strings.Join(*l, " ") }

func (l *repeatFlag) Set(v string) error { *l = append(*l, v); return nil }
