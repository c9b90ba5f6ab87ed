package dockerexec

import (
	"reflect"
	"testing"

	"golang.org/x/tools/go/types/objectpath"
)

func TestFactsExportImport(t *testing.T) {
	s := NewStore()
	h := &HelperFact{Name: "Remove", Words: []FactWord{{Value: "docker", Known: true, Param: -1}, {Param: 0}}, NParams: 1}
	r := &RemoverFact{Method: "ContainerRemove", Opts: 2, Target: 1}
	s.facts[storeKey{"example.com/lib", objectpath.Path("Remove"), reflect.TypeOf(h)}] = h
	s.facts[storeKey{"example.com/lib", objectpath.Path("Wrap"), reflect.TypeOf(r)}] = r
	s.facts[storeKey{"example.com/other", objectpath.Path("X"), reflect.TypeOf(h)}] = h
	s.pkgs["example.com/lib"], s.pkgs["example.com/other"] = true, true
	b, err := s.Export([]string{"example.com/lib"})
	if err != nil {
		t.Fatal(err)
	}
	got := NewStore()
	if err := got.Import(b); err != nil {
		t.Fatal(err)
	}
	if len(got.facts) != 2 || !got.HasFacts("example.com/lib") || got.HasFacts("example.com/other") {
		t.Fatalf("imported %v, want lib's two facts only", got.facts)
	}
	if f := got.facts[storeKey{"example.com/lib", objectpath.Path("Remove"), reflect.TypeOf(h)}]; !reflect.DeepEqual(f, h) {
		t.Fatalf("helper fact = %+v, want %+v", f, h)
	}
	if f := got.facts[storeKey{"example.com/lib", objectpath.Path("Wrap"), reflect.TypeOf(r)}]; !reflect.DeepEqual(f, r) {
		t.Fatalf("remover fact = %+v, want %+v", f, r)
	}
	// Flipped or cut data is an error and adds nothing, never a panic.
	for i := range b {
		for _, bad := range [][]byte{b[:i], flip(b, i)} {
			s := NewStore()
			if err := s.Import(bad); err != nil && len(s.facts) != 0 {
				t.Fatalf("Import of damaged data (byte %d) failed but added %d facts", i, len(s.facts))
			}
		}
	}
}

func flip(b []byte, i int) []byte {
	c := append([]byte(nil), b...)
	c[i] ^= 0xff
	return c
}

func FuzzFactsImport(f *testing.F) {
	s := NewStore()
	h := &HelperFact{Name: "Remove", NParams: 1}
	s.facts[storeKey{"p", objectpath.Path("Remove"), reflect.TypeOf(h)}] = h
	b, _ := s.Export([]string{"p"})
	f.Add(b)
	f.Fuzz(func(t *testing.T, data []byte) {
		_ = NewStore().Import(data)
	})
}
