// Package sdk knows the Docker Go SDKs that dockguard's analyzers match by
// type: github.com/moby/moby/client, github.com/docker/docker/client (with
// its api/types packages, including the legacy types.*Options) and
// github.com/fsouza/go-dockerclient.
package sdk

import (
	"go/ast"
	"go/token"
	"go/types"
	"strconv"
	"strings"

	"github.com/dockguard/dockguard/analyzers/internal/resolve"
)

// Client packages.
const (
	Moby   = "github.com/moby/moby/client"
	Docker = "github.com/docker/docker/client"
	Fsouza = "github.com/fsouza/go-dockerclient"
)

// DockertestFork is the copy of fsouza/go-dockerclient that
// github.com/ory/dockertest/v3 ships as its own package; it has the same
// API and is treated as Fsouza.
const DockertestFork = "github.com/ory/dockertest/v3/docker"

// Canonical maps a fork of an SDK client package to the package it copies,
// and returns any other path unchanged.
func Canonical(path string) string {
	if path == DockertestFork {
		return Fsouza
	}
	return path
}

// Type packages.
const (
	MobyContainer   = "github.com/moby/moby/api/types/container"
	DockerTypes     = "github.com/docker/docker/api/types"
	DockerContainer = "github.com/docker/docker/api/types/container"
	DockerImage     = "github.com/docker/docker/api/types/image"
)

// Type is a named type in an SDK package.
type Type struct{ Pkg, Name string }

// The option types the analyzers look into, for every SDK generation.
var (
	ContainerRemoveOptions = []Type{
		{Moby, "ContainerRemoveOptions"},
		{DockerContainer, "RemoveOptions"},
		{DockerTypes, "ContainerRemoveOptions"},
		{Fsouza, "RemoveContainerOptions"},
	}
	ImageRemoveOptions = []Type{
		{Moby, "ImageRemoveOptions"},
		{DockerImage, "RemoveOptions"},
		{DockerTypes, "ImageRemoveOptions"},
		{Fsouza, "RemoveImageOptions"},
	}
	KillOptions = []Type{
		{Moby, "ContainerKillOptions"},
		{Fsouza, "KillContainerOptions"},
	}
	StopOptions = []Type{
		{Moby, "ContainerStopOptions"},
		{Moby, "ContainerRestartOptions"},
		{DockerContainer, "StopOptions"},
	}
	LogsOptions = []Type{
		{Moby, "ContainerLogsOptions"},
		{DockerContainer, "LogsOptions"},
		{DockerTypes, "ContainerLogsOptions"},
		{Fsouza, "LogsOptions"},
	}
	CreateOptions = []Type{
		{Moby, "ContainerCreateOptions"},
		{Fsouza, "CreateContainerOptions"},
	}
	HostConfig = []Type{
		{MobyContainer, "HostConfig"},
		{DockerContainer, "HostConfig"},
		{Fsouza, "HostConfig"},
	}
)

// IsClientPkg reports whether path is one of the SDK client packages.
func IsClientPkg(path string) bool {
	switch Canonical(path) {
	case Moby, Docker, Fsouza:
		return true
	}
	return false
}

// IsExecPkg reports whether path provides exec.Command: os/exec, or
// golang.org/x/sys/execabs, its drop-in replacement.
func IsExecPkg(path string) bool {
	return path == "os/exec" || path == "golang.org/x/sys/execabs"
}

// IsSDKPkg reports whether path belongs to an SDK (client or API types).
func IsSDKPkg(path string) bool {
	return IsClientPkg(path) ||
		strings.HasPrefix(path, "github.com/moby/moby/api/types") ||
		strings.HasPrefix(path, "github.com/docker/docker/api/types")
}

// In reports whether (pkg, name) is one of ts.
func In(ts []Type, pkg, name string) bool {
	pkg = Canonical(pkg)
	for _, t := range ts {
		if t.Pkg == pkg && t.Name == name {
			return true
		}
	}
	return false
}

// ArgOfType returns the first argument of call whose type is one of ts.
func ArgOfType(p *resolve.Pkg, call *ast.CallExpr, ts []Type) (ast.Expr, bool) {
	for _, a := range call.Args {
		if pkg, name, ok := p.TypeName(a); ok && In(ts, pkg, name) {
			return a, true
		}
	}
	return nil, false
}

// ParamIndex returns the index of the first parameter of the callee whose
// type is one of ts, or -1.
func ParamIndex(c resolve.Callee, ts []Type) int {
	if c.Func == nil {
		return -1
	}
	sig, ok := c.Func.Type().(*types.Signature)
	if !ok {
		return -1
	}
	for i := 0; i < sig.Params().Len(); i++ {
		if pkg, name, ok := resolve.NamedOf(sig.Params().At(i).Type()); ok && In(ts, pkg, name) {
			return i
		}
	}
	return -1
}

// clientMethods are the client methods the analyzers care about when the
// receiver's type is unknown (the package did not type-check): then the
// method name and the file's imports are all there is to go on.
var clientMethods = map[string]bool{}

func init() {
	for _, m := range strings.Fields(`
		ContainerRemove ContainerKill ContainerStop ContainerRestart ContainerCreate
		ContainerStart ContainerList ContainerInspect ContainerWait ContainerExecCreate
		ContainerExecStart ContainerLogs ContainerPause ContainerUnpause ContainerUpdate
		ImageRemove ImagePull ImageBuild ImageList ImageInspect ImagesPrune ImagePrune
		VolumeRemove VolumeCreate VolumesPrune VolumePrune NetworkRemove NetworkCreate
		ContainersPrune ContainerPrune
		RemoveContainer RemoveImage RemoveImageExtended KillContainer StopContainer
		StopContainerWithContext RestartContainer CreateContainer StartContainer
		ListContainers InspectContainer PullImage BuildImage RemoveVolume
		RemoveVolumeWithOptions CreateVolume RemoveNetwork PruneContainers PruneVolumes`) {
		clientMethods[m] = true
	}
}

// IsClientCall reports whether call invokes a Docker SDK client method,
// matched by type:
//
//   - a method declared in an SDK client package (the Client type, its
//     interfaces, or promoted through embedding);
//   - a method of a user-declared interface whose parameters use SDK types
//     (a narrow interface the SDK client satisfies);
//   - when the receiver's type is unknown because the package did not
//     type-check: a known SDK method name in a file that imports an SDK
//     client package.
//
// A user's concrete type with a method of the same name is never a client,
// nor is an unexported method of the SDK's client.
func IsClientCall(p *resolve.Pkg, call *ast.CallExpr) (resolve.Callee, bool) {
	c, ok := p.CalleeOf(call)
	if !ok || !c.Method {
		return c, false
	}
	if c.Typed {
		if IsClientPkg(c.Pkg) {
			// Unexported methods are the SDK's own plumbing (its HTTP
			// helpers), seen only when checking the SDK itself.
			return c, token.IsExported(c.Name)
		}
		if c.Iface && (usesSDKTypes(c.Func) || writesSDKTypes(p, c.Func)) {
			return c, true
		}
		return c, false
	}
	if !clientMethods[c.Name] {
		return c, false
	}
	f := p.FileOf(call.Pos())
	if f == nil {
		return c, false
	}
	for _, imp := range f.Imports {
		if path, err := strconv.Unquote(imp.Path.Value); err == nil && IsClientPkg(path) {
			return c, true
		}
	}
	// The receiver's package is not imported here (a field, a value from
	// another file): an argument of an SDK type identifies the SDK.
	body := enclosingBody(f, call.Pos())
	for _, a := range call.Args {
		if sdkValue(p, body, a, call.Pos(), 0) {
			return c, true
		}
	}
	return c, false
}

// sdkValue reports whether e is a value of an SDK type as written: a
// composite literal of one (through the file's imports and their aliases),
// or a variable assigned from one, locally or at package level. A literal
// whose type is named like the SDK's remove options (*RemoveOptions) from a
// package whose path names docker or moby counts too, for SDK copies and
// forks.
func sdkValue(p *resolve.Pkg, body *ast.BlockStmt, e ast.Expr, at token.Pos, depth int) bool {
	if depth > 4 {
		return false
	}
	if pkg, name, ok := p.TypeName(e); ok {
		return IsSDKPkg(pkg) || strings.HasSuffix(name, "RemoveOptions") && (strings.Contains(pkg, "docker") || strings.Contains(pkg, "moby"))
	}
	e = ast.Unparen(e)
	if u, isUnary := e.(*ast.UnaryExpr); isUnary && u.Op == token.AND {
		e = ast.Unparen(u.X)
	}
	id, ok := e.(*ast.Ident)
	if !ok {
		return false
	}
	v, ok := p.ObjectOf(id).(*types.Var)
	if !ok {
		return false
	}
	var srcs []ast.Expr
	if body != nil {
		srcs = p.AssignedFrom(body, v, at)
	}
	if len(srcs) == 0 {
		if init := p.PackageVarInit(v); init != nil {
			srcs = []ast.Expr{init}
		}
	}
	for _, src := range srcs {
		if sdkValue(p, body, src, at, depth+1) {
			return true
		}
	}
	return false
}

// enclosingBody returns the body of the function declaration in f that
// contains pos, or nil.
func enclosingBody(f *ast.File, pos token.Pos) *ast.BlockStmt {
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Body != nil && fd.Body.Pos() <= pos && pos < fd.Body.End() {
			return fd.Body
		}
	}
	return nil
}

// writesSDKTypes reports whether an interface method declared in the
// package writes an SDK type among its parameters: a narrow interface
// declared beside the call, when the SDK's own types could not be loaded.
func writesSDKTypes(p *resolve.Pkg, fn *types.Func) bool {
	f := p.FileOf(fn.Pos())
	if f == nil {
		return false
	}
	found := false
	ast.Inspect(f, func(n ast.Node) bool {
		if found {
			return false
		}
		field, ok := n.(*ast.Field)
		if !ok || len(field.Names) != 1 || field.Names[0].Pos() != fn.Pos() {
			return true
		}
		ft, ok := field.Type.(*ast.FuncType)
		if !ok {
			return false
		}
		for _, param := range ft.Params.List {
			if pkg, _, ok := p.WrittenType(param.Type); ok && IsSDKPkg(pkg) {
				found = true
			}
		}
		return false
	})
	return found
}

// invalidParams reports whether a parameter of f has an invalid type (its
// package could not be loaded).
func invalidParams(f *types.Func) bool {
	sig, ok := f.Type().(*types.Signature)
	if !ok {
		return false
	}
	for i := 0; i < sig.Params().Len(); i++ {
		if b, isBasic := sig.Params().At(i).Type().(*types.Basic); isBasic && b.Kind() == types.Invalid {
			return true
		}
	}
	return false
}

func usesSDKTypes(f *types.Func) bool {
	sig, ok := f.Type().(*types.Signature)
	if !ok {
		return false
	}
	for i := 0; i < sig.Params().Len(); i++ {
		if pkg, _, ok := resolve.NamedOf(sig.Params().At(i).Type()); ok && IsSDKPkg(pkg) {
			return true
		}
	}
	return false
}

// Family returns which SDK a client call belongs to: Moby, Docker, Fsouza,
// or "" when only the method name is known.
func Family(c resolve.Callee) string {
	if IsClientPkg(c.Pkg) {
		return Canonical(c.Pkg)
	}
	return ""
}

// OptionsArg finds the options argument of an SDK call: through the
// callee's signature when it is typed, otherwise by the argument's written
// type or, failing that, its usual index.
func OptionsArg(p *resolve.Pkg, c resolve.Callee, call *ast.CallExpr, opts []Type, index int) ast.Expr {
	if c.Typed {
		i := ParamIndex(c, opts)
		if i >= 0 && i < len(call.Args) {
			return call.Args[i]
		}
		if i >= 0 || !invalidParams(c.Func) {
			return nil
		}
		// A user interface whose SDK parameter types failed to load: judge
		// the call as if untyped.
	}
	if a, ok := ArgOfType(p, call, opts); ok {
		return a
	}
	if index >= 0 && index < len(call.Args) {
		return call.Args[index]
	}
	return nil
}
