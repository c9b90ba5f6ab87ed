package python

import (
	"strings"

	"github.com/dockguard/dockguard/python/syntax"
)

// binding is one way a name gets a value in a scope.
type binding struct {
	value Expr
	// iter is set for a loop or comprehension variable: the iterable.
	iter Expr
	// param is set for a function parameter.
	param *syntax.Param
	// at is where the binding is made.
	at int
	// unknown marks a value that cannot be followed (a tuple target, an
	// augmented assignment, a global).
	unknown bool
}

// Expr is a syntax expression (shortened for this package).
type Expr = syntax.Expr

// scope is a function body's (or the module's) names.
type scope struct {
	parent *scope
	names  map[string][]binding
	fn     *syntax.FuncDef
	// test is set for a test function or fixture, whose parameters pytest
	// fills with fixtures.
	test bool
	// cls is the class of a method, and self the name of the method's
	// first parameter (self, or cls in a classmethod); both are zero
	// outside methods and in static methods.
	cls  *class
	self string
}

// class is what is known of a class's instances: the values assigned to
// its attributes (self.client = docker.from_env() in any method, or
// client = … in the class body) and its methods, so that self.client and
// self.get_client() are typed as what they hold and return.
type class struct {
	attrs   map[string][]attrValue
	methods map[string]*syntax.FuncDef
}

// attrValue is one assignment to an attribute, with the scope its value
// resolves in.
type attrValue struct {
	value Expr
	sc    *scope
}

func (s *scope) bind(name string, b binding) {
	if b.at == 0 {
		switch {
		case b.value != nil:
			b.at, _ = b.value.Span()
		case b.iter != nil:
			b.at, _ = b.iter.Span()
		case b.param != nil:
			b.at = b.param.Start
		}
	}
	if s.names == nil {
		s.names = map[string][]binding{}
	}
	s.names[name] = append(s.names[name], b)
}

// lookup returns the one binding of name in the nearest scope that binds
// it; ok is false when the name is bound several times there (no constant)
// or nowhere.
func (s *scope) lookup(name string) (binding, bool) {
	for sc := s; sc != nil; sc = sc.parent {
		if bs, found := sc.names[name]; found {
			if len(bs) != 1 {
				return binding{}, false
			}
			return bs[0], true
		}
	}
	return binding{}, false
}

// lookupAt is lookup for typing a receiver: where a name is bound several
// times, the last binding before offset at counts (the first when none
// precedes it).
func (s *scope) lookupAt(name string, at int) (binding, *scope, bool) {
	for sc := s; sc != nil; sc = sc.parent {
		if bs, found := sc.names[name]; found {
			best := bs[0]
			for _, b := range bs[1:] {
				if b.at < at {
					best = b
				}
			}
			return best, sc, true
		}
	}
	return binding{}, nil, false
}

// module is a parsed file with its imports and scopes.
type module struct {
	f        *syntax.File
	src      []byte
	imports  map[string]string
	root     *scope
	scopes   map[*syntax.FuncDef]*scope
	fixtures fixtureSet
	// funcs are the module-level functions by name.
	funcs map[string]*syntax.FuncDef
	// fixtureFuncs are the module's pytest fixtures by fixture name.
	fixtureFuncs map[string]*syntax.FuncDef
}

func newModule(f *syntax.File, src []byte) *module {
	m := &module{f: f, src: src, imports: map[string]string{}, root: &scope{}, scopes: map[*syntax.FuncDef]*scope{}, fixtureFuncs: map[string]*syntax.FuncDef{}, funcs: map[string]*syntax.FuncDef{}}
	m.collect(f.Body, m.root, true)
	return m
}

// collect records the bindings of a body in sc and builds the scopes of
// the functions inside it.
func (m *module) collect(body []syntax.Stmt, sc *scope, top bool) {
	for _, st := range body {
		m.collectStmt(st, sc, top)
	}
}

func (m *module) collectStmt(st syntax.Stmt, sc *scope, top bool) {
	switch s := st.(type) {
	case *syntax.Import:
		for _, a := range s.Names {
			local, full := a.AsName, a.Name
			if local == "" {
				local, _, _ = strings.Cut(a.Name, ".")
				full = local
			}
			m.imports[local] = full
			sc.bind(local, binding{unknown: true})
		}
	case *syntax.ImportFrom:
		for _, a := range s.Names {
			if a.Name == "*" || s.Level > 0 {
				continue
			}
			local := a.AsName
			if local == "" {
				local = a.Name
			}
			m.imports[local] = s.Module + "." + a.Name
			sc.bind(local, binding{unknown: true})
		}
	case *syntax.Assign:
		for _, t := range s.Targets {
			m.bindTarget(t, s.Value, s.Op != "" || s.Value == nil, sc)
			m.bindAttr(t, s.Value, s.Op != "", sc)
		}
	case *syntax.For:
		m.bindIter(s.Target, s.Iter, sc)
		m.collect(s.Body, sc, false)
		m.collect(s.Else, sc, false)
	case *syntax.While:
		m.collect(s.Body, sc, false)
		m.collect(s.Else, sc, false)
	case *syntax.If:
		m.collect(s.Body, sc, false)
		m.collect(s.Else, sc, false)
	case *syntax.With:
		for _, it := range s.Items {
			if it.Target != nil {
				m.bindTarget(it.Target, it.X, false, sc)
			}
		}
		m.collect(s.Body, sc, false)
	case *syntax.Try:
		m.collect(s.Body, sc, false)
		for _, h := range s.Handlers {
			if h.Name != "" {
				sc.bind(h.Name, binding{unknown: true})
			}
			m.collect(h.Body, sc, false)
		}
		m.collect(s.Else, sc, false)
		m.collect(s.Finally, sc, false)
	case *syntax.Match:
		for _, c := range s.Cases {
			m.collect(c.Body, sc, false)
		}
	case *syntax.Simple:
		if s.Keyword == "global" || s.Keyword == "nonlocal" {
			for _, e := range s.Exprs {
				if n, ok := e.(*syntax.Name); ok {
					sc.bind(n.ID, binding{unknown: true})
				}
			}
		}
	case *syntax.FuncDef:
		sc.bind(s.Name, binding{unknown: true})
		fs := &scope{parent: sc, fn: s}
		fs.test = strings.HasPrefix(s.Name, "test") || isFixture(m, s) != ""
		for i := range s.Params {
			fs.bind(s.Params[i].Name, binding{param: &s.Params[i]})
		}
		m.scopes[s] = fs
		if sc == m.root {
			m.funcs[s.Name] = s
		}
		if name := isFixture(m, s); name != "" && top {
			m.fixtureFuncs[name] = s
		}
		m.collect(s.Body, fs, false)
	case *syntax.ClassDef:
		sc.bind(s.Name, binding{unknown: true})
		// Methods do not see the class body's names: they resolve in
		// the enclosing scope.
		cs := &scope{parent: sc}
		cl := &class{attrs: map[string][]attrValue{}, methods: map[string]*syntax.FuncDef{}}
		for _, b := range s.Body {
			if fd, ok := b.(*syntax.FuncDef); ok {
				m.collectStmt(fd, sc, top && strings.HasPrefix(s.Name, "Test"))
				cl.methods[fd.Name] = fd
				if fs := m.scopes[fd]; fs != nil && len(fd.Params) > 0 && !hasDecorator(m, fd, "staticmethod") {
					fs.cls, fs.self = cl, fd.Params[0].Name
				}
				continue
			}
			m.collectStmt(b, cs, false)
			// A class attribute (client = docker.from_env()) is what
			// self.client holds until a method assigns it.
			if a, ok := b.(*syntax.Assign); ok && a.Op == "" && a.Value != nil {
				for _, t := range a.Targets {
					if n, ok := t.(*syntax.Name); ok {
						cl.attrs[n.ID] = append(cl.attrs[n.ID], attrValue{value: a.Value, sc: cs})
					}
				}
			}
		}
		// Assignments to self.X inside the methods, nested blocks
		// included, were collected before the methods' scopes knew
		// their class: gather them now.
		for _, fd := range cl.methods {
			if fs := m.scopes[fd]; fs != nil && fs.cls == cl {
				m.collectAttrs(fd.Body, fs)
			}
		}
	}
	// Walrus targets anywhere in the statement bind in this scope.
	walkExprs(st, func(e Expr) {
		if ne, ok := e.(*syntax.NamedExpr); ok {
			sc.bind(ne.Target.ID, binding{value: ne.Value})
		}
	})
}

func (m *module) bindTarget(t, value Expr, unknown bool, sc *scope) {
	switch t := t.(type) {
	case *syntax.Name:
		sc.bind(t.ID, binding{value: value, unknown: unknown})
	case *syntax.Seq:
		for _, e := range t.Elts {
			m.bindTarget(e, nil, true, sc)
		}
	case *syntax.Starred:
		m.bindTarget(t.X, nil, true, sc)
	}
}

// bindAttr records self.X = value in a method whose scope already knows
// its class (assignments in nested functions of a method).
func (m *module) bindAttr(t, value Expr, aug bool, sc *scope) {
	a, ok := t.(*syntax.Attribute)
	if !ok || aug || value == nil {
		return
	}
	n, ok := a.X.(*syntax.Name)
	if !ok {
		return
	}
	b, bsc, ok := sc.lookupAt(n.ID, n.Start)
	if !ok || b.param == nil || bsc.cls == nil || bsc.self != n.ID {
		return
	}
	bsc.cls.attrs[a.Attr] = append(bsc.cls.attrs[a.Attr], attrValue{value: value, sc: sc})
}

// collectAttrs gathers the self.X assignments of a method's body,
// descending into blocks but not into nested functions or classes (whose
// own scopes record theirs once their class is known).
func (m *module) collectAttrs(body []syntax.Stmt, sc *scope) {
	for _, st := range body {
		switch s := st.(type) {
		case *syntax.Assign:
			for _, t := range s.Targets {
				m.bindAttr(t, s.Value, s.Op != "", sc)
			}
		case *syntax.For:
			m.collectAttrs(s.Body, sc)
			m.collectAttrs(s.Else, sc)
		case *syntax.While:
			m.collectAttrs(s.Body, sc)
			m.collectAttrs(s.Else, sc)
		case *syntax.If:
			m.collectAttrs(s.Body, sc)
			m.collectAttrs(s.Else, sc)
		case *syntax.With:
			m.collectAttrs(s.Body, sc)
		case *syntax.Try:
			m.collectAttrs(s.Body, sc)
			for _, h := range s.Handlers {
				m.collectAttrs(h.Body, sc)
			}
			m.collectAttrs(s.Else, sc)
			m.collectAttrs(s.Finally, sc)
		case *syntax.Match:
			for _, c := range s.Cases {
				m.collectAttrs(c.Body, sc)
			}
		}
	}
}

// hasDecorator reports a decorator that is the builtin name (staticmethod).
func hasDecorator(m *module, f *syntax.FuncDef, name string) bool {
	for _, d := range f.Decorators {
		if n, ok := d.(*syntax.Name); ok && n.ID == name && m.imports[name] == "" {
			return true
		}
	}
	return false
}

func (m *module) bindIter(t, iter Expr, sc *scope) {
	switch t := t.(type) {
	case *syntax.Name:
		sc.bind(t.ID, binding{iter: iter})
	default:
		m.bindTarget(t, nil, true, sc)
	}
}

// isFixture returns the fixture name of a function decorated with
// @pytest.fixture (bare or called, name= honoured), or "".
func isFixture(m *module, f *syntax.FuncDef) string {
	for _, d := range f.Decorators {
		callee := d
		var call *syntax.Call
		if c, ok := d.(*syntax.Call); ok {
			callee, call = c.Func, c
		}
		q := m.qualified(callee)
		if q != "pytest.fixture" && q != "pytest_asyncio.fixture" {
			continue
		}
		if call != nil {
			for _, a := range call.Args {
				if a.Name == "name" {
					if s, ok := a.Value.(*syntax.Str); ok {
						if v, ok := s.Value(); ok {
							return v
						}
					}
				}
			}
		}
		return f.Name
	}
	return ""
}

// qualified returns the dotted name an expression denotes through the
// module's imports ("subprocess.run" for sp.run after import subprocess
// as sp), or "".
func (m *module) qualified(e Expr) string {
	switch e := e.(type) {
	case *syntax.Name:
		return m.imports[e.ID]
	case *syntax.Attribute:
		if q := m.qualified(e.X); q != "" {
			return q + "." + e.Attr
		}
	}
	return ""
}

// walkExprs calls fn for every expression in a statement, not descending
// into nested statements' bodies.
func walkExprs(st syntax.Stmt, fn func(Expr)) {
	var exprs []Expr
	switch s := st.(type) {
	case *syntax.ExprStmt:
		exprs = []Expr{s.X}
	case *syntax.Assign:
		exprs = append(append(exprs, s.Targets...), s.Value, s.Annotation)
	case *syntax.Return:
		exprs = []Expr{s.X}
	case *syntax.Simple:
		exprs = s.Exprs
	case *syntax.If:
		exprs = []Expr{s.Cond}
	case *syntax.While:
		exprs = []Expr{s.Cond}
	case *syntax.For:
		exprs = []Expr{s.Iter}
	case *syntax.With:
		for _, it := range s.Items {
			exprs = append(exprs, it.X)
		}
	case *syntax.Match:
		exprs = []Expr{s.Subject}
	}
	for _, e := range exprs {
		inspect(e, fn)
	}
}

// inspect calls fn for e and every expression inside it, depth first.
func inspect(e Expr, fn func(Expr)) {
	if e == nil {
		return
	}
	fn(e)
	switch e := e.(type) {
	case *syntax.Attribute:
		inspect(e.X, fn)
	case *syntax.Call:
		inspect(e.Func, fn)
		for _, a := range e.Args {
			inspect(a.Value, fn)
		}
	case *syntax.Str:
		for _, p := range e.Parts {
			inspect(p.Field, fn)
		}
	case *syntax.Seq:
		for _, x := range e.Elts {
			inspect(x, fn)
		}
	case *syntax.Dict:
		for i := range e.Values {
			inspect(e.Keys[i], fn)
			inspect(e.Values[i], fn)
		}
	case *syntax.Starred:
		inspect(e.X, fn)
	case *syntax.BinOp:
		inspect(e.X, fn)
		inspect(e.Y, fn)
	case *syntax.Unary:
		inspect(e.X, fn)
	case *syntax.Subscript:
		inspect(e.X, fn)
		inspect(e.Index, fn)
	case *syntax.Slice:
		inspect(e.Lo, fn)
		inspect(e.Hi, fn)
		inspect(e.Step, fn)
	case *syntax.Comp:
		inspect(e.Elt, fn)
		inspect(e.Value, fn)
		for _, g := range e.Gens {
			inspect(g.Iter, fn)
			for _, c := range g.Ifs {
				inspect(c, fn)
			}
		}
	case *syntax.Lambda:
		inspect(e.Body, fn)
	case *syntax.IfExp:
		inspect(e.Cond, fn)
		inspect(e.Then, fn)
		inspect(e.Else, fn)
	case *syntax.NamedExpr:
		inspect(e.Value, fn)
	case *syntax.Yield:
		inspect(e.X, fn)
	}
}
