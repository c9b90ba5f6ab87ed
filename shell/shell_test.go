package shell

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/dockguard/dockguard/rules"
)

var update = flag.Bool("update", false, "rewrite the .golden files in testdata")

// render prints findings one per line as line:col-endLine:endCol: RULE message.
func render(fs []rules.Finding) string {
	sort.SliceStable(fs, func(i, j int) bool {
		if fs[i].Start != fs[j].Start {
			return fs[i].Start < fs[j].Start
		}
		return fs[i].Rule < fs[j].Rule
	})
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "%d:%d-%d:%d: %s %s\n", f.Line, f.Column, f.EndLine, f.EndColumn, f.Rule, f.Message)
	}
	return b.String()
}

// goldenInputs lists the golden test inputs: testdata/*.sh, and start-up
// files kept under their real names in testdata/startup (.bash_aliases,
// .zshrc), since the name picks the dialect.
func goldenInputs() ([]string, error) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.sh"))
	if err != nil {
		return nil, err
	}
	startup, err := filepath.Glob(filepath.Join("testdata", "startup", ".*"))
	if err != nil {
		return nil, err
	}
	for _, p := range startup {
		if !strings.HasSuffix(p, ".golden") {
			files = append(files, p)
		}
	}
	return files, nil
}

func TestGolden(t *testing.T) {
	files, err := goldenInputs()
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden inputs: %v", err)
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			fs := CheckScript(path, src, nil)
			for _, f := range fs {
				if f.File != path {
					t.Errorf("finding file %q, want %q", f.File, path)
				}
				if f.Key == "" {
					t.Errorf("%d:%d %s has no Key", f.Line, f.Column, f.Rule)
				}
				if f.Start < 0 || f.End < f.Start || f.End > len(src) {
					t.Errorf("bad range %d-%d", f.Start, f.End)
				}
			}
			got := render(fs)
			golden := path + ".golden"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./shell -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("findings differ from %s\n--- got\n%s--- want\n%s", golden, got, want)
			}
		})
	}
}

// TestSpanStartsAtDockerWord pins where a finding starts and ends: from the
// docker word to the end of the call, wrappers excluded.
func TestSpanStartsAtDockerWord(t *testing.T) {
	src := []byte("x=1\nsudo -u root docker rm -f web db  # cleanup\n")
	fs := CheckScript("s.sh", src, nil)
	if len(fs) != 1 {
		t.Fatalf("got %d findings: %s", len(fs), render(fs))
	}
	f := fs[0]
	if got := string(src[f.Start:f.End]); got != "docker rm -f web db" {
		t.Errorf("span %q", got)
	}
	if f.Line != 2 || f.Column != 14 || f.EndLine != 2 || f.EndColumn != 33 {
		t.Errorf("position %d:%d-%d:%d", f.Line, f.Column, f.EndLine, f.EndColumn)
	}
	if f.Key != "docker rm -f web db" || f.Rule != "DG101" || f.Name != "force-remove-container" || f.Severity != rules.SeverityError {
		t.Errorf("finding %+v", f)
	}
}

// TestCodeStringPositions checks that findings inside sh -c strings and
// here-documents point at the real bytes in the file.
func TestCodeStringPositions(t *testing.T) {
	tests := []struct {
		src, want string
	}{
		{"sh -c 'docker rm -f web'\n", "docker rm -f web"},
		{"sh -c \"echo; docker kill \\\"web\\\"\"\n", "docker kill \\\"web\\\""},
		{"bash <<EOF\n  docker rm -f web\nEOF\n", "docker rm -f web"},
		{"sudo bash <<-'EOF'\n\tdocker kill web\n\tEOF\n", "docker kill web"},
		{"eval \"docker rm -f $x\"\n", "docker rm -f $x"},
	}
	for _, tt := range tests {
		fs := CheckScript("s.sh", []byte(tt.src), nil)
		if len(fs) != 1 {
			t.Errorf("%q: got %s", tt.src, render(fs))
			continue
		}
		if got := tt.src[fs[0].Start:fs[0].End]; got != tt.want {
			t.Errorf("%q: span %q, want %q", tt.src, got, tt.want)
		}
	}
}

// TestCheckWithOffsetMap checks a fragment extracted from a bigger file,
// as the Makefile and CI-YAML front ends do.
func TestCheckWithOffsetMap(t *testing.T) {
	file := []byte("jobs:\n  run: |\n    echo hi\n    docker rm -f web\n")
	// The fragment is the block scalar's content with the indentation removed.
	code := []byte("echo hi\ndocker rm -f web\n")
	lineStarts := []int{bytes.Index(file, []byte("echo")), bytes.Index(file, []byte("docker"))}
	m := func(off int) int {
		if off < 8 {
			return lineStarts[0] + off
		}
		return lineStarts[1] + off - 8
	}
	fs := Check("ci.yml", file, code, m, nil)
	if len(fs) != 1 {
		t.Fatalf("got %s", render(fs))
	}
	f := fs[0]
	if f.File != "ci.yml" || f.Line != 4 || f.Column != 5 || f.EndColumn != 21 {
		t.Errorf("position %s:%d:%d-%d", f.File, f.Line, f.Column, f.EndColumn)
	}
	if got := string(file[f.Start:f.End]); got != "docker rm -f web" {
		t.Errorf("span %q", got)
	}
}

func TestConfig(t *testing.T) {
	src := []byte("podman rm -f a\ndocker rm -f b\nfinch rm -f c\ndocker ps -q | xargs -P 5 docker stop\n")
	fs := CheckScript("s.sh", src, &Config{Binaries: []string{"finch", "docker"}, ParallelLimit: 8})
	got := render(fs)
	if strings.Contains(got, "1:") || !strings.Contains(got, "2:1-2:15: DG101") || !strings.Contains(got, "3:1-3:14: DG101") || strings.Contains(got, "DG106") {
		t.Errorf("config not honoured:\n%s", got)
	}
	fs = CheckScript("s.sh", src, &Config{})
	if !strings.Contains(render(fs), "DG106") {
		t.Errorf("default limit 3 should flag -P 5:\n%s", render(fs))
	}
}

func TestSyntaxErrorStillChecksTheRest(t *testing.T) {
	src := []byte("docker rm -f a\nif then fi (\ndocker kill b\n")
	fs := CheckScript("bad.sh", src, nil)
	got := render(fs)
	for _, want := range []string{"DG001", "1:1-1:15: DG101", "3:1-3:14: DG104"} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %s in\n%s", want, got)
		}
	}
}

func TestBadInput(t *testing.T) {
	inputs := map[string][]byte{
		"binary":       {0, 1, 2, 'd', 'o', 'c', 'k', 'e', 'r', 0xff, 0xfe, '\n', 0},
		"invalid utf":  []byte("docker rm -f \xff\xfe\xfd\necho \xc3\x28\ndocker kill x\n"),
		"unterminated": []byte("docker rm -f 'web\n"),
		"deep nesting": []byte(strings.Repeat("sh -c \"", 40) + "docker rm -f x" + strings.Repeat("\"", 40) + "\n"),
		"empty":        nil,
		"only docker":  []byte("docker"),
		"lone dollar":  []byte("docker rm -f $\n"),
	}
	for name, src := range inputs {
		fs := CheckScript(name, src, nil)
		for _, f := range fs {
			if f.Start < 0 || f.End > len(src) || f.End < f.Start {
				t.Errorf("%s: bad range %+v", name, f)
			}
		}
	}
	fs := CheckScript("u.sh", inputs["invalid utf"], nil)
	if got := render(fs); !strings.Contains(got, "DG101") || !strings.Contains(got, "DG104") {
		t.Errorf("invalid UTF-8 script lost findings:\n%s", got)
	}
}

func TestHugeInput(t *testing.T) {
	var b bytes.Buffer
	for b.Len() < 10<<20 {
		b.WriteString("echo building step; make -j4 all >/dev/null 2>&1 || exit 1\n")
	}
	b.WriteString("docker rm -f last\n")
	fs := CheckScript("huge.sh", b.Bytes(), nil)
	if len(fs) != 1 || fs[0].Rule != "DG101" {
		t.Errorf("huge input: %s", render(fs))
	}
}

func TestPrefilter(t *testing.T) {
	if fs := CheckScript("x.sh", []byte("if then (\nrm -rf /\n"), nil); len(fs) != 0 {
		t.Errorf("a file without docker must not be parsed: %s", render(fs))
	}
}

func FuzzCheck(f *testing.F) {
	files, _ := goldenInputs()
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("docker rm -f $(docker ps -aq)\n"))
	f.Add([]byte("sh -c \"docker kill '$x'\" && eval 'docker rm -f a' <<EOF\nEOF\n"))
	f.Add([]byte("alias -g X='| xargs docker rm -f' d=\"docker rm -f $(docker ps -aq)\" e='docker kill '\\''a'\n"))
	f.Add([]byte("shopt -s expand_aliases\nalias s='sudo ' d='drm -v' drm='docker rm -f'\ns d $(docker ps -aq) <<E\nE\n"))
	for _, src := range deepCases(maxNesting + 1) {
		f.Add([]byte(src))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		fs := CheckScript("f.sh", src, nil)
		for _, fd := range fs {
			if fd.Start < 0 || fd.End < fd.Start || fd.End > len(src) {
				t.Fatalf("bad range %d-%d for %d bytes", fd.Start, fd.End, len(src))
			}
		}
		// Through an offset map that shifts everything by a prefix.
		prefix := []byte("# header\n")
		file := append(append([]byte{}, prefix...), src...)
		Check("g.sh", file, src, func(o int) int { return o + len(prefix) }, nil)
		// As start-up files, which expand aliases; .zshrc with zsh's
		// dialect.
		for _, name := range []string{".zshrc", ".bashrc"} {
			for _, fd := range CheckScript(name, src, nil) {
				if fd.Start < 0 || fd.End < fd.Start || fd.End > len(src) {
					t.Fatalf("%s: bad range %d-%d for %d bytes", name, fd.Start, fd.End, len(src))
				}
			}
		}
	})
}

// TestBrokenHugeInput makes sure parse-error recovery stays bounded on a
// large file full of unbalanced quotes.
func TestBrokenHugeInput(t *testing.T) {
	var b bytes.Buffer
	for b.Len() < 2<<20 {
		b.WriteString("echo \"unbalanced $(docker ps\n docker rm -f x 'y\n")
	}
	fs := CheckScript("broken.sh", b.Bytes(), nil)
	if len(fs) == 0 || fs[0].Rule != "DG001" && fs[len(fs)-1].Rule != "DG001" {
		t.Errorf("want a DG001 finding, got %d findings", len(fs))
	}
}

func BenchmarkCheckScript(b *testing.B) {
	var buf bytes.Buffer
	for buf.Len() < 1<<20 {
		buf.WriteString("echo building; make -j4 all >/dev/null 2>&1 || exit 1\nfor c in $(docker ps -q); do docker stop \"$c\"; done\nsh -c 'docker rm web'\n")
	}
	src := buf.Bytes()
	b.SetBytes(int64(len(src)))
	b.ResetTimer()
	for range b.N {
		CheckScript("bench.sh", src, nil)
	}
}

func TestCRLF(t *testing.T) {
	src := []byte("docker rm -f web\r\ndocker kill db\r\n")
	got := render(CheckScript("w.sh", src, nil))
	want := "1:1-1:17: DG101 `docker rm -f web` kills the container with SIGKILL and removes it in one call; stop it first: docker stop --time 10 web >/dev/null 2>&1 || true; docker rm -f web\n" +
		"2:1-2:15: DG104 `docker kill db` sends SIGKILL with no graceful shutdown; stop it instead: docker stop --time 10 db\n"
	if got != want {
		t.Errorf("got\n%s", got)
	}
}

// TestHeredocAtEndOfInput: a here-document whose delimiter line is missing
// ends at end of input in bash, dash, zsh and mksh, so it is no DG001; the
// code is still walked with real positions. Where the shells do fail (the
// body swallows the ) of a command substitution) DG001 stays.
func TestHeredocAtEndOfInput(t *testing.T) {
	tests := []struct {
		name, src string
		spans     []string // source text of each finding, in order
		dg001     bool
	}{
		{"text body", "docker kill a\ncat <<EOF\ndocker rm -f text\n", []string{"docker kill a"}, false},
		{"no final newline", "docker kill a\ncat <<EOF >f\n{\"x\": 1}", []string{"docker kill a"}, false},
		{"empty body", "docker kill a\ncat <<EOF", []string{"docker kill a"}, false},
		{"quoted delimiter with space", "docker kill a\ncat <<'E O F'\nbody\n", []string{"docker kill a"}, false},
		{"escaped delimiter", "docker kill a\ncat <<\\\\EOF\nbody\n", []string{"docker kill a"}, false},
		{"code body", "sh <<EOF\ndocker rm -f web", []string{"docker rm -f web"}, false},
		{"in sh -c string", "sh -c 'cat <<EOF\ndocker rm -f t'\ndocker kill b\n", []string{"docker kill b"}, false},
		{"crlf", "docker kill a\r\ncat <<EOF\r\nbody\r\n", []string{"docker kill a"}, false},
		{"delimiter only after a continuation", "docker kill a\ncat <<EOF\nbody \\", []string{"docker kill a"}, false},
		{"inside command substitution", "x=$(cat <<EOF\nbody\n)\ndocker kill a\n", nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := CheckScript("h.sh", []byte(tt.src), nil)
			var spans []string
			dg001 := false
			for _, f := range fs {
				if f.Start < 0 || f.End < f.Start || f.End > len(tt.src) {
					t.Fatalf("bad range %d-%d", f.Start, f.End)
				}
				if f.Rule == "DG001" {
					dg001 = true
					continue
				}
				spans = append(spans, tt.src[f.Start:f.End])
			}
			if dg001 != tt.dg001 {
				t.Errorf("DG001 = %v, want %v:\n%s", dg001, tt.dg001, render(fs))
			}
			if !tt.dg001 && fmt.Sprint(spans) != fmt.Sprint(tt.spans) {
				t.Errorf("spans %q, want %q", spans, tt.spans)
			}
		})
	}
}

// TestCRLFHeredoc: with Windows line endings a here-document's delimiter
// line still closes it, so the commands after it are code, not body text,
// and a backslash at the end of a line still continues it.
func TestCRLFHeredoc(t *testing.T) {
	tests := []struct {
		src   string
		spans []string
	}{
		{"cat <<EOF\r\nbody\r\nEOF\r\ndocker rm -f after\r\n", []string{"docker rm -f after"}},
		{"if true; then\r\n\tcat <<-'END'\r\n\tdocker rm -f text\r\n\tEND\r\n\tdocker kill x\r\nfi\r\n", []string{"docker kill x"}},
		{"sh <<EOF\r\ndocker kill a\r\nEOF\r\ndocker kill b\r\n", []string{"docker kill a", "docker kill b"}},
		{"docker rm \\\r\n  -f \\\r\n  web\r\n", []string{"docker rm \\\r\n  -f \\\r\n  web"}},
		{"\tdocker \\\r\n\\\r\nkill x\r\n", []string{"docker \\\r\n\\\r\nkill x"}},
		{"echo docker rm \\\\\r\ndocker kill y\r\n", []string{"docker kill y"}},
		{"x=(\r\nweb\r\n)\r\ndocker rm -f \"${x[0]}\" |\r\ncat\r\n", []string{"docker rm -f \"${x[0]}\""}},
	}
	for _, tt := range tests {
		fs := CheckScript("w.sh", []byte(tt.src), nil)
		var spans []string
		for _, f := range fs {
			if f.Rule == "DG001" {
				t.Errorf("%q: %s", tt.src, render(fs))
				continue
			}
			spans = append(spans, tt.src[f.Start:f.End])
		}
		if fmt.Sprint(spans) != fmt.Sprint(tt.spans) {
			t.Errorf("%q: spans %q, want %q", tt.src, spans, tt.spans)
		}
	}
}

// TestFunctionCallsBounded feeds a listing through a deep chain of functions
// that each call the previous one twice: the walk must stay bounded, and
// the first links of the chain are still followed.
func TestFunctionCallsBounded(t *testing.T) {
	var b strings.Builder
	b.WriteString("f0() { docker rm -f \"$@\"; }\n")
	for i := 1; i <= 40; i++ {
		fmt.Fprintf(&b, "f%d() { f%d \"$@\"; f%d \"$@\"; }\n", i, i-1, i-1)
	}
	b.WriteString("f2 $(docker ps -aq)\nf40 $(docker ps -aq)\n")
	fs := CheckScript("chain.sh", []byte(b.String()), nil)
	var mass []string
	for _, f := range fs {
		if f.Rule == "DG105" {
			mass = append(mass, f.Message)
		}
	}
	if len(mass) == 0 || !strings.Contains(mass[0], "`f2` runs `docker rm -f \"$@\"` (line 1, through f1, f0)") {
		t.Errorf("want DG105 at the call of f2 through f1, f0; got %q", mass)
	}
}

// TestFunctionRunsBounded checks that running function bodies at their
// calls stays bounded: thousands of calls of a large helper must not use up
// the budget before main runs at the end, and a long chain of functions,
// each defined after its caller and calling the next twice, is followed
// without blowing up.
func TestFunctionRunsBounded(t *testing.T) {
	var b strings.Builder
	b.WriteString("log() {\n  # " + strings.Repeat("x", 4096) + "\n  say \"$@\"\n}\nsay() { printf '%s\\n' \"$*\"; }\n")
	b.WriteString("main() {\n  cleanup $(docker ps -aq)\n}\n")
	for range 2000 {
		b.WriteString("log step\n")
	}
	b.WriteString("cleanup() { docker rm -f \"$@\"; }\nmain \"$@\"\n")
	src := []byte(b.String())
	var mass []rules.Finding
	for _, f := range CheckScript("many.sh", src, nil) {
		if f.Rule == "DG105" {
			mass = append(mass, f)
		}
	}
	if len(mass) != 1 || string(src[mass[0].Start:mass[0].End]) != "cleanup $(docker ps -aq)" {
		t.Errorf("want one DG105 at the call of cleanup in main, got %+v", mass)
	}

	b.Reset()
	for i := range 40 {
		fmt.Fprintf(&b, "f%d() { f%d; f%d; }\n", i, i+1, i+1)
	}
	b.WriteString("f40() { cleanup $(docker ps -aq); }\ncleanup() { docker rm -f \"$@\"; }\nf0\n")
	src = []byte(b.String())
	mass = mass[:0]
	for _, f := range CheckScript("chain.sh", src, nil) {
		if f.Rule == "DG105" {
			mass = append(mass, f)
		}
	}
	if len(mass) != 1 || string(src[mass[0].Start:mass[0].End]) != "cleanup $(docker ps -aq)" {
		t.Errorf("want one DG105 at the call of cleanup in f40, got %+v", mass)
	}
}

// TestAliasValues pins where findings in alias values point, and that a
// value's definition-time substitution is reported once, where it runs.
func TestAliasValues(t *testing.T) {
	tests := []struct {
		file, src string
		want      []string // "RULE span" of each finding, in order
	}{
		{"a.sh", "alias drm='docker rm -f'\n", []string{"DG101 docker rm -f"}},
		{"a.sh", "alias dclean='docker rm -f $(docker ps -aq)'\n", []string{"DG105 docker rm -f $(docker ps -aq)"}},
		{"a.sh", "alias x=\"docker rm -f $(docker ps -aq)\"\n", []string{"DG105 docker rm -f $(docker ps -aq)"}},
		// The substitution removes at definition; the value is its output.
		{"a.sh", "alias x=\"$(docker rm -f a)\"\n", []string{"DG101 docker rm -f a"}},
		{"a.sh", "alias a='docker ps' b='docker kill b'\n", []string{"DG104 docker kill b"}},
		{"a.sh", "alias x=docker\\ rm\\ -f\\ web\n", []string{"DG101 docker\\ rm\\ -f\\ web"}},
		{"a.sh", "alias -- -x='docker kill y'\n", []string{"DG104 docker kill y"}},
		{"a.sh", "f() {\n  alias k='docker kill z'\n}\n", []string{"DG104 docker kill z"}},
		{".zshrc", "alias -g X='| xargs docker kill'\n", []string{"DG104 docker kill"}},
		{".zshrc", "alias -m 'docker*'\nalias -L docker\n", nil},
		{"a.sh", "alias x='docker volume rm -f v'\nalias y='docker compose rm -f'\n", nil},
		{"a.sh", "alias\nalias -p\nunalias x\nalias x\nalias x=\n", nil},
		{"a.sh", "echo \"alias x='docker rm -f'\"\n# alias y='docker rm -f'\n", nil},
		// Positional parameters in a value are those of the use.
		{"a.sh", "f() { alias x='docker rm -f $1'; }\nf $(docker ps -aq)\n", []string{"DG101 docker rm -f $1"}},
	}
	for _, tt := range tests {
		if got := ruleSpans(t, tt.file, tt.src); fmt.Sprint(got) != fmt.Sprint(tt.want) {
			t.Errorf("%s %q:\ngot  %q\nwant %q", tt.file, tt.src, got, tt.want)
		}
	}
}

// TestAliasBadValues feeds alias values that do not parse: no panic, a
// DG001 for an ordinary alias as for sh -c, none for a zsh global alias,
// which is a fragment of a command line by design, and the file goes on.
func TestAliasBadValues(t *testing.T) {
	tests := []struct {
		file, src string
		dg001     bool
	}{
		{"a.sh", "alias x='docker rm -f \"web'\ndocker kill b\n", true},
		{"a.sh", "alias x='docker rm -f $(docker ps'\ndocker kill b\n", true},
		{"a.sh", "alias x=\"docker rm -f \\\"web\"\ndocker kill b\n", true},
		{"a.sh", "alias x='docker kill b; if'\ndocker kill b\n", true},
		{".zshrc", "alias -g X='docker rm -f \"web'\ndocker kill b\n", false},
		{".zshrc", "alias -g X='|| docker kill a &&'\ndocker kill b\n", false},
	}
	for _, tt := range tests {
		fs := CheckScript(tt.file, []byte(tt.src), nil)
		dg001, last := false, false
		for _, f := range fs {
			if f.Start < 0 || f.End < f.Start || f.End > len(tt.src) {
				t.Fatalf("%q: bad range %d-%d", tt.src, f.Start, f.End)
			}
			dg001 = dg001 || f.Rule == "DG001"
			last = last || (f.Rule == "DG104" && f.Line == 2)
		}
		if dg001 != tt.dg001 || !last {
			t.Errorf("%s %q: DG001 %v (want %v), line 2 checked %v:\n%s", tt.file, tt.src, dg001, tt.dg001, last, render(fs))
		}
	}
}

// TestZshStartupDialect: .zshrc and *.zsh are parsed as zsh, so its own
// syntax is no DG001.
func TestZshStartupDialect(t *testing.T) {
	src := []byte("for f in ${(f)\"$(ls)\"}; do print -r -- $f; done\ndocker kill b\n")
	for _, name := range []string{".zshrc", "home/.zprofile", "lib/prompt.zsh"} {
		got := render(CheckScript(name, src, nil))
		if strings.Contains(got, "DG001") || !strings.Contains(got, "DG104") {
			t.Errorf("%s:\n%s", name, got)
		}
	}
	if got := render(CheckScript(".bashrc", src, nil)); !strings.Contains(got, "DG001") {
		t.Errorf("bash should not parse zsh-only syntax:\n%s", got)
	}
}

// TestAliasUses checks where a use of an alias is replaced by its value:
// the finding of the expanded command spans the use, and nothing the
// definition already reported is repeated.
func TestAliasUses(t *testing.T) {
	const def = "alias drm='docker rm -f'\n"
	tests := []struct {
		file, src string
		want      []string // "RULE span" of each finding, in order
	}{
		{".bashrc", def + "drm $(docker ps -aq)\n", []string{"DG101 docker rm -f", "DG105 drm $(docker ps -aq)"}},
		{".bash_profile", def + "drm $(docker ps -aq) >/dev/null\n", []string{"DG101 docker rm -f", "DG105 drm $(docker ps -aq)"}},
		{".profile", def + "X=1 drm $(docker ps -aq)\n", []string{"DG101 docker rm -f", "DG105 drm $(docker ps -aq)"}},
		{"home/.bash_login", "alias dps='docker ps -aq'\ndocker kill $(dps)\n", []string{"DG105 docker kill $(dps)"}},
		{"x.zsh", def + "drm $(docker ps -aq)\n", []string{"DG101 docker rm -f", "DG105 drm $(docker ps -aq)"}},
		{"x.sh", "#!/usr/bin/env sh\n" + def + "drm $(docker ps -aq)\n", []string{"DG101 docker rm -f", "DG105 drm $(docker ps -aq)"}},
		{"x.sh", "shopt -s expand_aliases\n" + def + "drm $(docker ps -aq)\n", []string{"DG101 docker rm -f", "DG105 drm $(docker ps -aq)"}},
		// An alias of nothing but the binary: the use is the command.
		{".bashrc", "alias d=docker\nd rm -f web\n", []string{"DG101 d rm -f web"}},
		// Names add nothing to the definition's DG101.
		{".bashrc", def + "drm web db\n", []string{"DG101 docker rm -f"}},
		// Not replaced.
		{"x.sh", def + "drm $(docker ps -aq)\n", []string{"DG101 docker rm -f"}},
		{"x.bash", "#!/bin/bash\n" + def + "drm $(docker ps -aq)\n", []string{"DG101 docker rm -f"}},
		{"x.sh", def + "shopt -s expand_aliases; drm $(docker ps -aq)\n", []string{"DG101 docker rm -f"}},
		{"x.sh", "f() { shopt -s expand_aliases; }\n" + def + "drm $(docker ps -aq)\n", []string{"DG101 docker rm -f"}},
		{".bashrc", def + "unalias drm\ndrm $(docker ps -aq)\n", []string{"DG101 docker rm -f"}},
		{".bashrc", def + "'drm' $(docker ps -aq)\n\\drm $(docker ps -aq)\n\"drm\" $(docker ps -aq)\n", []string{"DG101 docker rm -f"}},
		{".bashrc", def + "echo drm $(docker ps -aq)\nsudo drm $(docker ps -aq)\n", []string{"DG101 docker rm -f"}},
		{".bashrc", "drm $(docker ps -aq)\n" + def, []string{"DG101 docker rm -f"}},
		{".bashrc", "alias drm='docker rm -f'; drm $(docker ps -aq)\n", []string{"DG101 docker rm -f"}},
		{".bashrc", "f() { drm $(docker ps -aq); }\n" + def, []string{"DG101 docker rm -f"}},
		{"x.sh", "sh -c \"alias drm='docker kill'\"\ndrm $(docker ps -q)\n", []string{"DG104 docker kill"}},
		// command and builtin reach the alias and eval builtins.
		{"x.sh", "command alias k='docker kill a'\nbuiltin eval 'docker kill b'\ncommand -p eval 'docker kill c'\n",
			[]string{"DG104 docker kill a", "DG104 docker kill b", "DG104 docker kill c"}},
		{"x.sh", "command -v eval 'docker kill a'\n", nil},
		// zsh's command runs external commands only.
		{".zshrc", "command alias k='docker kill a'\nbuiltin alias j='docker kill b'\n", []string{"DG104 docker kill b"}},
	}
	for _, tt := range tests {
		if got := ruleSpans(t, tt.file, tt.src); fmt.Sprint(got) != fmt.Sprint(tt.want) {
			t.Errorf("%s %q:\ngot  %q\nwant %q", tt.file, tt.src, got, tt.want)
		}
	}
}

// TestAliasUsesBounded: aliases that use each other, or replace
// themselves, end; values that use several other aliases each do not
// multiply the work without bound.
func TestAliasUsesBounded(t *testing.T) {
	// a runs b runs a: the shell stops at a, a command of that name.
	loop := "alias a='b $(docker ps -q)' b='a docker' s='s ' t='s t '\na x\ns t s drm\n" +
		"alias k='docker kill ' p='$(docker ps -q)'\nk p\n"
	got := render(CheckScript(".zshrc", []byte(loop), nil))
	if !strings.Contains(got, "5:1-5:4: DG105") || strings.Count(got, "\n") != 2 {
		t.Errorf("want the DG104 of k's value and the DG105 of k p only:\n%s", got)
	}
	var b strings.Builder
	const n = 40
	for i := range n {
		fmt.Fprintf(&b, "alias a%d='docker kill $(a%d) $(a%d) $(a%d)'\n", i, i+1, i+1, i+1)
	}
	b.WriteString("a0 x\n")
	fs := CheckScript(".bashrc", []byte(b.String()), nil)
	if len(fs) < n {
		t.Errorf("want at least %d findings, got %d", n, len(fs))
	}
}

func TestInterpreter(t *testing.T) {
	for src, want := range map[string]string{
		"#!/bin/bash\necho":                  "bash",
		"#! /bin/sh -e\n":                    "sh",
		"#!/usr/bin/env bash":                "bash",
		"#!/usr/bin/env -S zsh -f\n":         "zsh",
		"#!/usr/bin/env LANG=C FOO=1 dash\n": "dash",
		"#!/usr/bin/env python3\n":           "python3",
		"#!/usr/bin/env\n":                   "",
		"#!\n":                               "",
		"echo hi\n":                          "",
		"":                                   "",
		"\xef\xbb\xbf#!/bin/bash\n":          "",
	} {
		if got := Interpreter([]byte(src)); got != want {
			t.Errorf("Interpreter(%q) = %q, want %q", src, got, want)
		}
	}
}

// ruleSpans checks src as file and returns each finding as "RULE text",
// where text is the source its range covers; a range outside src fails.
func ruleSpans(t *testing.T, file, src string) []string {
	t.Helper()
	var got []string
	for _, f := range CheckScript(file, []byte(src), nil) {
		if f.Start < 0 || f.End < f.Start || f.End > len(src) {
			t.Fatalf("%q: bad range %d-%d", src, f.Start, f.End)
		}
		got = append(got, f.Rule+" "+src[f.Start:f.End])
	}
	return got
}

// TestInvalidUTF8WordsKeepTheirBytes: the parser reads invalid UTF-8 as
// '?', but a container named with such bytes is advised as the shell
// passes it ($'x\xffy'), not as '?', a glob or another name; valid
// multi-byte names and a CRLF script after the bad bytes are unchanged.
func TestInvalidUTF8WordsKeepTheirBytes(t *testing.T) {
	src := []byte("#!/bin/sh\r\ndocker rm -f 'x\xffy' \"a\xfeb\" c\xfd\r\ndocker rm -f café\r\n")
	fs := CheckScript("s.sh", src, nil)
	if len(fs) != 2 {
		t.Fatalf("got %d findings: %s", len(fs), render(fs))
	}
	if want := "docker rm -f $'x\\xffy' $'a\\xfeb' $'c\\xfd'"; !strings.Contains(fs[0].Message, "`"+want+"`") || !strings.Contains(fs[0].Message, "docker stop --time 10 $'x\\xffy' $'a\\xfeb' $'c\\xfd'") {
		t.Errorf("message %q, want the words as %s", fs[0].Message, want)
	}
	if strings.Contains(fs[0].Message, "?") {
		t.Errorf("a '?' stands for a byte: %q", fs[0].Message)
	}
	if !strings.Contains(fs[1].Message, "`docker rm -f café`") {
		t.Errorf("valid UTF-8 changed: %q", fs[1].Message)
	}
	if fs[1].Line != 3 {
		t.Errorf("second finding on line %d, want 3", fs[1].Line)
	}
}
