package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/dockguard/dockguard/rules"
)

// manyFindings is one file with n findings, one per line, after multi-byte
// text (so UTF-16 columns differ from byte columns); every tenth has a fix.
func manyFindings(n int) *Run {
	var b strings.Builder
	type span struct{ start, end int }
	spans := make([]span, 0, n)
	for i := range n {
		fmt.Fprintf(&b, "echo \"🐳 ü %d\"; ", i)
		start := b.Len()
		fmt.Fprintf(&b, "docker rm -f web%d", i)
		spans = append(spans, span{start, b.Len()})
		b.WriteByte('\n')
	}
	src := []byte(b.String())
	ix := rules.NewLineIndex(src)
	r := rules.MustLookup("DG101")
	fs := make([]rules.Finding, 0, n)
	for i, s := range spans {
		f := ix.New(r, "big.sh", s.start, s.end, "docker rm -f sends SIGKILL")
		if i%10 == 0 {
			f.Fixes = []rules.Edit{{Start: s.start, End: s.end, NewText: fmt.Sprintf("docker stop web%d && docker rm web%d", i, i)}}
		}
		fs = append(fs, f)
	}
	return &Run{
		Tool: Tool{Name: "dockguard", Version: "bench"}, Findings: fs, FilesScanned: 1,
		Root: "/src", Dir: "/src", Source: func(string) []byte { return src },
	}
}

// BenchmarkFormats renders 16,000 findings in one file in every format;
// compare each format's ns/op with text's (bench/output.sh prints the
// ratios for the whole command).
func BenchmarkFormats(b *testing.B) {
	for _, name := range FormatNames() {
		b.Run(name, func(b *testing.B) {
			r := manyFindings(16000)
			for b.Loop() {
				// The line index is built once per render, as in a run.
				r.lineIdx = nil
				var err error
				if name == "text" {
					err = Text(io.Discard, r, TextOptions{})
				} else {
					err = Formats[name](io.Discard, r)
				}
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// The per-file line index must give the positions the whole-source scans
// give, for the last finding of a large file as for the first.
func TestManyFindingsPositions(t *testing.T) {
	r := manyFindings(300)
	src := r.Source("big.sh")
	out := string(render(t, "github", r))
	last := r.Findings[len(r.Findings)-1]
	want := fmt.Sprintf("line=%d,col=%d,endLine=%d,endColumn=%d", last.Line, rules.UTF16Column(src, last.Line, last.Column), last.EndLine, rules.UTF16Column(src, last.EndLine, last.EndColumn))
	if !strings.Contains(out, want) {
		t.Errorf("github output lacks %q", want)
	}
	if last.Column == rules.UTF16Column(src, last.Line, last.Column) {
		t.Fatal("fixture has no multi-byte text before the finding")
	}
	if !strings.Contains(out, "docker stop web290 && docker rm web290") {
		t.Error("github output lacks the fixed line of finding 290")
	}
}

// writeJSON must print what one indented Encoder prints, for any number of
// elements, with HTML characters left alone.
func TestWriteJSONMatchesEncoder(t *testing.T) {
	type item struct {
		A string   `json:"a"`
		B []string `json:"b"`
	}
	type doc struct {
		Before string `json:"before"`
		Inner  struct {
			Items []item `json:"items"`
			After int    `json:"after"`
		} `json:"inner"`
	}
	for _, n := range []int{0, 1, 3} {
		var d doc
		d.Before = `"items": [] <&>`
		d.Inner.After = n
		d.Inner.Items = []item{}
		for i := range n {
			d.Inner.Items = append(d.Inner.Items, item{A: fmt.Sprintf("<%d>", i), B: []string{"x", "y"}})
		}
		var want strings.Builder
		enc := json.NewEncoder(&want)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(d); err != nil {
			t.Fatal(err)
		}
		items := d.Inner.Items
		d.Inner.Items = []item{}
		var got strings.Builder
		if err := writeJSON(&got, d, "items", items); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Errorf("%d items:\n%s\nwant\n%s", n, got.String(), want.String())
		}
	}
}

// TestIndentJSONMatchesJSONIndent compares indentJSON with json.Indent on
// documents with nested and empty containers, escapes and non-ASCII text.
func TestIndentJSONMatchesJSONIndent(t *testing.T) {
	docs := []any{
		map[string]any{"a": []any{}, "b": map[string]any{}, "c": []any{1, "x,y", map[string]any{"k": `q"uo\te:{}[]`}}},
		[]any{"🐳 ü", nil, true, 1.5, []any{[]any{}}},
		"plain",
		map[string]any{"nested": map[string]any{"deeper": []any{map[string]any{"z": "\u2028\n\\"}}}},
	}
	for _, d := range docs {
		compact, err := json.Marshal(d)
		if err != nil {
			t.Fatal(err)
		}
		var want bytes.Buffer
		if err := json.Indent(&want, compact, "    ", "  "); err != nil {
			t.Fatal(err)
		}
		if got := indentJSON(nil, compact, "    ", "  "); string(got) != want.String() {
			t.Errorf("indentJSON(%s):\n%s\nwant:\n%s", compact, got, want.String())
		}
	}
}

// appendFields must join exactly as strings.Join(strings.Fields(s), " ").
func TestAppendFields(t *testing.T) {
	for _, s := range []string{"", "   ", "a", "  docker  rm\t-f\u00a0x \u2003y\n", "🐳 ü\v z"} {
		if got, want := string(appendFields(nil, s)), strings.Join(strings.Fields(s), " "); got != want {
			t.Errorf("appendFields(%q) = %q, want %q", s, got, want)
		}
	}
}
