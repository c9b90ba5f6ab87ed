// Package dockerexec is a helper analyzer shared by dockguard's rule
// analyzers: it finds every os/exec.Command and CommandContext call, resolves
// its argv, and judges it once, either through the docker-CLI model (package
// dockercli) or, for `sh -c` strings and wrappers such as sudo, through the
// shell front end (package shell). The rule analyzers report the findings of
// their own rules from its result.
package dockerexec

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/dockguard/dockguard/analyzers/internal/resolve"
	"github.com/dockguard/dockguard/analyzers/internal/sdk"
	"github.com/dockguard/dockguard/dockercli"
	"github.com/dockguard/dockguard/rules"
	"github.com/dockguard/dockguard/shell"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/inspector"
)

// Config tunes the judgement.
type Config struct {
	// Binaries are the container CLIs to recognise (nil: docker, podman,
	// nerdctl; docker-compose is always recognised).
	Binaries []string
	// ParallelLimit is the largest concurrency DG106 accepts in shell code
	// (0: the shell front end's default).
	ParallelLimit int
	// Facts, when set, carries the summaries of helpers in other packages
	// (HelperFact) instead of go/analysis facts, for a driver that
	// analyses packages one at a time in dependency order. The analyzer
	// then declares no FactTypes.
	Facts *Store
	// Syntax, when set, summarises from their source the helpers of other
	// packages of the module that a package checked without type
	// information calls (see Syntax).
	Syntax Syntax
}

// Finding is one judged problem at an exec site.
type Finding struct {
	Rule     string
	Pos, End token.Pos
	Message  string
}

// Site is one call that runs a command line: os/exec.Command or
// CommandContext, a known wrapper of them (see Runners), a function shaped
// like them, or a helper of the package that passes its parameters on.
type Site struct {
	Call   *ast.CallExpr
	Cursor inspector.Cursor
	// Context reports exec.CommandContext.
	Context bool
	// Wrapper names what the command runs through when that is not os/exec
	// itself ("icmd.RunCommand", a helper's name); "" for os/exec.
	Wrapper string
	// Program is the base name of the program, when known.
	Program string
	// Docker reports that the command runs a container CLI, directly, through
	// a wrapper such as sudo, or inside a shell string.
	Docker bool
	// Invocation is the parsed command line when the program itself is a
	// container CLI.
	Invocation *dockercli.Invocation
	// Findings are the problems found in the command line.
	Findings []Finding
}

// Result lists the exec sites of a package in source order.
type Result struct {
	// Relevant reports whether the package can hold a finding at all: one
	// of its files imports os/exec or a Docker SDK package, or one of its
	// imports does (a wrapper whose interfaces use SDK types). The other
	// analyzers skip irrelevant packages, which keeps go vet over a whole
	// build list (the standard library included) cheap.
	Relevant bool
	// Insp is the package's inspector, built only for relevant packages.
	Insp  *inspector.Inspector
	Sites []*Site

	// removers are the package's SDK removal wrappers (see Remover);
	// facts reads those of imported packages.
	removers map[*types.Func]RemoverFact
	facts    facts
}

// Analyzer is the helper with the default configuration.
var Analyzer = New(Config{})

// New returns a helper analyzer with the given configuration.
func New(cfg Config) *analysis.Analyzer {
	var factTypes []analysis.Fact
	if cfg.Facts == nil {
		factTypes = FactTypes
	}
	return &analysis.Analyzer{
		FactTypes:        factTypes,
		Name:             "dockerexec",
		Doc:              "find os/exec calls that run container CLIs and judge their command lines (helper for dockguard's analyzers)",
		URL:              "https://github.com/dockguard/dockguard/tree/main/analyzers",
		ResultType:       reflect.TypeFor[*Result](),
		RunDespiteErrors: true,
		Run: func(pass *analysis.Pass) (any, error) {
			return run(pass, cfg), nil
		},
	}
}

func run(pass *analysis.Pass, cfg Config) *Result {
	res := &Result{}
	binaries := cfg.Binaries
	if len(binaries) == 0 {
		binaries = dockercli.DefaultBinaries
	}
	fs := facts{pass: pass, store: cfg.Facts}
	if !relevant(pass, binaries) && !fs.importsFacts() {
		return res
	}
	insp := inspector.New(pass.Files)
	res.Relevant, res.Insp = true, insp
	p := resolve.New(pass, insp)
	srcs := map[string][]byte{}
	f := newFinder(pass, p, binaries, fs, cfg.Syntax)
	res.facts, res.removers = fs, summariseRemovers(p, pass.Files, fs)
	for cur := range insp.Root().Preorder((*ast.CallExpr)(nil)) {
		call := cur.Node().(*ast.CallExpr)
		body := resolve.EnclosingFunc(cur)
		m, ok := f.match(call, body, false)
		if !ok {
			continue
		}
		site := &Site{Call: call, Cursor: cur, Context: m.context, Wrapper: m.via}
		words := m.words
		if !words[0].Known && words[0].Expr != nil {
			if prog, found := lookPath(p, body, words[0].Expr, call.Pos()); found {
				words[0].Value, words[0].Known = prog, true
			} else if bin, named := namedProgram(words[0].Expr, binaries); named && m.inferred == "" && runsDockerWords(append([]resolve.Word{{Value: bin, Known: true}}, words[1:]...), binaries) {
				words[0].Value, words[0].Known = bin, true
				m.inferred, m.program = resolve.ExprText(words[0].Expr), true
			}
		}
		if !words[0].Known && m.named != "" && m.inferred == "" && runsDockerWords(append([]resolve.Word{{Value: m.named, Known: true}}, words[1:]...), binaries) {
			// A helper of another package whose program word is named for
			// its CLI (d.dockerBinary).
			words[0].Value, words[0].Known = m.named, true
			m.inferred, m.program = words[0].Text, true
		}
		if words[0].Known {
			site.Program = dockercli.BaseName(words[0].Value)
		}
		tf := pass.Fset.File(call.Pos())
		if tf == nil {
			continue
		}
		argv := make([]dockercli.Word, len(words))
		for i, w := range words {
			argv[i] = dockercli.Word{Value: w.Value, Known: w.Known, Text: w.Text, Start: off(tf, w.Pos), End: off(tf, w.End)}
			if !w.Known && w.Expr != nil && sdk.FromListing(p, cur, w.Expr) {
				argv[i].FromListing = true
			}
		}
		u := dockercli.Unwrap(argv)
		inner := u.Feed(false, "")
		if code, _, isShell := dockercli.ShellCode(inner); isShell {
			if !code.Known {
				res.Sites = append(res.Sites, site)
				continue
			}
			src := standIn(srcs, tf)
			script := []byte(code.Value)
			site.Docker = mentions(script, binaries)
			m := func(int) int { return code.Start }
			for _, w := range words {
				if off(tf, w.Pos) == code.Start && w.Known && w.Value == code.Value {
					m = literalMap(tf, w, len(script))
					break
				}
			}
			for _, f := range safeCheck(tf.Name(), src, script, m, cfg, binaries) {
				fd := Finding{Rule: f.Rule, Pos: tf.Pos(f.Start), End: tf.Pos(f.End), Message: f.Message}
				if f.End <= f.Start { // no byte-exact position inside the string
					fd.Pos, fd.End = call.Pos(), resolve.CallEnd(call)
				}
				site.Findings = append(site.Findings, fd)
			}
		} else if inv, isDocker := dockercli.Parse(inner, binaries); isDocker {
			site.Docker, site.Invocation = true, inv
			for _, v := range inv.Verdicts() {
				site.Findings = append(site.Findings, Finding{Rule: v.Rule, Pos: call.Pos(), End: resolve.CallEnd(call), Message: v.Message})
			}
			if msg := parallelRunner(u, inv, cfg.ParallelLimit); msg != "" {
				site.Findings = append(site.Findings, Finding{Rule: "DG106", Pos: call.Pos(), End: resolve.CallEnd(call), Message: msg})
			}
			if m.inferred != "" {
				for i := range site.Findings {
					what := "a runner of " + inv.Binary
					if m.program {
						what = inv.Binary
					}
					site.Findings[i].Message += fmt.Sprintf(" (dockguard took %s for %s from its name)", m.inferred, what)
				}
			}
		}
		res.Sites = append(res.Sites, site)
	}
	return res
}

func off(tf *token.File, pos token.Pos) int {
	if !pos.IsValid() || int(pos) < tf.Base() || int(pos) > tf.Base()+tf.Size() {
		return -1
	}
	return tf.Offset(pos)
}

// lookPath resolves a program held in a variable set by
// exec.LookPath("docker").
func lookPath(p *resolve.Pkg, body *ast.BlockStmt, e ast.Expr, at token.Pos) (string, bool) {
	id, isIdent := ast.Unparen(e).(*ast.Ident)
	if !isIdent {
		return "", false
	}
	v, isVar := p.ObjectOf(id).(*types.Var)
	if !isVar {
		return "", false
	}
	srcs := p.AssignedFrom(body, v, at)
	if len(srcs) == 0 {
		return "", false
	}
	call, isCall := ast.Unparen(srcs[len(srcs)-1]).(*ast.CallExpr)
	if !isCall || len(call.Args) != 1 {
		return "", false
	}
	if c, ok := p.CalleeOf(call); !ok || c.Method || !sdk.IsExecPkg(c.Pkg) || c.Name != "LookPath" {
		return "", false
	}
	return p.StringConst(call.Args[0])
}

// literalMap maps offsets in a shell script to the file: byte for byte when
// the script is exactly one string literal, otherwise to the start of the
// expression it came from.
func literalMap(tf *token.File, w resolve.Word, n int) shell.OffsetMap {
	start := off(tf, w.Pos)
	if w.Lit == nil || start < 0 {
		return func(int) int { return start }
	}
	table := literalOffsets(w.Lit.Value)
	if len(table) != n {
		return func(int) int { return start }
	}
	return func(i int) int {
		switch {
		case i < 0:
			return start
		case i < len(table):
			return start + table[i]
		default:
			return start + len(w.Lit.Value) - 1 // the closing quote
		}
	}
}

// literalOffsets returns, for each byte of the string a Go literal denotes,
// the offset of the source byte it came from within the literal.
func literalOffsets(lit string) []int {
	if len(lit) < 2 {
		return nil
	}
	if lit[0] == '`' {
		var t []int
		for i := 1; i < len(lit)-1; i++ {
			if lit[i] == '\r' {
				continue // raw strings drop carriage returns
			}
			t = append(t, i)
		}
		return t
	}
	if lit[0] != '"' {
		return nil
	}
	var t []int
	body := lit[1 : len(lit)-1]
	pos := 1
	for len(body) > 0 {
		r, multibyte, tail, err := strconv.UnquoteChar(body, '"')
		if err != nil {
			return nil
		}
		consumed := len(body) - len(tail)
		n := 1
		if multibyte {
			n = utf8.RuneLen(r)
		}
		for k := 0; k < n; k++ {
			o := pos + k
			if o >= pos+consumed {
				o = pos + consumed - 1
			}
			t = append(t, o)
		}
		pos += consumed
		body = tail
	}
	return t
}

func mentions(code []byte, binaries []string) bool {
	s := string(code)
	for _, b := range append([]string{"docker-compose"}, binaries...) {
		if strings.Contains(s, b) {
			return true
		}
	}
	return false
}

// standIn returns a buffer as long as the file: the shell front end only
// needs the file's size to place findings by offset, and the analyzers
// convert offsets back to positions themselves. Reading the file would fail
// for source that never was on disk (standard input).
func standIn(cache map[string][]byte, tf *token.File) []byte {
	if src, ok := cache[tf.Name()]; ok {
		return src
	}
	src := make([]byte, tf.Size())
	cache[tf.Name()] = src
	return src
}

// safeCheck runs the shell front end, which must never take the analysis
// down with it.
func safeCheck(file string, src, code []byte, m shell.OffsetMap, cfg Config, binaries []string) (fs []rules.Finding) {
	defer func() {
		if r := recover(); r != nil {
			fs = nil
		}
	}()
	return shell.Check(file, src, code, m, &shell.Config{Binaries: binaries, ParallelLimit: cfg.ParallelLimit})
}

// parallelRunner judges xargs -P / GNU parallel running a container CLI
// straight from os/exec; "" when the concurrency is within limit or unknown.
func parallelRunner(u dockercli.Unwrapped, inv *dockercli.Invocation, limit int) string {
	if u.Runner == "" || u.Jobs == dockercli.JobsUnknown {
		return ""
	}
	if limit < 1 {
		limit = 3
	}
	switch {
	case u.Jobs == dockercli.JobsUnbounded:
		return fmt.Sprintf("%s runs %s with no limit on concurrency; bursts of parallel calls hang the engine; run at most %d at a time (%s -P %d)",
			u.Runner, inv.Binary, limit, u.Runner, limit)
	case u.Jobs > limit:
		return fmt.Sprintf("%s runs up to %d %s commands at once, above the limit of %d; bursts of parallel calls hang the engine; use -P %d",
			u.Runner, u.Jobs, inv.Binary, limit, limit)
	}
	return ""
}

// relevant reports whether the package is a Docker SDK package or imports
// os/exec, a known command wrapper or an SDK, directly or through one of its
// imports, or whether one of its files holds a container CLI's name as a
// string literal (what a call only shaped like a command runner needs).
func relevant(pass *analysis.Pass, binaries []string) bool {
	for _, f := range pass.Files {
		for _, imp := range f.Imports {
			if path, err := strconv.Unquote(imp.Path.Value); err == nil && (sdk.IsExecPkg(path) || sdk.IsSDKPkg(path) || runnerPkgs[path]) {
				return true
			}
		}
	}
	if namesBinary(pass.Files, binaries) {
		return true
	}
	if pass.Pkg == nil {
		return false
	}
	if sdk.IsSDKPkg(pass.Pkg.Path()) {
		return true // the SDK itself, its own tests included
	}
	for _, imp := range pass.Pkg.Imports() {
		for _, imp2 := range imp.Imports() {
			if sdk.IsSDKPkg(imp2.Path()) {
				return true
			}
		}
	}
	return false
}

// namesBinary reports whether a string literal in files is exactly a
// container CLI's name.
func namesBinary(files []*ast.File, binaries []string) bool {
	found := false
	for _, f := range files {
		ast.Inspect(f, func(n ast.Node) bool {
			if found {
				return false
			}
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			if s, err := strconv.Unquote(lit.Value); err == nil {
				name := dockercli.BaseName(s)
				for _, b := range append([]string{"docker-compose"}, binaries...) {
					if name == b {
						found = true
					}
				}
			}
			return true
		})
		if found {
			return true
		}
	}
	return false
}
