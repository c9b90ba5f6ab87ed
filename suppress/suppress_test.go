package suppress

import (
	"fmt"
	"strings"
	"testing"

	"github.com/dockguard/dockguard/rules"
)

// at builds a finding of rule on the 1-based line of src.
func at(t *testing.T, file, src, rule string, line int) rules.Finding {
	t.Helper()
	off := rules.Offset([]byte(src), line, 1)
	return rules.New(rules.MustLookup(rule), file, []byte(src), off, off+1, "x")
}

func summarize(fs []rules.Finding) string {
	var parts []string
	for _, f := range fs {
		parts = append(parts, fmt.Sprintf("%s@%d", f.Rule, f.Line))
	}
	return strings.Join(parts, " ")
}

func TestFilter(t *testing.T) {
	type fnd struct {
		rule string
		line int
	}
	tests := []struct {
		name       string
		file       string
		src        string
		findings   []fnd
		want       string // kept findings
		suppressed int
		wantMsg    string // substring of a DG002/DG003 message
	}{
		{
			name:       "same line",
			file:       "a.sh",
			src:        "docker rm -f web # dockguard:ignore DG101 -- CI runner is throwaway\n",
			findings:   []fnd{{"DG101", 1}},
			suppressed: 1,
		},
		{
			name:       "python noqa",
			file:       "a.py",
			src:        "c.remove(force=True)  # noqa: E501, DG101\nc.kill()  # noqa: DG101\n",
			findings:   []fnd{{"DG101", 1}, {"DG104", 2}},
			want:       "DG104@2 DG002@2",
			suppressed: 1,
			wantMsg:    "no DG101 finding",
		},
		{
			name:     "python bare noqa and other tools' codes are not ours",
			file:     "a.py",
			src:      "c.remove(force=True)  # noqa\nc.remove(force=True)  # noqa: E501\n",
			findings: []fnd{{"DG101", 1}, {"DG101", 2}},
			want:     "DG101@1 DG101@2",
		},
		{
			name:     "python noqa alone covers only its line",
			file:     "a.py",
			src:      "# noqa: DG101\nc.remove(force=True)\n",
			findings: []fnd{{"DG101", 2}},
			want:     "DG101@2 DG002@1",
		},
		{
			name:     "python noqa with an unknown DG rule",
			file:     "a.py",
			src:      "c.remove(force=True)  # noqa: DG999\n",
			findings: []fnd{{"DG101", 1}},
			want:     "DG101@1 DG003@1",
			wantMsg:  "unknown rule",
		},
		{
			name:       "python dockguard:ignore",
			file:       "a.py",
			src:        "# dockguard:ignore DG101 -- test container, never running\nc.remove(force=True)\n",
			findings:   []fnd{{"DG101", 2}},
			suppressed: 1,
		},
		{
			name:       "same line by rule name",
			file:       "a.sh",
			src:        "docker rm -f web # dockguard:ignore force-remove-container -- throwaway\n",
			findings:   []fnd{{"DG101", 1}},
			suppressed: 1,
		},
		{
			name:       "next line",
			file:       "a.sh",
			src:        "# dockguard:ignore DG101 -- throwaway\ndocker rm -f web\ndocker rm -f db\n",
			findings:   []fnd{{"DG101", 2}, {"DG101", 3}},
			want:       "DG101@3",
			suppressed: 1,
		},
		{
			name:       "next command skips blank and comment lines",
			file:       "a.sh",
			src:        "# dockguard:ignore DG104 -- reload\n\n# kill it\ndocker kill web\n",
			findings:   []fnd{{"DG104", 4}},
			suppressed: 1,
		},
		{
			name:       "next command spans continuation lines",
			file:       "a.sh",
			src:        "# dockguard:ignore DG101 -- reason\ndocker \\\n  rm -f \\\n  web\ndocker rm -f db\n",
			findings:   []fnd{{"DG101", 3}, {"DG101", 5}},
			want:       "DG101@5",
			suppressed: 1,
		},
		{
			name:       "next command spans an open command substitution",
			file:       "a.sh",
			src:        "# dockguard:ignore DG105 -- reason\nx=$(\n  docker rm -f $(docker ps -aq)\n)\n",
			findings:   []fnd{{"DG105", 3}},
			suppressed: 1,
		},
		{
			name:       "file wide",
			file:       "a.sh",
			src:        "#!/bin/sh\n# dockguard:ignore-file DG101 -- test fixture\ndocker rm -f a\ndocker rm -f b\ndocker kill c\n",
			findings:   []fnd{{"DG101", 3}, {"DG101", 4}, {"DG104", 5}},
			want:       "DG104@5",
			suppressed: 2,
		},
		{
			name:     "missing reason suppresses nothing",
			file:     "a.sh",
			src:      "docker rm -f web # dockguard:ignore DG101\n",
			findings: []fnd{{"DG101", 1}},
			want:     "DG101@1 DG003@1",
			wantMsg:  "has no reason",
		},
		{
			name:     "empty reason",
			file:     "a.sh",
			src:      "docker rm -f web # dockguard:ignore DG101 --   \n",
			findings: []fnd{{"DG101", 1}},
			want:     "DG101@1 DG003@1",
			wantMsg:  "has no reason",
		},
		{
			name:     "unknown rule",
			file:     "a.sh",
			src:      "docker rm -f web # dockguard:ignore DG1O1 -- typo\n",
			findings: []fnd{{"DG101", 1}},
			want:     "DG101@1 DG003@1",
			wantMsg:  "did you mean DG101",
		},
		{
			name:    "unknown verb",
			file:    "a.sh",
			src:     "docker ps # dockguard:ignroe DG101 -- x\n",
			want:    "DG003@1",
			wantMsg: "did you mean dockguard:ignore",
		},
		{
			name:    "no rule",
			file:    "a.sh",
			src:     "docker ps # dockguard:ignore -- x\n",
			want:    "DG003@1",
			wantMsg: "names no rule",
		},
		{
			name:    "unused same line",
			file:    "a.sh",
			src:     "docker stop --time 10 web # dockguard:ignore DG101 -- legacy\n",
			want:    "DG002@1",
			wantMsg: "no DG101 finding on the line it covers",
		},
		{
			name:    "unused next line",
			file:    "a.sh",
			src:     "# dockguard:ignore DG101 -- legacy\ndocker stop web\n",
			want:    "DG002@1",
			wantMsg: "on line 2",
		},
		{
			name:    "unused at end of file",
			file:    "a.sh",
			src:     "docker ps\n# dockguard:ignore DG101 -- legacy\n",
			want:    "DG002@2",
			wantMsg: "no command follows it",
		},
		{
			name:       "partly used",
			file:       "a.sh",
			src:        "docker rm -f web # dockguard:ignore DG101,DG104 -- x\n",
			findings:   []fnd{{"DG101", 1}},
			want:       "DG002@1",
			suppressed: 1,
			wantMsg:    "remove DG104 from the directive",
		},
		{
			name:     "wrong rule",
			file:     "a.sh",
			src:      "docker kill web # dockguard:ignore DG101 -- x\n",
			findings: []fnd{{"DG104", 1}},
			want:     "DG104@1 DG002@1",
		},
		{
			name:     "directive inside a string is not a directive",
			file:     "a.sh",
			src:      "echo \"# dockguard:ignore DG101 -- no\"; docker rm -f web\n",
			findings: []fnd{{"DG101", 1}},
			want:     "DG101@1",
		},
		{
			name:     "hash inside a word is not a comment",
			file:     "a.sh",
			src:      "docker rm -f web#dockguard:ignore DG101 -- no\n",
			findings: []fnd{{"DG101", 1}},
			want:     "DG101@1",
		},
		{
			name:     "prose mentioning dockguard",
			file:     "a.sh",
			src:      "# dockguard: keep this script graceful\ndocker rm -f web\n",
			findings: []fnd{{"DG101", 2}},
			want:     "DG101@2",
		},
		{
			name:       "chained after shellcheck",
			file:       "a.sh",
			src:        "docker rm -f $x # shellcheck disable=SC2086 # dockguard:ignore DG101 -- x\n",
			findings:   []fnd{{"DG101", 1}},
			suppressed: 1,
		},
		{
			name:       "makefile recipe",
			file:       "Makefile",
			src:        "clean:\n\t# dockguard:ignore DG105 -- dev only\n\t@docker rm -f $$(docker ps -aq)\n",
			findings:   []fnd{{"DG105", 3}},
			suppressed: 1,
		},
		{
			name:       "yaml directive above a block scalar covers the block",
			file:       ".github/workflows/ci.yml",
			src:        "jobs:\n  a:\n    steps:\n      # dockguard:ignore DG101 -- runner is ephemeral\n      - run: |\n          echo hi\n          docker rm -f web\n      - run: docker rm -f db\n",
			findings:   []fnd{{"DG101", 7}, {"DG101", 8}},
			want:       "DG101@8",
			suppressed: 1,
		},
		{
			name:       "yaml directive inside a block scalar",
			file:       ".gitlab-ci.yml",
			src:        "job:\n  script:\n    - |\n      # dockguard:ignore DG101 -- ephemeral\n      docker rm -f web\n",
			findings:   []fnd{{"DG101", 5}},
			suppressed: 1,
		},
		{
			name:       "package.json script",
			file:       "package.json",
			src:        "{\"scripts\": {\n  \"clean\": \"docker rm -f web # dockguard:ignore DG101 -- dev\"\n}}\n",
			findings:   []fnd{{"DG101", 2}},
			suppressed: 1,
		},
		{
			name:       "go directive",
			file:       "x_test.go",
			src:        "package x\n\n//dockguard:ignore DG301 -- test helper, container exits at once\nc.ContainerCreate(ctx,\n\tcfg, nil, nil, nil, name)\n",
			findings:   []fnd{{"DG301", 5}},
			suppressed: 1,
		},
		{
			name:       "go nolint",
			file:       "x.go",
			src:        "package x\nexec.Command(\"docker\", \"ps\") //nolint:errcheck,dockguard // short-lived\n",
			findings:   []fnd{{"DG302", 2}},
			suppressed: 1,
		},
		{
			name:     "go nolint without reason",
			file:     "x.go",
			src:      "package x\nexec.Command(\"docker\", \"ps\") //nolint:dockguard\n",
			findings: []fnd{{"DG302", 2}},
			want:     "DG302@2 DG003@2",
			wantMsg:  "nolint:dockguard has no reason",
		},
		{
			name: "go nolint for other linters is not ours",
			file: "x.go",
			src:  "package x\nvar _ = 1 //nolint:errcheck // fine\n",
		},
		{
			name: "go doc comment mentioning nolint",
			file: "x.go",
			src:  "package x\n// hasDirective spots golangci-lint's //nolint:dockguard spelling.\nfunc hasDirective() {}\n",
		},
		{
			name:     "go doc comment mentioning an ignore directive",
			file:     "x.go",
			src:      "package x\n// Go files use //dockguard:ignore DG302 -- reason.\nexec.Command(\"docker\", \"ps\")\n",
			findings: []fnd{{"DG302", 3}},
			want:     "DG302@3",
		},
		{
			name:       "go directive chained after nolint",
			file:       "x.go",
			src:        "package x\nexec.Command(\"docker\", \"ps\") //nolint:errcheck //dockguard:ignore DG302 -- short-lived\n",
			findings:   []fnd{{"DG302", 2}},
			suppressed: 1,
		},
		{
			name:     "go directive in a string",
			file:     "x.go",
			src:      "package x\nvar s = \"//dockguard:ignore DG302 -- no\"; exec.Command(\"docker\")\n",
			findings: []fnd{{"DG302", 2}},
			want:     "DG302@2",
		},
		{
			name:       "line directive wins over file-wide for unused accounting",
			file:       "a.sh",
			src:        "# dockguard:ignore-file DG101 -- fixture\ndocker rm -f a # dockguard:ignore DG101 -- this one\n",
			findings:   []fnd{{"DG101", 2}},
			want:       "DG002@1",
			suppressed: 1,
		},
		{
			name:       "crlf line endings",
			file:       "a.sh",
			src:        "# dockguard:ignore DG101 -- reason\r\ndocker rm -f web\r\n",
			findings:   []fnd{{"DG101", 2}},
			suppressed: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var fs []rules.Finding
			for _, f := range tt.findings {
				fs = append(fs, at(t, tt.file, tt.src, f.rule, f.line))
			}
			var s Suppressor
			kept, n := s.Filter(tt.file, []byte(tt.src), fs)
			if got := summarize(kept); got != tt.want {
				t.Errorf("kept = %q, want %q", got, tt.want)
			}
			if n != tt.suppressed || len(s.Suppressed()) != n {
				t.Errorf("suppressed = %d (%d recorded), want %d", n, len(s.Suppressed()), tt.suppressed)
			}
			if tt.wantMsg != "" {
				found := false
				for _, f := range kept {
					if (f.Rule == "DG002" || f.Rule == "DG003") && strings.Contains(f.Message, tt.wantMsg) {
						found = true
					}
				}
				if !found {
					t.Errorf("no DG002/DG003 message containing %q in %+v", tt.wantMsg, kept)
				}
			}
		})
	}
}

func TestDirectivePosition(t *testing.T) {
	src := "docker ps   # dockguard:ignore DG101 -- r\n"
	var s Suppressor
	kept, _ := s.Filter("a.sh", []byte(src), nil)
	if len(kept) != 1 {
		t.Fatalf("kept = %v", kept)
	}
	f := kept[0]
	if f.Line != 1 || f.Column != 15 || src[f.Start:f.End] != "dockguard:ignore DG101 -- r" {
		t.Errorf("DG002 at %d:%d %q", f.Line, f.Column, src[f.Start:f.End])
	}
	if f.Key != "dockguard:ignore DG101 -- r" {
		t.Errorf("Key = %q", f.Key)
	}
}

func TestDisabledRules(t *testing.T) {
	src := "docker ps # dockguard:ignore DG101 -- r\ndocker ps # dockguard:ignore DG9 -- r\n"
	s := Suppressor{Enabled: func(id string) bool { return id != "DG101" && id != "DG003" }}
	kept, _ := s.Filter("a.sh", []byte(src), nil)
	if len(kept) != 0 {
		t.Errorf("a directive for a disabled rule and DG003 off should report nothing, got %v", summarize(kept))
	}
}

func TestSuppressedJustification(t *testing.T) {
	src := "docker rm -f web # dockguard:ignore DG101 -- CI runner is throwaway\n"
	var s Suppressor
	s.Filter("a.sh", []byte(src), []rules.Finding{at(t, "a.sh", src, "DG101", 1)})
	got := s.Suppressed()
	if len(got) != 1 || got[0].Kind != "inSource" || got[0].Justification != "CI runner is throwaway" {
		t.Errorf("Suppressed() = %+v", got)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"docker rm -f web # dockguard:ignore DG101 -- r\n",
		"# dockguard:ignore-file DG101,DG104 -- r\n",
		"# dockguard:ignore DG101 -- r\ndocker \\\n rm -f $(\n x)\n",
		"run: |\n  # dockguard:ignore DG101\n  docker rm -f x\n",
		"//nolint:dockguard // r\n",
		"\"# dockguard:ignore\"\r\n#dockguard:",
		"# dockguard:ignore DG101 -- r\n- |\n",
	} {
		f.Add("a.sh", s)
		f.Add("x.go", s)
		f.Add("package.json", s)
	}
	f.Fuzz(func(t *testing.T, file, src string) {
		ds := Parse(file, []byte(src))
		for _, d := range ds {
			if d.Start < 0 || d.End > len(src) || d.Start > d.End {
				t.Fatalf("bad offsets %d..%d in %d bytes", d.Start, d.End, len(src))
			}
			if d.From > d.To || d.From < 0 {
				t.Fatalf("bad line range %d..%d", d.From, d.To)
			}
		}
		var s Suppressor
		s.Filter(file, []byte(src), nil)
	})
}
