package dockerexec

import (
	"go/ast"
	"go/types"

	"github.com/dockguard/dockguard/analyzers/internal/resolve"
	"github.com/dockguard/dockguard/analyzers/internal/sdk"
)

// RemoverFact summarises a project's own wrapper of an SDK removal: a
// function whose parameter has an SDK remove-options type and whose body
// passes that parameter on, unchanged, to the SDK's removal method
// (func (c *client) RemoveContainer(id string, opts container.RemoveOptions)
// error { return c.api.ContainerRemove(ctx, id, opts) }). A call of it is
// a removal with the caller's options.
type RemoverFact struct {
	// Method is the SDK method the wrapper calls (ContainerRemove,
	// ImageRemove, RemoveContainer, RemoveImageExtended).
	Method string
	// Opts is the index of the options parameter; Target the index of the
	// parameter passed as the removed object's ID, or -1.
	Opts, Target int
}

// AFact marks RemoverFact as an analysis fact.
func (*RemoverFact) AFact() {}

func (f *RemoverFact) String() string { return "removes through " + f.Method }

// removalOpts are the SDK removal methods a wrapper can forward its options
// to, with the options types they take and the index of the options
// argument (the ID argument comes just before it, when there is one).
var removalOpts = map[string]struct {
	image bool // takes image remove options, else container ones
	arg   int
}{
	"ContainerRemove":     {false, 2},
	"RemoveContainer":     {false, 0},
	"ImageRemove":         {true, 2},
	"RemoveImageExtended": {true, 1},
}

// Remover returns the summary of fn as an SDK removal wrapper: one of the
// package's own functions, or one of another package known from its fact.
func (r *Result) Remover(fn *types.Func) (RemoverFact, bool) {
	if fn == nil || r == nil {
		return RemoverFact{}, false
	}
	fn = fn.Origin()
	if rf, ok := r.removers[fn]; ok {
		return rf, true
	}
	var rf RemoverFact
	if r.facts.importFact(fn, &rf) {
		return rf, true
	}
	return RemoverFact{}, false
}

// summariseRemovers finds the package's SDK removal wrappers and exports
// the exported ones.
func summariseRemovers(p *resolve.Pkg, files []*ast.File, fs facts) map[*types.Func]RemoverFact {
	out := map[*types.Func]RemoverFact{}
	for _, file := range files {
		for _, d := range file.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Body == nil {
				continue
			}
			fn, ok := p.ObjectOf(fd.Name).(*types.Func)
			if !ok {
				continue
			}
			if rf, ok := remover(p, fd); ok {
				out[fn] = rf
				if fn.Exported() {
					fs.exportFact(fn, &RemoverFact{Method: rf.Method, Opts: rf.Opts, Target: rf.Target})
				}
			}
		}
	}
	return out
}

// remover summarises fd when it forwards an SDK remove-options parameter
// to an SDK removal. The parameter's type, as declared (through the
// file's imports when types are missing), is what identifies the SDK: a
// user type with its own options type is not a wrapper.
func remover(p *resolve.Pkg, fd *ast.FuncDecl) (RemoverFact, bool) {
	params := map[types.Object]int{}
	optImage := map[types.Object]bool{} // options parameter -> takes image options
	i := 0
	for _, field := range fd.Type.Params.List {
		pkg, name, typed := p.WrittenType(field.Type)
		n := max(len(field.Names), 1)
		for k := 0; k < n; k++ {
			if k < len(field.Names) {
				if obj := p.ObjectOf(field.Names[k]); obj != nil {
					params[obj] = i
					switch {
					case typed && sdk.In(sdk.ContainerRemoveOptions, pkg, name):
						optImage[obj] = false
					case typed && sdk.In(sdk.ImageRemoveOptions, pkg, name):
						optImage[obj] = true
					}
				}
			}
			i++
		}
	}
	if len(optImage) == 0 {
		return RemoverFact{}, false
	}
	paramOf := func(e ast.Expr) (types.Object, bool) {
		id, ok := ast.Unparen(e).(*ast.Ident)
		if !ok {
			return nil, false
		}
		obj := p.ObjectOf(id)
		_, isParam := params[obj]
		return obj, isParam && obj != nil
	}
	var rf RemoverFact
	found := false
	ast.Inspect(fd.Body, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if found || !ok {
			return !found
		}
		sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
		if !ok {
			return true
		}
		ro, known := removalOpts[sel.Sel.Name]
		if !known || ro.arg >= len(call.Args) {
			return true
		}
		obj, isParam := paramOf(call.Args[ro.arg])
		if image, isOpts := optImage[obj]; !isParam || !isOpts || image != ro.image {
			return true
		}
		rf = RemoverFact{Method: sel.Sel.Name, Opts: params[obj], Target: -1}
		if ro.arg > 0 {
			if t, isParam := paramOf(call.Args[ro.arg-1]); isParam {
				rf.Target = params[t]
			}
		}
		found = true
		return false
	})
	return rf, found
}
