package forceremove

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"strconv"

	"github.com/dockguard/dockguard/analyzers/internal/edit"
	"github.com/dockguard/dockguard/analyzers/internal/resolve"
	"github.com/dockguard/dockguard/rules"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/inspector"
)

// DefaultStopTimeout is the stop timeout, in seconds, that fixes give a
// container before the daemon kills it (docker stop's own default).
const DefaultStopTimeout = rules.DefaultStopTimeout

// stopFix builds the fix of a forced SDK container removal: a graceful
// stop of the same container on the line before, through the same client
// and context, with the stop options type of the client's own generation
// (read from the ContainerStop or StopContainer method the receiver's type
// has), and the removal without Force. It returns nil unless that is
// certain to compile and to mean the same otherwise:
//
//   - Force: true is written in the options literal of the call itself
//     (not set on a variable, nor in a package-level value others share);
//   - the call can take a statement before it (see edit.StmtBefore);
//   - the client, the context and the container are plain names or field
//     selections (evaluating them twice runs nothing);
//   - the receiver's type has the stop method with a signature this code
//     knows: (ctx, id, options with Timeout *int), the legacy (ctx, id,
//     *time.Duration), or fsouza's (id, timeout uint[, ctx]);
//   - the names it introduces are free and its imports resolve.
//
// The stop's error is dropped on purpose: a container that is already
// stopped or gone is what the removal expects, and a stop that failed
// leaves the container running, so the removal (now without Force) fails
// and reports it through the error handling the code already has.
func stopFix(pass *analysis.Pass, names edit.Names, cur inspector.Cursor, ck check, call *ast.CallExpr, opt ast.Expr, force resolve.Value, timeout int) *analysis.SuggestedFix {
	if pass.Pkg == nil || pass.TypesInfo == nil {
		return nil
	}
	info := pass.TypesInfo
	sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
	if !ok || !edit.Plain(info, sel.X) {
		return nil
	}
	lit := literalOf(opt)
	if lit == nil {
		return nil
	}
	forceAt := -1
	for i, el := range lit.Elts {
		if kv, ok := el.(*ast.KeyValueExpr); ok && kv.Pos() == force.At {
			forceAt = i
		}
	}
	if forceAt < 0 {
		return nil
	}
	slot, ok := edit.StmtBefore(cur)
	if !ok {
		return nil
	}
	f, ok := edit.FileOf(pass, call.Pos())
	if !ok {
		return nil
	}
	scope := slot.Scope(info, pass.Pkg)
	if scope == nil {
		return nil
	}
	pos := slot.Stmt.Pos()
	recvT := info.TypeOf(sel.X)
	if recvT == nil {
		return nil
	}
	recv := f.Text(sel.X)

	var lines []string
	var imports []analysis.TextEdit
	var stop string
	var sig *types.Signature
	if ck.id == "" {
		// ContainerRemove(ctx, id, options).
		if len(call.Args) != 3 || !edit.Plain(info, call.Args[0]) || !edit.Plain(info, call.Args[1]) {
			return nil
		}
		sig = method(recvT, pass.Pkg, "ContainerStop")
		if sig == nil || sig.Params().Len() != 3 || sig.Variadic() {
			return nil
		}
		if edit.HasGoto(resolve.EnclosingFunc(cur)) {
			return nil // a declaration before a label could be jumped over
		}
		name, ok := names.Free(scope, pos, "timeout", "stopTimeout", "stopSeconds", "stopTimeout2", "stopTimeout3")
		if !ok {
			return nil
		}
		optT := sig.Params().At(2).Type()
		var arg string
		switch {
		case isDurationPtr(optT):
			// docker/docker before v23: ContainerStop(ctx, id, *time.Duration).
			timePkg := types.Unalias(types.Unalias(optT).(*types.Pointer).Elem()).(*types.Named).Obj().Pkg()
			q, edits, ok := f.PkgName(info, scope, pos, timePkg)
			if !ok {
				return nil
			}
			imports = edits
			lines = append(lines, fmt.Sprintf("%s := %d * %s.Second", name, timeout, q))
			arg = "&" + name
		case hasTimeoutField(optT):
			// container.StopOptions (docker/docker v23+) or
			// client.ContainerStopOptions (moby/moby/client).
			n := types.Unalias(optT).(*types.Named)
			if n.Obj().Pkg() == pass.Pkg {
				return nil // the SDK itself
			}
			q, edits, ok := f.PkgName(info, scope, pos, n.Obj().Pkg())
			if !ok {
				return nil
			}
			imports = edits
			lines = append(lines, fmt.Sprintf("%s := %d", name, timeout))
			arg = fmt.Sprintf("%s.%s{Timeout: &%s}", q, n.Obj().Name(), name)
		default:
			return nil
		}
		stop = fmt.Sprintf("%s.ContainerStop(%s, %s, %s)", recv, f.Text(call.Args[0]), f.Text(call.Args[1]), arg)
	} else {
		// fsouza: RemoveContainer(RemoveContainerOptions{ID: id, ...}).
		id, ctx := keyed(lit, "ID"), keyed(lit, "Context")
		if id == nil || !edit.Plain(info, id) || ctx != nil && !edit.Plain(info, ctx) {
			return nil
		}
		if ctx != nil {
			sig = method(recvT, pass.Pkg, "StopContainerWithContext")
			if sig == nil || sig.Params().Len() != 3 || !isUint(sig.Params().At(1).Type()) {
				return nil
			}
			stop = fmt.Sprintf("%s.StopContainerWithContext(%s, %d, %s)", recv, f.Text(id), timeout, f.Text(ctx))
		} else {
			sig = method(recvT, pass.Pkg, "StopContainer")
			if sig == nil || sig.Params().Len() != 2 || !isUint(sig.Params().At(1).Type()) {
				return nil
			}
			stop = fmt.Sprintf("%s.StopContainer(%s, %d)", recv, f.Text(id), timeout)
		}
	}
	switch sig.Results().Len() {
	case 0:
	case 1:
		stop = "_ = " + stop
	case 2:
		stop = "_, _ = " + stop
	default:
		return nil
	}
	lines = append(lines, stop)
	edits := make([]analysis.TextEdit, 0, len(imports)+2)
	edits = append(edits, imports...)
	edits = append(edits, f.Insert(slot, lines), f.DeleteElement(lit.Elts, forceAt))
	return &analysis.SuggestedFix{
		Message:   "Stop the container with a " + strconv.Itoa(timeout) + " s timeout first, then remove it without Force",
		TextEdits: edits,
	}
}

// literalOf returns the composite literal an options argument is written
// as (T{...} or &T{...}), or nil.
func literalOf(e ast.Expr) *ast.CompositeLit {
	e = ast.Unparen(e)
	if u, ok := e.(*ast.UnaryExpr); ok && u.Op == token.AND {
		e = ast.Unparen(u.X)
	}
	lit, _ := e.(*ast.CompositeLit)
	return lit
}

// keyed returns the value of the field key in lit, or nil.
func keyed(lit *ast.CompositeLit, key string) ast.Expr {
	for _, el := range lit.Elts {
		if kv, ok := el.(*ast.KeyValueExpr); ok {
			if id, ok := kv.Key.(*ast.Ident); ok && id.Name == key {
				return kv.Value
			}
		}
	}
	return nil
}

// method returns the signature of the exported method name of values of
// type t, or nil.
func method(t types.Type, pkg *types.Package, name string) *types.Signature {
	obj, _, _ := types.LookupFieldOrMethod(t, true, pkg, name)
	fn, ok := obj.(*types.Func)
	if !ok {
		return nil
	}
	sig, _ := fn.Type().(*types.Signature)
	return sig
}

// isDurationPtr reports *time.Duration.
func isDurationPtr(t types.Type) bool {
	ptr, ok := types.Unalias(t).(*types.Pointer)
	if !ok {
		return false
	}
	n, ok := types.Unalias(ptr.Elem()).(*types.Named)
	return ok && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == "time" && n.Obj().Name() == "Duration"
}

// hasTimeoutField reports a named struct type (not a pointer) with a
// field Timeout of type *int.
func hasTimeoutField(t types.Type) bool {
	n, ok := types.Unalias(t).(*types.Named)
	if !ok || n.Obj().Pkg() == nil {
		return false
	}
	st, ok := n.Underlying().(*types.Struct)
	if !ok {
		return false
	}
	for i := 0; i < st.NumFields(); i++ {
		fl := st.Field(i)
		if fl.Name() != "Timeout" {
			continue
		}
		ptr, ok := fl.Type().(*types.Pointer)
		if !ok {
			return false
		}
		b, ok := ptr.Elem().(*types.Basic)
		return ok && b.Kind() == types.Int
	}
	return false
}

func isUint(t types.Type) bool {
	b, ok := t.Underlying().(*types.Basic)
	return ok && b.Info()&types.IsUnsigned != 0
}
