package dockerexec

import (
	"go/ast"
	"go/token"
	"go/types"
	"strings"
	"unicode"

	"github.com/dockguard/dockguard/analyzers/internal/resolve"
)

// This file follows commands that are built as a value and then run, as
// gotest.tools' icmd and the integration suites built on it do:
//
//	cli.DockerCmd(t, "rm", "-f", id)
//	cli.Docker(cli.Args("rm", "-f", id), cli.WithTimeout(d))
//	icmd.RunCmd(icmd.Command("docker", "rm"), withFlags("-f", id))
//
// A call's arguments hold an argv carrier (a function whose result is a
// command holding its arguments: cli.Args, icmd.Command, a literal
// icmd.Cmd{Command: …}) and options: closures that change the command
// being built before it runs (func(*icmd.Cmd)). An option whose closure
// appends its arguments to the command's Command field adds those words
// at the end of the argv; the other options (timeouts, folders,
// environments) add none.

// nameWords are the words a function's name may hold beside a container
// CLI's name for the function to be taken for a runner of that CLI
// (DockerCmd, dockerCmdWithError, runDocker, MustDockerOutput).
var nameWords = map[string]bool{
	"cmd": true, "command": true, "run": true, "exec": true, "with": true,
	"error": true, "err": true, "result": true, "output": true, "out": true,
	"must": true, "do": true, "cli": true, "call": true, "combined": true,
	"succeed": true, "success": true, "stdout": true, "raw": true,
}

// programWords are the words a variable's name may hold beside a container
// CLI's name for the variable to be taken for the path of that CLI
// (dockerBinary, testEnv.DockerBinary(), podmanPath).
var programWords = map[string]bool{"binary": true, "bin": true, "path": true, "exe": true, "executable": true, "cli": true, "cmd": true, "command": true}

// namedProgram returns the container CLI that an unknown program word's
// name says it holds: an identifier, a field or a method call named
// dockerBinary, DockerBinary(), podmanPath.
func namedProgram(e ast.Expr, binaries []string) (string, bool) {
	e = ast.Unparen(e)
	if call, isCall := e.(*ast.CallExpr); isCall && len(call.Args) == 0 {
		e = ast.Unparen(call.Fun)
	}
	name := ""
	switch x := e.(type) {
	case *ast.Ident:
		name = x.Name
	case *ast.SelectorExpr:
		name = x.Sel.Name
	default:
		return "", false
	}
	bin := ""
	for _, w := range camelWords(name) {
		w = strings.ToLower(w)
		switch {
		case programWords[w]:
		case bin == "" && isBinary(w, binaries):
			bin = w
		default:
			return "", false
		}
	}
	return bin, bin != ""
}

// nameBinary returns the container CLI that a function's name says it
// runs: Docker, DockerCmd, dockerCmdWithResult, PodmanRun. Every other word
// of the name must be one of nameWords, so Dockerfile, DockerCompose and
// DockerImage are not runners.
func nameBinary(name string, binaries []string) (string, bool) {
	bin := ""
	for _, w := range camelWords(name) {
		w = strings.ToLower(w)
		switch {
		case nameWords[w]:
		case bin == "" && isBinary(w, binaries):
			bin = w
		default:
			return "", false
		}
	}
	return bin, bin != ""
}

func isBinary(w string, binaries []string) bool {
	for _, b := range binaries {
		if w == b {
			return true
		}
	}
	return false
}

// camelWords splits a Go name into its words: dockerCmdWithError is
// docker, Cmd, With, Error; run_docker is run, docker.
func camelWords(name string) []string {
	var words []string
	start := 0
	rs := []rune(name)
	for i := 1; i <= len(rs); i++ {
		if i == len(rs) || rs[i] == '_' || unicode.IsUpper(rs[i]) && !unicode.IsUpper(rs[i-1]) ||
			unicode.IsUpper(rs[i]) && i+1 < len(rs) && unicode.IsLower(rs[i+1]) && unicode.IsUpper(rs[i-1]) {
			if w := strings.Trim(string(rs[start:i]), "_"); w != "" {
				words = append(words, w)
			}
			start = i
		}
	}
	return words
}

// named matches a call of a function whose name says which container CLI
// it runs (cli.DockerCmd(t, "rm", "-f", id)), when its body is not in the
// package being analysed. The words after the binary are the call's
// arguments, after a first argument that is not a string (a testing.T);
// outside a helper they must be a docker command line.
func (f *finder) named(c resolve.Callee, call *ast.CallExpr, body *ast.BlockStmt, inHelper bool) (match, bool) {
	bin, ok := nameBinary(c.Name, f.binaries)
	if !ok {
		return match{}, false
	}
	args := call.Args
	if len(args) > 1 && f.handle(args[0]) {
		args = args[1:]
	}
	lead := resolve.Word{Value: bin, Known: true, Pos: call.Pos(), End: call.Lparen, Expr: call.Fun}
	rest, _, _, _ := f.cmdWords(args, call.Ellipsis.IsValid(), body, call.Pos())
	words := append([]resolve.Word{lead}, rest...)
	if len(rest) == 0 || !inHelper && !runsDockerWords(words, f.binaries) {
		return match{}, false
	}
	return match{words: words, via: c.Name, general: true, inferred: c.Name}, true
}

// handle reports whether e, a runner's first argument, is a name that is
// not a string: the test's handle (t, c, s.t), not a word of the argv.
func (f *finder) handle(e ast.Expr) bool {
	switch ast.Unparen(e).(type) {
	case *ast.Ident, *ast.SelectorExpr:
		return !f.stringish(e)
	}
	return false
}

// stringish reports whether e is a string or a []string, or may be one:
// what the first argument of a runner named for its CLI must not be for
// the argument to be skipped as the test's handle.
func (f *finder) stringish(e ast.Expr) bool {
	if _, ok := f.p.StringConst(e); ok {
		return true
	}
	t := f.p.Info.TypeOf(e)
	if t == nil {
		return false
	}
	if s, ok := t.Underlying().(*types.Slice); ok {
		t = s.Elem()
	}
	b, ok := t.Underlying().(*types.Basic)
	return ok && (b.Kind() == types.String || b.Kind() == types.UntypedString)
}

// cmdWords resolves the arguments of a runner of a command being built:
// plain words, an argv carrier and, after it, options. The words options
// append come last, as they are applied to the command after it is built.
// inner is the carrier when it is itself a command runner
// (icmd.Command(…)); appended counts the words options added; built
// reports that a carrier was found.
func (f *finder) cmdWords(args []ast.Expr, ellipsis bool, body *ast.BlockStmt, at token.Pos) (ws []resolve.Word, inner *ast.CallExpr, appended int, built bool) {
	var tail []resolve.Word
	for i, a := range args {
		spread := ellipsis && i == len(args)-1
		if ops, isOp := f.appends(a, body, at); isOp {
			tail = append(tail, ops...)
			continue
		}
		if built {
			continue // an option that adds no words, or a slice of options
		}
		if cw, call, isCarrier := f.carrier(a, body, at, 0); isCarrier {
			ws, inner, built = append(ws, cw...), call, true
			continue
		}
		ws = append(ws, f.p.Args(body, []ast.Expr{a}, spread, at)...)
	}
	return append(ws, tail...), inner, len(tail), built
}

// carrier resolves e to the argv of a command value: a call of a known
// argv runner that only builds the command (icmd.Command), a call of a
// function named Args or of a function of the package whose result is a
// composite literal with Command set to its variadic parameter, a literal
// with a Command field, or a local variable assigned once from one of
// those.
func (f *finder) carrier(e ast.Expr, body *ast.BlockStmt, at token.Pos, depth int) ([]resolve.Word, *ast.CallExpr, bool) {
	if depth > 2 {
		return nil, nil, false
	}
	switch x := ast.Unparen(e).(type) {
	case *ast.CompositeLit:
		for _, elt := range x.Elts {
			if kv, ok := elt.(*ast.KeyValueExpr); ok {
				if k, isIdent := kv.Key.(*ast.Ident); isIdent && k.Name == "Command" {
					return f.p.SliceWords(body, kv.Value, at), nil, true
				}
			}
		}
	case *ast.CallExpr:
		c, ok := f.p.CalleeOf(x)
		if !ok {
			return nil, nil, false
		}
		if r, _, known := knownRunner(c); known && r.Shape == argvShape && builds[c.Pkg+"."+c.Name] && r.Bin < len(x.Args) {
			return f.p.Args(body, x.Args[r.Bin:], x.Ellipsis.IsValid(), at), x, true
		}
		if c.Name == "Args" || f.carries(c) {
			return f.p.Args(body, x.Args, x.Ellipsis.IsValid(), at), nil, true
		}
	case *ast.Ident:
		v, ok := f.p.ObjectOf(x).(*types.Var)
		if !ok || body == nil {
			return nil, nil, false
		}
		from := f.p.AssignedFrom(body, v, at)
		if len(from) != 1 {
			return nil, nil, false
		}
		return f.carrier(from[0], body, at, depth+1)
	}
	return nil, nil, false
}

// builds are the known runners that only build a command for another call
// to run.
var builds = map[string]bool{
	"gotest.tools/v3/icmd.Command": true,
	"gotest.tools/icmd.Command":    true,
}

// carries reports whether c is a function of the package whose one
// statement returns a composite literal with Command set to its variadic
// parameter: func Args(args ...string) icmd.Cmd { return icmd.Cmd{Command: args} }.
func (f *finder) carries(c resolve.Callee) bool {
	if !c.Typed || c.Method {
		return false
	}
	fd := f.p.FuncDeclOf(c.Func)
	last := variadicParam(c.Func)
	if fd == nil || fd.Body == nil || last == nil || len(fd.Body.List) != 1 {
		return false
	}
	ret, ok := fd.Body.List[0].(*ast.ReturnStmt)
	if !ok || len(ret.Results) != 1 {
		return false
	}
	lit, ok := ast.Unparen(ret.Results[0]).(*ast.CompositeLit)
	if !ok {
		return false
	}
	for _, elt := range lit.Elts {
		if kv, isKV := elt.(*ast.KeyValueExpr); isKV {
			k, isIdent := kv.Key.(*ast.Ident)
			v, isVal := ast.Unparen(kv.Value).(*ast.Ident)
			if isIdent && k.Name == "Command" && isVal && f.p.ObjectOf(v) == last {
				return true
			}
		}
	}
	return false
}

// appends reports whether e is an option that appends words to the command
// being built, and returns them: a call of a function of the package that
// returns a closure appending its variadic parameter (or constants) to the
// command's Command field, such a function itself passed as the option, or
// a call of a function named WithArgs or WithFlags of another package.
func (f *finder) appends(e ast.Expr, body *ast.BlockStmt, at token.Pos) ([]resolve.Word, bool) {
	switch x := ast.Unparen(e).(type) {
	case *ast.CallExpr:
		c, ok := f.p.CalleeOf(x)
		if !ok || c.Method {
			return nil, false
		}
		if c.Typed && c.Func != nil && c.Func.Pkg() == f.pkg {
			fd := f.p.FuncDeclOf(c.Func)
			if fd == nil || fd.Body == nil || len(fd.Body.List) != 1 {
				return nil, false
			}
			ret, isRet := fd.Body.List[0].(*ast.ReturnStmt)
			if !isRet || len(ret.Results) != 1 {
				return nil, false
			}
			lit, isLit := ast.Unparen(ret.Results[0]).(*ast.FuncLit)
			if !isLit {
				return nil, false
			}
			return f.closureAppends(lit.Type, lit.Body, c.Func, x, body, at)
		}
		if c.Name == "WithArgs" || c.Name == "WithFlags" {
			return f.p.Args(body, x.Args, x.Ellipsis.IsValid(), at), true
		}
	case *ast.Ident:
		fn, ok := f.p.ObjectOf(x).(*types.Func)
		if !ok || fn.Pkg() != f.pkg {
			return nil, false
		}
		fd := f.p.FuncDeclOf(fn)
		if fd == nil {
			return nil, false
		}
		return f.closureAppends(fd.Type, fd.Body, nil, nil, body, at)
	}
	return nil, false
}

// closureAppends reads a closure (or function) taking the command being
// built as its one parameter, and returns what it appends to the
// parameter's Command field: constants, and the variadic arguments of
// call, the call of outer that returned the closure.
func (f *finder) closureAppends(ft *ast.FuncType, fbody *ast.BlockStmt, outer *types.Func, call *ast.CallExpr, body *ast.BlockStmt, at token.Pos) ([]resolve.Word, bool) {
	if fbody == nil || ft.Params == nil || len(ft.Params.List) != 1 || len(ft.Params.List[0].Names) != 1 {
		return nil, false
	}
	param := f.p.ObjectOf(ft.Params.List[0].Names[0])
	isCommand := func(e ast.Expr) bool {
		sel, ok := ast.Unparen(e).(*ast.SelectorExpr)
		if !ok || sel.Sel.Name != "Command" {
			return false
		}
		id, ok := ast.Unparen(sel.X).(*ast.Ident)
		return ok && param != nil && f.p.ObjectOf(id) == param
	}
	var last *types.Var
	if outer != nil {
		last = variadicParam(outer)
	}
	var ws []resolve.Word
	found := false
	for _, st := range fbody.List {
		as, ok := st.(*ast.AssignStmt)
		if !ok || len(as.Lhs) != 1 || len(as.Rhs) != 1 || !isCommand(as.Lhs[0]) {
			continue
		}
		app, ok := ast.Unparen(as.Rhs[0]).(*ast.CallExpr)
		if !ok || len(app.Args) < 2 || !isCommand(app.Args[0]) {
			return nil, false // the command is replaced or reordered: not followed
		}
		if id, isIdent := ast.Unparen(app.Fun).(*ast.Ident); !isIdent || id.Name != "append" {
			return nil, false
		}
		for i, a := range app.Args[1:] {
			if id, isIdent := ast.Unparen(a).(*ast.Ident); isIdent && last != nil && f.p.ObjectOf(id) == last && app.Ellipsis.IsValid() && i == len(app.Args)-2 {
				n := outer.Type().(*types.Signature).Params().Len() - 1
				if n <= len(call.Args) {
					ws = append(ws, f.p.Args(body, call.Args[n:], call.Ellipsis.IsValid(), at)...)
				}
				continue
			}
			s, known := f.p.StringConst(a)
			if !known || app.Ellipsis.IsValid() {
				return nil, false
			}
			ws = append(ws, resolve.Word{Value: s, Known: true, Pos: a.Pos(), End: a.End(), Expr: a})
		}
		found = true
	}
	return ws, found
}

// variadicParam returns fn's variadic parameter when it is a []string, or
// nil.
func variadicParam(fn *types.Func) *types.Var {
	sig, ok := fn.Type().(*types.Signature)
	if !ok || !sig.Variadic() {
		return nil
	}
	v := sig.Params().At(sig.Params().Len() - 1)
	if s, ok := v.Type().(*types.Slice); ok {
		if b, ok := s.Elem().Underlying().(*types.Basic); ok && b.Kind() == types.String {
			return v
		}
	}
	return nil
}
