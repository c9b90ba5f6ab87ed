package sdk

import (
	"go/ast"
	"go/types"
)

// starters are SDK methods that make a created container run.
var starters = map[string]bool{
	"ContainerStart": true, "ContainerRestart": true, "ContainerUnpause": true,
	"StartContainer": true, "StartContainerWithContext": true, "RestartContainer": true,
}

// IsCreate reports whether name is an SDK method that creates a container.
func IsCreate(name string) bool {
	return name == "ContainerCreate" || name == "CreateContainer"
}

// CreatedVar returns the variable that receives the result of the create
// call, given the call's parent node: `created, err := cli.ContainerCreate(...)`.
// It returns nil for any other shape.
func CreatedVar(info *types.Info, parent ast.Node, call *ast.CallExpr) *types.Var {
	as, ok := parent.(*ast.AssignStmt)
	if !ok || len(as.Rhs) != 1 || ast.Unparen(as.Rhs[0]) != call || len(as.Lhs) == 0 {
		return nil
	}
	id, ok := as.Lhs[0].(*ast.Ident)
	if !ok || id.Name == "_" {
		return nil // dropped: it may be started by name elsewhere
	}
	obj := info.Defs[id]
	if obj == nil {
		obj = info.Uses[id]
	}
	v, _ := obj.(*types.Var)
	return v
}

// NeverStarted reports whether the container whose create result v holds is
// never started in body: every use of v in body (function literals
// included) is v itself or its ID field given to an SDK client call that
// does not start a container (copying files out, inspecting, removing).
// Any other use (returned, stored, passed to another function, started)
// means it may run. isClient tells SDK client calls apart.
func NeverStarted(info *types.Info, body *ast.BlockStmt, v *types.Var, isClient func(*ast.CallExpr) (string, bool)) bool {
	if body == nil || v == nil {
		return false
	}
	ok := true
	var stack []ast.Node
	ast.Inspect(body, func(n ast.Node) bool {
		if !ok {
			return false
		}
		if n == nil {
			stack = stack[:len(stack)-1]
			return true
		}
		if id, isIdent := n.(*ast.Ident); isIdent && info.Uses[id] == v {
			ok = harmlessUse(stack, id, isClient)
		}
		stack = append(stack, n)
		return true
	})
	return ok
}

// harmlessUse judges one use of the created variable, given its parents.
func harmlessUse(stack []ast.Node, id *ast.Ident, isClient func(*ast.CallExpr) (string, bool)) bool {
	var arg ast.Node = id
	i := len(stack) - 1
	if i >= 0 {
		if sel, isSel := stack[i].(*ast.SelectorExpr); isSel && sel.X == id {
			if sel.Sel.Name != "ID" {
				return false
			}
			arg, i = sel, i-1
		}
	}
	// fsouza: RemoveContainerOptions{ID: created.ID}, possibly by address.
	if i >= 1 {
		if kv, isKV := stack[i].(*ast.KeyValueExpr); isKV && kv.Value == arg {
			if k, isIdent := kv.Key.(*ast.Ident); !isIdent || k.Name != "ID" {
				return false
			}
			arg, i = stack[i-1], i-2
			if i >= 0 {
				if u, isUnary := stack[i].(*ast.UnaryExpr); isUnary && u.X == arg {
					arg, i = u, i-1
				}
			}
		}
	}
	if i < 0 {
		return false
	}
	call, isCall := stack[i].(*ast.CallExpr)
	if !isCall {
		return false
	}
	isArg := false
	for _, a := range call.Args {
		if a == arg {
			isArg = true
		}
	}
	if !isArg {
		return false
	}
	name, client := isClient(call)
	return client && !starters[name]
}
