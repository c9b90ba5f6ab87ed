package edit

import (
	"go/ast"
	"go/parser"
	"go/token"
	"testing"
)

func TestDeleteElement(t *testing.T) {
	tests := []struct {
		name, lit string
		i         int
		want      string
	}{
		{"only", "T{Force: true}", 0, "T{}"},
		{"first", "T{Force: true, A: 1}", 0, "T{A: 1}"},
		{"last", "T{A: 1, Force: true}", 1, "T{A: 1}"},
		{"middle", "T{A: 1, Force: true, B: 2}", 1, "T{A: 1, B: 2}"},
		{"own line last", "T{\n\tA: 1,\n\tForce: true,\n}", 1, "T{\n\tA: 1,\n}"},
		{"own line first", "T{\n\tForce: true,\n\tA: 1,\n}", 0, "T{\n\tA: 1,\n}"},
		{"own line only", "T{\n\tForce: true,\n}", 0, "T{\n}"},
		{"trailing comma same line", "T{A: 1, Force: true,\n}", 1, "T{A: 1,\n}"},
		{"only with trailing comma", "T{Force: true,\n}", 0, "T{\n}"},
		{"comment after", "T{\n\tA: 1,\n\tForce: true, // why\n}", 1, "T{\n\tA: 1,\n}"},
		{"comment same line", "T{A: 1, Force: true} // why", 1, "T{A: 1} // why"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := "package p\n\nvar x = " + tt.lit + "\n"
			fset := token.NewFileSet()
			af, err := parser.ParseFile(fset, "p.go", src, parser.ParseComments)
			if err != nil {
				t.Fatal(err)
			}
			lit := af.Decls[0].(*ast.GenDecl).Specs[0].(*ast.ValueSpec).Values[0].(*ast.CompositeLit)
			f := File{Tok: fset.File(af.Pos()), Src: []byte(src), AST: af}
			e := f.DeleteElement(lit.Elts, tt.i)
			s, end := f.Tok.Offset(e.Pos), f.Tok.Offset(e.End)
			got := src[:s] + string(e.NewText) + src[end:]
			if want := "package p\n\nvar x = " + tt.want + "\n"; got != want {
				t.Errorf("got\n%s\nwant\n%s", got, want)
			}
			if _, err := parser.ParseFile(token.NewFileSet(), "p.go", got, 0); err != nil {
				t.Errorf("result does not parse: %v", err)
			}
		})
	}
}

func TestImportEdit(t *testing.T) {
	tests := []struct{ imports, want string }{
		{"import (\n\t\"context\"\n\n\t\"github.com/x/y\"\n)\n", "import (\n\t\"context\"\n\t\"time\"\n\n\t\"github.com/x/y\"\n)\n"},
		{"import (\n\t\"github.com/x/y\"\n)\n", "import (\n\t\"time\"\n\t\"github.com/x/y\"\n)\n"},
		{"import (\n\t\"unsafe\"\n)\n", "import (\n\t\"time\"\n\t\"unsafe\"\n)\n"},
		{"import \"context\"\n", "import \"context\"\nimport \"time\"\n"},
		{"", "\n\nimport \"time\""},
	}
	for _, tt := range tests {
		src := "package p\n" + tt.imports
		fset := token.NewFileSet()
		af, err := parser.ParseFile(fset, "p.go", src, 0)
		if err != nil {
			t.Fatal(err)
		}
		f := File{Tok: fset.File(af.Pos()), Src: []byte(src), AST: af}
		e := f.importEdit("time")
		s, end := f.Tok.Offset(e.Pos), f.Tok.Offset(e.End)
		got := src[:s] + string(e.NewText) + src[end:]
		if want := "package p\n" + tt.want; got != want && tt.imports != "" {
			t.Errorf("imports %q: got\n%s\nwant\n%s", tt.imports, got, want)
		}
		if _, err := parser.ParseFile(token.NewFileSet(), "p.go", got, 0); err != nil {
			t.Errorf("imports %q: result does not parse: %v\n%s", tt.imports, err, got)
		}
	}
}
