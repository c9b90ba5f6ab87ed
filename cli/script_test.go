package cli

import (
	"errors"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestMain lets testscript run `dockguard` in-process as a subcommand of the
// test binary, so scripts exercise the real command line.
func TestMain(m *testing.M) {
	// Tests that call Run directly must not fill the user's cache folder;
	// the scripts get a cache of their own in Setup.
	if os.Getenv("DOCKGUARD_CACHE_DIR") == "" {
		os.Setenv("DOCKGUARD_CACHE", "off")
	}
	testscript.Main(m, map[string]func(){
		"dockguard": func() { os.Exit(Run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) },
	})
}

// TestScript runs the command-line scripts in testdata/script.
func TestScript(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		RequireExplicitExec: true,
		Setup: func(e *testscript.Env) error {
			e.Setenv("NO_COLOR", "1")
			// The result cache lives outside the checked tree ($WORK).
			cacheDir, err := os.MkdirTemp("", "dockguard-script-cache")
			if err != nil {
				return err
			}
			e.Defer(func() { os.RemoveAll(cacheDir) })
			e.Setenv("DOCKGUARD_CACHE_DIR", cacheDir)
			// Scripts that load Go packages share the build and module
			// caches instead of compiling the standard library afresh
			// under the script's empty HOME.
			for _, v := range []string{"GOCACHE", "GOMODCACHE"} {
				if out, err := exec.Command("go", "env", v).Output(); err == nil {
					e.Setenv(v, strings.TrimSpace(string(out)))
				}
			}
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"exits": cmdExits,
		},
	})
}

// cmdExits runs a program and asserts its exact exit code:
// exits N prog [args...]. Its output is then checked with stdout/stderr.
func cmdExits(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exits CODE program [args...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("exits: bad code %q", args[0])
	}
	got := 0
	if err := ts.Exec(args[1], args[2:]...); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			ts.Fatalf("exits: %v", err)
		}
		got = ee.ExitCode()
	}
	if got != want {
		ts.Fatalf("%s exited %d, want %d", args[1], got, want)
	}
}
