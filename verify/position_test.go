package verify

import (
	"os"
	"path/filepath"
	"testing"
)

func TestLocateService(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("compose.yaml", "# base\nservices:\n  db:\n    image: postgres\n  \"wéb\":\n    image: nginx\n")
	write("override.yaml", "services:\n  db:\n    mem_limit: 1g\n")
	write("broken.yaml", "services: [unclosed\n")
	tests := []struct {
		files      []string
		service    string
		file       string
		line, col  int
		start, end int
		ok         bool
	}{
		{[]string{"compose.yaml"}, "db", "compose.yaml", 3, 3, 19, 21, true},
		// The override comes last, so it wins.
		{[]string{"compose.yaml", "override.yaml"}, "db", "override.yaml", 2, 3, 12, 14, true},
		// Only the base names the service.
		{[]string{"compose.yaml", "override.yaml"}, "wéb", "compose.yaml", 5, 3, 45, 51, true},
		{[]string{"compose.yaml", "broken.yaml"}, "db", "compose.yaml", 3, 3, 19, 21, true},
		{[]string{"broken.yaml"}, "db", "", 0, 0, 0, 0, false},
		{[]string{"missing.yaml"}, "db", "", 0, 0, 0, 0, false},
		{[]string{"compose.yaml"}, "cache", "", 0, 0, 0, 0, false},
	}
	for _, tt := range tests {
		f, ok := locateService(dir, tt.files, tt.service)
		if ok != tt.ok {
			t.Errorf("%v %s: ok = %v", tt.files, tt.service, ok)
			continue
		}
		if !ok {
			continue
		}
		if f.File != filepath.Join(dir, tt.file) || f.Line != tt.line || f.Column != tt.col || f.Start != tt.start || f.End != tt.end {
			t.Errorf("%v %s: %s:%d:%d [%d,%d), want %s:%d:%d [%d,%d)", tt.files, tt.service, f.File, f.Line, f.Column, f.Start, f.End, tt.file, tt.line, tt.col, tt.start, tt.end)
		}
	}
}

func FuzzServiceKey(f *testing.F) {
	f.Add([]byte("services:\n  db:\n    image: x\n"), "db")
	f.Add([]byte("services: &a\n  <<: *a\n"), "db")
	f.Add([]byte("\xff\xfe"), "x")
	f.Fuzz(func(t *testing.T, src []byte, name string) {
		if k := serviceKey(src, name); k != nil && k.Value != name {
			t.Fatalf("key %q for %q", k.Value, name)
		}
	})
}
