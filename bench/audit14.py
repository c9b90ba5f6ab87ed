#!/usr/bin/env python3
"""Audit of issue 14's families through the built binary.

Usage: bench/audit14.py DOCKGUARD

For every family bullet a tiny input is written to a temporary folder and
`dockguard check --no-config --format json` (Go also with --go-mode=syntax)
is run on it from the command line. The findings (file:line rule) are
compared with what the family expects; the table printed is bullet,
command, output, OK.
"""
import json, os, subprocess, sys, tempfile

DG = os.path.abspath(sys.argv[1])
GOMOD = "module example.com/audit\n\ngo 1.22\n"

C = []  # (bullet, files, extra args, expected "file:line RULE" set)


def case(bullet, files, want, args=()):
    C.append((bullet, files, list(args), set(want)))


# ---- Go ------------------------------------------------------------------
GO_HEAD = 'package a\n\nimport (\n%s)\n\n'


def gofile(imports, body):
    return GO_HEAD % "".join('\t%s\n' % i for i in imports) + body


case("Go wrapper table: icmd.RunCommand / icmd.Command", {"a.go": gofile(['"gotest.tools/v3/icmd"'],
     'func f(id string) {\n\ticmd.RunCommand("docker", "container", "rm", "-f", id)\n\ticmd.Command("docker", "logs", "-f", id)\n}\n')},
     ["a.go:8 DG101"], ["--go-mode=syntax"])
case("Go wrapper table: kind's exec.Command", {"a.go": gofile(['"sigs.k8s.io/kind/pkg/exec"'],
     'func f(id string) {\n\texec.Command("docker", "rm", "-f", "-v", id)\n}\n')}, ["a.go:8 DG101"], ["--go-mode=syntax"])
case("Go wrapper table: mage sh.Run / RunV / Output", {"a.go": gofile(['"github.com/magefile/mage/sh"'],
     'func f(id string) {\n\t_ = sh.Run("docker", "rm", "-f", id)\n\t_ = sh.RunV("docker", "rmi", "-f", "app")\n\t_, _ = sh.Output("docker", "ps")\n}\n')},
     ["a.go:8 DG101", "a.go:9 DG102"], ["--go-mode=syntax"])
case("Go wrapper table: script.Exec", {"a.go": gofile(['"github.com/bitfield/script"'],
     'func f() {\n\tscript.Exec("docker rm -f x")\n\tscript.Echo("docker rm -f x")\n}\n')}, ["a.go:8 DG101"], ["--go-mode=syntax"])
case("Go wrapper table: go-cmd", {"a.go": gofile(['"github.com/go-cmd/cmd"'],
     'func f(id string) {\n\tcmd.NewCmd("docker", "rm", "-f", id)\n}\n')}, ["a.go:8 DG101"], ["--go-mode=syntax"])
case("Go wrapper table: testcontainers Exec (argv as a []string literal)", {"a.go": gofile(['"context"', '"github.com/testcontainers/testcontainers-go"'],
     'func f(ctx context.Context, c testcontainers.Container, id string) {\n\t_, _, _ = c.Exec(ctx, []string{"docker", "rm", "-f", id})\n\t_, _, _ = c.Exec(ctx, []string{"docker", "logs", "-f", id})\n}\n')},
     ["a.go:9 DG101"], ["--go-mode=syntax"])
case("Go general rule: runCmd(ctx, \"docker\", args...) / X.F(\"docker\", ...) and traps", {"a.go": gofile(['"context"', '"log"', '"strings"', '"testing"', '"example.com/runner"'],
     'func f(ctx context.Context, t *testing.T, id string) {\n\t_ = runner.Run(ctx, "docker", "rm", "-f", id)\n\tlog.Printf("docker", "rm", "-f")\n\t_ = strings.Replace(id, "docker", "podman", -1)\n\tt.Run("docker", func(t *testing.T) {})\n\t_ = runner.Tag("docker", "nightly", "-f")\n}\n')},
     ["a.go:12 DG101"], ["--go-mode=syntax"])
case("Go argv built in steps (const, make, append, names...)", {"a.go": gofile(['"os/exec"'],
     'const command = "docker"\n\nfunc f(names []string) {\n\targs := make([]string, 0, 3+len(names))\n\targs = append(args, "rm", "-f", "-v")\n\targs = append(args, names...)\n\t_ = exec.Command(command, args...).Run()\n}\n')},
     ["a.go:13 DG101"], ["--go-mode=syntax"])
case("Go SDK options without a known receiver (literal, variable, package var; user type trap)", {"a.go": gofile(['"context"', 'containertypes "github.com/docker/docker/api/types/container"', '"github.com/docker/docker/client"', 'mclient "github.com/moby/moby/client"'],
     'var opts = containertypes.RemoveOptions{Force: true}\n\ntype mine struct{}\ntype MyOpts struct{ Force bool }\n\nfunc (mine) ContainerRemove(ctx context.Context, id string, o MyOpts) error { return nil }\n\n'
     'func f(ctx context.Context, apiClient client.APIClient, d *mclient.Wrapper, id string) {\n\tapiClient.ContainerRemove(ctx, id, containertypes.RemoveOptions{Force: true})\n\td.client.ImageRemove(ctx, id, mclient.ImageRemoveOptions{Force: true})\n\tapiClient.ContainerRemove(ctx, id, opts)\n\tmine{}.ContainerRemove(ctx, id, MyOpts{Force: true})\n}\n')},
     ["a.go:18 DG101", "a.go:19 DG102", "a.go:20 DG101"], ["--go-mode=syntax"])
case("Go project helper dockerCmd(args...) and option helper withArgs", {"a.go": gofile(['"os/exec"'],
     'func dockerCmd(args ...string) *exec.Cmd { return exec.Command("docker", args...) }\n\nfunc withArgs(a ...string) []string { return a }\n\nfunc f(id string) {\n\tdockerCmd("container", "rm", "-f", id)\n\tdockerCmd(withArgs("rm", "-f", id)...)\n\tdockerCmd("logs", "-f", id)\n}\n')},
     ["a.go:12 DG101", "a.go:13 DG101"], ["--go-mode=syntax"])
case("Go SDK call on a receiver whose package is not imported (Force: true *RemoveOptions)", {"a.go": "package a\n\nimport (\n\t\"context\"\n\n\t\"github.com/docker/docker/api/types/container\"\n)\n\nfunc f(ctx context.Context, s *svc, id string) {\n\ts.cli.ContainerRemove(ctx, id, container.RemoveOptions{Force: true})\n}\n",
     "b.go": gofile(['"github.com/docker/docker/client"'], 'type svc struct{ cli *client.Client }\n')},
     ["a.go:10 DG101"], ["--go-mode=syntax"])
case("Go receiver typed as an interface declared in the same file", {"a.go": gofile(['"context"', '"github.com/docker/docker/api/types/container"'],
     'type remover interface {\n\tContainerRemove(ctx context.Context, id string, o container.RemoveOptions) error\n}\n\nfunc f(ctx context.Context, r remover, id string) {\n\t_ = r.ContainerRemove(ctx, id, container.RemoveOptions{Force: true})\n}\n')},
     ["a.go:13 DG101"], ["--go-mode=syntax"])
case("Go project SDK wrapper with the SDK's option types", {"a.go": gofile(['"context"', '"github.com/docker/docker/api/types/container"', '"github.com/docker/docker/client"'],
     'type c struct{ api *client.Client }\n\nfunc (x *c) RemoveContainer(id string, opts container.RemoveOptions) error {\n\treturn x.api.ContainerRemove(context.Background(), id, opts)\n}\n\nfunc f(x *c, id string) {\n\t_ = x.RemoveContainer(id, container.RemoveOptions{Force: true})\n\t_ = x.RemoveContainer(id, container.RemoveOptions{})\n}\n')},
     ["a.go:16 DG101"], ["--go-mode=syntax"])
case("Go option closures (item 1): cli.DockerCmd, cli.Docker(cli.Args, cli.WithFlags), icmd.RunCmd ops", {"a.go": gofile(['"testing"', '"github.com/docker/docker/integration-cli/cli"', '"gotest.tools/v3/icmd"'],
     'func withFlags(f ...string) icmd.CmdOp {\n\treturn func(c *icmd.Cmd) { c.Command = append(c.Command, f...) }\n}\n\nfunc f(c *testing.T, id string) {\n\tcli.DockerCmd(c, "rm", "-f", id)\n\tcli.Docker(cli.Args("rm", id), cli.WithFlags("-f"))\n\ticmd.RunCmd(icmd.Command("docker", "rm", id), withFlags("-f"))\n\tcli.DockerCmd(c, "logs", "-f", id)\n\tcli.DockerCmd(c, "compose", "rm", "-f")\n}\n')},
     ["a.go:14 DG101", "a.go:15 DG101", "a.go:16 DG101"], ["--go-mode=syntax"])

# ---- Makefiles ------------------------------------------------------------
case("Make $(shell which docker) through variables", {"Makefile": "DOCKERCMD=$(shell which docker)\nDOCKERRMIMAGE=$(DOCKERCMD) rmi\n\nclean:\n\t$(DOCKERRMIMAGE) -f img\n"},
     ["Makefile:5 DG102"])
case("Make $(shell command -v docker), which podman, $(or ...), ?= := += and target-specific", {"Makefile": "D ?= $(shell command -v docker)\nP := $(shell which podman)\nO = $(or $(shell which docker),podman)\nT := $(shell type -p nerdctl)\n\na:\n\t$(D) rm -f x\nb:\n\t$(P) rm -f y\nc:\n\t$(O) rm -f z\nd: X = $(shell which docker)\nd:\n\t$(X) rm -f w\ne:\n\t$(T) logs -f v\n"},
     ["Makefile:7 DG101", "Makefile:9 DG101", "Makefile:11 DG101", "Makefile:14 DG101"])
case("Make define ... endef reported inside the define", {"Makefile": "define CLEAN\ndocker rm -f web\nendef\n\nclean:\n\t$(CLEAN)\n"}, ["Makefile:2 DG101"])
case("Make stop then rm -f on the next recipe line is not DG101", {"Makefile": "clean:\n\tdocker stop web || true\n\tdocker rm -f web || true\nbad:\n\tdocker rm -f api\n"}, ["Makefile:5 DG101"])

# ---- CI YAML --------------------------------------------------------------
case("GitHub PowerShell steps: shell: pwsh, job/workflow defaults, windows runners, matrix; no DG001",
     {".github/workflows/w.yml": "on: push\njobs:\n  win:\n    runs-on: windows-2022\n    steps:\n      - run: |\n          & docker build `\n            -t x .\n          docker rm -f $id\n  lin:\n    runs-on: ubuntu-latest\n    steps:\n      - run: docker rm -f web\n      - shell: pwsh\n        run: Write-Host $env:X; docker rm -f $env:ID\n  mat:\n    strategy:\n      matrix:\n        os: [windows-latest]\n    runs-on: ${{ matrix.os }}\n    steps:\n      - run: |\n          & docker rmi -f img `\n            --no-prune\n  expr:\n    runs-on: ${{ inputs.os }}\n    steps:\n      - run: |\n          & docker build `\n            -t x .\n"},
     [".github/workflows/w.yml:9 DG101", ".github/workflows/w.yml:13 DG101", ".github/workflows/w.yml:15 DG101", ".github/workflows/w.yml:23 DG102"])
case("PowerShell: & docker, Invoke-Expression, cmd and python steps never DG001",
     {".github/workflows/w.yml": "on: push\njobs:\n  j:\n    runs-on: ubuntu-latest\n    steps:\n      - shell: pwsh\n        run: Invoke-Expression \"docker rm -f web\"\n      - shell: cmd\n        run: if exist x ( docker ps )\n      - shell: python\n        run: print('docker rm -f x'\n"},
     [".github/workflows/w.yml:7 DG101"])
case("GitLab CI job on a Windows runner (tags: [windows]) in PowerShell",
     {".gitlab-ci.yml": "clean:\n  tags: [windows]\n  script:\n    - '& docker rm -f $env:ID'\n    - docker logs -f x\n"}, [".gitlab-ci.yml:4 DG101"])

# ---- Shell ------------------------------------------------------------------
case("awk system() and xargs -I{} sh -c", {"c.sh": "#!/bin/sh\ndocker images | grep x | awk '{system(\"docker rmi -f \" $3)}'\ndocker ps -aq | xargs -I{} sh -c 'docker rm -f {}'\nawk '{print \"docker rm -f \" $1}' list\n"},
     ["c.sh:2 DG102", "c.sh:3 DG101"])
case("Default assignment : ${X:=docker} and ${X:-docker}", {"c.sh": "#!/bin/sh\n: ${CONTAINER_CLI:=\"docker\"}\n$CONTAINER_CLI rm -f web\n\"${ENGINE:-podman}\" rm -f db\n"}, ["c.sh:3 DG101", "c.sh:4 DG101"])
case("CLI-named variable never set ($DOCKER, ${CONTAINER_RUNTIME}); message says inferred", {"c.sh": "#!/bin/sh\n$DOCKER rm -f cache\n${CONTAINER_RUNTIME} container rm --force q\n$DOCKER logs -f web\n$SOME_TOOL rm -f x\n"}, ["c.sh:2 DG101", "c.sh:3 DG101"])
case("ssh with options after the host", {"c.sh": "#!/bin/sh\nssh deploy@ci -p 2222 \"docker rm -f legacy\"\nssh ci -p 2222 \"docker logs -f legacy\"\n"}, ["c.sh:2 DG101"])
case("Shell function wrappers running \"$@\" after a CLI word", {"c.sh": "#!/bin/sh\nexec::nerdctl() { nerdctl \"$@\"; }\nexec::nerdctl rm -f x1\nexec::nerdctl logs -f x1\necho \"exec::nerdctl rm -f x5\"\n"}, ["c.sh:3 DG101"])
case("Mass stop then mass rm -f is not DG105; the stop still reported", {"c.sh": "#!/bin/sh\ndocker stop $(docker ps -q)\ndocker rm -f $(docker ps -aq)\n"}, ["c.sh:2 DG106?"])
case("Mass docker kill: SIGKILL storm wording, nothing removed", {"c.sh": "#!/bin/sh\ndocker kill $(docker ps -q)\n"}, ["c.sh:2 DG105"])

# ---- Compose ---------------------------------------------------------------
case("Compose override with a complete service only there", {"compose.yaml": "services:\n  web:\n    image: nginx\n    mem_limit: 256m\n", "compose.override.yaml": "services:\n  web:\n    environment: [A=1]\n  extra:\n    image: redis\n"},
     ["compose.override.yaml:4 DG201"])
case("Compose: base service's missing limit reported in the base file", {"compose.yaml": "services:\n  web:\n    image: nginx\n", "compose.override.yaml": "services:\n  web:\n    environment: [A=1]\n"},
     ["compose.yaml:2 DG201"])
case("Compose: a service whose typed field fails interpolation is still checked", {"compose.yaml": "services:\n  web:\n    image: nginx\n    read_only: ${UNSET}\n  db:\n    image: postgres\n    mem_limit: 1g\n"}, ["compose.yaml:2 DG201"])
case("Compose: a non-default file that others extend is a project of its own", {"compose.base.yaml": "services:\n  app:\n    image: nginx\n", "compose.yaml": "services:\n  web:\n    extends:\n      file: compose.base.yaml\n      service: app\n    mem_limit: 1g\n"},
     ["compose.base.yaml:2 DG201"])


def run(files, args):
    d = tempfile.mkdtemp(prefix="dg-audit-")
    for name, text in files.items():
        p = os.path.join(d, name)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        open(p, "w").write(text)
    if any(n.endswith(".go") for n in files):
        open(os.path.join(d, "go.mod"), "w").write(GOMOD)
    out = os.path.join(d, ".out.json")
    cmd = [DG, "check", "--no-config", "--format", "json", "-o", out] + args + ["."]
    subprocess.run(cmd, cwd=d, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    res = json.load(open(out))
    subprocess.run(["rm", "-rf", d])
    return cmd, res["findings"]


print("| bullet | command | output (file:line rule) | OK |")
print("|---|---|---|---|")
bad = 0
for bullet, files, args, want in C:
    cmd, fs = run(files, args)
    got = {f"{f['file']}:{f['line']} {f['rule']}" for f in fs if f["rule"] not in ("DG302", "DG002")}
    need = {w for w in want if not w.endswith("?")}
    ok = need <= got and not any(g.split()[1] in ("DG001",) for g in got)
    # The family's rules outside the wanted lines are false alarms.
    fam = {"DG101", "DG102", "DG103", "DG104", "DG105"}
    extra = {g for g in got if g.split()[1] in fam and g not in want}
    ok = ok and not extra
    bad += not ok
    shown = "dockguard " + " ".join(cmd[2:3] + [a for a in cmd[3:] if a not in ("--format", "json", "-o") and not a.endswith(".out.json")])
    print(f"| {bullet} | `{shown}` on {', '.join(files)} | {'; '.join(sorted(got)) or 'none'} | {'OK' if ok else 'NO'} |")
    for f in fs:
        if os.environ.get("AUDIT_VERBOSE"):
            print(f"    {f['file']}:{f['line']} {f['rule']} {f['message'][:150]}", file=sys.stderr)
sys.exit(1 if bad else 0)
