package justfile

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
		{"recipe line", "clean:\n    docker rm -f web\n", "DG101 2:5-2:21+fix"},
		{"@ and - prefixes", "clean:\n\t@-docker kill web\n", "DG104 2:4-2:19+fix"},
		{"interpolation is an unknown word", "n := 'x'\nclean:\n  docker kill {{ n }}\n", "DG104 3:3-3:22+fix"},
		{"escaped braces are text", "clean:\n  docker kill {{{{x\n", "DG104 2:3-2:20+fix"},
		{"quiet recipe with parameters and dependencies", "@up target='a:b' +rest: build\n  docker kill \"$1\"\n", "DG104 2:3-2:19+fix"},
		{"continuation", "clean:\n  docker rm \\\n    -f web\n", "DG101 2:3-3:11"},
		{"blank line inside the body", "clean:\n  true\n\n  docker kill web\n", "DG104 4:3-4:18+fix"},
		{"shebang recipe is one script", "s:\n  #!/usr/bin/env bash\n  set -e\n  docker kill web\n", "DG104 4:3-4:18+fix"},
		{"python shebang recipe", "s:\n  #!/usr/bin/env python3\n  print('docker rm -f web')\n", ""},
		{"script attribute with python", "[script('python3')]\ns:\n  os.system('docker rm -f web')\n", ""},
		{"script attribute with bash", "[script('bash')]\ns:\n  docker kill web\n", "DG104 3:3-3:18+fix"},
		{"set shell to python", "set shell := [\"python3\", \"-c\"]\nclean:\n  docker kill web\n", ""},
		{"set shell to bash", "set shell := ['bash', '-uc']\nclean:\n  docker kill web\n", "DG104 3:3-3:18+fix"},
		{"set shell to pwsh", "set shell := ['pwsh', '-c']\nclean:\n  docker kill $env:X\n", "DG104 3:3-3:21"},
		{"variable assignment is no recipe", "ids := `docker ps -q`\nx:\n  true\n", ""},
		{"echo string", "clean:\n  echo \"docker rm -f web\"\n", ""},
		{"comment", "# docker rm -f web\nclean:\n  # docker kill web\n  true\n", ""},
		{"a heredoc in a shebang recipe", "clean:\n  #!/bin/sh\n  cat <<EOF\n  docker rm -f web\n  EOF\n", ""},
		// just runs each line in a shell of its own: the body line runs.
		{"a heredoc in a linewise recipe runs its lines", "clean:\n  cat <<EOF\n  docker rm -f web\n  EOF\n", "DG101 3:3-3:19+fix"},
		{"compose rm -f", "clean:\n  docker compose rm -f\n", ""},
		{"logs -f", "clean:\n  docker logs -f web\n", ""},
		{"--force=false", "clean:\n  docker rm --force=false web\n", ""},
		{"text after the body is not the recipe", "clean:\n  true\nalias c := clean\n", ""},
		{"syntax error is DG001, next line still checked", "clean:\n  echo \"docker kill a\n  docker kill b\n", "DG001 2:"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			fs := Check("justfile", []byte(tt.src), nil)
			findingtest.CheckInvariants(t, "justfile", []byte(tt.src), fs)
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

func TestSyntaxErrorKeepsOtherLines(t *testing.T) {
	src := "clean:\n  echo \"docker kill a\n  docker kill b\n"
	var rules []string
	for _, f := range Check("justfile", []byte(src), nil) {
		rules = append(rules, fmt.Sprintf("%s@%d", f.Rule, f.Line))
	}
	if got := strings.Join(rules, ","); got != "DG001@2,DG104@3" {
		t.Errorf("got %s, want DG001@2,DG104@3: each recipe line is a shell of its own", got)
	}
}

func FuzzCheck(f *testing.F) {
	for _, s := range []string{"", "a:\n docker rm -f x\n", "a:\n\t@-docker kill {{x}}\\\n\t y\n", "set shell := ['pwsh']\n[script]\nb:\n #!/bin/sh\n docker kill {{{{ }}\n", "@a b='c:d': e\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		fs := Check("justfile", src, nil)
		findingtest.CheckInvariants(t, "justfile", src, fs)
		for _, fr := range extract(src) {
			if err := fr.f.Verify(src); err != nil {
				t.Fatalf("fragment %q: %v", fr.f.Code, err)
			}
		}
	})
}
