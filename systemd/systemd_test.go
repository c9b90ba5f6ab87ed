package systemd

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

func TestExtract(t *testing.T) {
	src := "[Service]\n" +
		"ExecStartPre=-/usr/bin/docker rm -f web\n" + // 2
		"ExecStartPre=@/usr/bin/docker docker rm -f %i\n" + // 3
		"  ExecStart = /usr/bin/docker run \\\n    --rm x\n" + // 4-5
		"Environment=A=b \\\n  ExecStart=/usr/bin/docker rm -f not-a-setting\n" + // 6-7
		"#ExecStart=/usr/bin/docker rm -f commented\n" +
		"ExecStop=+!!/usr/bin/docker stop web\r\n"
	frags := extract([]byte(src))
	var codes []string
	for _, f := range frags {
		codes = append(codes, string(f.Code))
		if err := f.Verify([]byte(src)); err != nil {
			t.Errorf("Verify %q: %v", f.Code, err)
		}
	}
	want := []string{"/usr/bin/docker rm -f web", "docker rm -f $_", "/usr/bin/docker run \\\n    --rm x", "/usr/bin/docker stop web\r"}
	if strings.Join(codes, "|") != strings.Join(want, "|") {
		t.Fatalf("codes %q, want %q", codes, want)
	}
	pos := func(i int, needle string) string {
		o := strings.Index(string(frags[i].Code), needle)
		l, c := rules.Position([]byte(src), frags[i].Map(o))
		return fmt.Sprintf("%d:%d", l, c)
	}
	for _, tt := range []struct {
		frag          int
		needle, where string
	}{{0, "/usr", "2:15"}, {1, "docker rm", "3:31"}, {1, "$_", "3:44"}, {2, "--rm", "5:5"}, {3, "/usr", "9:13"}} {
		if got := pos(tt.frag, tt.needle); got != tt.where {
			t.Errorf("fragment %d %q at %s, want %s", tt.frag, tt.needle, got, tt.where)
		}
	}
}

func TestFindings(t *testing.T) {
	for _, tt := range []struct{ name, src, want string }{
		{"prefix and specifier", "[Service]\nExecStartPre=-/usr/bin/docker rm -f %n\n", "DG101 2:15"},
		{"run --rm is fine", "[Service]\nExecStart=/usr/bin/docker run --rm --name web img\n", ""},
		{"docker logs -f", "[Service]\nExecStart=/usr/bin/docker logs -f web\n", ""},
		{"compose rm -f skips the prompt", "[Service]\nExecStopPost=/usr/bin/docker compose rm -f\n", ""},
		{"--force=false", "[Service]\nExecStopPost=/usr/bin/docker rm --force=false web\n", ""},
		{"not an Exec setting", "[Unit]\nDescription=docker rm -f web\n", ""},
		{"podman kill", "[Service]\nExecStop=/usr/bin/podman kill web\n", "DG104 2:10"},
		{"syntax error is DG001, next line still checked", "[Service]\nExecStart=/usr/bin/docker run \"web\nExecStop=/usr/bin/docker kill web\n", "DG001 2:"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, f := range Check("u.service", []byte(tt.src), nil) {
				if len(f.Fixes) > 0 {
					t.Errorf("%s has a fix %+v: shell code is no unit command line", f.Rule, f.Fixes)
				}
				got = append(got, fmt.Sprintf("%s %d:%d", f.Rule, f.Line, f.Column))
			}
			g := strings.Join(got, ",")
			if tt.want == "" && g != "" || !strings.HasPrefix(g, tt.want) {
				t.Errorf("got %q, want %q", g, tt.want)
			}
		})
	}
}

func FuzzCheck(f *testing.F) {
	for _, s := range []string{"", "[Service]\nExecStart=@\n", "ExecStart=\\", "ExecStart=-@-docker rm -f \\\r\n x", "ExecStart=docker rm -f %%n %"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		fs := Check("u.service", src, nil)
		findingtest.CheckInvariants(t, "u.service", src, fs)
		for _, fr := range extract(src) {
			if err := fr.Verify(src); err != nil {
				t.Fatalf("fragment %q: %v", fr.Code, err)
			}
		}
	})
}
