package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dockguard/dockguard/rules"
)

const docsDir = "../../docs/rules"

// TestDocsUpToDate fails when docs/rules drifts from the catalogue.
func TestDocsUpToDate(t *testing.T) {
	pages := Pages()
	for name, want := range pages {
		got, err := os.ReadFile(filepath.Join(docsDir, name))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("docs/rules/%s is out of date; run: go generate ./internal/gendocs", name)
		}
	}
	files, _ := filepath.Glob(filepath.Join(docsDir, "*.md"))
	for _, f := range files {
		if _, ok := pages[filepath.Base(f)]; !ok {
			t.Errorf("docs/rules/%s has no rule; run: go generate ./internal/gendocs", filepath.Base(f))
		}
	}
}

// TestHelpURIsResolve checks that every rule's help URI names a page the
// generator writes, and that the page is what `dockguard explain` prints.
func TestHelpURIsResolve(t *testing.T) {
	pages := Pages()
	for _, r := range rules.Catalogue {
		name := strings.TrimPrefix(r.HelpURI(), rules.DocsBase)
		page, ok := pages[name]
		if !ok {
			t.Errorf("%s: help URI %s has no page", r.ID, r.HelpURI())
			continue
		}
		if !strings.HasSuffix(string(page), r.Explain()) {
			t.Errorf("%s: page differs from Explain()", r.ID)
		}
	}
}

func TestWriteRemovesStalePages(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "DG999.md"), []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := write(dir); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "DG999.md")); !os.IsNotExist(err) {
		t.Error("stale page kept")
	}
	if _, err := os.Stat(filepath.Join(dir, "DG101.md")); err != nil {
		t.Error(err)
	}
}
