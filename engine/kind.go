package engine

import (
	"bytes"
	"path/filepath"
	"strings"

	"github.com/dockguard/dockguard/shell"
)

// Kind says which front end reads a file.
type Kind int

// File kinds, by front end.
const (
	KindNone Kind = iota
	KindScript
	KindMakefile
	KindGitHubWorkflow
	KindGitHubAction
	KindGitLabCI
	KindCircleCI
	KindPackageJSON
	KindGo
	KindCompose
	KindPython
	// The kinds below carry shell code too; they come after the others so
	// that the numbers of the older kinds stay what they were.
	KindTaskfile
	KindAzurePipelines
	KindBitbucketPipelines
	KindDrone
	KindSystemd
	KindDockerfile
	KindJenkinsfile
	KindJustfile
	kindEnd
)

var kindNames = [...]string{"none", "shell", "makefile", "github-workflow", "github-action", "gitlab-ci", "circleci", "package-json", "go", "compose", "python",
	"taskfile", "azure-pipelines", "bitbucket-pipelines", "drone", "systemd",
	"dockerfile", "jenkinsfile", "justfile"}

// KindByName returns the kind that --only and kinds: spell name.
func KindByName(name string) (Kind, bool) {
	for k := KindScript; k < kindEnd; k++ {
		if k.String() == name {
			return k, true
		}
	}
	return KindNone, false
}

// KindNames lists the kinds' names in kind order.
func KindNames() []string { return append([]string{}, kindNames[1:]...) }

// String names the kind as --only and notes spell it.
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "unknown"
}

// IsShellFamily reports whether the kind is shell code or carries shell code
// (Makefile recipes, CI steps, package.json scripts).
func (k Kind) IsShellFamily() bool {
	return k >= KindScript && k <= KindPackageJSON || k >= KindTaskfile && k < kindEnd
}

// ClassifyName decides a file's kind from its path alone. It returns KindNone
// with needHead=true when only the first line (a shebang) can tell.
func ClassifyName(path string) (k Kind, needHead bool) {
	base := filepath.Base(path)
	lower := strings.ToLower(base)
	ext := filepath.Ext(lower)
	if isDockerfile(lower, ext) {
		return KindDockerfile, false
	}
	if isJenkinsfile(path, lower, ext) {
		return KindJenkinsfile, false
	}
	if lower == "justfile" || lower == ".justfile" || ext == ".just" {
		return KindJustfile, false
	}
	switch ext {
	case ".sh", ".bash", ".bats", ".ksh", ".zsh":
		return KindScript, false
	case ".go":
		return KindGo, false
	case ".py", ".pyi":
		return KindPython, false
	case ".mk":
		return KindMakefile, false
	case ".service", ".socket", ".mount", ".swap":
		return KindSystemd, false
	case ".yml", ".yaml":
		dir := filepath.ToSlash(filepath.Dir(path))
		switch {
		case strings.HasSuffix(dir, ".github/workflows") || dir == ".github/workflows":
			return KindGitHubWorkflow, false
		case lower == "action.yml" || lower == "action.yaml":
			return KindGitHubAction, false
		case lower == ".gitlab-ci.yml" || lower == ".gitlab-ci.yaml":
			return KindGitLabCI, false
		case (lower == "config.yml" || lower == "config.yaml") && (strings.HasSuffix(dir, "/.circleci") || dir == ".circleci"):
			return KindCircleCI, false
		case lower == "taskfile.yml" || lower == "taskfile.yaml" || lower == "taskfile.dist.yml" || lower == "taskfile.dist.yaml":
			return KindTaskfile, false
		case strings.HasPrefix(lower, "azure-pipelines") || strings.HasSuffix(dir, ".azure-pipelines") || dir == ".azure-pipelines":
			return KindAzurePipelines, false
		case lower == "bitbucket-pipelines.yml" || lower == "bitbucket-pipelines.yaml":
			return KindBitbucketPipelines, false
		case lower == ".drone.yml" || lower == ".drone.yaml" || lower == ".woodpecker.yml" || lower == ".woodpecker.yaml" ||
			strings.HasSuffix(dir, "/.woodpecker") || dir == ".woodpecker":
			return KindDrone, false
		case strings.Contains(lower, "compose"):
			return KindCompose, false
		}
		return KindNone, false
	case ".json":
		if lower == "package.json" {
			return KindPackageJSON, false
		}
		return KindNone, false
	}
	switch base {
	case "Makefile", "makefile", "GNUmakefile":
		return KindMakefile, false
	}
	if shellStartupFiles[base] {
		return KindScript, false
	}
	if ext == "" || strings.HasPrefix(lower, ".") && strings.Count(lower, ".") == 1 {
		return KindNone, true
	}
	return KindNone, false
}

// isDockerfile reports the names docker build and podman build read by
// default or by convention: Dockerfile, Containerfile, Dockerfile.dev,
// api.Dockerfile. Files that only carry the name (Dockerfile.dockerignore,
// a Dockerfile.md or a Dockerfile.go) are not Dockerfiles.
func isDockerfile(lower, ext string) bool {
	switch {
	case lower == "dockerfile" || lower == "containerfile":
		return true
	case ext == ".dockerfile" || ext == ".containerfile":
		return true
	case strings.HasPrefix(lower, "dockerfile.") || strings.HasPrefix(lower, "containerfile."):
		return !notDockerfileExt[ext]
	}
	return false
}

// isJenkinsfile reports Jenkins pipelines (Jenkinsfile, Jenkinsfile.release,
// deploy.jenkinsfile) and the steps of a shared library (vars/*.groovy).
func isJenkinsfile(path, lower, ext string) bool {
	switch {
	case lower == "jenkinsfile" || ext == ".jenkinsfile":
		return true
	case strings.HasPrefix(lower, "jenkinsfile."):
		return !notDockerfileExt[ext]
	case ext == ".groovy":
		return filepath.Base(filepath.Dir(path)) == "vars"
	}
	return false
}

// notDockerfileExt are extensions that make Dockerfile.<ext> (and
// Jenkinsfile.<ext>) some other kind of file.
var notDockerfileExt = map[string]bool{
	".dockerignore": true, ".md": true, ".txt": true, ".rst": true, ".go": true, ".py": true, ".sh": true,
	".json": true, ".yml": true, ".yaml": true, ".orig": true, ".bak": true, ".swp": true, ".golden": true,
}

// shellStartupFiles are the shells' start-up and direnv files: shell code
// with no shebang and no extension, where aliases and functions such as
// `alias dclean='docker rm -f $(docker ps -aq)'` live.
var shellStartupFiles = map[string]bool{
	".bashrc": true, ".bash_profile": true, ".bash_login": true, ".bash_logout": true, ".bash_aliases": true,
	".profile": true, ".zshrc": true, ".zprofile": true, ".zshenv": true, ".zlogin": true, ".kshrc": true,
	".envrc": true,
}

var shells = map[string]bool{"sh": true, "bash": true, "dash": true, "ksh": true, "mksh": true, "zsh": true, "ash": true, "bats": true}

// ShebangIsPython reports whether src starts with a shebang that runs
// Python (python, python3, python3.12, pypy3…).
func ShebangIsPython(src []byte) bool {
	p := shell.Interpreter(src)
	return strings.HasPrefix(p, "python") || strings.HasPrefix(p, "pypy")
}

// ShebangIsShell reports whether src starts with a shebang that runs a shell,
// resolving `#!/usr/bin/env [-S] NAME` (so `env python3` is not shell). A
// shebang after blank lines counts too, as ShellCheck reads it (its SC1128
// says the shebang belongs on the first line): such a file is run by a
// shell all the same, through `bash FILE`, `. FILE` or the shell's own
// fallback for a file that the kernel will not execute.
func ShebangIsShell(src []byte) bool {
	return shells[shell.Interpreter(bytes.TrimLeft(src, " \t\r\n"))]
}
