package gocheck

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"go/token"
	"go/types"
	"io"
	"os"
	"sort"

	"golang.org/x/tools/go/gcexportdata"
	"golang.org/x/tools/go/packages"
)

// apiID is a digest of the API that q's export data describes: every
// package-level object it holds, with its type, a constant's value and a
// named type's methods, written without positions. It is what a package
// type-checked against q's export data can see of q; unlike the export
// file's own content ID (the go command's build ID), it does not change
// with q's object code or line numbers, nor with function bodies, which
// the type-checker of an importer never reads. "" when the export data
// cannot be read.
func (c *run) apiID(q *packages.Package) string {
	if q.ExportFile == "" {
		return ""
	}
	if v, ok := c.apiIDs.Load(q.ExportFile); ok {
		return v.(string)
	}
	id := readAPIID(q.ExportFile, q.PkgPath)
	c.apiIDs.Store(q.ExportFile, id)
	return id
}

func readAPIID(file, path string) string {
	f, err := os.Open(file)
	if err != nil {
		return ""
	}
	defer f.Close()
	// As in universe.readExport: go list -export names compiler archives
	// until Go 1.28, which NewReader unwraps.
	r, err := gcexportdata.NewReader(bufio.NewReader(f)) //nolint:staticcheck // see above
	if err != nil {
		return ""
	}
	pkg, err := gcexportdata.Read(r, token.NewFileSet(), map[string]*types.Package{}, path)
	if err != nil {
		return ""
	}
	qual := func(p *types.Package) string { return p.Path() }
	h := sha256.New()
	line := func(s string) {
		_, _ = io.WriteString(h, s)
		_, _ = h.Write([]byte{'\n'})
	}
	line("package " + pkg.Path() + " " + pkg.Name())
	scope := pkg.Scope()
	for _, name := range scope.Names() { // sorted
		obj := scope.Lookup(name)
		line(types.ObjectString(obj, qual))
		switch obj := obj.(type) {
		case *types.Const:
			line(" = " + obj.Val().ExactString())
		case *types.TypeName:
			named, ok := obj.Type().(*types.Named)
			if !ok {
				break
			}
			methods := make([]string, 0, named.NumMethods())
			for i := range named.NumMethods() {
				methods = append(methods, types.ObjectString(named.Method(i), qual))
			}
			sort.Strings(methods)
			for _, m := range methods {
				line(" method " + m)
			}
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}
