package jenkinsfile

import (
	"flag"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dockguard/dockguard/internal/findingtest"
	"github.com/dockguard/dockguard/rules"
)

var update = flag.Bool("update", false, "rewrite the .golden files from the current output")

func TestGolden(t *testing.T) {
	findingtest.Golden(t, filepath.Join("testdata", "*"), *update, func(path string, src []byte) []rules.Finding {
		return Check(path, src, nil)
	})
}

func TestFindings(t *testing.T) {
	for _, tt := range []struct{ name, src, want string }{
		{"single quotes", "sh 'docker rm -f web'\n", "DG101 1:5-1:21+fix"},
		{"double quotes, interpolation unknown", "sh \"docker kill ${env.NAME}\"\n", "DG104 1:5-1:28+fix"},
		{"$name interpolation", "sh \"docker kill $name\"\n", "DG104 1:5-1:22+fix"},
		{"escaped dollar is the shell's", "sh \"docker kill \\$ID\"\n", "DG104 1:5-1:21+fix"},
		{"triple single quotes, multi-line", "sh '''\n  set -e\n  docker kill web\n'''\n", "DG104 3:3-3:18+fix"},
		{"triple double quotes", "sh \"\"\"\ndocker rm -f ${x}\n\"\"\"\n", "DG101 2:1-2:18+fix"},
		{"script: argument", "sh(returnStdout: true, script: 'docker kill web').trim()\n", "DG104 1:33-1:48+fix"},
		{"parenthesised literal over lines", "sh(\n  'docker kill web'\n)\n", "DG104 2:4-2:19+fix"},
		{"concatenation is an unknown word", "sh 'docker kill ' + name\n", "DG104 1:5-1:25"},
		{"steps.sh in a library", "def call() { steps.sh 'docker kill web' }\n", "DG104 1:24-1:39+fix"},
		{"pwsh step", "pwsh 'docker kill $env:X'\n", "DG104 1:7-1:25"},
		{"bat is cmd.exe", "bat 'docker kill web'\n", ""},
		{"echo step", "echo 'docker rm -f web'\n", ""},
		{"line comment", "// sh 'docker rm -f web'\nsh 'true'\n", ""},
		{"block comment", "/* sh 'docker rm -f web' */\n", ""},
		{"slashy string", "def re = /sh 'docker rm -f web'/\n", ""},
		{"dollar-slashy string", "def re = $/sh 'docker rm -f web'/$\n", ""},
		{"division is no slashy string", "def x = a / 2\nsh 'docker kill web'\n", "DG104 2:5-2:20+fix"},
		{"echo string in the script", "sh \"echo 'docker rm -f web'\"\n", ""},
		{"heredoc in the script", "sh '''cat <<EOF\ndocker rm -f web\nEOF'''\n", ""},
		{"compose rm -f", "sh 'docker compose rm -f'\n", ""},
		{"logs -f", "sh 'docker logs -f web'\n", ""},
		{"--force=false", "sh 'docker rm --force=false web'\n", ""},
		{"a method named sh", "obj.sh 'docker kill web'\n", ""},
		{"a variable script", "sh script\n", ""},
		{"a string's method", "sh 'docker kill web'.toString()\n", ""},
		{"shell syntax error is DG001, next step still checked", "sh 'echo \"docker kill a'\nsh 'docker kill b'\n", "DG001 1:"},
		{"unterminated string is DG001, next line checked", "sh 'docker kill a\nsh 'docker kill b'\n", "DG001 1:4-1:18,DG104 2:5-2:18+fix"},
		{"unterminated triple string is DG001", "sh 'docker kill b'\nsh '''docker kill a\n", "DG001 2:4-2:20,DG104 1:5-1:18+fix"},
		{"unterminated comment is DG001", "sh 'docker kill b'\n/* sh 'docker kill a'\n", "DG001 2:1-2:22,DG104 1:5-1:18+fix"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			fs := Check("Jenkinsfile", []byte(tt.src), nil)
			findingtest.CheckInvariants(t, "Jenkinsfile", []byte(tt.src), fs)
			var got []string
			for _, f := range fs {
				s := fmt.Sprintf("%s %d:%d-%d:%d", f.Rule, f.Line, f.Column, f.EndLine, f.EndColumn)
				if len(f.Fixes) > 0 {
					s += "+fix"
				}
				got = append(got, s)
			}
			g := strings.Join(got, ",")
			if tt.want == "" && g != "" || !strings.HasPrefix(g, tt.want) {
				t.Errorf("got %q, want %q", g, tt.want)
			}
		})
	}
}

// TestFixEscapes checks that a fix's text is written in the literal's
// own syntax, so the Groovy string still says what the shell must run.
func TestFixEscapes(t *testing.T) {
	for quote, want := range map[string]string{"'": `a\\b\'c`, `"`: `a\\b\"c\$d`} {
		got, ok := escapeFor(quote, `a\b`+map[string]string{"'": `'c`, `"`: `"c$d`}[quote])
		if !ok || got != want {
			t.Errorf("escapeFor(%s) = %q, %v; want %q", quote, got, ok, want)
		}
	}
	if _, ok := escapeFor("'", "a\nb"); ok {
		t.Error("a newline fits no one-line literal")
	}
	if _, ok := escapeFor("/", "a"); ok {
		t.Error("slashy strings take no fix")
	}
}

func FuzzCheck(f *testing.F) {
	for _, s := range []string{"", "sh 'docker rm -f web'", "sh \"docker kill ${a[\"}\"]} $b.c\"", "sh '''\\\ndocker kill \\u0077eb'''",
		"sh(script: \"\"\"docker kill ${ \"${x}\" }\"\"\")", "x = $/docker $$ $/ /$\nsh 'docker kill y' + z + 'w'", "/*", "sh \"${"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		fs := Check("Jenkinsfile", src, nil)
		findingtest.CheckInvariants(t, "Jenkinsfile", src, fs)
	})
}
