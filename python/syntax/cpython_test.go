package syntax

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestMatchesCPython is the differential test against CPython: for every
// Python file of the interpreter's standard library and of the Docker SDK
// for Python (Debian's python3-docker) it compares the Go token stream with
// python3's tokenize module, token by token and position by position, and
// checks that every file CPython's ast.parse accepts parses without an
// error here. It runs wherever python3 is installed;
// DOCKGUARD_REQUIRE_PYTHON=1 (as in CI) makes its absence a failure.
func TestMatchesCPython(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		if os.Getenv("DOCKGUARD_REQUIRE_PYTHON") == "1" {
			t.Fatal("python3 is required (DOCKGUARD_REQUIRE_PYTHON=1) but not installed")
		}
		t.Skip("python3 is not installed")
	}
	if testing.Short() {
		t.Skip("slow: tokenizes the standard library with CPython")
	}
	out, err := exec.Command(py, "-c", "import sysconfig; print(sysconfig.get_paths()['stdlib'])").Output()
	if err != nil {
		t.Fatalf("python3 stdlib path: %v", err)
	}
	roots := []string{strings.TrimSpace(string(out))}
	for _, extra := range []string{"/usr/lib/python3/dist-packages/docker"} {
		if _, err := os.Stat(extra); err == nil {
			roots = append(roots, extra)
		} else if os.Getenv("DOCKGUARD_REQUIRE_PYTHON") == "1" {
			t.Fatalf("%s is required in CI (apt-get install python3-docker)", extra)
		}
	}
	var files []string
	for _, root := range roots {
		_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return nil
			}
			if d.IsDir() && (d.Name() == "site-packages" || d.Name() == "dist-packages") && p != root {
				return filepath.SkipDir
			}
			if !d.IsDir() && strings.HasSuffix(p, ".py") {
				files = append(files, p)
			}
			return nil
		})
	}
	script, _ := filepath.Abs("testdata/pytokens.py")
	var stdout io.Reader
	var cmds []*exec.Cmd
	if saved := os.Getenv("PYTOKENS_OUTPUT"); saved != "" {
		// A saved run of pytokens.py, to iterate on the Go side quickly.
		f, err := os.Open(saved)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		stdout = f
	} else {
		// Two interpreters, one per half of the files: CPython's pure
		// Python tokenize is the slow side. The second writes to a file
		// read after the first's stream.
		half := len(files) / 2
		first := exec.Command(py, script)
		first.Stdin = strings.NewReader(strings.Join(files[:half], "\n"))
		first.Stderr = os.Stderr
		second := exec.Command(py, script)
		second.Stdin = strings.NewReader(strings.Join(files[half:], "\n"))
		second.Stderr = os.Stderr
		tmp, err := os.Create(filepath.Join(t.TempDir(), "tokens.txt"))
		if err != nil {
			t.Fatal(err)
		}
		defer tmp.Close()
		second.Stdout = tmp
		pipe, err := first.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := first.Start(); err != nil {
			t.Fatal(err)
		}
		if err := second.Start(); err != nil {
			t.Fatal(err)
		}
		cmds = []*exec.Cmd{first}
		t.Cleanup(func() { _ = second.Process.Kill() })
		stdout = io.MultiReader(pipe, readerAfter(second, tmp))
	}
	var compared, skipped, mismatches, parsed, parseErrors, rejected, rejectedFound int
	sc := bufio.NewScanner(stdout)
	sc.Buffer(make([]byte, 1<<20), 1<<26)
	var want []string
	var file string
	var tokOK, astOK bool
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "F "):
			f := strings.SplitN(line, " ", 4)
			tokOK, astOK, file = f[1] == "1", f[2] == "1", f[3]
			want = want[:0]
		case strings.HasPrefix(line, "T "):
			want = append(want, strings.TrimRight(line, " "))
		case line == "E":
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			if tokOK {
				compared++
				got := pyTokens(Tokenize(src))
				if d := firstDiff(got, want); d != "" {
					mismatches++
					if mismatches <= 10 {
						t.Errorf("%s: token stream differs from CPython's: %s", file, d)
					}
				}
			} else {
				skipped++
			}
			errs := Parse(src).Errors
			if astOK {
				parsed++
				if len(errs) > 0 {
					parseErrors++
					if parseErrors <= 10 {
						l, c := lineCol(src, errs[0].Offset)
						t.Errorf("%s:%d:%d: CPython parses this file, but: %s", file, l, c, errs[0].Msg)
					}
				}
			} else {
				rejected++
				if len(errs) > 0 {
					rejectedFound++
				}
			}
		}
	}
	for _, c := range cmds {
		if err := c.Wait(); err != nil {
			t.Fatalf("python3 %s: %v", script, err)
		}
	}
	t.Logf("tokenizer: %d files compared with CPython's tokenize, %d mismatches, %d skipped (tokenize refuses them)", compared, mismatches, skipped)
	t.Logf("parser: %d files that ast.parse accepts, %d with a syntax error here; %d files ast.parse rejects, %d of them reported", parsed, parseErrors, rejected, rejectedFound)
	if compared < 500 {
		t.Errorf("only %d files compared; want the whole standard library", compared)
	}
}

// readerAfter reads f from the start once cmd has exited.
func readerAfter(cmd *exec.Cmd, f *os.File) io.Reader {
	return &lazyReader{open: func() (io.Reader, error) {
		if err := cmd.Wait(); err != nil {
			return nil, err
		}
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return nil, err
		}
		return f, nil
	}}
}

type lazyReader struct {
	open func() (io.Reader, error)
	r    io.Reader
}

func (l *lazyReader) Read(p []byte) (int, error) {
	if l.r == nil {
		r, err := l.open()
		if err != nil {
			return 0, err
		}
		l.r = r
	}
	return l.r.Read(p)
}

func firstDiff(got, want []string) string {
	for i := 0; i < len(got) || i < len(want); i++ {
		var g, w string
		if i < len(got) {
			g = got[i]
		}
		if i < len(want) {
			w = want[i]
		}
		if g != w {
			return fmt.Sprintf("token %d: got %q, CPython %q", i, g, w)
		}
	}
	return ""
}

// pyTokens renders a token stream as testdata/pytokens.py prints
// tokenize's: rows 1-based, columns in characters from the line start (the
// BOM excluded), the end-of-file tokens where tokenize puts them.
func pyTokens(ts *Tokens) []string {
	src := ts.Src
	starts := []int{0}
	if ts.BOM {
		starts[0] = 3
	}
	for i, c := range src {
		if c == '\n' && i+1 <= len(src) {
			starts = append(starts, i+1)
		}
	}
	nlines := len(starts)
	if len(src) > 0 && src[len(src)-1] == '\n' || len(src) == 0 || ts.BOM && len(src) == 3 {
		nlines--
	}
	pos := func(off int) (int, int) {
		// the last line start <= off
		lo, hi := 0, len(starts)-1
		for lo < hi {
			mid := (lo + hi + 1) / 2
			if starts[mid] <= off {
				lo = mid
			} else {
				hi = mid - 1
			}
		}
		seg := src[starts[lo]:off]
		col := len(seg)
		if !ts.Latin1 {
			col = utf8.RuneCount(seg)
		}
		return lo + 1, col
	}
	var out []string
	for _, tk := range ts.Toks {
		sr, sc := pos(int(tk.Start))
		er, ec := pos(int(tk.End))
		if tk.End > tk.Start && src[tk.End-1] == '\n' {
			// tokenize ends a token that holds the newline on its own line.
			er, ec = pos(int(tk.End) - 1)
			ec++
		}
		if int(tk.Start) == len(src) && tk.Start == tk.End {
			switch tk.Kind {
			case DEDENT, ENDMARKER:
				sr, sc, er, ec = nlines+1, 0, nlines+1, 0
			case NEWLINE:
				ec++
			}
		}
		text := ""
		if tk.Kind == OP {
			text = string(ts.Text(tk))
		}
		out = append(out, strings.TrimRight(fmt.Sprintf("T %s %d %d %d %d %s", tk.Kind, sr, sc, er, ec, text), " "))
	}
	return out
}

func lineCol(src []byte, off int) (int, int) {
	off = min(off, len(src))
	l := 1 + bytes.Count(src[:off], []byte("\n"))
	c := off - (bytes.LastIndexByte(src[:off], '\n') + 1) + 1
	return l, c
}
