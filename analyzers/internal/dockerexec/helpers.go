package dockerexec

import (
	"go/ast"
	"go/token"
	"go/types"
	"strings"

	"github.com/dockguard/dockguard/analyzers/internal/resolve"
	"github.com/dockguard/dockguard/analyzers/internal/sdk"
	"golang.org/x/tools/go/analysis"
)

// finder finds the calls that run a command line: the known Runners,
// functions shaped like exec.Command, and the package's own helpers that
// pass their parameters on to one of those.
type finder struct {
	p        *resolve.Pkg
	pkg      *types.Package
	binaries []string
	helpers  map[*types.Func]*helper
	// consumed are the command builders (icmd.Command) whose command a
	// runner of the enclosing call runs with more words: the enclosing
	// call is the site.
	consumed map[*ast.CallExpr]bool
	// facts reads the helpers of imported packages and exports this
	// package's; imported caches what was read (nil: no fact).
	facts    facts
	imported map[*types.Func]*helper
	// syntax summarises other packages of the module from their source,
	// for calls types cannot resolve (nil: not followed); syntaxSeen
	// caches its answers and declIndex the package's declarations.
	syntax     Syntax
	syntaxSeen map[string]*helper
	declIndex  map[token.Pos]varDecl
}

// match is one call that runs a command line.
type match struct {
	words []resolve.Word
	// context reports exec.CommandContext (or a helper built on it).
	context bool
	// via names the wrapper or helper the command runs through; "" for
	// os/exec itself.
	via string
	// general reports a call that is only shaped like a command runner:
	// it counts as one only when its words are a docker command line.
	general bool
	// inferred is the name of the function the binary was inferred from
	// (cli.DockerCmd runs docker), "" when the binary is in the words.
	inferred string
	// program reports that inferred names the program word (dockerBinary),
	// not the runner.
	program bool
	// named is the container CLI that the unknown program word of a
	// helper's command line names (d.dockerBinary: docker), when the
	// word's expression is in another package or file (see helper.named).
	named string
}

// helper summarises a function of the package that runs a command line
// built from its parameters: "runs docker with these parameters as argv".
type helper struct {
	name     string
	tmpl     []tword
	context  bool
	general  bool
	inferred string
	// named is the container CLI that the program word names when it is
	// not a constant (exec.Command(d.dockerBinary, …): docker); a call
	// then counts only when its words are a docker command line.
	named    string
	nParams  int
	variadic bool
}

// tword is one element of a helper's command line: a fixed word, or the
// value of one of its parameters.
type tword struct {
	word   resolve.Word
	param  int  // -1: word is fixed
	spread bool // the parameter is a slice whose elements are words
}

const maxHelperRounds = 4

func newFinder(pass *analysis.Pass, p *resolve.Pkg, binaries []string, fs facts, syntax Syntax) *finder {
	f := &finder{p: p, pkg: pass.Pkg, binaries: binaries, helpers: map[*types.Func]*helper{}, consumed: map[*ast.CallExpr]bool{}, facts: fs, imported: map[*types.Func]*helper{}, syntax: syntax}
	f.summarise(pass.Files)
	for fn, h := range f.helpers {
		if fn.Exported() {
			f.facts.exportFact(fn, factOf(h))
		}
	}
	return f
}

// importedHelper returns the summary of fn, a function of another
// package, from the fact that package exported, or nil.
func (f *finder) importedHelper(fn *types.Func) *helper {
	fn = fn.Origin()
	if h, seen := f.imported[fn]; seen {
		return h
	}
	var h *helper
	var fact HelperFact
	if f.facts.importFact(fn, &fact) {
		h = helperOf(fn.Pkg().Path(), &fact)
	}
	f.imported[fn] = h
	return h
}

// summarise finds the package's helpers, to a fixed point over helpers
// that call helpers (bounded: a chain deeper than maxHelperRounds is cut).
func (f *finder) summarise(files []*ast.File) {
	type decl struct {
		fn   *types.Func
		d    *ast.FuncDecl
		args map[*types.Var]int
	}
	var decls []decl
	for _, file := range files {
		for _, d := range file.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Body == nil {
				continue
			}
			fn, ok := f.p.ObjectOf(fd.Name).(*types.Func)
			if !ok {
				continue
			}
			params := map[*types.Var]int{}
			i := 0
			for _, field := range fd.Type.Params.List {
				if len(field.Names) == 0 {
					i++
					continue
				}
				for _, n := range field.Names {
					if v, ok := f.p.ObjectOf(n).(*types.Var); ok {
						params[v] = i
					}
					i++
				}
			}
			if len(params) > 0 {
				decls = append(decls, decl{fn, fd, params})
			}
		}
	}
	for round := 0; round < maxHelperRounds; round++ {
		changed := false
		for _, d := range decls {
			if f.helpers[d.fn] != nil {
				continue
			}
			if h := f.summariseOne(d.fn, d.d, d.args); h != nil {
				f.helpers[d.fn] = h
				changed = true
			}
		}
		if !changed {
			return
		}
	}
}

// summariseOne returns the helper summary of fd: the first command it runs
// whose words use its parameters, or nil.
func (f *finder) summariseOne(fn *types.Func, fd *ast.FuncDecl, params map[*types.Var]int) *helper {
	sig, _ := fn.Type().(*types.Signature)
	if sig == nil {
		return nil
	}
	var h *helper
	ast.Inspect(fd.Body, func(n ast.Node) bool {
		if h != nil {
			return false
		}
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		m, ok := f.match(call, fd.Body, true)
		if !ok {
			return true
		}
		tmpl := make([]tword, 0, len(m.words))
		usesParam := false
		for _, w := range m.words {
			tw := tword{word: w, param: -1}
			if id, isIdent := ast.Unparen(w.Expr).(*ast.Ident); !w.Known && isIdent {
				if v, isVar := f.p.ObjectOf(id).(*types.Var); isVar {
					if j, isParam := params[v]; isParam {
						_, isSlice := v.Type().Underlying().(*types.Slice)
						tw.param, tw.spread, usesParam = j, isSlice, true
					}
				}
			}
			tmpl = append(tmpl, tw)
		}
		if !usesParam {
			return true
		}
		h = &helper{name: fn.Name(), tmpl: tmpl, context: m.context, general: m.general, inferred: m.inferred,
			named: m.named, nParams: sig.Params().Len(), variadic: sig.Variadic()}
		if w := m.words[0]; !w.Known && tmpl[0].param < 0 && w.Expr != nil {
			if bin, ok := namedProgram(w.Expr, f.binaries); ok {
				h.named = bin
			}
		}
		return false
	})
	return h
}

// expand returns the words a call of helper h runs.
func (f *finder) expand(h *helper, call *ast.CallExpr, body *ast.BlockStmt) []resolve.Word {
	var ws []resolve.Word
	for _, tw := range h.tmpl {
		j := tw.param
		switch {
		case j < 0:
			ws = append(ws, tw.word)
		case h.variadic && j == h.nParams-1:
			if j > len(call.Args) {
				continue
			}
			ws = append(ws, f.p.Args(body, call.Args[j:], call.Ellipsis.IsValid(), call.Pos())...)
		case j < len(call.Args):
			ws = append(ws, f.p.Args(body, call.Args[j:j+1], tw.spread, call.Pos())...)
		}
	}
	return ws
}

// match reports whether call runs a command line, and resolves its words.
// inHelper relaxes the docker-words test for calls only shaped like a
// command runner, whose words are the enclosing helper's parameters.
func (f *finder) match(call *ast.CallExpr, body *ast.BlockStmt, inHelper bool) (match, bool) {
	p := f.p
	if f.consumed[call] {
		return match{}, false
	}
	if fixed, via, ok := f.curried(call.Fun, body, call.Pos(), 0); ok {
		fixed = append(fixed, p.Args(body, call.Args, call.Ellipsis.IsValid(), call.Pos())...)
		return match{words: fixed, via: via}, true
	}
	c, ok := p.CalleeOf(call)
	if !ok {
		return match{}, false
	}
	if r, key, known := knownRunner(c); known {
		if r.Bin >= len(call.Args) {
			return match{}, false
		}
		m := match{context: sdk.IsExecPkg(c.Pkg) && c.Name == "CommandContext"}
		if !sdk.IsExecPkg(c.Pkg) {
			m.via = resolve.ImportName(c.Pkg) + key[len(c.Pkg):]
		}
		switch r.Shape {
		case argvShape:
			m.words = p.Args(body, call.Args[r.Bin:], call.Ellipsis.IsValid(), call.Pos())
		case lineShape:
			line := p.Args(body, call.Args[r.Bin:r.Bin+1], false, call.Pos())
			if w, ok := f.concatLine(call.Args[r.Bin]); ok {
				line = []resolve.Word{w}
			}
			m.words = append([]resolve.Word{{Value: "sh", Known: true}, {Value: "-c", Known: true}}, line...)
		case sliceShape:
			m.words = p.SliceWords(body, call.Args[r.Bin], call.Pos())
		case cmdShape:
			ws, inner, appended, built := f.cmdWords(call.Args[r.Bin:], call.Ellipsis.IsValid(), body, call.Pos())
			if !built {
				return match{}, false // a command value dockguard cannot read
			}
			if inner != nil {
				if appended == 0 {
					return match{}, false // no option adds words: the builder is the site
				}
				f.consumed[inner] = true
			}
			m.words = ws
		}
		return m, len(m.words) > 0
	}
	var m match
	switch {
	case c.Typed && c.Func != nil && f.helpers[c.Func] != nil:
		h := f.helpers[c.Func]
		m = match{words: f.expand(h, call, body), context: h.context, via: h.name, general: h.general, inferred: h.inferred, named: h.named}
	case c.Typed && c.Func != nil && c.Func.Pkg() != f.pkg && f.importedHelper(c.Func) != nil:
		h := f.importedHelper(c.Func)
		m = match{words: f.expand(h, call, body), context: h.context, via: h.name, general: h.general, named: h.named}
	case c.Typed && c.Func != nil:
		if c.Func.Pkg() == f.pkg || isStdlib(c.Pkg) {
			return match{}, false // its body is here and runs nothing; or the standard library
		}
		bin, shaped := commandShaped(c.Func)
		if !shaped || bin >= len(call.Args) {
			return f.named(c, call, body, inHelper)
		}
		m = match{words: p.Args(body, call.Args[bin:], call.Ellipsis.IsValid(), call.Pos()), via: c.Name, general: true}
	case !c.Typed && !isStdlib(c.Pkg):
		if h := f.syntaxHelper(call, c); h != nil {
			m = match{words: f.expand(h, call, body), context: h.context, via: h.name, general: h.general, named: h.named}
			break
		}
		bin, found := untypedBin(p, call, f.binaries)
		if !found {
			if i, isSlice := untypedSliceBin(p, call, f.binaries); isSlice {
				m = match{words: p.SliceWords(body, call.Args[i], call.Pos()), via: c.Name, general: true}
				break
			}
			return f.named(c, call, body, inHelper)
		}
		m = match{words: p.Args(body, call.Args[bin:], call.Ellipsis.IsValid(), call.Pos()), via: c.Name, general: true}
	default:
		return match{}, false
	}
	if len(m.words) == 0 || (m.general && !inHelper && !runsDockerWords(m.words, f.binaries)) {
		return match{}, false
	}
	return m, true
}

// curried resolves fun, the function a call calls, to the command runner a
// known currier returned (sh.RunCmd("docker", "container") called at once,
// or through a local variable assigned from it), and returns the words it
// fixed.
func (f *finder) curried(fun ast.Expr, body *ast.BlockStmt, at token.Pos, depth int) ([]resolve.Word, string, bool) {
	if depth > 2 {
		return nil, "", false
	}
	switch e := ast.Unparen(fun).(type) {
	case *ast.CallExpr:
		c, ok := f.p.CalleeOf(e)
		if !ok || c.Method {
			return nil, "", false
		}
		bin, known := Curriers[c.Pkg+"."+c.Name]
		if !known || bin >= len(e.Args) {
			return nil, "", false
		}
		words := f.p.Args(body, e.Args[bin:], e.Ellipsis.IsValid(), at)
		return words, resolve.ImportName(c.Pkg) + "." + c.Name, len(words) > 0
	case *ast.Ident:
		v, ok := f.p.ObjectOf(e).(*types.Var)
		if !ok || body == nil {
			return nil, "", false
		}
		from := f.p.AssignedFrom(body, v, at)
		if len(from) != 1 {
			return nil, "", false // reassigned: which runner runs is not known
		}
		return f.curried(from[0], body, at, depth+1)
	}
	return nil, "", false
}

// concatLine reads a command line built by concatenation whose first part
// is a constant ("docker rm -f " + id): the constant parts are kept and
// every other part becomes an unknown shell word, so the shell front end
// judges the line as it would "docker rm -f $ID".
func (f *finder) concatLine(e ast.Expr) (resolve.Word, bool) {
	var parts []ast.Expr
	var flatten func(e ast.Expr)
	flatten = func(e ast.Expr) {
		if b, ok := ast.Unparen(e).(*ast.BinaryExpr); ok && b.Op == token.ADD {
			if _, whole := f.p.StringConst(b); !whole {
				flatten(b.X)
				flatten(b.Y)
				return
			}
		}
		parts = append(parts, e)
	}
	flatten(e)
	if len(parts) < 2 {
		return resolve.Word{}, false
	}
	var sb strings.Builder
	for i, part := range parts {
		if s, ok := f.p.StringConst(part); ok {
			sb.WriteString(s)
			continue
		}
		if i == 0 {
			return resolve.Word{}, false
		}
		// A Go identifier is a shell name too: the message then shows
		// $id where the code has id.
		name := "VALUE"
		if id, ok := ast.Unparen(part).(*ast.Ident); ok && isShellName(id.Name) {
			name = id.Name
		}
		sb.WriteString("${" + name + "}")
	}
	return resolve.Word{Value: sb.String(), Known: true, Pos: e.Pos(), End: e.End(), Expr: e}, true
}

func isShellName(s string) bool {
	for i, r := range s {
		letter := r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
		if !letter && (i == 0 || r < '0' || r > '9') {
			return false
		}
	}
	return s != ""
}
