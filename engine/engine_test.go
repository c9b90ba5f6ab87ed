package engine

import (
	"bytes"
	"context"
	"fmt"
	"github.com/dockguard/dockguard/internal/testfiles"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/dockguard/dockguard/rules"
	"github.com/dockguard/dockguard/shell"
)

// fakeShell reports one DG101 finding per line containing "docker rm -f",
// so engine behaviour is tested independently of the real shell front end.
func fakeShell(file string, src []byte, _ *shell.Config) []rules.Finding {
	var out []rules.Finding
	off := 0
	for _, line := range bytes.SplitAfter(src, []byte("\n")) {
		if i := bytes.Index(line, []byte("docker rm -f")); i >= 0 {
			if bytes.Contains(line, []byte("PANIC")) {
				panic("boom")
			}
			out = append(out, rules.New(rules.MustLookup("DG101"), file, src, off+i, off+i+12, "force"))
		}
		off += len(line)
	}
	return out
}

func chdir(t *testing.T, dir string) {
	t.Helper()
	t.Chdir(dir)
}

func run(t *testing.T, opts *Options) *Result {
	t.Helper()
	if opts.ShellFamily == nil {
		opts.ShellFamily = map[Kind]FileFunc{KindScript: fakeShell, KindMakefile: fakeShell}
	}
	return Run(context.Background(), opts)
}

func files(fs []rules.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.File)
	}
	return out
}

func TestWalkSkipsIgnoredAndVendored(t *testing.T) {
	root := t.TempDir()
	testfiles.Write(t, root, map[string]string{
		".git/hooks/pre-commit.sh":    "docker rm -f a\n",
		"vendor/x/a.sh":               "docker rm -f a\n",
		"node_modules/y/b.sh":         "docker rm -f a\n",
		".gitignore":                  "build/\n*.gen.sh\n",
		"build/c.sh":                  "docker rm -f a\n",
		"scripts/d.gen.sh":            "docker rm -f a\n",
		"scripts/e.sh":                "docker rm -f a\n",
		"sub/.gitignore":              "skip.sh\n!keep.gen.sh\n",
		"sub/skip.sh":                 "docker rm -f a\n",
		"sub/keep.gen.sh":             "docker rm -f a\n",
		"sub/deeper/skip.sh":          "docker rm -f a\n",
		"tools/run":                   "#!/usr/bin/env bash\ndocker rm -f a\n",
		"tools/py":                    "#!/usr/bin/env python3\n# docker rm -f a\n",
		"README.md":                   "docker rm -f a\n",
		"Makefile":                    "clean:\n\tdocker rm -f a\n",
		"scripts/no-docker-here.sh":   "echo hi\n",
		"scripts/deep/er/nested.bash": "docker rm -f a\n",
	})
	chdir(t, root)
	res := run(t, &Options{})
	got := strings.Join(files(res.Findings), " ")
	want := "Makefile scripts/deep/er/nested.bash scripts/e.sh sub/keep.gen.sh tools/run"
	if got != want {
		t.Errorf("files with findings:\n got %s\nwant %s", got, want)
	}
	if len(res.Errors) != 0 {
		t.Errorf("unexpected errors: %v", res.Errors)
	}
}

func TestIgnoredRootGivenExplicitlyIsChecked(t *testing.T) {
	root := t.TempDir()
	testfiles.Write(t, root, map[string]string{
		".git/HEAD":           "ref: refs/heads/main\n",
		".gitignore":          "/out/\n",
		"out/tree/a.sh":       "docker rm -f a\n",
		"out/tree/.gitignore": "b.sh\n",
		"out/tree/b.sh":       "docker rm -f a\n",
	})
	chdir(t, root)
	if res := run(t, &Options{}); len(res.Findings) != 0 {
		t.Errorf("ignored directory walked from the repository root: %+v", res.Findings)
	}
	res := run(t, &Options{Paths: []string{"out/tree"}})
	if got := strings.Join(files(res.Findings), " "); got != "out/tree/a.sh" {
		t.Errorf("explicit ignored root: findings in %q, want out/tree/a.sh", got)
	}
}

func TestBadInputsAreNotesOrErrorsAndTheRestIsChecked(t *testing.T) {
	root := t.TempDir()
	big := strings.Repeat("echo padding line\n", 10<<20/18+1) + "docker rm -f a\n"
	testfiles.Write(t, root, map[string]string{
		"bin.sh":     "docker rm -f a\x00\x01\x02",
		"big.sh":     big,
		"latin1.sh":  "echo \xe9\xe8\xff\ndocker rm -f a\n",
		"panic.sh":   "docker rm -f PANIC\n",
		"secret.sh":  "docker rm -f a\n",
		"ok/good.sh": "docker rm -f a\n",
	})
	if err := os.Symlink("loop2", filepath.Join(root, "loop1.sh")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("loop1.sh", filepath.Join(root, "loop2")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(root, filepath.Join(root, "ok", "dirloop")); err != nil {
		t.Fatal(err)
	}
	outside := t.TempDir()
	testfiles.Write(t, outside, map[string]string{"out.sh": "docker rm -f a\n"})
	if err := os.Symlink(filepath.Join(outside, "out.sh"), filepath.Join(root, "out.sh")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("ok/good.sh", filepath.Join(root, "alias.sh")); err != nil {
		t.Fatal(err)
	}
	chdir(t, root)
	old := readFileHook
	readFileHook = func(name string, limit int64, buf []byte) ([]byte, int64, error) {
		if filepath.Base(name) == "secret.sh" {
			return nil, 0, &fs.PathError{Op: "open", Path: name, Err: fs.ErrPermission}
		}
		return old(name, limit, buf)
	}
	defer func() { readFileHook = old }()

	res := run(t, &Options{})
	if got, want := strings.Join(files(res.Findings), " "), "alias.sh latin1.sh ok/good.sh"; got != want {
		t.Errorf("findings in %q, want %q", got, want)
	}
	msgs := map[string]string{}
	for _, n := range res.Notes {
		msgs[n.File] = "note: " + n.Message
	}
	for _, e := range res.Errors {
		msgs[e.File] = "error: " + e.Message
	}
	for file, want := range map[string]string{
		"bin.sh":    "note: skipped: binary file",
		"big.sh":    "note: skipped: 10 MiB is over the 4 MiB limit",
		"loop1.sh":  "note: skipped: broken symbolic link",
		"panic.sh":  "error: internal error while checking (please report): boom",
		"secret.sh": "error: cannot read: permission denied",
	} {
		if !strings.HasPrefix(msgs[file], want) {
			t.Errorf("%s: got %q, want prefix %q", file, msgs[file], want)
		}
	}
}

func TestPrefilterSkipsFilesWithoutBinaries(t *testing.T) {
	root := t.TempDir()
	testfiles.Write(t, root, map[string]string{
		"a.sh": "docker rm -f a\n",
		"b.sh": "podman ps\n",
		"c.sh": "echo nothing\n",
		"d.sh": "# dockguard:ignore-file DG101 -- x\n",
		"e.sh": "$DOCKER rm -f e\n",
		"f.sh": "$DOCKERISH_TOOL ps\n",
	})
	chdir(t, root)
	var seen []string
	spy := func(file string, src []byte, cfg *shell.Config) []rules.Finding {
		seen = append(seen, file)
		return nil
	}
	run(t, &Options{Jobs: 1, ShellFamily: map[Kind]FileFunc{KindScript: spy}})
	// e.sh names no binary but runs a variable named for one, which the
	// shell front end takes for docker; f.sh's variable only starts alike,
	// and DOCKER is in its name, so the prefilter lets it through too (the
	// front end then finds nothing): the filter errs on the side of parsing.
	if got := strings.Join(sortedCopy(seen), " "); got != "a.sh b.sh d.sh e.sh f.sh" {
		t.Errorf("parsed %q, want a.sh b.sh d.sh e.sh f.sh", got)
	}
	seen = nil
	run(t, &Options{Jobs: 1, Shell: shell.Config{Binaries: []string{"nerdctl"}}, ShellFamily: map[Kind]FileFunc{KindScript: spy}})
	if got := strings.Join(sortedCopy(seen), " "); got != "d.sh" {
		t.Errorf("with binaries=nerdctl parsed %q, want d.sh", got)
	}
}

func sortedCopy(s []string) []string {
	out := append([]string(nil), s...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

func TestBatchFrontEndsGetTheirFiles(t *testing.T) {
	root := t.TempDir()
	testfiles.Write(t, root, map[string]string{
		"main.go":                        "package main\nimport \"os/exec\"\n",
		"util.go":                        "package main\n",
		"sdk.go":                         "package main\nimport _ \"github.com/moby/moby/client\"\n",
		"compose.yaml":                   "services: {}\n",
		"deploy/docker-compose.prod.yml": "services: {}\n",
		"k8s/deployment.yaml":            "kind: Deployment\n",
	})
	chdir(t, root)
	var gotGo, gotCompose []string
	res := run(t, &Options{
		Go: func(_ context.Context, fs []string) rules.Result {
			gotGo = fs
			return rules.Result{Errors: []rules.Note{{File: "x.go", Message: "could not type-check"}}}
		},
		Compose: func(_ context.Context, fs []string) rules.Result {
			gotCompose = fs
			return rules.Result{Findings: []rules.Finding{{Rule: "DG201", File: "compose.yaml", Line: 1}}}
		},
	})
	if strings.Join(gotGo, " ") != "main.go sdk.go" {
		t.Errorf("Go files %v", gotGo)
	}
	if strings.Join(gotCompose, " ") != "compose.yaml deploy/docker-compose.prod.yml" {
		t.Errorf("compose files %v", gotCompose)
	}
	if len(res.Findings) != 1 || len(res.Errors) != 1 || res.FilesScanned != 5 {
		t.Errorf("result %+v", res)
	}
}

func TestExplicitFilesAndMissingPaths(t *testing.T) {
	root := t.TempDir()
	testfiles.Write(t, root, map[string]string{"x/run.sh": "docker rm -f a\n", "notes.txt": "docker rm -f a\n"})
	chdir(t, filepath.Join(root, "x"))
	res := run(t, &Options{Paths: []string{"run.sh", "../notes.txt", "missing.sh"}})
	if len(res.Findings) != 1 || res.Findings[0].File != "run.sh" {
		t.Errorf("findings %+v", res.Findings)
	}
	if len(res.Errors) != 1 || res.Errors[0].File != "missing.sh" || !strings.Contains(res.Errors[0].Message, "no such file") {
		t.Errorf("errors %+v", res.Errors)
	}
	if len(res.Notes) != 1 || res.Notes[0].File != filepath.Join(root, "notes.txt") {
		t.Errorf("notes %+v (outside cwd must be absolute)", res.Notes)
	}
}

func TestStdin(t *testing.T) {
	res := run(t, &Options{Paths: []string{"-"}, Stdin: strings.NewReader("docker rm -f a\n"), StdinFilename: "scripts/x.sh"})
	if len(res.Findings) != 1 || res.Findings[0].File != "scripts/x.sh" || res.Findings[0].Line != 1 {
		t.Errorf("findings %+v", res.Findings)
	}
	var got string
	res = run(t, &Options{Paths: []string{"-"}, Stdin: strings.NewReader("services: {}\n"), StdinFilename: "compose.yaml",
		ComposeSource: func(_ context.Context, file string, src []byte) rules.Result {
			got = file + ":" + string(src)
			return rules.Result{}
		}})
	if got != "compose.yaml:services: {}\n" || res.FilesScanned != 1 {
		t.Errorf("compose stdin got %q", got)
	}
}

func TestOutputIsSortedAndDeterministic(t *testing.T) {
	root := t.TempDir()
	m := map[string]string{}
	for _, n := range []string{"b", "a", "c/z", "c/a", "d"} {
		m[n+".sh"] = "docker rm -f x\necho\ndocker rm -f y; docker rm -f z\n"
	}
	testfiles.Write(t, root, m)
	chdir(t, root)
	first := run(t, &Options{Jobs: 4})
	for range 5 {
		again := run(t, &Options{Jobs: 4})
		if len(again.Findings) != len(first.Findings) {
			t.Fatal("nondeterministic count")
		}
		for i := range again.Findings {
			if !reflect.DeepEqual(again.Findings[i], first.Findings[i]) {
				t.Fatalf("nondeterministic order at %d", i)
			}
		}
	}
	for i := 1; i < len(first.Findings); i++ {
		if Less(&first.Findings[i], &first.Findings[i-1]) {
			t.Fatalf("not sorted at %d", i)
		}
	}
}

func TestClassify(t *testing.T) {
	for path, want := range map[string]Kind{
		"a.sh": KindScript, "x/a.bash": KindScript, "t.bats": KindScript, "Makefile": KindMakefile,
		"GNUmakefile": KindMakefile, "build/rules.mk": KindMakefile, ".github/workflows/ci.yml": KindGitHubWorkflow,
		"sub/.github/workflows/ci.yaml": KindGitHubWorkflow, "action.yml": KindGitHubAction, ".github/actions/x/action.yaml": KindGitHubAction,
		".gitlab-ci.yml": KindGitLabCI, ".circleci/config.yml": KindCircleCI, "web/package.json": KindPackageJSON,
		"main.go": KindGo, "tool.py": KindPython, "stubs.pyi": KindPython, "tests/conftest.py": KindPython, "compose.yaml": KindCompose, "docker-compose.override.yml": KindCompose, "x/docker-compose.test.yaml": KindCompose,
		"home/.bashrc": KindScript, ".zshrc": KindScript, "x/.envrc": KindScript, ".bash_aliases": KindScript,
		"Taskfile.yml": KindTaskfile, "sub/taskfile.dist.yaml": KindTaskfile, "azure-pipelines.yml": KindAzurePipelines,
		".azure-pipelines/build.yml": KindAzurePipelines, "bitbucket-pipelines.yml": KindBitbucketPipelines,
		".drone.yml": KindDrone, ".woodpecker.yaml": KindDrone, ".woodpecker/test.yml": KindDrone,
		"deploy/web.service": KindSystemd, "docker-proxy.socket": KindSystemd,
		"Dockerfile": KindDockerfile, "build/Containerfile": KindDockerfile, "Dockerfile.dev": KindDockerfile, "api.Dockerfile": KindDockerfile,
		"x/dockerfile": KindDockerfile, "Dockerfile.dockerignore": KindNone, "Dockerfile.md": KindNone, "dockerfile.go": KindGo,
		"Jenkinsfile": KindJenkinsfile, "ci/Jenkinsfile.release": KindJenkinsfile, "deploy.jenkinsfile": KindJenkinsfile,
		"lib/vars/deployApp.groovy": KindJenkinsfile, "src/org/Util.groovy": KindNone, "Jenkinsfile.md": KindNone,
		"justfile": KindJustfile, "Justfile": KindJustfile, "x/.justfile": KindJustfile, "tools/build.just": KindJustfile, "Taskfile.md": KindNone, "tasks.yml": KindNone,
		"config.yml": KindNone, "values.yaml": KindNone, "README.md": KindNone, "tsconfig.json": KindNone,
	} {
		if got, _ := ClassifyName(path); got != want {
			t.Errorf("ClassifyName(%q) = %v, want %v", path, got, want)
		}
	}
	if _, need := ClassifyName("bin/deploy"); !need {
		t.Error("extension-less files need their shebang read")
	}
}

func TestShebang(t *testing.T) {
	for src, want := range map[string]bool{
		"#!/bin/sh\n": true, "#!/bin/bash -e\n": true, "#!/usr/bin/env bash\n": true, "#!/usr/bin/env -S bash -eu\n": true,
		"#!/usr/bin/env python3\n": false, "#!/usr/bin/zsh": true, "#! /bin/dash\n": true, "echo\n": false, "": false,
		"#!/usr/bin/env\n": false, "#!/usr/bin/env FOO=1 sh\n": true, "#!/usr/bin/perl\n": false,
		// A shebang after blank lines (ShellCheck's SC1128): still a shell script.
		"\n#!/bin/bash\n": true, "\r\n \n#!/usr/bin/env sh\n": true, "\n#!/usr/bin/env python3\n": false,
		"# comment\n#!/bin/bash\n": false, "echo hi\n#!/bin/sh\n": false,
	} {
		if got := ShebangIsShell([]byte(src)); got != want {
			t.Errorf("ShebangIsShell(%q) = %v", src, got)
		}
	}
}

func TestShebangPython(t *testing.T) {
	for src, want := range map[string]bool{
		"#!/usr/bin/env python3\n": true, "#!/usr/bin/python3.12 -u\n": true, "#!/usr/bin/env pypy3\n": true,
		"#!/bin/sh\n": false, "import os\n": false, "": false,
	} {
		if got := ShebangIsPython([]byte(src)); got != want {
			t.Errorf("ShebangIsPython(%q) = %v", src, got)
		}
	}
}

// TestPythonFiles checks the Python kinds: *.py and *.pyi by name,
// extension-less files by shebang, the prefilter (container CLIs, the
// Python libraries' names, directives), and --only python.
func TestPythonFiles(t *testing.T) {
	root := t.TempDir()
	testfiles.Write(t, root, map[string]string{
		"launcher.py":       "import subprocess\nsubprocess.run(['docker', 'ps'])\n",
		"whales.py":         "from python_on_whales import docker as d\n",
		"plain.py":          "print('hello')\n",
		"stubs.pyi":         "def run(cmd: str) -> None: ...  # docker\n",
		"bin/deploy":        "#!/usr/bin/env python3\nimport os\nos.system('docker kill x')\n",
		"bin/clean":         "#!/bin/sh\ndocker rm -f x\n",
		"tests/test_a.py":   "def test_a(c):\n    c.remove(force=True)\n",
		"tests/conftest.py": "import docker\n",
	})
	chdir(t, root)
	var py, sh []string
	spyPy := func(file string, src []byte, cfg *shell.Config) []rules.Finding {
		py = append(py, file)
		return nil
	}
	spySh := func(file string, src []byte, cfg *shell.Config) []rules.Finding {
		sh = append(sh, file)
		return nil
	}
	opts := &Options{Jobs: 1, Python: spyPy, PythonNeedles: []string{"python_on_whales", "force=True"}, ShellFamily: map[Kind]FileFunc{KindScript: spySh}}
	run(t, opts)
	if got := strings.Join(sortedCopy(py), " "); got != "bin/deploy launcher.py stubs.pyi tests/conftest.py tests/test_a.py whales.py" {
		t.Errorf("Python files parsed: %q", got)
	}
	if got := strings.Join(sh, " "); got != "bin/clean" {
		t.Errorf("shell files parsed: %q", got)
	}
	py, sh = nil, nil
	opts.Only = map[Kind]bool{KindPython: true}
	run(t, opts)
	if len(sh) != 0 || len(py) != 6 {
		t.Errorf("--only python: shell %q, python %q", sh, py)
	}
}

func TestDisplayPath(t *testing.T) {
	if got := DisplayPath("/a/b", "/a/b/c/d.sh"); got != "c/d.sh" {
		t.Error(got)
	}
	if got := DisplayPath("/a/b", "/a/bc/d.sh"); got != "/a/bc/d.sh" {
		t.Error(got)
	}
	if got := DisplayPath("/", "/x.sh"); got != "x.sh" {
		t.Error(got)
	}
}

// TestEarlyHasEveryNonGoFindingBeforeGoStarts: Options.Early is called
// once, before the Go front end is called, with the shell and compose
// findings sorted (z.sh after compose.yaml), and the Go finding only in
// the final result.
func TestEarlyHasEveryNonGoFindingBeforeGoStarts(t *testing.T) {
	root := t.TempDir()
	testfiles.Write(t, root, map[string]string{
		"a/main.go":    "package main\nimport \"os/exec\"\n",
		"z.sh":         "docker rm -f a\ndocker rm -f a\n",
		"b.sh":         "docker rm -f b\n",
		"compose.yaml": "services: {}\n",
	})
	chdir(t, root)
	var order []string
	var early []rules.Finding
	res := run(t, &Options{
		Go: func(_ context.Context, fs []string) rules.Result {
			order = append(order, "go")
			return rules.Result{Findings: []rules.Finding{{Rule: "DG101", File: "a/main.go", Line: 2}}}
		},
		Compose: func(_ context.Context, fs []string) rules.Result {
			order = append(order, "compose")
			return rules.Result{Findings: []rules.Finding{{Rule: "DG201", File: "compose.yaml", Line: 1}}}
		},
		Early: func(fs []rules.Finding) {
			order = append(order, "early")
			early = fs
		},
	})
	if got := strings.Join(order, " "); got != "compose early go" {
		t.Fatalf("calls in the order %q, want compose early go", got)
	}
	want := []string{"b.sh", "compose.yaml", "z.sh", "z.sh"}
	if got := files(early); !reflect.DeepEqual(got, want) {
		t.Errorf("early findings in %v, want %v (sorted, non-Go only)", got, want)
	}
	if got := files(res.Findings); !reflect.DeepEqual(got, []string{"a/main.go", "b.sh", "compose.yaml", "z.sh", "z.sh"}) {
		t.Errorf("final findings in %v", got)
	}
}

// TestForcedKind checks that Options.Forced overrides the name and the
// shebang: an extension-less file without a shebang is checked as the
// forced kind (walked, named or re-checked), a forced Makefile is read as a
// Makefile although it ends in .sh, --only still applies to forced kinds,
// and a binary file forced to a kind is skipped as binary files are.
func TestForcedKind(t *testing.T) {
	root := t.TempDir()
	testfiles.Write(t, root, map[string]string{
		"run":          "docker rm -f a\n",
		"ci/entry":     "docker rm -f b\n",
		"notforced":    "docker rm -f c\n",
		"rules.sh":     "docker rm -f d\n",
		"bin/tool":     "\x00\x01docker rm -f e\n",
		"deploy/x.txt": "docker rm -f f\n",
	})
	chdir(t, root)
	var asMake []string
	makeSpy := func(file string, src []byte, cfg *shell.Config) []rules.Finding {
		asMake = append(asMake, file)
		return fakeShell(file, src, cfg)
	}
	forced := func(display string) (Kind, bool) {
		switch display {
		case "run", "ci/entry", "bin/tool":
			return KindScript, true
		case "rules.sh":
			return KindMakefile, true
		case "deploy/x.txt":
			return KindNone, true // not a kind: detection decides
		}
		return KindNone, false
	}
	opts := &Options{Jobs: 1, Forced: forced, ShellFamily: map[Kind]FileFunc{KindScript: fakeShell, KindMakefile: makeSpy}}
	res := run(t, opts)
	if got, want := sortedCopy(files(res.Findings)), []string{"ci/entry", "rules.sh", "run"}; !reflect.DeepEqual(got, want) {
		t.Errorf("findings in %v, want %v", got, want)
	}
	if !reflect.DeepEqual(asMake, []string{"rules.sh"}) {
		t.Errorf("read as a Makefile: %v, want rules.sh", asMake)
	}
	binary := false
	for _, n := range res.Notes {
		if n.File == "bin/tool" && strings.Contains(n.Message, "binary") {
			binary = true
		}
	}
	if !binary {
		t.Errorf("the forced binary file has no skipped-binary note: %v", res.Notes)
	}
	if res.FilesScanned != 3 {
		t.Errorf("FilesScanned = %d, want 3 (run, ci/entry, rules.sh)", res.FilesScanned)
	}

	// A named file is forced as well, and so is a re-check (fix).
	opts = &Options{Jobs: 1, Paths: []string{"run", "notforced"}, Forced: forced, ShellFamily: map[Kind]FileFunc{KindScript: fakeShell}}
	if got := files(run(t, opts).Findings); !reflect.DeepEqual(got, []string{"run"}) {
		t.Errorf("named files: findings in %v, want [run]", got)
	}
	if fs := CheckSource(context.Background(), opts, "run", []byte("docker rm -f a\n")); len(fs) != 1 {
		t.Errorf("CheckSource of a forced file: %d findings, want 1", len(fs))
	}

	// --only selects among the forced kinds too.
	opts = &Options{Jobs: 1, Forced: forced, Only: map[Kind]bool{KindMakefile: true}, ShellFamily: map[Kind]FileFunc{KindScript: fakeShell, KindMakefile: fakeShell}}
	if got := files(run(t, opts).Findings); !reflect.DeepEqual(got, []string{"rules.sh"}) {
		t.Errorf("--only makefile: findings in %v, want [rules.sh]", got)
	}
}

// TestGoNeedlesAreNotAppendedTo: the Go prefilter's words may be a shared
// slice with spare capacity (analyzers.Needles is built by append); every
// file's goroutine adds the title-cased binaries to them, which once wrote
// into that spare capacity from many goroutines at once (a data race under
// -race, and one file's words in another's filter). Many Go files at once,
// each naming only a title-cased binary, must each pass the filter, and the
// caller's slice must be unchanged.
func TestGoNeedlesAreNotAppendedTo(t *testing.T) {
	root := t.TempDir()
	tree := map[string]string{}
	for i := range 64 {
		tree[fmt.Sprintf("p%d/x.go", i)] = "package p\n\nfunc f() { cli.PodmanCmd(nil, \"rm\", \"-f\", \"x\") }\n"
	}
	testfiles.Write(t, root, tree)
	chdir(t, root)
	needles := make([]string, 1, 64)
	needles[0] = "os/exec"
	spare := needles[:cap(needles)]
	var got []string
	opts := &Options{Jobs: 8, Shell: shell.Config{Binaries: []string{"podman"}}, GoNeedles: needles, Go: func(_ context.Context, files []string) rules.Result {
		got = append(got, files...)
		return rules.Result{}
	}}
	run(t, opts)
	if len(got) != 64 {
		t.Errorf("%d Go files passed the prefilter, want 64", len(got))
	}
	for i, w := range spare[1:] {
		if w != "" {
			t.Fatalf("the caller's needles were written past their length at %d: %q", i+1, w)
		}
	}
}
