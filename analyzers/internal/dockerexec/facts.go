package dockerexec

import (
	"fmt"
	"go/types"
	"reflect"
	"strconv"
	"strings"
	"sync"

	"github.com/dockguard/dockguard/analyzers/internal/resolve"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/types/objectpath"
)

// HelperFact summarises an exported function that runs a command line
// built from its parameters ("runs docker with these parameters as
// argv"), so that a package importing it judges each call with the call's
// own words, as it judges its own helpers.
type HelperFact struct {
	// Name is the helper's name, for messages.
	Name string
	// Words is the command line: fixed words, and parameters.
	Words []FactWord
	// Context reports a helper built on exec.CommandContext.
	Context bool
	// General reports a command line that runs through a function only
	// shaped like a runner: a call counts only when its words are a
	// docker command line.
	General bool
	// Program is the container CLI that the program word names when it
	// is not a constant (exec.Command(d.dockerBinary, …): docker); a call
	// then counts only when its words are a docker command line.
	Program string
	// NParams is the number of parameters; Variadic reports that the last
	// one is variadic.
	NParams  int
	Variadic bool
}

// FactWord is one word of a HelperFact's command line.
type FactWord struct {
	// Value, Known and Text describe a fixed word (see resolve.Word).
	Value string
	Known bool
	Text  string
	// Param is the index of the parameter the word comes from, or -1 for
	// a fixed word; Spread reports a slice parameter whose elements are
	// words.
	Param  int
	Spread bool
}

// AFact marks HelperFact as an analysis fact.
func (*HelperFact) AFact() {}

func (f *HelperFact) String() string {
	var ws []string
	for _, w := range f.Words {
		switch {
		case w.Param >= 0 && w.Spread:
			ws = append(ws, "$"+strconv.Itoa(w.Param+1)+"...")
		case w.Param >= 0:
			ws = append(ws, "$"+strconv.Itoa(w.Param+1))
		case w.Known:
			ws = append(ws, strconv.Quote(w.Value))
		default:
			ws = append(ws, w.Text)
		}
	}
	return "runs " + strings.Join(ws, " ")
}

// factOf turns a helper summary into a fact: only the words' values
// travel, not their positions in this package's files.
func factOf(h *helper) *HelperFact {
	f := &HelperFact{Name: h.name, Context: h.context, General: h.general, Program: h.named, NParams: h.nParams, Variadic: h.variadic}
	for _, tw := range h.tmpl {
		f.Words = append(f.Words, FactWord{Value: tw.word.Value, Known: tw.word.Known, Text: tw.word.Text, Param: tw.param, Spread: tw.spread})
	}
	return f
}

// helperOf turns an imported fact back into a summary.
func helperOf(pkg string, f *HelperFact) *helper {
	h := &helper{name: resolve.ImportName(pkg) + "." + f.Name, context: f.Context, general: f.General, named: f.Program, nParams: f.NParams, variadic: f.Variadic}
	for _, w := range f.Words {
		h.tmpl = append(h.tmpl, tword{word: resolve.Word{Value: w.Value, Known: w.Known, Text: w.Text}, param: w.Param, spread: w.Spread})
	}
	return h
}

// FactTypes are the facts the helper analyzer exports for drivers that
// pass analysis facts between packages (go vet -vettool, analysistest,
// golangci-lint).
var FactTypes = []analysis.Fact{(*HelperFact)(nil), (*RemoverFact)(nil)}

// Store carries the helper analyzer's facts between packages for a driver
// that analyses each package alone, against its dependencies' export data,
// without go/analysis facts (dockguard check): a package's facts are
// stored when it is analysed, and read by the packages analysed after it
// that import it. Objects are named by package path and objectpath, which
// are the same whether a package's types come from source or from export
// data. It is safe for concurrent use.
type Store struct {
	mu    sync.Mutex
	facts map[storeKey]analysis.Fact
	pkgs  map[string]bool
}

type storeKey struct {
	pkg  string
	path objectpath.Path
	typ  reflect.Type
}

// NewStore returns an empty Store.
func NewStore() *Store {
	return &Store{facts: map[storeKey]analysis.Fact{}, pkgs: map[string]bool{}}
}

// HasFacts reports whether the package with the import path pkg exported
// a fact.
func (s *Store) HasFacts(pkg string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pkgs[pkg]
}

func (s *Store) put(obj types.Object, fact analysis.Fact) error {
	path, err := objectpath.For(obj)
	if err != nil {
		return fmt.Errorf("name %s for its fact: %w", obj.Name(), err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.facts[storeKey{obj.Pkg().Path(), path, reflect.TypeOf(fact)}] = fact
	s.pkgs[obj.Pkg().Path()] = true
	return nil
}

// get copies the stored fact of obj's type into fact.
func (s *Store) get(obj types.Object, fact analysis.Fact) bool {
	path, err := objectpath.For(obj)
	if err != nil {
		return false
	}
	s.mu.Lock()
	got, ok := s.facts[storeKey{obj.Pkg().Path(), path, reflect.TypeOf(fact)}]
	s.mu.Unlock()
	if !ok {
		return false
	}
	reflect.ValueOf(fact).Elem().Set(reflect.ValueOf(got).Elem())
	return true
}

// facts reads and writes facts through the pass, or through a Store.
type facts struct {
	pass  *analysis.Pass
	store *Store
}

// enabled reports whether facts travel between packages at all.
func (fs facts) enabled() bool {
	return fs.store != nil || (fs.pass != nil && len(fs.pass.Analyzer.FactTypes) > 0)
}

func (fs facts) importFact(obj types.Object, fact analysis.Fact) bool {
	if obj == nil || obj.Pkg() == nil || !fs.enabled() {
		return false
	}
	if fs.store != nil {
		return fs.store.get(obj, fact)
	}
	return fs.pass.ImportObjectFact(obj, fact)
}

func (fs facts) exportFact(obj types.Object, fact analysis.Fact) {
	if !fs.enabled() || obj.Pkg() != fs.pass.Pkg {
		return
	}
	if fs.store != nil {
		_ = fs.store.put(obj, fact) // an object objectpath cannot name is one no other package can call
		return
	}
	fs.pass.ExportObjectFact(obj, fact)
}

// importsFacts reports whether one of the package's imports exported a
// fact: its calls of that package's helpers can run a command.
func (fs facts) importsFacts() bool {
	if !fs.enabled() || fs.pass.Pkg == nil {
		return false
	}
	if fs.store != nil {
		for _, imp := range fs.pass.Pkg.Imports() {
			if fs.store.HasFacts(imp.Path()) {
				return true
			}
		}
		return false
	}
	return len(fs.pass.AllObjectFacts()) > 0
}
