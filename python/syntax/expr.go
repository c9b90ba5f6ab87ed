package syntax

// starExprList parses star_expressions: a, *b, c (a tuple when there is
// a comma).
func (p *parser) starExprList() Expr {
	start := int(p.tok().Start)
	first := p.starExpr()
	if !p.is(",") {
		return first
	}
	elts := []Expr{first}
	for p.got(",") {
		if p.endsList() {
			break
		}
		elts = append(elts, p.starExpr())
	}
	return &Seq{Pos: Pos{start, p.lastEnd()}, Kind: '(', Elts: elts}
}

// starExprListNamed is starExprList whose items may be named expressions
// (a match subject).
func (p *parser) starExprListNamed() Expr { return p.starExprList() }

// endsList reports a token that cannot start an expression, ending a
// list after a trailing comma.
func (p *parser) endsList() bool {
	t := p.tok()
	switch t.Kind {
	case NEWLINE, ENDMARKER, DEDENT, INDENT:
		return true
	case OP:
		switch p.text(t) {
		case ")", "]", "}", "=", ":", ";", "+=", "-=", "*=", "/=", "//=", "%=", "@=", "&=", "|=", "^=", ">>=", "<<=", "**=":
			return true
		}
	case NAME:
		switch p.text(t) {
		case "in", "for", "if", "else", "as", "from", "async":
			return true
		}
	}
	return false
}

func (p *parser) starExpr() Expr {
	if p.is("*") {
		start := int(p.next().Start)
		x := p.bitOr()
		return &Starred{Pos: Pos{start, p.lastEnd()}, X: x}
	}
	return p.namedExpr()
}

// namedExpr parses NAME := expr or an expression.
func (p *parser) namedExpr() Expr {
	if t := p.tok(); t.Kind == NAME && p.isAt(1, ":=") && !keywords[p.text(t)] {
		p.i += 2
		v := p.expr()
		return &NamedExpr{Pos: Pos{int(t.Start), p.lastEnd()}, Target: &Name{Pos: Pos{int(t.Start), int(t.End)}, ID: p.text(t)}, Value: v}
	}
	return p.expr()
}

// expr parses an expression: lambda, or a conditional expression.
func (p *parser) expr() Expr {
	p.enter()
	defer p.leave()
	if p.is("lambda") {
		return p.lambda()
	}
	start := int(p.tok().Start)
	x := p.or()
	if p.is("if") {
		p.i++
		cond := p.or()
		p.expect("else")
		els := p.expr()
		return &IfExp{Pos: Pos{start, p.lastEnd()}, Cond: cond, Then: x, Else: els}
	}
	return x
}

func (p *parser) lambda() Expr {
	start := int(p.next().Start)
	params := p.params(":")
	p.expect(":")
	body := p.expr()
	return &Lambda{Pos: Pos{start, p.lastEnd()}, Params: params, Body: body}
}

func (p *parser) or() Expr {
	start := int(p.tok().Start)
	x := p.and()
	for p.got("or") {
		y := p.and()
		x = &BinOp{Pos: Pos{start, p.lastEnd()}, Op: "or", X: x, Y: y}
	}
	return x
}

func (p *parser) and() Expr {
	start := int(p.tok().Start)
	x := p.not()
	for p.got("and") {
		y := p.not()
		x = &BinOp{Pos: Pos{start, p.lastEnd()}, Op: "and", X: x, Y: y}
	}
	return x
}

func (p *parser) not() Expr {
	if p.is("not") {
		p.enter()
		defer p.leave()
		start := int(p.next().Start)
		x := p.not()
		return &Unary{Pos: Pos{start, p.lastEnd()}, Op: "not", X: x}
	}
	return p.comparison()
}

func (p *parser) comparison() Expr {
	start := int(p.tok().Start)
	x := p.bitOr()
	for {
		var op string
		switch {
		case p.is("<") || p.is(">") || p.is("==") || p.is(">=") || p.is("<=") || p.is("!=") || p.is("in"):
			op = p.text(p.next())
		case p.is("not") && p.isAt(1, "in"):
			p.i += 2
			op = "not in"
		case p.is("is"):
			p.i++
			op = "is"
			if p.got("not") {
				op = "is not"
			}
		default:
			return x
		}
		y := p.bitOr()
		x = &BinOp{Pos: Pos{start, p.lastEnd()}, Op: op, X: x, Y: y}
	}
}

// binary levels, loosest first.
var binLevels = [][]string{{"|"}, {"^"}, {"&"}, {"<<", ">>"}, {"+", "-"}, {"*", "/", "//", "%", "@"}}

func (p *parser) bitOr() Expr { return p.binary(0) }

func (p *parser) binary(level int) Expr {
	if level == len(binLevels) {
		return p.factor()
	}
	start := int(p.tok().Start)
	x := p.binary(level + 1)
	for {
		t := p.tok()
		if t.Kind != OP {
			return x
		}
		op := p.text(t)
		found := false
		for _, o := range binLevels[level] {
			if o == op {
				found = true
			}
		}
		if !found {
			return x
		}
		p.i++
		y := p.binary(level + 1)
		x = &BinOp{Pos: Pos{start, p.lastEnd()}, Op: op, X: x, Y: y}
	}
}

func (p *parser) factor() Expr {
	if p.is("-") || p.is("+") || p.is("~") {
		p.enter()
		defer p.leave()
		t := p.next()
		x := p.factor()
		return &Unary{Pos: Pos{int(t.Start), p.lastEnd()}, Op: p.text(t), X: x}
	}
	return p.power()
}

func (p *parser) power() Expr {
	start := int(p.tok().Start)
	var x Expr
	if p.is("await") {
		p.enter()
		defer p.leave()
		p.i++
		y := p.primary()
		x = &Unary{Pos: Pos{start, p.lastEnd()}, Op: "await", X: y}
	} else {
		x = p.primary()
	}
	if p.got("**") {
		y := p.factor()
		x = &BinOp{Pos: Pos{start, p.lastEnd()}, Op: "**", X: x, Y: y}
	}
	return x
}

func (p *parser) primary() Expr {
	start := int(p.tok().Start)
	x := p.atom()
	for {
		switch {
		case p.is("."):
			p.i++
			n, _ := p.name()
			x = &Attribute{Pos: Pos{start, p.lastEnd()}, X: x, Attr: n}
		case p.is("("):
			p.i++
			args := p.args()
			p.expect(")")
			x = &Call{Pos: Pos{start, p.lastEnd()}, Func: x, Args: args}
		case p.is("["):
			p.i++
			idx := p.slices()
			p.expect("]")
			x = &Subscript{Pos: Pos{start, p.lastEnd()}, X: x, Index: idx}
		default:
			return x
		}
	}
}

// args parses call arguments up to the closing ')'.
func (p *parser) args() []Arg {
	var out []Arg
	// bare is the start of an unparenthesized generator argument; CPython
	// accepts one only as the sole argument, with no trailing comma.
	bare, comma := -1, false
	defer func() {
		if bare >= 0 && (len(out) > 1 || comma) {
			p.errors = append(p.errors, Error{Offset: bare, Msg: "Generator expression must be parenthesized"})
		}
	}()
	for !p.is(")") {
		t := p.tok()
		a := Arg{Start: int(t.Start)}
		switch {
		case p.got("**"):
			a.Star = 2
			a.Value = p.expr()
		case p.got("*"):
			a.Star = 1
			a.Value = p.expr()
		case t.Kind == NAME && p.isAt(1, "=") && !keywords[p.text(t)]:
			p.i += 2
			a.Name = p.text(t)
			a.Value = p.expr()
		default:
			a.Value = p.namedExpr()
			if p.is("for") || p.is("async") {
				a.Value = p.comprehension('(', a.Value, nil, a.Start)
				if bare < 0 {
					bare = a.Start
				}
			}
		}
		out = append(out, a)
		if !p.got(",") {
			break
		}
		comma = p.is(")")
	}
	return out
}

func (p *parser) slices() Expr {
	start := int(p.tok().Start)
	first := p.slice()
	if !p.is(",") {
		return first
	}
	elts := []Expr{first}
	for p.got(",") {
		if p.is("]") {
			break
		}
		elts = append(elts, p.slice())
	}
	return &Seq{Pos: Pos{start, p.lastEnd()}, Kind: '(', Elts: elts}
}

func (p *parser) slice() Expr {
	start := int(p.tok().Start)
	var lo Expr
	if !p.is(":") {
		lo = p.starExpr()
		if !p.is(":") {
			return lo
		}
	}
	s := &Slice{Lo: lo}
	p.expect(":")
	if !p.is(":") && !p.is("]") && !p.is(",") {
		s.Hi = p.expr()
	}
	if p.got(":") && !p.is("]") && !p.is(",") {
		s.Step = p.expr()
	}
	s.Pos = Pos{start, p.lastEnd()}
	return s
}

func (p *parser) yieldExpr() Expr {
	start := int(p.next().Start)
	y := &Yield{}
	switch {
	case p.got("from"):
		y.From = true
		y.X = p.expr()
	case !p.endsList():
		y.X = p.starExprList()
	}
	y.Pos = Pos{start, p.lastEnd()}
	return y
}

func (p *parser) atom() Expr {
	t := p.tok()
	pos := Pos{int(t.Start), int(t.End)}
	switch t.Kind {
	case NAME:
		s := p.text(t)
		switch s {
		case "True", "False", "None":
			p.i++
			return &Const{Pos: pos, Value: s}
		}
		if keywords[s] {
			p.fail("")
		}
		p.i++
		return &Name{Pos: pos, ID: s}
	case NUMBER:
		p.i++
		return &Num{Pos: pos, Text: p.text(t)}
	case STRING:
		return p.strings()
	case OP:
		switch p.text(t) {
		case "...":
			p.i++
			return &Const{Pos: pos, Value: "..."}
		case "(":
			return p.paren()
		case "[":
			return p.list()
		case "{":
			return p.brace()
		}
	}
	p.fail("")
	return nil
}

func (p *parser) paren() Expr {
	start := int(p.next().Start)
	if p.got(")") {
		return &Seq{Pos: Pos{start, p.lastEnd()}, Kind: '('}
	}
	if p.is("yield") {
		y := p.yieldExpr()
		p.expect(")")
		return y
	}
	first := p.starExpr()
	if p.is("for") || p.is("async") {
		c := p.comprehension('(', first, nil, start)
		p.expect(")")
		return c
	}
	if p.got(")") {
		return first
	}
	elts := []Expr{first}
	for p.got(",") {
		if p.is(")") {
			break
		}
		elts = append(elts, p.starExpr())
	}
	p.expect(")")
	return &Seq{Pos: Pos{start, p.lastEnd()}, Kind: '(', Elts: elts}
}

func (p *parser) list() Expr {
	start := int(p.next().Start)
	if p.got("]") {
		return &Seq{Pos: Pos{start, p.lastEnd()}, Kind: '['}
	}
	first := p.starExpr()
	if p.is("for") || p.is("async") {
		c := p.comprehension('[', first, nil, start)
		p.expect("]")
		return c
	}
	elts := []Expr{first}
	for p.got(",") {
		if p.is("]") {
			break
		}
		elts = append(elts, p.starExpr())
	}
	p.expect("]")
	return &Seq{Pos: Pos{start, p.lastEnd()}, Kind: '[', Elts: elts}
}

func (p *parser) brace() Expr {
	start := int(p.next().Start)
	if p.got("}") {
		return &Dict{Pos: Pos{start, p.lastEnd()}}
	}
	var key, val Expr
	if p.got("**") {
		val = p.bitOr()
	} else {
		key = p.starExpr()
		if p.got(":") {
			val = p.expr()
		} else {
			// a set
			if p.is("for") || p.is("async") {
				c := p.comprehension('{', key, nil, start)
				p.expect("}")
				return c
			}
			elts := []Expr{key}
			for p.got(",") {
				if p.is("}") {
					break
				}
				elts = append(elts, p.starExpr())
			}
			p.expect("}")
			return &Seq{Pos: Pos{start, p.lastEnd()}, Kind: '{', Elts: elts}
		}
	}
	if key != nil && (p.is("for") || p.is("async")) {
		c := p.comprehension('{', key, val, start)
		p.expect("}")
		return c
	}
	d := &Dict{Keys: []Expr{key}, Values: []Expr{val}}
	for p.got(",") {
		if p.is("}") {
			break
		}
		if p.got("**") {
			d.Keys = append(d.Keys, nil)
			d.Values = append(d.Values, p.bitOr())
			continue
		}
		k := p.expr()
		p.expect(":")
		d.Keys = append(d.Keys, k)
		d.Values = append(d.Values, p.expr())
	}
	p.expect("}")
	d.Pos = Pos{start, p.lastEnd()}
	return d
}

func (p *parser) comprehension(kind byte, elt, val Expr, start int) Expr {
	c := &Comp{Kind: kind, Elt: elt, Value: val}
	for p.is("for") || p.is("async") {
		g := Gen{}
		if p.got("async") {
			g.Async = true
		}
		p.expect("for")
		g.Target = p.targetList()
		p.expect("in")
		g.Iter = p.or()
		for p.got("if") {
			g.Ifs = append(g.Ifs, p.or())
		}
		c.Gens = append(c.Gens, g)
	}
	c.Pos = Pos{start, p.lastEnd()}
	return c
}
