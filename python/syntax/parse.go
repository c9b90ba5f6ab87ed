package syntax

import (
	"fmt"
	"sort"
	"strings"
)

// File is a parsed Python file.
type File struct {
	Body []Stmt
	// Errors are the lexical and syntax errors, in source order.
	Errors []Error
	Tokens *Tokens
}

// maxDepth bounds the parser's recursion on chains that need no brackets
// (not not …, - - …, lambda: lambda: …), as CPython's parser stack does.
const maxDepth = 3000

// keywords are Python's hard keywords: never a name.
var keywords = map[string]bool{
	"False": true, "None": true, "True": true, "and": true, "as": true, "assert": true, "async": true,
	"await": true, "break": true, "class": true, "continue": true, "def": true, "del": true, "elif": true,
	"else": true, "except": true, "finally": true, "for": true, "from": true, "global": true, "if": true,
	"import": true, "in": true, "is": true, "lambda": true, "nonlocal": true, "not": true, "or": true,
	"pass": true, "raise": true, "return": true, "try": true, "while": true, "with": true, "yield": true,
}

// Parse tokenizes and parses src. It never fails: errors are in
// File.Errors, and statements after an error are still parsed.
func Parse(src []byte) *File {
	ts := Tokenize(src)
	f := &File{Tokens: ts}
	if ts.TooDeep {
		f.Errors = append(f.Errors, ts.Errors...)
		sortErrors(f.Errors)
		return f
	}
	p := newParser(src, ts.Toks, ts.Latin1)
	p.broken = ts.Unclosed
	f.Body = p.stmts(true)
	f.Errors = append(append(f.Errors, ts.Errors...), p.errors...)
	sortErrors(f.Errors)
	return f
}

func sortErrors(es []Error) {
	sort.SliceStable(es, func(i, j int) bool { return es[i].Offset < es[j].Offset })
}

type parser struct {
	src    []byte
	toks   []Token
	i      int
	errors []Error
	depth  int
	latin1 bool
	// broken is the offset of an unclosed bracket (or -1): after it,
	// lines are told apart by where their first token is.
	broken int
	// sub is set for an f-string field's expression, where line
	// structure does not matter.
	sub bool
}

func newParser(src []byte, all []Token, latin1 bool) *parser {
	toks := make([]Token, 0, len(all))
	for _, t := range all {
		switch t.Kind {
		case COMMENT, NL, ERRORTOKEN:
			continue
		}
		toks = append(toks, t)
	}
	return &parser{src: src, toks: toks, latin1: latin1, broken: -1}
}

type bailout struct{}

func (p *parser) tok() Token {
	if p.i < len(p.toks) {
		return p.toks[p.i]
	}
	n := int32(len(p.src))
	return Token{Kind: ENDMARKER, Start: n, End: n}
}

func (p *parser) peek(k int) Token {
	if p.i+k < len(p.toks) {
		return p.toks[p.i+k]
	}
	n := int32(len(p.src))
	return Token{Kind: ENDMARKER, Start: n, End: n}
}

func (p *parser) text(t Token) string { return string(p.src[t.Start:t.End]) }

// is reports whether the current token is the operator or keyword s.
func (p *parser) is(s string) bool {
	t := p.tok()
	return (t.Kind == OP || t.Kind == NAME) && int(t.End-t.Start) == len(s) && string(p.src[t.Start:t.End]) == s
}

func (p *parser) isAt(k int, s string) bool {
	t := p.peek(k)
	return (t.Kind == OP || t.Kind == NAME) && int(t.End-t.Start) == len(s) && string(p.src[t.Start:t.End]) == s
}

func (p *parser) next() Token {
	t := p.tok()
	if p.i < len(p.toks) {
		p.i++
	}
	return t
}

func (p *parser) got(s string) bool {
	if p.is(s) {
		p.i++
		return true
	}
	return false
}

func (p *parser) fail(msg string) {
	t := p.tok()
	if msg == "" {
		msg = "invalid syntax"
		if t.Kind == ENDMARKER || t.Kind == NEWLINE && t.Start == t.End {
			msg = "invalid syntax: unexpected end of file"
		} else if t.Kind == INDENT {
			msg = "unexpected indent"
		}
	}
	p.errors = append(p.errors, Error{Offset: int(t.Start), Msg: msg})
	panic(bailout{})
}

func (p *parser) expect(s string) {
	if !p.is(s) {
		p.fail(fmt.Sprintf("invalid syntax: expected '%s'", s))
	}
	p.i++
}

func (p *parser) name() (string, Token) {
	t := p.tok()
	if t.Kind != NAME || keywords[p.text(t)] {
		p.fail("invalid syntax: expected a name")
	}
	p.i++
	return p.text(t), t
}

func (p *parser) enter() {
	p.depth++
	if p.depth > maxDepth {
		p.fail("too many nested expressions")
	}
}

func (p *parser) leave() { p.depth-- }

// stmts parses statements up to the end of the file (top) or the DEDENT
// that closes the block.
func (p *parser) stmts(top bool) []Stmt {
	var out []Stmt
	for {
		t := p.tok()
		switch t.Kind {
		case ENDMARKER:
			return out
		case DEDENT:
			if !top {
				p.i++
				return out
			}
			p.i++
			continue
		case NEWLINE:
			p.i++
			continue
		case INDENT:
			if top || len(out) > 0 {
				p.errors = append(p.errors, Error{Offset: int(t.Start), Msg: "unexpected indent"})
			}
			p.i++
			out = append(out, p.stmts(false)...)
			continue
		}
		out = append(out, p.stmt()...)
	}
}

// stmt parses one statement (or a line of ;-separated simple ones),
// recovering from a syntax error by skipping to the end of the line.
func (p *parser) stmt() (out []Stmt) {
	start := p.i
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(bailout); !ok {
				panic(r)
			}
			p.depth = 0
			p.sync(start)
		}
	}()
	return p.statement()
}

// sync skips to the next line after an error: the end of the logical line,
// or a statement keyword at the start of a line (after an unclosed bracket
// the rest of the file is one logical line).
func (p *parser) sync(start int) {
	if p.i == start {
		p.i++
	}
	for p.i < len(p.toks) {
		t := p.toks[p.i]
		switch t.Kind {
		case NEWLINE:
			p.i++
			return
		case INDENT, DEDENT, ENDMARKER:
			return
		case NAME:
			if p.newLine(t) {
				return
			}
			if t.Start == 0 || p.src[t.Start-1] == '\n' {
				switch p.text(t) {
				case "def", "class", "import", "from", "if", "for", "while", "with", "try", "async", "@":
					return
				}
			}
		case OP:
			if p.src[t.Start] == '@' && (t.Start == 0 || p.src[t.Start-1] == '\n') {
				return
			}
		}
		p.i++
	}
}

func (p *parser) statement() []Stmt {
	t := p.tok()
	if t.Kind == OP && p.is("@") {
		return []Stmt{p.decorated()}
	}
	if t.Kind == NAME {
		switch p.text(t) {
		case "def":
			return []Stmt{p.funcDef(nil, false, int(t.Start))}
		case "class":
			return []Stmt{p.classDef(nil, int(t.Start))}
		case "if":
			return []Stmt{p.ifStmt()}
		case "for":
			return []Stmt{p.forStmt(false, int(t.Start))}
		case "while":
			return []Stmt{p.whileStmt()}
		case "with":
			return []Stmt{p.withStmt(false, int(t.Start))}
		case "try":
			return []Stmt{p.tryStmt()}
		case "async":
			p.i++
			switch {
			case p.is("def"):
				return []Stmt{p.funcDef(nil, true, int(t.Start))}
			case p.is("for"):
				return []Stmt{p.forStmt(true, int(t.Start))}
			case p.is("with"):
				return []Stmt{p.withStmt(true, int(t.Start))}
			}
			p.fail("")
		case "match":
			if p.softMatch() {
				return []Stmt{p.matchStmt()}
			}
		}
	}
	return p.simpleLine()
}

// simpleLine parses simple statements separated by ';' up to NEWLINE.
func (p *parser) simpleLine() []Stmt {
	var out []Stmt
	for {
		out = append(out, p.simple())
		if !p.got(";") {
			break
		}
		if t := p.tok(); t.Kind == NEWLINE || t.Kind == ENDMARKER {
			break
		}
	}
	p.endLine()
	return out
}

func (p *parser) endLine() {
	t := p.tok()
	switch t.Kind {
	case NEWLINE:
		p.i++
	case ENDMARKER, DEDENT:
	default:
		if p.sub || p.newLine(t) {
			return
		}
		p.fail("")
	}
}

// newLine reports a token that starts a physical line after an unclosed
// bracket, where the tokenizer no longer ends logical lines.
func (p *parser) newLine(t Token) bool {
	if p.broken < 0 || int(t.Start) <= p.broken {
		return false
	}
	for k := int(t.Start) - 1; k >= 0; k-- {
		switch p.src[k] {
		case ' ', '\t', '\f':
			continue
		case '\n':
			return true
		}
		return false
	}
	return true
}

func (p *parser) simple() Stmt {
	t := p.tok()
	start := int(t.Start)
	if t.Kind == NAME {
		switch kw := p.text(t); kw {
		case "pass", "break", "continue":
			p.i++
			return &Simple{Pos: Pos{start, int(t.End)}, Keyword: kw}
		case "return":
			p.i++
			var x Expr
			if !p.atLineEnd() {
				x = p.starExprList()
			}
			return &Return{Pos: Pos{start, p.lastEnd()}, X: x}
		case "import":
			return p.importStmt()
		case "from":
			return p.fromStmt()
		case "raise":
			p.i++
			s := &Simple{Keyword: kw}
			if !p.atLineEnd() {
				s.Exprs = append(s.Exprs, p.expr())
				if p.got("from") {
					s.Exprs = append(s.Exprs, p.expr())
				}
			}
			s.Pos = Pos{start, p.lastEnd()}
			return s
		case "global", "nonlocal":
			p.i++
			s := &Simple{Keyword: kw}
			for {
				_, nt := p.name()
				s.Exprs = append(s.Exprs, &Name{Pos: Pos{int(nt.Start), int(nt.End)}, ID: p.text(nt)})
				if !p.got(",") {
					break
				}
			}
			s.Pos = Pos{start, p.lastEnd()}
			return s
		case "del":
			p.i++
			s := &Simple{Keyword: kw, Exprs: []Expr{p.targetList()}}
			s.Pos = Pos{start, p.lastEnd()}
			return s
		case "assert":
			p.i++
			s := &Simple{Keyword: kw, Exprs: []Expr{p.expr()}}
			if p.got(",") {
				s.Exprs = append(s.Exprs, p.expr())
			}
			s.Pos = Pos{start, p.lastEnd()}
			return s
		case "type":
			if nt := p.peek(1); nt.Kind == NAME && (p.isAt(2, "=") || p.isAt(2, "[")) {
				p.i += 2
				if p.is("[") {
					p.skipBrackets()
				}
				p.expect("=")
				s := &Simple{Keyword: kw, Exprs: []Expr{p.expr()}}
				s.Pos = Pos{start, p.lastEnd()}
				return s
			}
		}
	}
	return p.exprStmt()
}

func (p *parser) atLineEnd() bool {
	t := p.tok()
	return t.Kind == NEWLINE || t.Kind == ENDMARKER || t.Kind == DEDENT || p.is(";")
}

func (p *parser) lastEnd() int {
	if p.i > 0 && p.i-1 < len(p.toks) {
		return int(p.toks[p.i-1].End)
	}
	return 0
}

func (p *parser) exprStmt() Stmt {
	start := int(p.tok().Start)
	var first Expr
	if p.is("yield") {
		first = p.yieldExpr()
	} else {
		first = p.starExprList()
	}
	switch {
	case p.is("="):
		a := &Assign{Targets: []Expr{first}}
		for p.got("=") {
			var v Expr
			if p.is("yield") {
				v = p.yieldExpr()
			} else {
				v = p.starExprList()
			}
			a.Targets = append(a.Targets, v)
		}
		a.Value = a.Targets[len(a.Targets)-1]
		a.Targets = a.Targets[:len(a.Targets)-1]
		a.Pos = Pos{start, p.lastEnd()}
		return a
	case p.is(":"):
		p.i++
		a := &Assign{Targets: []Expr{first}, Annotation: p.expr()}
		if p.got("=") {
			if p.is("yield") {
				a.Value = p.yieldExpr()
			} else {
				a.Value = p.starExprList()
			}
		}
		a.Pos = Pos{start, p.lastEnd()}
		return a
	}
	if t := p.tok(); t.Kind == OP && t.End-t.Start >= 2 && p.src[t.End-1] == '=' && !p.is("==") && !p.is("!=") && !p.is("<=") && !p.is(">=") {
		op := p.text(t)
		p.i++
		a := &Assign{Targets: []Expr{first}, Op: op}
		if p.is("yield") {
			a.Value = p.yieldExpr()
		} else {
			a.Value = p.starExprList()
		}
		a.Pos = Pos{start, p.lastEnd()}
		return a
	}
	return &ExprStmt{Pos: Pos{start, p.lastEnd()}, X: first}
}

func (p *parser) dotted() string {
	n, _ := p.name()
	var b strings.Builder
	b.WriteString(n)
	for p.got(".") {
		m, _ := p.name()
		b.WriteByte('.')
		b.WriteString(m)
	}
	return b.String()
}

func (p *parser) importStmt() Stmt {
	start := int(p.next().Start)
	s := &Import{}
	for {
		a := Alias{Name: p.dotted()}
		if p.got("as") {
			a.AsName, _ = p.name()
		}
		s.Names = append(s.Names, a)
		if !p.got(",") {
			break
		}
	}
	s.Pos = Pos{start, p.lastEnd()}
	return s
}

func (p *parser) fromStmt() Stmt {
	start := int(p.next().Start)
	s := &ImportFrom{}
	for p.is(".") || p.is("...") {
		s.Level += len(p.text(p.next()))
	}
	if !p.is("import") {
		s.Module = p.dotted()
	}
	p.expect("import")
	if p.got("*") {
		s.Names = []Alias{{Name: "*"}}
	} else {
		paren := p.got("(")
		for !paren || !p.is(")") {
			a := Alias{}
			a.Name, _ = p.name()
			if p.got("as") {
				a.AsName, _ = p.name()
			}
			s.Names = append(s.Names, a)
			if !p.got(",") {
				break
			}
		}
		if paren {
			p.expect(")")
		}
	}
	s.Pos = Pos{start, p.lastEnd()}
	return s
}

// block parses the body after a ':' : an indented block or simple
// statements on the same line.
func (p *parser) block() []Stmt {
	p.expect(":")
	if t := p.tok(); t.Kind == NEWLINE {
		p.i++
		if p.tok().Kind != INDENT {
			p.fail("expected an indented block")
		}
		p.i++
		return p.stmts(false)
	}
	if p.newLine(p.tok()) {
		return p.statement()
	}
	return p.simpleLine()
}

func (p *parser) body() []Stmt { return p.block() }

func (p *parser) decorated() Stmt {
	start := int(p.tok().Start)
	var decos []Expr
	for p.got("@") {
		decos = append(decos, p.namedExpr())
		p.endLine()
	}
	switch {
	case p.is("def"):
		return p.funcDef(decos, false, start)
	case p.is("async") && p.isAt(1, "def"):
		p.i++
		return p.funcDef(decos, true, start)
	case p.is("class"):
		return p.classDef(decos, start)
	}
	p.fail("invalid syntax: expected def or class after a decorator")
	return nil
}

func (p *parser) funcDef(decos []Expr, async bool, start int) Stmt {
	p.expect("def")
	f := &FuncDef{Decorators: decos, Async: async}
	f.Name, _ = p.name()
	if p.is("[") {
		p.skipBrackets()
	}
	p.expect("(")
	f.Params = p.params(")")
	p.expect(")")
	if p.got("->") {
		f.Returns = p.expr()
	}
	f.Body = p.body()
	f.Pos = Pos{start, p.lastEnd()}
	return f
}

// params parses a parameter list up to the closing token (")" for def,
// ":" for lambda, which has no annotations).
func (p *parser) params(closing string) []Param {
	var out []Param
	for !p.is(closing) {
		t := p.tok()
		pr := Param{}
		switch {
		case p.got("/"):
			if !p.got(",") {
				return out
			}
			continue
		case p.got("**"):
			pr.Star = 2
		case p.got("*"):
			pr.Star = 1
			if p.is(",") || p.is(closing) {
				p.got(",")
				continue
			}
		}
		var nt Token
		pr.Name, nt = p.name()
		pr.Pos = Pos{int(t.Start), int(nt.End)}
		if closing == ")" && p.got(":") {
			if p.is("*") {
				// *args: *Ts (PEP 646)
				p.i++
			}
			pr.Annotation = p.expr()
		}
		if p.got("=") {
			pr.Default = p.expr()
		}
		out = append(out, pr)
		if !p.got(",") {
			break
		}
	}
	return out
}

func (p *parser) skipBrackets() {
	depth := 0
	for {
		t := p.tok()
		if t.Kind == ENDMARKER {
			p.fail("")
		}
		p.i++
		if t.Kind == OP {
			switch p.src[t.Start] {
			case '(', '[', '{':
				depth++
			case ')', ']', '}':
				depth--
			}
		}
		if depth == 0 {
			return
		}
	}
}

func (p *parser) classDef(decos []Expr, start int) Stmt {
	p.expect("class")
	c := &ClassDef{Decorators: decos}
	c.Name, _ = p.name()
	if p.is("[") {
		p.skipBrackets()
	}
	if p.got("(") {
		c.Bases = p.args()
		p.expect(")")
	}
	c.Body = p.body()
	c.Pos = Pos{start, p.lastEnd()}
	return c
}

func (p *parser) ifStmt() Stmt {
	start := int(p.next().Start)
	s := &If{Cond: p.namedExpr()}
	s.Body = p.body()
	switch {
	case p.is("elif"):
		s.Else = []Stmt{p.ifStmt()}
	case p.is("else"):
		p.i++
		s.Else = p.body()
	}
	s.Pos = Pos{start, p.lastEnd()}
	return s
}

func (p *parser) forStmt(async bool, start int) Stmt {
	p.expect("for")
	s := &For{Async: async, Target: p.targetList()}
	p.expect("in")
	s.Iter = p.starExprList()
	s.Body = p.body()
	if p.got("else") {
		s.Else = p.body()
	}
	s.Pos = Pos{start, p.lastEnd()}
	return s
}

func (p *parser) whileStmt() Stmt {
	start := int(p.next().Start)
	s := &While{Cond: p.namedExpr()}
	s.Body = p.body()
	if p.got("else") {
		s.Else = p.body()
	}
	s.Pos = Pos{start, p.lastEnd()}
	return s
}

func (p *parser) withStmt(async bool, start int) Stmt {
	p.expect("with")
	s := &With{Async: async}
	if p.is("(") && p.parenthesizedItems() {
		p.i++
		for !p.is(")") {
			s.Items = append(s.Items, p.withItem())
			if !p.got(",") {
				break
			}
		}
		p.expect(")")
	} else {
		for {
			s.Items = append(s.Items, p.withItem())
			if !p.got(",") {
				break
			}
		}
	}
	s.Body = p.body()
	s.Pos = Pos{start, p.lastEnd()}
	return s
}

// parenthesizedItems reports whether the '(' after with opens Python
// 3.9's parenthesized list of items: its ')' is followed by the ':' and an
// "as" or a comma appears directly inside it.
func (p *parser) parenthesizedItems() bool {
	depth := 0
	inside := false
	for k := p.i; k < len(p.toks); k++ {
		t := p.toks[k]
		if t.Kind == NEWLINE || t.Kind == ENDMARKER {
			return false
		}
		if t.Kind != OP && t.Kind != NAME {
			continue
		}
		s := p.text(t)
		switch s {
		case "(", "[", "{":
			depth++
		case ")", "]", "}":
			depth--
			if depth == 0 {
				return inside && k+1 < len(p.toks) && p.text(p.toks[k+1]) == ":"
			}
		case "as", ",":
			if depth == 1 {
				inside = true
			}
		}
	}
	return false
}

func (p *parser) withItem() WithItem {
	var it WithItem
	if p.is("yield") {
		it.X = p.yieldExpr()
	} else {
		it.X = p.expr()
	}
	if p.got("as") {
		it.Target = p.target()
	}
	return it
}

func (p *parser) tryStmt() Stmt {
	start := int(p.next().Start)
	s := &Try{Body: p.body()}
	for p.is("except") {
		p.i++
		p.got("*")
		h := Handler{}
		if !p.is(":") {
			h.Type = p.expr()
			if p.is(",") {
				// except A, B: (a tuple without parentheses, 3.14)
				elts := []Expr{h.Type}
				for p.got(",") {
					elts = append(elts, p.expr())
				}
				h.Type = &Seq{Kind: '(', Elts: elts}
			}
			if p.got("as") {
				h.Name, _ = p.name()
			}
		}
		h.Body = p.body()
		s.Handlers = append(s.Handlers, h)
	}
	if p.got("else") {
		s.Else = p.body()
	}
	if p.got("finally") {
		s.Finally = p.body()
	}
	if len(s.Handlers) == 0 && s.Finally == nil {
		p.fail("expected 'except' or 'finally' block")
	}
	s.Pos = Pos{start, p.lastEnd()}
	return s
}

// softMatch reports whether "match" starts a match statement: the logical
// line ends in ':' and the block's first statement is a case.
func (p *parser) softMatch() bool {
	nt := p.peek(1)
	if nt.Kind == NEWLINE || nt.Kind == OP && (p.isAt(1, "=") || p.isAt(1, ".") || p.isAt(1, ":") || p.isAt(1, ",") || p.isAt(1, ")")) {
		return false
	}
	k := p.i + 1
	for k < len(p.toks) && p.toks[k].Kind != NEWLINE && p.toks[k].Kind != ENDMARKER {
		k++
	}
	if k+2 >= len(p.toks) || p.text(p.toks[k-1]) != ":" || p.toks[k+1].Kind != INDENT {
		return false
	}
	c := p.toks[k+2]
	return c.Kind == NAME && p.text(c) == "case"
}

func (p *parser) matchStmt() Stmt {
	start := int(p.next().Start)
	s := &Match{Subject: p.starExprListNamed()}
	p.expect(":")
	if p.tok().Kind != NEWLINE {
		p.fail("")
	}
	p.i++
	if p.tok().Kind != INDENT {
		p.fail("expected an indented block")
	}
	p.i++
	for p.is("case") {
		p.i++
		c := Case{}
		// Patterns are skipped: up to a guard or the block's ':' outside
		// brackets.
		depth := 0
		for {
			t := p.tok()
			if t.Kind == NEWLINE || t.Kind == ENDMARKER {
				p.fail("")
			}
			if depth == 0 && (p.is(":") || p.is("if")) {
				break
			}
			if t.Kind == OP {
				switch p.src[t.Start] {
				case '(', '[', '{':
					depth++
				case ')', ']', '}':
					depth--
				}
			}
			p.i++
		}
		if p.got("if") {
			c.Guard = p.namedExpr()
		}
		c.Body = p.body()
		s.Cases = append(s.Cases, c)
	}
	if p.tok().Kind == DEDENT {
		p.i++
	} else if p.tok().Kind != ENDMARKER {
		p.fail("")
	}
	s.Pos = Pos{start, p.lastEnd()}
	return s
}

// targetList parses for-loop and del targets: star targets separated by
// commas, stopping before 'in'.
func (p *parser) targetList() Expr {
	start := int(p.tok().Start)
	first := p.target()
	if !p.is(",") {
		return first
	}
	elts := []Expr{first}
	for p.got(",") {
		if p.is("in") || p.is("=") || p.atLineEnd() {
			break
		}
		elts = append(elts, p.target())
	}
	return &Seq{Pos: Pos{start, p.lastEnd()}, Kind: '(', Elts: elts}
}

func (p *parser) target() Expr {
	if p.is("*") {
		start := int(p.next().Start)
		x := p.bitOr()
		return &Starred{Pos: Pos{start, p.lastEnd()}, X: x}
	}
	return p.bitOr()
}
