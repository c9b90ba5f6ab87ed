package fragment

import (
	"testing"

	"github.com/dockguard/dockguard/rules"
)

// build makes "docker rm -f web" out of "\t$(DOCKER) rm -f $(NAME)" with the
// first reference expanded and the second unknown.
func build() (*Fragment, []byte) {
	src := []byte("t:\n\t$(DOCKER) rm -f $(NAME)\n")
	var b Builder
	b.Replace([]byte("docker"), 4, 13)
	b.Copy([]byte(" rm -f "), 13)
	b.Unknown(20, 27)
	b.FixText(func(t string) (string, bool) { return t + "!", true })
	return b.Fragment(), src
}

func TestMap(t *testing.T) {
	f, src := build()
	if got, want := string(f.Code), "docker rm -f $______"; got != want {
		t.Fatalf("code = %q, want %q", got, want)
	}
	if err := f.Verify(src); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ code, file int }{
		{-5, 4}, {0, 4}, {1, 5}, {5, 9}, // inside the expansion: clamped into the reference
		{6, 13}, {7, 14}, {12, 19}, // verbatim
		{13, 20}, {19, 26}, {20, 27}, {100, 27}, // placeholder keeps its width; past the end
	} {
		if got := f.Map(tt.code); got != tt.file {
			t.Errorf("Map(%d) = %d, want %d", tt.code, got, tt.file)
		}
	}
	var empty Fragment
	if got := empty.Map(3); got != 0 {
		t.Errorf("empty Map = %d", got)
	}
}

func TestFixup(t *testing.T) {
	f, src := build()
	r := rules.MustLookup("DG101")
	tests := []struct {
		name                       string
		start, end                 int
		fixes                      []rules.Edit
		wantStart, wantEnd         int
		wantFixes                  int
		wantMsg, wantKey, wantText string
	}{
		{name: "inside the expansion widens to the reference", start: 6, end: 8, wantStart: 4, wantEnd: 13},
		{name: "whole command", start: 4, end: 27, wantStart: 4, wantEnd: 27,
			fixes:     []rules.Edit{{Start: 17, End: 19, NewText: "x"}},
			wantFixes: 1, wantText: "x"}, // fixHost already adapted the text
		{name: "insertion before the expansion", start: 4, end: 27, wantStart: 4, wantEnd: 27,
			fixes:     []rules.Edit{{Start: 4, End: 4, NewText: "y"}},
			wantFixes: 1, wantText: "y"},
		{name: "end inside the placeholder", start: 14, end: 22, wantStart: 14, wantEnd: 27},
		{name: "fix touching the expansion is dropped", start: 4, end: 27, wantStart: 4, wantEnd: 27,
			fixes: []rules.Edit{{Start: 17, End: 19}, {Start: 4, End: 13, NewText: "podman"}}},
		{name: "placeholder restored in message and key", start: 4, end: 27, wantStart: 4, wantEnd: 27,
			wantMsg: "`docker rm -f $(NAME)`: stop $(NAME) first, not $(NAME)x", wantKey: "docker rm -f $(NAME)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fd := rules.New(r, "Makefile", src, tt.start, tt.end, "`docker rm -f $______`: stop $______ first, not $______x")
			fd.Key = "docker rm -f $______"
			fd.Fixes = tt.fixes
			f.fixup(&fd, NewHost("x", src))
			if fd.Start != tt.wantStart || fd.End != tt.wantEnd {
				t.Errorf("range = [%d,%d), want [%d,%d)", fd.Start, fd.End, tt.wantStart, tt.wantEnd)
			}
			if l, c := rules.Position(src, fd.Start); fd.Line != l || fd.Column != c {
				t.Errorf("line:col = %d:%d, want %d:%d", fd.Line, fd.Column, l, c)
			}
			if len(fd.Fixes) != tt.wantFixes {
				t.Errorf("fixes = %+v, want %d", fd.Fixes, tt.wantFixes)
			}
			if tt.wantFixes > 0 && fd.Fixes[0].NewText != tt.wantText {
				t.Errorf("fix text = %q, want %q", fd.Fixes[0].NewText, tt.wantText)
			}
			if tt.wantMsg != "" && fd.Message != tt.wantMsg {
				t.Errorf("message = %q, want %q", fd.Message, tt.wantMsg)
			}
			if tt.wantKey != "" && fd.Key != tt.wantKey {
				t.Errorf("key = %q, want %q", fd.Key, tt.wantKey)
			}
		})
	}
}

func TestFixHost(t *testing.T) {
	f, src := build()
	x := &fixHost{f: f, h: NewHost("Makefile", src)}
	if got, ok := x.Text("docker stop"); !ok || got != "docker stop!" {
		t.Errorf("Text = %q, %v; want the fragment's FixText", got, ok)
	}
	for _, tt := range []struct {
		s, e int
		want string
	}{
		{0, 7, "$(DOCKER) "}, // the expanded variable, as written
		{0, 3, "$(DOCKER)"},  // part of it widens to all of it
		{7, 9, "rm"},
		{13, 20, "$(NAME)"}, // the placeholder is the file's own text
	} {
		if got, ok := x.Copy(tt.s, tt.e); !ok || got != tt.want {
			t.Errorf("Copy(%d, %d) = %q, %v; want %q", tt.s, tt.e, got, ok, tt.want)
		}
	}
	var b Builder
	b.Collapse([]byte("docker rm -f x\n"), 5, 6)
	cf := b.Fragment()
	if _, ok := (&fixHost{f: cf, h: NewHost("w.yml", []byte("run: >\n  docker rm\n  -f x\n"))}).Copy(0, 6); ok {
		t.Error("Copy out of a collapsed (folded) value succeeded")
	}
}

func TestCollapseAndMask(t *testing.T) {
	src := []byte("run: >\n  docker rm\n  -f x\nother: 1\n")
	var b Builder
	b.Collapse([]byte("docker rm -f x\n"), 5, 6)
	f := b.Fragment()
	if err := f.Verify(src); err != nil {
		t.Fatal(err)
	}
	for _, off := range []int{0, 7, 15, 99} {
		if got := f.Map(off); got != 5 {
			t.Errorf("Map(%d) = %d, want 5", off, got)
		}
	}
	fd := rules.New(rules.MustLookup("DG101"), "w.yml", src, 5, 5, "m")
	f.fixup(&fd, NewHost("x", src))
	if fd.Start != 5 || fd.End != 6 {
		t.Errorf("collapsed range = [%d,%d), want [5,6)", fd.Start, fd.End)
	}

	src = []byte("docker rm ${{ x }} -f")
	b = Builder{}
	b.Copy(src, 0)
	b.Mask(10, 18)
	f = b.Fragment()
	if got := string(f.Code); got != "docker rm $_______ -f" {
		t.Errorf("masked code = %q", got)
	}
	if err := f.Verify(src); err != nil {
		t.Error(err)
	}
	if f.editable(10, 12) || !f.editable(0, 6) || !f.editable(19, 21) {
		t.Error("editable disagrees with the mask")
	}
	for off := 0; off <= len(src); off++ {
		if got := f.Map(off); got != off {
			t.Errorf("Map(%d) = %d: a same-width mask must not move positions", off, got)
		}
	}
}

func TestPlaceholder(t *testing.T) {
	for w, want := range map[int]string{0: "", 1: "_", 2: "$_", 5: "$____"} {
		if got := string(Placeholder(w)); got != want {
			t.Errorf("Placeholder(%d) = %q, want %q", w, got, want)
		}
	}
	if got := replaceWord("a $__ b $____ c $__", "$__", "X"); got != "a X b $____ c X" {
		t.Errorf("replaceWord = %q", got)
	}
}

func TestRelevant(t *testing.T) {
	if Relevant([]byte("echo hi"), nil) {
		t.Error("echo hi is relevant")
	}
	if !Relevant([]byte("podman rm -f x"), nil) {
		t.Error("podman is not relevant")
	}
}

func TestRestoreSameWidth(t *testing.T) {
	// Two expressions of the same width: each finding quotes its own.
	src := []byte("docker kill ${{ a.x }}\ndocker kill ${{ b.y }}\n")
	var b Builder
	b.Copy(src, 0)
	b.Mask(12, 22)
	b.Mask(35, 45)
	f := b.Fragment()
	for _, tt := range []struct {
		start, end int
		want       string
	}{{0, 22, "docker kill ${{ a.x }}"}, {23, 45, "docker kill ${{ b.y }}"}} {
		fd := rules.New(rules.MustLookup("DG104"), "w.yml", src, tt.start, tt.end, "m")
		fd.Key = string(f.Code[tt.start:tt.end])
		f.fixup(&fd, NewHost("x", src))
		if fd.Key != tt.want {
			t.Errorf("key = %q, want %q", fd.Key, tt.want)
		}
	}
}

func TestHostPosition(t *testing.T) {
	for _, src := range []string{"", "a", "\n", "ab\r\ncd\n\nef", "x\ny\n"} {
		h := NewHost("f", []byte(src))
		for off := -1; off <= len(src)+1; off++ {
			l, c := h.lines.Position(off)
			wl, wc := rules.Position([]byte(src), off)
			if l != wl || c != wc {
				t.Errorf("%q: position(%d) = %d:%d, want %d:%d", src, off, l, c, wl, wc)
			}
		}
	}
}
