package cishell

import (
	"strings"
	"testing"

	"github.com/dockguard/dockguard/dockercli"
)

// render shows each command's words: literal values as they are, unknown
// words as <text>, and the offsets of the first and last word.
func render(code string) []string {
	var out []string
	for _, cmd := range psCommands([]byte(code)) {
		var ws []string
		for _, w := range cmd {
			if w.Known {
				ws = append(ws, w.Value)
			} else {
				ws = append(ws, "<"+w.Text+">")
			}
			if w.Start < 0 || w.End > len(code) || w.Start > w.End {
				ws = append(ws, "BADPOS")
			}
		}
		out = append(out, strings.Join(ws, " "))
	}
	return out
}

func TestPSCommands(t *testing.T) {
	tests := []struct {
		name, code string
		want       []string
	}{
		{"lines and semicolons", "docker stop a; docker rm a\ndocker ps", []string{"docker stop a", "docker rm a", "docker ps"}},
		{"backtick continuation", "& docker build `\n  -t img `\n  .", []string{"docker build -t img ."}},
		{"crlf continuation", "docker rm `\r\n -f x", []string{"docker rm -f x"}},
		{"call operator quoted", `& "C:\docker\docker.exe" rm -f x`, []string{"C:/docker/docker rm -f x"}},
		{"single quotes", `docker rm -f 'it''s'`, []string{"docker rm -f it's"}},
		{"double quotes literal", `docker rm -f "web"`, []string{"docker rm -f web"}},
		{"double quotes with variable", `docker rm -f "web-$n"`, []string{`docker rm -f <"web-$n">`}},
		{"env variable", `docker rm -f $env:NAME`, []string{"docker rm -f <$env:NAME>"}},
		{"subexpression", `docker rm -f $(docker ps -aq)`, []string{"docker ps -aq", "docker rm -f <$(docker ps -aq)>"}},
		{"pipeline and redirect", "docker rm -f x 2>&1 | Out-Null", []string{"docker rm -f x", "Out-Null"}},
		{"redirect to null", "docker rm x *> $null", []string{"docker rm x"}},
		{"comment", "# docker rm -f x\ndocker ps # rm -f", []string{"docker ps"}},
		{"block comment", "<# docker rm -f x #>docker ps", []string{"docker ps"}},
		{"script block", "if ($x) { docker kill web }", []string{"if <($x)>", "docker kill web"}},
		{"invoke-expression", `Invoke-Expression "docker rmi -f app"`, []string{"docker rmi -f app"}},
		{"write-host string", `Write-Host "docker rm -f x"`, []string{"Write-Host docker rm -f x"}},
		{"escaped backtick", "docker rm -f a`tb", []string{"docker rm -f <a`tb>"}},
		{"and and or", "docker stop a && docker rm a || exit 1", []string{"docker stop a", "docker rm a", "exit 1"}},
		{"unclosed", `docker rm -f "x`, []string{"docker rm -f x"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := render(tt.code)
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("psCommands(%q):\n%s\nwant:\n%s", tt.code, strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestPSListingMarksWord(t *testing.T) {
	cmds := psCommands([]byte(`docker rm -f $(docker ps -aq --filter status=exited)`))
	last := cmds[len(cmds)-1]
	inv, ok := dockercli.Parse(last, nil)
	if !ok || !last[3].FromListing || !last[3].Stopped {
		t.Fatalf("listing word not marked: %+v", last[3])
	}
	if vs := inv.Verdicts(); len(vs) != 0 {
		t.Errorf("removing exited containers is judged %v, want nothing", vs)
	}
}

func TestPSMarkers(t *testing.T) {
	for code, want := range map[string]bool{
		"& docker build .":             true,
		"docker build `\n -t x .":      true,
		"echo $env:PATH":               true,
		"Write-Host hi":                true,
		"Remove-Item x -ErrorAction 0": true,
		"docker rm -f x":               false,
		"echo \"a & b\"":               false,
	} {
		if got := psMarkers([]byte(code)); got != want {
			t.Errorf("psMarkers(%q) = %v, want %v", code, got, want)
		}
	}
}

// FuzzPSCommands checks that the splitter never panics and that every word
// lies inside the code.
func FuzzPSCommands(f *testing.F) {
	for _, s := range []string{"& docker rm -f `\n x", "$(", "\"$(\"", "'", "<#", "a 2>", "iex '", "{{}}))((", "`", "$env:X;&&||"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, code string) {
		for _, cmd := range psCommands([]byte(code)) {
			for _, w := range cmd {
				if w.Start < 0 || w.End > len(code) || w.Start > w.End {
					t.Fatalf("word %+v outside code of %d bytes", w, len(code))
				}
			}
		}
	})
}
