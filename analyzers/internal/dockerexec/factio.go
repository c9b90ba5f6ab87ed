package dockerexec

import (
	"bytes"
	"crypto/sha256"
	"encoding/gob"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/types/objectpath"
)

func init() {
	// go/analysis facts must be gob-encodable: go vet writes them to disk
	// the same way.
	for _, f := range FactTypes {
		gob.Register(f)
	}
}

// factRecord is one stored fact as Export writes it.
type factRecord struct {
	Pkg  string
	Path string
	Fact analysis.Fact
}

// Export encodes the facts of the packages with the given import paths,
// for a driver that stores a package's results between runs and replays
// them with Import instead of analysing the package again. A package
// without facts gives no records; nil and an empty list of paths give an
// encoding of no facts.
func (s *Store) Export(pkgs []string) ([]byte, error) {
	want := map[string]bool{}
	for _, p := range pkgs {
		want[p] = true
	}
	s.mu.Lock()
	var recs []factRecord
	for k, f := range s.facts {
		if want[k.pkg] {
			recs = append(recs, factRecord{Pkg: k.pkg, Path: string(k.path), Fact: f})
		}
	}
	s.mu.Unlock()
	sort.Slice(recs, func(i, j int) bool {
		a, b := recs[i], recs[j]
		if a.Pkg != b.Pkg {
			return a.Pkg < b.Pkg
		}
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		return reflect.TypeOf(a.Fact).String() < reflect.TypeOf(b.Fact).String()
	})
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(recs); err != nil {
		return nil, fmt.Errorf("encode facts: %w", err)
	}
	return buf.Bytes(), nil
}

// Import adds facts that Export encoded. On an error (data that does not
// decode as facts) nothing is added.
func (s *Store) Import(data []byte) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("decode facts: %v", r)
		}
	}()
	var recs []factRecord
	if err := gob.NewDecoder(bytes.NewReader(data)).Decode(&recs); err != nil {
		return fmt.Errorf("decode facts: %w", err)
	}
	for _, r := range recs {
		if r.Fact == nil || reflect.ValueOf(r.Fact).IsNil() {
			return fmt.Errorf("decode facts: a record of %s without a fact", r.Pkg)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range recs {
		s.facts[storeKey{r.Pkg, objectpath.Path(r.Path), reflect.TypeOf(r.Fact)}] = r.Fact
		s.pkgs[r.Pkg] = true
	}
	return nil
}

// Digest is a hash of the facts of the packages with the given import
// paths that is the same in every process for the same facts (a gob
// stream numbers its types in the order the process first met them), for
// a driver that keys a package's stored result by its dependencies'
// facts.
func (s *Store) Digest(pkgs []string) []byte {
	want := map[string]bool{}
	for _, p := range pkgs {
		want[p] = true
	}
	type rec struct {
		key  string
		fact analysis.Fact
	}
	s.mu.Lock()
	var recs []rec
	for k, f := range s.facts {
		if want[k.pkg] {
			recs = append(recs, rec{fmt.Sprintf("%q %q %s", k.pkg, k.path, k.typ), f})
		}
	}
	s.mu.Unlock()
	sort.Slice(recs, func(i, j int) bool { return recs[i].key < recs[j].key })
	h := sha256.New()
	for _, r := range recs {
		b, err := json.Marshal(r.fact)
		if err != nil {
			b = []byte(fmt.Sprintf("%#v", r.fact))
		}
		fmt.Fprintf(h, "%s %d\n", r.key, len(b))
		h.Write(b)
	}
	return h.Sum(nil)
}
