package python

import (
	"strings"

	"github.com/dockguard/dockguard/python/syntax"
)

// kind is what a receiver is known to be.
type kind int

const (
	kNone kind = iota
	// Docker SDK for Python (docker).
	kClient     // docker.DockerClient
	kAPI        // docker.APIClient, client.api
	kContainers // client.containers
	kImages     // client.images
	kVolumes    // client.volumes
	kContainer  // docker.models.containers.Container
	kListing    // a list of containers (containers.list())
	// python-on-whales.
	kWhales          // python_on_whales.docker or a DockerClient
	kWhalesContainer // a python_on_whales Container
	kWhalesNS        // docker.container, docker.image, docker.volume…
	kWhalesListing   // docker.ps() / docker.container.list()
	// testcontainers.
	kTestcontainer
	// Worker pools, for DG106.
	kPool
)

// recv is a receiver's kind with what is known of where it came from.
type recv struct {
	k kind
	// ns is the namespace of a kWhalesNS ("container", "image"…).
	ns string
	// For containers from a listing, and for listings: listing is the
	// listing's source text, stopped that it holds only stopped
	// containers, labelled that it is filtered by label.
	fromListing, stopped, labelled bool
	listing                        string
	// For pools: workers is the bound (0: unbounded or CPU-scaled);
	// poolName names the constructor; at is the constructor call.
	workers  int
	poolName string
	at       Expr
}

// constructors are the callables whose result has a known kind.
var constructors = map[string]kind{
	"docker.from_env":                             kClient,
	"docker.client.from_env":                      kClient,
	"docker.DockerClient":                         kClient,
	"docker.client.DockerClient":                  kClient,
	"docker.DockerClient.from_env":                kClient,
	"docker.client.DockerClient.from_env":         kClient,
	"docker.APIClient":                            kAPI,
	"docker.api.APIClient":                        kAPI,
	"docker.api.client.APIClient":                 kAPI,
	"python_on_whales.DockerClient":               kWhales,
	"python_on_whales.docker_client.DockerClient": kWhales,
}

// annotations are the type names that make a parameter a receiver.
var annotations = map[string]kind{
	"docker.models.containers.Container":                          kContainer,
	"docker.DockerClient":                                         kClient,
	"docker.client.DockerClient":                                  kClient,
	"docker.APIClient":                                            kAPI,
	"python_on_whales.DockerClient":                               kWhales,
	"python_on_whales.Container":                                  kWhalesContainer,
	"python_on_whales.components.container.cli_wrapper.Container": kWhalesContainer,
	"testcontainers.core.container.DockerContainer":               kTestcontainer,
}

// pools are the worker pool constructors and the keyword (and position)
// of their bound.
var pools = map[string]struct {
	kw  string
	pos int
}{
	"concurrent.futures.ThreadPoolExecutor":  {"max_workers", 0},
	"concurrent.futures.ProcessPoolExecutor": {"max_workers", 0},
	"multiprocessing.Pool":                   {"processes", 0},
	"multiprocessing.pool.Pool":              {"processes", 0},
	"multiprocessing.pool.ThreadPool":        {"processes", 0},
}

// typeOf returns what e is known to be.
func (ck *checker) typeOf(e Expr, sc *scope) recv {
	return ck.typeOfDepth(e, sc, 0)
}

func (ck *checker) typeOfDepth(e Expr, sc *scope, depth int) recv {
	if depth > 24 || e == nil {
		return recv{}
	}
	m := ck.mod
	switch e := e.(type) {
	case *syntax.Name:
		if q := m.imports[e.ID]; q == "python_on_whales.docker" {
			return recv{k: kWhales}
		}
		b, bsc, ok := sc.lookupAt(e.ID, e.Start)
		if !ok {
			return recv{}
		}
		switch {
		case b.param != nil:
			return ck.paramType(b.param, bsc)
		case b.iter != nil:
			it := ck.typeOfDepth(b.iter, sc, depth+1)
			switch it.k {
			case kListing:
				return recv{k: kContainer, fromListing: true, stopped: it.stopped, labelled: it.labelled, listing: it.listing}
			case kWhalesListing:
				return recv{k: kWhalesContainer, fromListing: true, stopped: it.stopped, labelled: it.labelled, listing: it.listing}
			}
			return recv{}
		case b.value != nil && !b.unknown:
			return ck.typeOfDepth(b.value, sc, depth+1)
		}
	case *syntax.Attribute:
		if q := m.qualified(e); q == "python_on_whales.docker" {
			return recv{k: kWhales}
		}
		if cl := selfClass(e.X, sc); cl != nil {
			return ck.attrType(cl, e.Attr, depth)
		}
		x := ck.typeOfDepth(e.X, sc, depth+1)
		switch x.k {
		case kClient:
			switch e.Attr {
			case "containers":
				return recv{k: kContainers}
			case "images":
				return recv{k: kImages}
			case "volumes":
				return recv{k: kVolumes}
			case "api":
				return recv{k: kAPI}
			}
		case kWhales:
			switch e.Attr {
			case "container", "image", "volume", "network", "system", "compose":
				return recv{k: kWhalesNS, ns: e.Attr}
			}
		}
	case *syntax.Subscript:
		x := ck.typeOfDepth(e.X, sc, depth+1)
		if _, slice := e.Index.(*syntax.Slice); !slice {
			switch x.k {
			case kListing:
				return recv{k: kContainer, fromListing: true, stopped: x.stopped, labelled: x.labelled, listing: x.listing}
			case kWhalesListing:
				return recv{k: kWhalesContainer, fromListing: true, stopped: x.stopped, labelled: x.labelled, listing: x.listing}
			}
		}
	case *syntax.Call:
		return ck.callType(e, sc, depth)
	}
	return recv{}
}

func (ck *checker) callType(e *syntax.Call, sc *scope, depth int) recv {
	m := ck.mod
	q := m.qualified(e.Func)
	if k, ok := constructors[q]; ok {
		return recv{k: k}
	}
	if p, ok := pools[q]; ok {
		return ck.poolType(e, q, p.kw, p.pos, sc)
	}
	if strings.HasPrefix(q, "testcontainers.") && isContainerClass(q) {
		return recv{k: kTestcontainer}
	}
	if n, ok := e.Func.(*syntax.Name); ok {
		// A helper function of this module that returns a client or a
		// container (get_docker_client()).
		if fn := ck.mod.funcs[n.ID]; fn != nil && depth < 8 {
			return ck.returnedDepth(fn, depth+1)
		}
	}
	a, ok := e.Func.(*syntax.Attribute)
	if !ok {
		return recv{}
	}
	if cl := selfClass(a.X, sc); cl != nil {
		// self.get_client(): what the method returns.
		if fn := cl.methods[a.Attr]; fn != nil && depth < 8 {
			return ck.returnedDepth(fn, depth+1)
		}
		return recv{}
	}
	x := ck.typeOfDepth(a.X, sc, depth+1)
	switch x.k {
	case kContainers:
		switch a.Attr {
		case "get":
			return recv{k: kContainer}
		case "create":
			return recv{k: kContainer}
		case "run":
			// run returns the container only with detach=True; otherwise
			// its output.
			if v, found := ck.kwarg(e, "detach", sc); found && truthy(v) == yes {
				return recv{k: kContainer}
			}
		case "list":
			return ck.listingType(e, sc, kListing)
		}
	case kWhales:
		switch a.Attr {
		case "run":
			if v, found := ck.kwarg(e, "detach", sc); found && truthy(v) == yes {
				return recv{k: kWhalesContainer}
			}
		case "create":
			return recv{k: kWhalesContainer}
		case "ps":
			return ck.listingType(e, sc, kWhalesListing)
		}
	case kWhalesNS:
		if x.ns == "container" {
			switch a.Attr {
			case "run":
				if v, found := ck.kwarg(e, "detach", sc); found && truthy(v) == yes {
					return recv{k: kWhalesContainer}
				}
			case "create", "inspect":
				return recv{k: kWhalesContainer}
			case "list":
				return ck.listingType(e, sc, kWhalesListing)
			}
		}
	case kTestcontainer:
		// with_* builders return the container itself.
		if strings.HasPrefix(a.Attr, "with_") || a.Attr == "start" {
			return x
		}
	}
	return recv{}
}

// selfClass returns the class of x when x is a method's self (or cls)
// parameter, seen from sc or a function nested in the method.
func selfClass(x Expr, sc *scope) *class {
	n, ok := x.(*syntax.Name)
	if !ok || sc == nil {
		return nil
	}
	b, bsc, ok := sc.lookupAt(n.ID, n.Start)
	if !ok || b.param == nil || bsc.cls == nil || bsc.self != n.ID {
		return nil
	}
	return bsc.cls
}

// attrType types self.name from the values the class assigns to it. The
// attribute has a kind only when every assignment of a known kind agrees
// (self.client = None before a connect() that sets it still counts).
func (ck *checker) attrType(cl *class, name string, depth int) recv {
	if depth > 16 {
		return recv{}
	}
	var got recv
	for _, v := range cl.attrs[name] {
		r := ck.typeOfDepth(v.value, v.sc, depth+1)
		if r.k == kNone {
			continue
		}
		if got.k != kNone && got.k != r.k {
			return recv{}
		}
		got = r
	}
	return got
}

// isContainerClass reports a testcontainers class: DockerContainer and
// the modules' *Container classes.
func isContainerClass(q string) bool {
	i := strings.LastIndexByte(q, '.')
	name := q[i+1:]
	return strings.HasSuffix(name, "Container") && name != "Container"
}

// listingType describes containers.list(all=…, filters=…) or
// docker.ps(all=…, filters=…).
func (ck *checker) listingType(e *syntax.Call, sc *scope, k kind) recv {
	r := recv{k: k, listing: ck.text(e)}
	if v, found := ck.kwarg(e, "filters", sc); found {
		if d, ok := ck.follow(v, sc).(*syntax.Dict); ok {
			for i, key := range d.Keys {
				s, ok := ck.constString(key, sc)
				if !ok {
					continue
				}
				switch s {
				case "label":
					r.labelled = true
				case "status":
					if st, ok := ck.constString(d.Values[i], sc); ok && (st == "exited" || st == "created" || st == "dead") {
						r.stopped = true
					}
				}
			}
		} else {
			// filters from elsewhere: scoped somehow, not known how.
			r.labelled = true
		}
	}
	return r
}

func (ck *checker) poolType(e *syntax.Call, q, kw string, pos int, sc *scope) recv {
	r := recv{k: kPool, poolName: q[strings.LastIndexByte(q, '.')+1:], at: e}
	var v Expr
	if x, found := ck.kwarg(e, kw, sc); found {
		v = x
	} else if pos < len(e.Args) && e.Args[pos].Name == "" && e.Args[pos].Star == 0 {
		v = e.Args[pos].Value
	}
	if v == nil {
		return r // default: CPU-scaled
	}
	v = ck.follow(v, sc)
	if c, ok := v.(*syntax.Const); ok && c.Value == "None" {
		return r
	}
	if n, ok := v.(*syntax.Num); ok {
		if k, ok := atoi(n.Text); ok {
			r.workers = k
			return r
		}
	}
	r.workers = -1 // unknown
	return r
}

func atoi(s string) (int, bool) {
	s = strings.ReplaceAll(s, "_", "")
	n := 0
	if s == "" || len(s) > 9 {
		return 0, false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// paramType types a parameter by its annotation, or, in a test or
// fixture, by the fixture of its name.
func (ck *checker) paramType(p *syntax.Param, sc *scope) recv {
	if p.Annotation != nil {
		return ck.annotationType(p.Annotation)
	}
	if sc != nil && sc.test && p.Star == 0 {
		if r, ok := ck.mod.fixtures[p.Name]; ok {
			return r
		}
	}
	return recv{}
}

func (ck *checker) annotationType(a Expr) recv {
	return annotationKind(ck.mod, a)
}

func annotationKind(m *module, a Expr) recv {
	switch a := a.(type) {
	case *syntax.Subscript:
		// Optional[Container]
		if q := m.qualified(a.X); q == "typing.Optional" {
			return annotationKind(m, a.Index)
		}
	case *syntax.BinOp:
		if a.Op == "|" {
			if r := annotationKind(m, a.X); r.k != kNone {
				return r
			}
			return annotationKind(m, a.Y)
		}
	case *syntax.Str:
		// A forward reference: "Container" resolves through the imports.
		if v, ok := a.Value(); ok {
			f := syntax.Parse([]byte(v))
			if len(f.Errors) == 0 && len(f.Body) == 1 {
				if es, ok := f.Body[0].(*syntax.ExprStmt); ok {
					return annotationKind(m, es.X)
				}
			}
		}
	}
	q := m.qualified(a)
	if k, ok := annotations[q]; ok {
		return recv{k: k}
	}
	if strings.HasPrefix(q, "testcontainers.") && isContainerClass(q) {
		return recv{k: kTestcontainer}
	}
	return recv{}
}

// returnAnnotation types a return annotation, looking through
// Generator[X, …], Iterator[X] and Iterable[X] (a fixture that yields).
func returnAnnotation(m *module, a Expr) recv {
	if s, ok := a.(*syntax.Subscript); ok {
		switch q := m.qualified(s.X); q {
		case "typing.Generator", "typing.Iterator", "typing.Iterable", "collections.abc.Generator", "collections.abc.Iterator",
			"typing.AsyncGenerator", "typing.AsyncIterator", "collections.abc.AsyncGenerator", "collections.abc.AsyncIterator":
			idx := s.Index
			if seq, ok := idx.(*syntax.Seq); ok && len(seq.Elts) > 0 {
				idx = seq.Elts[0]
			}
			return annotationKind(m, idx)
		}
	}
	return annotationKind(m, a)
}

// fixtureSet maps fixture names to what they provide.
type fixtureSet map[string]recv

// fixtureKinds returns the module's fixtures (what each returns or
// yields) over inherited ones. Fixtures may take other fixtures, so the
// kinds are computed to a fixed point.
func (m *module) fixtureKinds(inherited fixtureSet) fixtureSet {
	out := fixtureSet{}
	for k, v := range inherited {
		out[k] = v
	}
	if len(m.fixtureFuncs) == 0 {
		return out
	}
	ck := &checker{mod: m, src: m.src}
	m.fixtures = out
	for range 4 {
		changed := false
		for name, fn := range m.fixtureFuncs {
			r := ck.returned(fn)
			if r.k != kNone && out[name].k != r.k {
				out[name] = recv{k: r.k}
				changed = true
			}
		}
		if !changed {
			break
		}
	}
	return out
}

// returned returns what a function returns or yields, when that is one
// known kind.
func (ck *checker) returned(fn *syntax.FuncDef) recv { return ck.returnedDepth(fn, 0) }

func (ck *checker) returnedDepth(fn *syntax.FuncDef, depth int) recv {
	sc := ck.mod.scopes[fn]
	if fn.Returns != nil {
		if r := returnAnnotation(ck.mod, fn.Returns); r.k != kNone {
			return r
		}
	}
	var got recv
	var visit func([]syntax.Stmt)
	visit = func(body []syntax.Stmt) {
		for _, st := range body {
			switch s := st.(type) {
			case *syntax.Return:
				if r := ck.typeOfDepth(s.X, sc, depth); r.k != kNone {
					got = r
				}
			case *syntax.ExprStmt:
				if y, ok := s.X.(*syntax.Yield); ok && !y.From {
					if r := ck.typeOfDepth(y.X, sc, depth); r.k != kNone {
						got = r
					}
				}
			case *syntax.If:
				visit(s.Body)
				visit(s.Else)
			case *syntax.With:
				visit(s.Body)
			case *syntax.Try:
				visit(s.Body)
				visit(s.Else)
				visit(s.Finally)
			}
		}
	}
	visit(fn.Body)
	return got
}
