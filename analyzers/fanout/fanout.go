package fanout

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"strings"

	"github.com/dockguard/dockguard/analyzers/internal/diag"
	"github.com/dockguard/dockguard/analyzers/internal/dockerexec"
	"github.com/dockguard/dockguard/analyzers/internal/resolve"
	"github.com/dockguard/dockguard/analyzers/internal/sdk"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/inspector"
)

// Doc is the analyzer's documentation.
const Doc = `report unbounded goroutine fan-out of Docker calls

fanout reports a goroutine started in a loop (go statement, errgroup.Group.Go,
sync.WaitGroup.Go) that calls the Docker SDK or runs a container CLI, when no
bound on the concurrency is visible: errgroup SetLimit, a buffered-channel
semaphore or golang.org/x/sync/semaphore, or a constant number of iterations
within the limit (DG106).`

// DefaultLimit is the largest accepted concurrency.
const DefaultLimit = 3

// Analyzer reports fan-out with the default configuration. Its -limit flag
// sets the largest accepted concurrency.
var Analyzer = New(dockerexec.Analyzer, DefaultLimit)

// New returns the analyzer using exec as its exec-site helper and limit as
// the largest accepted concurrency (values below 1 mean DefaultLimit).
func New(exec *analysis.Analyzer, limit int) *analysis.Analyzer {
	if limit < 1 {
		limit = DefaultLimit
	}
	a := &analysis.Analyzer{
		Name:             "fanout",
		Doc:              Doc,
		URL:              "https://github.com/dockguard/dockguard/blob/main/docs/rules/DG106.md",
		Requires:         []*analysis.Analyzer{exec},
		RunDespiteErrors: true,
	}
	lim := &limit
	a.Flags.IntVar(lim, "limit", limit, "largest accepted number of concurrent Docker calls")
	a.Run = func(pass *analysis.Pass) (any, error) {
		c := &checker{pass: pass, exec: pass.ResultOf[exec].(*dockerexec.Result), limit: *lim}
		c.run()
		return nil, nil
	}
	return a
}

type checker struct {
	pass  *analysis.Pass
	exec  *dockerexec.Result
	limit int
	p     *resolve.Pkg
	insp  *inspector.Inspector
	// funcs maps the package's functions to the kinds of Docker calls they
	// make, directly or through other functions of the package.
	funcs map[*types.Func]kind
	decls map[*types.Func]*ast.FuncDecl
	// dockerExec holds the os/exec calls that run a container CLI.
	dockerExec map[*ast.CallExpr]bool
}

func (c *checker) run() {
	if !c.exec.Relevant {
		return
	}
	diag.ReportExec(c.pass, c.exec, "DG106")
	c.insp = c.exec.Insp
	c.p = resolve.New(c.pass, c.insp)
	c.dockerExec = map[*ast.CallExpr]bool{}
	for _, s := range c.exec.Sites {
		if s.Docker {
			c.dockerExec[s.Call] = true
		}
	}
	c.summarise()
	for cur := range c.insp.Root().Preorder((*ast.GoStmt)(nil), (*ast.CallExpr)(nil)) {
		var fn ast.Expr      // the goroutine's function
		var spawned ast.Node // what the goroutine evaluates and runs
		var pos, end token.Pos
		var group ast.Expr // errgroup receiver, if any
		switch n := cur.Node().(type) {
		case *ast.GoStmt:
			fn, spawned = n.Call.Fun, n.Call
			pos, end = n.Pos(), n.Pos()+token.Pos(len("go"))
		case *ast.CallExpr:
			callee, ok := c.p.CalleeOf(n)
			if !ok || !callee.Method || callee.Name != "Go" || len(n.Args) != 1 {
				continue
			}
			sel, isSel := ast.Unparen(n.Fun).(*ast.SelectorExpr)
			if !isSel {
				continue
			}
			switch {
			case callee.Pkg == "golang.org/x/sync/errgroup" && callee.Recv == "Group":
				group = sel.X
			case callee.Pkg == "sync" && callee.Recv == "WaitGroup":
			default:
				continue
			}
			fn, spawned = n.Args[0], n.Args[0]
			pos, end = sel.Pos(), sel.End()
		}
		loop, ok := enclosingLoop(cur)
		if !ok {
			continue
		}
		body := c.goroutineBody(fn)
		encl, bodyBlock := resolve.EnclosingFunc(cur), resolve.EnclosingFunc(cur)
		if b, isBlock := body.(*ast.BlockStmt); isBlock && (encl == nil || b.Pos() < encl.Pos() || b.End() > encl.End()) {
			bodyBlock = b // a function declared elsewhere in the package
		}
		k := c.nodeKinds(encl, spawned) | c.nodeKinds(bodyBlock, body)
		if k == 0 || k&follow != 0 && k&other == 0 {
			// No Docker call, or a follower: a goroutine that waits on
			// or streams from one container for as long as it runs. Such
			// goroutines are meant to run side by side; a bound of 3
			// would starve the rest.
			continue
		}
		limit, bounded := c.bound(cur, loop, body, group)
		if bounded {
			continue
		}
		msg := fmt.Sprintf("goroutines started in a loop call the Docker API with no bound on their number; bursts of parallel calls hang the engine; "+
			"allow at most %d at a time (errgroup.Group.SetLimit(%d), a buffered-channel semaphore or golang.org/x/sync/semaphore)", c.limit, c.limit)
		if limit != "" {
			msg = fmt.Sprintf("goroutines started in a loop call the Docker API with up to %s at a time, above the limit of %d; bursts of parallel calls hang the engine; "+
				"allow at most %d", limit, c.limit, c.limit)
		}
		diag.Report(c.pass, "DG106", pos, end, msg)
	}
}

// enclosingLoop returns the innermost for or range statement whose body
// holds the node at cur, without crossing a function boundary.
func enclosingLoop(cur inspector.Cursor) (ast.Stmt, bool) {
	for e := range cur.Enclosing() {
		if e == cur {
			continue
		}
		switch n := e.Node().(type) {
		case *ast.FuncLit, *ast.FuncDecl:
			return nil, false
		case *ast.ForStmt:
			if n.Body.Pos() <= cur.Node().Pos() && cur.Node().End() <= n.Body.End() {
				return n, true
			}
		case *ast.RangeStmt:
			if n.Body.Pos() <= cur.Node().Pos() && cur.Node().End() <= n.Body.End() {
				return n, true
			}
		}
	}
	return nil, false
}

// goroutineBody returns the body the goroutine runs: a function literal or
// a function of this package.
func (c *checker) goroutineBody(fn ast.Expr) ast.Node {
	switch f := ast.Unparen(fn).(type) {
	case *ast.FuncLit:
		return f.Body
	case *ast.Ident, *ast.SelectorExpr:
		var id *ast.Ident
		if sel, ok := f.(*ast.SelectorExpr); ok {
			id = sel.Sel
		} else {
			id = f.(*ast.Ident)
		}
		if obj, ok := c.p.ObjectOf(id).(*types.Func); ok {
			if d := c.decls[obj]; d != nil {
				return d.Body
			}
		}
	}
	return nil
}

// kind classifies Docker calls, as a bit set.
type kind uint8

const (
	// read: a short read such as an inspect or a list.
	read kind = 1 << iota
	// follow: a call that waits on or streams from one container for as
	// long as it lives (ContainerWait, ContainerAttach, Events, followed
	// logs).
	follow
	// other: any other Docker call, exec sites running a container CLI
	// included.
	other
)

// readMethods are SDK methods that only read a little state.
var readMethods = map[string]bool{}

// followMethods are SDK methods that wait or stream for as long as the
// container (or the daemon) runs; logs count only when followed.
var followMethods = map[string]bool{}

func init() {
	for _, m := range strings.Fields(`ContainerInspect ContainerInspectWithRaw ContainerList
		ContainerTop ImageInspect ImageInspectWithRaw ImageList VolumeInspect VolumeList
		NetworkInspect NetworkList InspectContainer InspectContainerWithOptions
		ListContainers InspectImage ListImages InspectVolume ListVolumes InspectNetwork
		ListNetworks TopContainer Info Ping ServerVersion`) {
		readMethods[m] = true
	}
	for _, m := range strings.Fields(`ContainerWait ContainerAttach Events ContainerLogs
		WaitContainer WaitContainerWithContext AttachToContainer
		AttachToContainerNonBlocking AddEventListener AddEventListenerWithOptions Logs`) {
		followMethods[m] = true
	}
}

// nodeKinds returns the kinds of Docker calls node (inside the function
// whose body is fnBody) makes, directly or through functions of this
// package.
func (c *checker) nodeKinds(fnBody *ast.BlockStmt, node ast.Node) kind {
	if node == nil {
		return 0
	}
	var k kind
	ast.Inspect(node, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		k |= c.callKind(fnBody, call)
		if callee, ok := c.p.CalleeOf(call); ok && callee.Func != nil {
			k |= c.funcs[callee.Func]
		}
		return true
	})
	return k
}

// callKind classifies call when it is an SDK client method call or an exec
// site running a container CLI, and returns 0 otherwise. body is the
// function holding call, when known, for following option values.
func (c *checker) callKind(body *ast.BlockStmt, call *ast.CallExpr) kind {
	if c.dockerExec[call] {
		return other
	}
	callee, ok := sdk.IsClientCall(c.p, call)
	switch {
	case !ok:
		return 0
	case readMethods[callee.Name]:
		return read
	case followMethods[callee.Name]:
		if (callee.Name == "ContainerLogs" || callee.Name == "Logs") && !c.followed(body, callee, call) {
			return read
		}
		return follow
	}
	return other
}

// followed reports whether a logs call may follow the log: its options'
// Follow field is not known to be false.
func (c *checker) followed(body *ast.BlockStmt, callee resolve.Callee, call *ast.CallExpr) bool {
	index := 2
	if callee.Name == "Logs" {
		index = 0
	}
	opt := sdk.OptionsArg(c.p, callee, call, sdk.LogsOptions, index)
	if opt == nil {
		return true
	}
	for _, v := range c.p.Field(body, opt, call.Pos(), "Follow") {
		if !v.IsZero() || v.State != resolve.Known && v.State != resolve.Absent {
			return true
		}
	}
	return false
}

// isDockerCall reports an SDK client method call or an exec site running a
// container CLI.
func (c *checker) isDockerCall(call *ast.CallExpr) bool {
	return c.callKind(nil, call) != 0
}

// summarise computes which functions of the package call Docker, through
// any chain of calls within the package.
func (c *checker) summarise() {
	c.funcs = map[*types.Func]kind{}
	c.decls = map[*types.Func]*ast.FuncDecl{}
	calls := map[*types.Func][]*types.Func{}
	for _, f := range c.pass.Files {
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Body == nil {
				continue
			}
			obj, ok := c.p.Info.Defs[fd.Name].(*types.Func)
			if !ok {
				continue
			}
			c.decls[obj] = fd
			ast.Inspect(fd.Body, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				if k := c.callKind(fd.Body, call); k != 0 {
					c.funcs[obj] |= k
				} else if callee, ok := c.p.CalleeOf(call); ok && callee.Func != nil {
					calls[obj] = append(calls[obj], callee.Func)
				}
				return true
			})
		}
	}
	for changed := true; changed; {
		changed = false
		for f, cs := range calls {
			for _, g := range cs {
				if k := c.funcs[f] | c.funcs[g]; k != c.funcs[f] {
					c.funcs[f] = k
					changed = true
				}
			}
		}
	}
}

// bound looks for a visible limit on the goroutines. It returns bounded
// true when one within the limit (or of unknown size) is found, and a
// description of the concurrency when the only bound found is too large.
func (c *checker) bound(cur inspector.Cursor, loop ast.Stmt, body ast.Node, group ast.Expr) (string, bool) {
	fnBody := resolve.EnclosingFunc(cur)
	// A constant number of iterations within the limit: a worker pool.
	if n, ok := c.iterations(loop); ok {
		if n <= int64(c.limit) {
			return "", true
		}
	} else if body != nil && rangesOverChannel(c.p, body) {
		return "", true // workers draining a queue: as many as the loop makes
	}
	// errgroup.Group.SetLimit / x/sync/semaphore / channel semaphores.
	var too string
	check := func(v constant.Value, what string) bool {
		if v == nil {
			return true // a bound of unknown size still bounds
		}
		n, exact := constant.Int64Val(constant.ToInt(v))
		if !exact || n < 0 || n > int64(c.limit) {
			too = what + " " + v.ExactString()
			if n < 0 {
				too = "an unlimited number (SetLimit with a negative value)"
			}
			return false
		}
		if n == 0 {
			too = "an unlimited number (a zero limit)"
			return false
		}
		return true
	}
	if group != nil {
		if v, found := c.setLimit(fnBody, group, cur.Node().Pos()); found {
			if check(v, "errgroup limit") {
				return "", true
			}
			return too, false
		}
	}
	// Acquire before the spawn (in the loop body) or at the start of the
	// goroutine.
	var regions []ast.Node
	switch l := loop.(type) {
	case *ast.ForStmt:
		regions = append(regions, l.Body)
	case *ast.RangeStmt:
		regions = append(regions, l.Body)
	}
	if body != nil {
		regions = append(regions, body)
	}
	for i, r := range regions {
		until := spawn(cur) // in the loop body: before the goroutine starts
		if i > 0 {
			until = c.firstDockerCall(r) // in the goroutine: before it calls Docker
		}
		limit, found := c.semaphore(fnBody, r, until)
		if !found {
			continue
		}
		if check(limit, "semaphore of") {
			return "", true
		}
		return too, false
	}
	return "", false
}

// iterations returns the constant trip count of a loop: for i := 0; i < N;
// i++, for range N, or a range over a fixed-size array or literal.
func (c *checker) iterations(loop ast.Stmt) (int64, bool) {
	switch l := loop.(type) {
	case *ast.ForStmt:
		cond, ok := l.Cond.(*ast.BinaryExpr)
		if !ok || (cond.Op != token.LSS && cond.Op != token.LEQ) {
			return 0, false
		}
		init, ok := l.Init.(*ast.AssignStmt)
		if !ok || len(init.Rhs) != 1 {
			return 0, false
		}
		lo, hi := c.p.Const(init.Rhs[0]), c.p.Const(cond.Y)
		if lo == nil || hi == nil || lo.Kind() != constant.Int || hi.Kind() != constant.Int {
			return 0, false
		}
		a, _ := constant.Int64Val(lo)
		b, _ := constant.Int64Val(hi)
		if cond.Op == token.LEQ {
			b++
		}
		return b - a, true
	case *ast.RangeStmt:
		if v := c.p.Const(l.X); v != nil && v.Kind() == constant.Int {
			n, _ := constant.Int64Val(v)
			return n, true
		}
		if cl, ok := ast.Unparen(l.X).(*ast.CompositeLit); ok {
			return int64(len(cl.Elts)), true
		}
		if t := c.p.Info.TypeOf(l.X); t != nil {
			if arr, ok := t.Underlying().(*types.Array); ok {
				return arr.Len(), true
			}
		}
	}
	return 0, false
}

func rangesOverChannel(p *resolve.Pkg, body ast.Node) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		if r, ok := n.(*ast.RangeStmt); ok {
			if t := p.Info.TypeOf(r.X); t != nil {
				if _, isChan := t.Underlying().(*types.Chan); isChan {
					found = true
				}
			}
		}
		return !found
	})
	return found
}

// setLimit finds group.SetLimit(n) before pos and returns n's constant value
// (nil when not constant).
func (c *checker) setLimit(fnBody *ast.BlockStmt, group ast.Expr, pos token.Pos) (constant.Value, bool) {
	if fnBody == nil {
		return nil, false
	}
	gobj := c.rootObj(group)
	var val constant.Value
	found := false
	ast.Inspect(fnBody, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || call.Pos() >= pos {
			return true
		}
		callee, ok := c.p.CalleeOf(call)
		if !ok || callee.Name != "SetLimit" || callee.Pkg != "golang.org/x/sync/errgroup" || len(call.Args) != 1 {
			return true
		}
		sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
		if !ok || gobj == nil || c.rootObj(sel.X) != gobj {
			return true
		}
		found, val = true, c.p.Const(call.Args[0])
		return true
	})
	return val, found
}

// rootObj returns the variable an expression like g, &g or s.g starts with.
func (c *checker) rootObj(e ast.Expr) types.Object {
	for {
		switch x := ast.Unparen(e).(type) {
		case *ast.Ident:
			return c.p.ObjectOf(x)
		case *ast.UnaryExpr:
			e = x.X
		case *ast.StarExpr:
			e = x.X
		case *ast.SelectorExpr:
			if v, ok := c.p.ObjectOf(x.Sel).(*types.Var); ok && v.IsField() {
				return v
			}
			e = x.X
		default:
			return nil
		}
	}
}

func spawn(cur inspector.Cursor) token.Pos { return cur.Node().Pos() }

// firstDockerCall returns the position of the first Docker call in region,
// or its end.
func (c *checker) firstDockerCall(region ast.Node) token.Pos {
	first := region.End()
	ast.Inspect(region, func(n ast.Node) bool {
		if call, ok := n.(*ast.CallExpr); ok && call.Pos() < first && (c.isDockerCall(call) || c.callsPkgDocker(call)) {
			first = call.Pos()
		}
		return true
	})
	return first
}

func (c *checker) callsPkgDocker(call *ast.CallExpr) bool {
	callee, ok := c.p.CalleeOf(call)
	return ok && callee.Func != nil && c.funcs[callee.Func] != 0
}

// semaphore looks in region, before position until, for a semaphore
// acquisition: a send to or receive from a channel made with
// a buffer, or Acquire/TryAcquire on a semaphore.Weighted. It returns the
// capacity (nil when not constant).
func (c *checker) semaphore(fnBody *ast.BlockStmt, region ast.Node, until token.Pos) (constant.Value, bool) {
	var capVal constant.Value
	found := false
	ast.Inspect(region, func(n ast.Node) bool {
		if found || n == nil || n.Pos() >= until {
			return false
		}
		switch x := n.(type) {
		case *ast.SendStmt:
			if v, ok := c.chanCap(fnBody, x.Chan); ok {
				found, capVal = true, v
			}
		case *ast.UnaryExpr:
			if x.Op == token.ARROW {
				if v, ok := c.chanCap(fnBody, x.X); ok {
					found, capVal = true, v
				}
			}
		case *ast.CallExpr:
			callee, ok := c.p.CalleeOf(x)
			if ok && callee.Pkg == "golang.org/x/sync/semaphore" && (callee.Name == "Acquire" || callee.Name == "TryAcquire") {
				found = true
				if sel, ok := ast.Unparen(x.Fun).(*ast.SelectorExpr); ok {
					capVal = c.weighted(fnBody, sel.X)
				}
			}
		}
		return !found
	})
	return capVal, found
}

// chanCap reports whether ch is a channel made with a non-zero buffer (or a
// channel of unknown origin) and returns its capacity when constant.
func (c *checker) chanCap(fnBody *ast.BlockStmt, ch ast.Expr) (constant.Value, bool) {
	if t := c.p.Info.TypeOf(ch); t != nil {
		if _, isChan := t.Underlying().(*types.Chan); !isChan {
			return nil, false
		}
	}
	id, ok := ast.Unparen(ch).(*ast.Ident)
	if !ok {
		return nil, true // a field or parameter: assume it is sized elsewhere
	}
	v, ok := c.p.ObjectOf(id).(*types.Var)
	if !ok {
		return nil, false
	}
	srcs := c.p.AssignedFrom(fnBody, v, token.Pos(1<<31-1))
	if len(srcs) == 0 {
		return nil, true
	}
	mk, ok := ast.Unparen(srcs[len(srcs)-1]).(*ast.CallExpr)
	if !ok {
		return nil, true
	}
	if fn, isIdent := ast.Unparen(mk.Fun).(*ast.Ident); !isIdent || fn.Name != "make" {
		return nil, true
	}
	if len(mk.Args) < 2 {
		return nil, false // unbuffered: a results channel, not a semaphore
	}
	v2 := c.p.Const(mk.Args[1])
	if v2 != nil {
		if n, exact := constant.Int64Val(constant.ToInt(v2)); exact && n == 0 {
			return nil, false
		}
	}
	return v2, true
}

// weighted returns the constant size of semaphore.NewWeighted(n) held in e.
func (c *checker) weighted(fnBody *ast.BlockStmt, e ast.Expr) constant.Value {
	id, ok := ast.Unparen(e).(*ast.Ident)
	if !ok {
		return nil
	}
	v, ok := c.p.ObjectOf(id).(*types.Var)
	if !ok {
		return nil
	}
	for _, src := range c.p.AssignedFrom(fnBody, v, token.Pos(1<<31-1)) {
		if call, ok := ast.Unparen(src).(*ast.CallExpr); ok && len(call.Args) == 1 {
			if callee, ok := c.p.CalleeOf(call); ok && callee.Is("golang.org/x/sync/semaphore", "NewWeighted") {
				return c.p.Const(call.Args[0])
			}
		}
	}
	return nil
}
