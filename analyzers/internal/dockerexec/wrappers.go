package dockerexec

import (
	"go/ast"
	"go/types"
	"strings"

	"github.com/dockguard/dockguard/analyzers/internal/resolve"
	"github.com/dockguard/dockguard/dockercli"
)

// shape is how a command runner takes its command line.
type shape int

const (
	// argvShape: the program at Bin, its arguments after it, as
	// exec.Command(name, args...).
	argvShape shape = iota
	// lineShape: one command-line string at Bin, split into words as a
	// shell would (script.Exec("docker rm -f x")).
	lineShape
	// sliceShape: one []string at Bin holding the program and its
	// arguments (a testcontainers container's Exec(ctx, []string{...})).
	sliceShape
	// cmdShape: a command value at Bin, built by an argv carrier
	// (icmd.Command(...), a literal icmd.Cmd{Command: ...}), then options
	// that change it (icmd.RunCmd(cmd, ops...)); see cmdWords.
	cmdShape
)

// runner describes one function that runs a command line.
type runner struct {
	// Bin is the index of the argument holding the program (or the whole
	// command line).
	Bin   int
	Shape shape
}

// Runners are the known functions that run a command: os/exec and the
// libraries that wrap it. Keys are "import/path.Func" for functions and
// "import/path.Type.Method" for methods (matched only with type
// information). Adding a wrapper is one line.
var Runners = map[string]runner{
	"os/exec.Command":                                                  {0, argvShape},
	"os/exec.CommandContext":                                           {1, argvShape},
	"golang.org/x/sys/execabs.Command":                                 {0, argvShape},
	"golang.org/x/sys/execabs.CommandContext":                          {1, argvShape},
	"gotest.tools/v3/icmd.RunCommand":                                  {0, argvShape},
	"gotest.tools/v3/icmd.Command":                                     {0, argvShape},
	"gotest.tools/icmd.RunCommand":                                     {0, argvShape},
	"gotest.tools/icmd.Command":                                        {0, argvShape},
	"gotest.tools/v3/icmd.RunCmd":                                      {0, cmdShape},
	"gotest.tools/v3/icmd.StartCmd":                                    {0, cmdShape},
	"gotest.tools/icmd.RunCmd":                                         {0, cmdShape},
	"gotest.tools/icmd.StartCmd":                                       {0, cmdShape},
	"sigs.k8s.io/kind/pkg/exec.Command":                                {0, argvShape},
	"sigs.k8s.io/kind/pkg/exec.CommandContext":                         {1, argvShape},
	"github.com/magefile/mage/sh.Run":                                  {0, argvShape},
	"github.com/magefile/mage/sh.RunV":                                 {0, argvShape},
	"github.com/magefile/mage/sh.Output":                               {0, argvShape},
	"github.com/magefile/mage/sh.RunWith":                              {1, argvShape},
	"github.com/magefile/mage/sh.RunWithV":                             {1, argvShape},
	"github.com/magefile/mage/sh.OutputWith":                           {1, argvShape},
	"github.com/magefile/mage/sh.Exec":                                 {3, argvShape},
	"github.com/bitfield/script.Exec":                                  {0, lineShape},
	"github.com/bitfield/script.Pipe.Exec":                             {0, lineShape},
	"github.com/go-cmd/cmd.NewCmd":                                     {0, argvShape},
	"github.com/go-cmd/cmd.NewCmdOptions":                              {1, argvShape},
	"github.com/codeskyblue/go-sh.Command":                             {0, argvShape},
	"github.com/testcontainers/testcontainers-go.Container.Exec":       {1, sliceShape},
	"github.com/testcontainers/testcontainers-go.DockerContainer.Exec": {1, sliceShape},
}

// Curriers are the known functions that return a command runner with the
// program and its first arguments fixed: mage's sh.RunCmd("docker") returns
// a func(args ...string) error that runs docker with them and then its own
// arguments. The value is the index of the program argument.
var Curriers = map[string]int{
	"github.com/magefile/mage/sh.RunCmd": 0,
	"github.com/magefile/mage/sh.OutCmd": 0,
}

// runnerPkgs are the packages of Runners' functions, for the relevance test.
var runnerPkgs = map[string]bool{}

func init() {
	for k := range Runners {
		runnerPkgs[keyPkg(k)] = true
	}
	for k := range Curriers {
		runnerPkgs[keyPkg(k)] = true
	}
}

// IsRunnerPkg reports whether path provides one of Runners' or Curriers'
// functions.
func IsRunnerPkg(path string) bool { return runnerPkgs[path] }

// keyPkg returns the package path of a Runners or Curriers key
// ("import/path.Func" or "import/path.Type.Method").
func keyPkg(k string) string {
	slash := strings.LastIndex(k, "/")
	first, _, _ := strings.Cut(k[slash+1:], ".")
	return k[:slash+1] + first
}

// knownRunner looks a callee up in Runners.
func knownRunner(c resolve.Callee) (runner, string, bool) {
	key := c.Pkg + "." + c.Name
	if c.Method {
		if !c.Typed || c.Recv == "" {
			return runner{}, "", false
		}
		key = c.Pkg + "." + c.Recv + "." + c.Name
	}
	r, ok := Runners[key]
	return r, key, ok
}

// commandShaped reports whether f's parameters are (name string, args
// ...string) or (ctx context.Context, name string, args ...string), and
// returns the index of name.
func commandShaped(f *types.Func) (int, bool) {
	sig, ok := f.Type().(*types.Signature)
	if !ok || !sig.Variadic() {
		return 0, false
	}
	ps := sig.Params()
	isString := func(t types.Type) bool {
		b, ok := t.Underlying().(*types.Basic)
		return ok && b.Kind() == types.String
	}
	last, ok := ps.At(ps.Len() - 1).Type().(*types.Slice)
	if !ok || !isString(last.Elem()) {
		return 0, false
	}
	switch ps.Len() {
	case 2:
		return 0, isString(ps.At(0).Type())
	case 3:
		pkg, name, ok := resolve.NamedOf(ps.At(0).Type())
		return 1, ok && pkg == "context" && name == "Context" && isString(ps.At(1).Type())
	}
	return 0, false
}

// isStdlib reports whether path is a standard-library package (no dot in
// its first element): log.Printf("docker", ...) and strings.Replace(s,
// "docker", ...) never run anything.
func isStdlib(path string) bool {
	first, _, _ := strings.Cut(path, "/")
	return path != "" && !strings.Contains(first, ".")
}

// untypedBin returns the index of a literal container-CLI name at argument 0
// (or 1, after a non-string first argument such as a context) of a call
// whose callee is not known from types: X.F("docker", ...).
func untypedBin(p *resolve.Pkg, call *ast.CallExpr, binaries []string) (int, bool) {
	for i := 0; i < 2 && i < len(call.Args); i++ {
		s, ok := p.StringConst(call.Args[i])
		if !ok {
			if _, isLit := ast.Unparen(call.Args[i]).(*ast.BasicLit); isLit {
				return 0, false
			}
			continue
		}
		name := dockercli.BaseName(s)
		for _, b := range append([]string{"docker-compose"}, binaries...) {
			if name == b {
				return i, true
			}
		}
		return 0, false
	}
	return 0, false
}

// untypedSliceBin returns the index of a []string literal whose first
// element is a container CLI's name, at argument 0 or 1 of a call whose
// callee is not known from types: c.Exec(ctx, []string{"docker", "rm",
// "-f", id}), the argv shape of testcontainers' Exec.
func untypedSliceBin(p *resolve.Pkg, call *ast.CallExpr, binaries []string) (int, bool) {
	for i := 0; i < 2 && i < len(call.Args); i++ {
		lit, ok := ast.Unparen(call.Args[i]).(*ast.CompositeLit)
		if !ok || len(lit.Elts) == 0 {
			continue
		}
		if at, isArray := lit.Type.(*ast.ArrayType); !isArray || at.Len != nil {
			continue
		}
		s, known := p.StringConst(lit.Elts[0])
		if !known {
			continue
		}
		name := dockercli.BaseName(s)
		for _, b := range append([]string{"docker-compose"}, binaries...) {
			if name == b {
				return i, true
			}
		}
	}
	return 0, false
}

// runsDockerWords reports whether words are a container-CLI command line
// with a subcommand dockguard models: what a call that is only shaped like
// a command runner must hold to count as one.
func runsDockerWords(words []resolve.Word, binaries []string) bool {
	argv := make([]dockercli.Word, len(words))
	for i, w := range words {
		argv[i] = dockercli.Word{Value: w.Value, Known: w.Known, Text: w.Text, Start: -1, End: -1}
	}
	inv, ok := dockercli.Parse(argv, binaries)
	return ok && inv.Modelled()
}
