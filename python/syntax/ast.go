package syntax

// Node is any syntax tree node; Span is its byte range [start, end).
type Node interface {
	Span() (start, end int)
}

// Pos is the byte range of a node.
type Pos struct{ Start, End int }

// Span returns the node's byte range.
func (p Pos) Span() (int, int) { return p.Start, p.End }

// Expr is an expression node.
type Expr interface {
	Node
	exprNode()
}

// Stmt is a statement node.
type Stmt interface {
	Node
	stmtNode()
}

// Expressions.
type (
	// Name is an identifier.
	Name struct {
		Pos
		ID string
	}
	// Attribute is X.Attr.
	Attribute struct {
		Pos
		X    Expr
		Attr string
	}
	// Call is Func(Args).
	Call struct {
		Pos
		Func Expr
		Args []Arg
	}
	// Str is one string literal or several adjacent ones (implicitly
	// concatenated). Parts holds the decoded text and the replacement
	// fields of f-strings in order.
	Str struct {
		Pos
		Parts   []StrPart
		Bytes   bool
		FString bool
	}
	// Num is a number literal.
	Num struct {
		Pos
		Text string
	}
	// Const is True, False, None or `...`.
	Const struct {
		Pos
		Value string
	}
	// Seq is a list ([), tuple (( or a bare a, b) or set ({) display.
	Seq struct {
		Pos
		Kind byte
		Elts []Expr
	}
	// Dict is a dict display; a nil key marks a **mapping entry.
	Dict struct {
		Pos
		Keys, Values []Expr
	}
	// Starred is *X (or **X with Double).
	Starred struct {
		Pos
		X      Expr
		Double bool
	}
	// BinOp is a binary, boolean or comparison operation.
	BinOp struct {
		Pos
		Op   string
		X, Y Expr
	}
	// Unary is not X, -X, +X, ~X or await X.
	Unary struct {
		Pos
		Op string
		X  Expr
	}
	// Subscript is X[Index].
	Subscript struct {
		Pos
		X, Index Expr
	}
	// Slice is Lo:Hi:Step inside a subscript.
	Slice struct {
		Pos
		Lo, Hi, Step Expr
	}
	// Comp is a comprehension or generator expression: Kind is '[', '{'
	// (set, or dict when Value is set) or '('.
	Comp struct {
		Pos
		Kind  byte
		Elt   Expr
		Value Expr
		Gens  []Gen
	}
	// Lambda is a lambda expression.
	Lambda struct {
		Pos
		Params []Param
		Body   Expr
	}
	// IfExp is Then if Cond else Else.
	IfExp struct {
		Pos
		Cond, Then, Else Expr
	}
	// NamedExpr is Target := Value.
	NamedExpr struct {
		Pos
		Target *Name
		Value  Expr
	}
	// Yield is yield X or yield from X.
	Yield struct {
		Pos
		X    Expr
		From bool
	}
	// BadExpr stands for an expression that could not be parsed.
	BadExpr struct{ Pos }
)

// Arg is one argument of a call or class definition.
type Arg struct {
	// Name is the keyword of a keyword argument, or "".
	Name string
	// Star is 1 for *args and 2 for **kwargs.
	Star  int
	Value Expr
	Start int
}

// StrPart is a piece of a string: decoded literal text with the source
// offset of each of its bytes, or an f-string replacement field.
type StrPart struct {
	Lit     string
	Offsets []int32
	// Field is the replacement field's expression (nil for literal text);
	// Spec reports a conversion or format spec after it.
	Field Expr
	Spec  bool
	Pos
}

// Gen is one for clause of a comprehension.
type Gen struct {
	Target, Iter Expr
	Ifs          []Expr
	Async        bool
}

// Param is a function or lambda parameter.
type Param struct {
	Name       string
	Annotation Expr
	Default    Expr
	// Star is 1 for *args, 2 for **kwargs.
	Star int
	Pos
}

// Statements.
type (
	// ExprStmt is an expression on its own.
	ExprStmt struct {
		Pos
		X Expr
	}
	// Assign is a = b = value, an augmented assignment (Op "+=") or an
	// annotated one (Annotation set, Value may be nil).
	Assign struct {
		Pos
		Targets    []Expr
		Value      Expr
		Op         string
		Annotation Expr
	}
	// Import is import a.b as c, d.
	Import struct {
		Pos
		Names []Alias
	}
	// ImportFrom is from .module import a as b.
	ImportFrom struct {
		Pos
		Module string
		Level  int
		Names  []Alias
	}
	// FuncDef is a def or async def.
	FuncDef struct {
		Pos
		Name       string
		Params     []Param
		Returns    Expr
		Decorators []Expr
		Body       []Stmt
		Async      bool
	}
	// ClassDef is a class definition.
	ClassDef struct {
		Pos
		Name       string
		Bases      []Arg
		Decorators []Expr
		Body       []Stmt
	}
	// If is if/elif/else; an elif is an If alone in Else.
	If struct {
		Pos
		Cond       Expr
		Body, Else []Stmt
	}
	// For is a for or async for loop.
	For struct {
		Pos
		Target, Iter Expr
		Body, Else   []Stmt
		Async        bool
	}
	// While is a while loop.
	While struct {
		Pos
		Cond       Expr
		Body, Else []Stmt
	}
	// With is a with or async with statement.
	With struct {
		Pos
		Items []WithItem
		Body  []Stmt
		Async bool
	}
	// Try is try/except/else/finally (except* too).
	Try struct {
		Pos
		Body     []Stmt
		Handlers []Handler
		Else     []Stmt
		Finally  []Stmt
	}
	// Match is a match statement; patterns are not kept.
	Match struct {
		Pos
		Subject Expr
		Cases   []Case
	}
	// Return is return X.
	Return struct {
		Pos
		X Expr
	}
	// Simple is any other simple statement (pass, break, raise, del,
	// global, assert, type aliases…) with the expressions it holds.
	Simple struct {
		Pos
		Keyword string
		Exprs   []Expr
	}
)

// Alias is one name of an import.
type Alias struct {
	Name, AsName string
}

// WithItem is one context manager of a with statement.
type WithItem struct {
	X, Target Expr
}

// Handler is one except clause.
type Handler struct {
	Type Expr
	Name string
	Body []Stmt
}

// Case is one case of a match statement.
type Case struct {
	Guard Expr
	Body  []Stmt
}

func (*Name) exprNode()      {}
func (*Attribute) exprNode() {}
func (*Call) exprNode()      {}
func (*Str) exprNode()       {}
func (*Num) exprNode()       {}
func (*Const) exprNode()     {}
func (*Seq) exprNode()       {}
func (*Dict) exprNode()      {}
func (*Starred) exprNode()   {}
func (*BinOp) exprNode()     {}
func (*Unary) exprNode()     {}
func (*Subscript) exprNode() {}
func (*Slice) exprNode()     {}
func (*Comp) exprNode()      {}
func (*Lambda) exprNode()    {}
func (*IfExp) exprNode()     {}
func (*NamedExpr) exprNode() {}
func (*Yield) exprNode()     {}
func (*BadExpr) exprNode()   {}

func (*ExprStmt) stmtNode()   {}
func (*Assign) stmtNode()     {}
func (*Import) stmtNode()     {}
func (*ImportFrom) stmtNode() {}
func (*FuncDef) stmtNode()    {}
func (*ClassDef) stmtNode()   {}
func (*If) stmtNode()         {}
func (*For) stmtNode()        {}
func (*While) stmtNode()      {}
func (*With) stmtNode()       {}
func (*Try) stmtNode()        {}
func (*Match) stmtNode()      {}
func (*Return) stmtNode()     {}
func (*Simple) stmtNode()     {}

// Value returns the string's text when it has no replacement fields.
func (s *Str) Value() (string, bool) {
	if len(s.Parts) == 1 && s.Parts[0].Field == nil {
		return s.Parts[0].Lit, true
	}
	var b []byte
	for _, p := range s.Parts {
		if p.Field != nil {
			return "", false
		}
		b = append(b, p.Lit...)
	}
	return string(b), true
}
