package dockerfile

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

// render lists findings as "RULE line:col-endLine:endCol", with "+fix"
// when the finding carries edits.
func render(fs []rules.Finding) string {
	var got []string
	for _, f := range fs {
		s := fmt.Sprintf("%s %d:%d-%d:%d", f.Rule, f.Line, f.Column, f.EndLine, f.EndColumn)
		if len(f.Fixes) > 0 {
			s += "+fix"
		}
		got = append(got, s)
	}
	return strings.Join(got, ",")
}

func TestFindings(t *testing.T) {
	for _, tt := range []struct{ name, src, want string }{
		{"shell form", "FROM alpine\nRUN docker rm -f web\n", "DG101 2:5-2:21+fix"},
		{"lower-case instruction and flags", "from alpine\nrun --mount=type=cache,target=/x docker rm -f web\n", "DG101 2:34-2:50+fix"},
		{"continuation with a comment line and an empty line", "FROM alpine\nRUN set -e; \\\n# note\n\n    docker kill \\\n  web\n", "DG104 5:5-6:6"},
		{"escape directive", "# escape=`\nFROM alpine\nRUN docker rm `\n  -f web\n", "DG101 3:5-4:9"},
		{"escape directive keeps shell backslashes", "# escape=`\nFROM alpine\nRUN echo a\\\\ && docker kill web\n", "DG104 3:17-3:32+fix"},
		{"exec form is argv", "FROM alpine\nRUN [\"docker\", \"rm\", \"-f\", \"web\"]\n", "DG101 2:6-2:33"},
		{"exec form with escapes", "FROM alpine\nCMD [\"docker\", \"kill\", \"w\\u0065b\"]\n", "DG104 2:6-2:34"},
		{"exec form sh -c string", "FROM alpine\nENTRYPOINT [\"sh\", \"-c\", \"docker kill web\"]\n", "DG104 2:26-2:41"},
		{"exec form words are not expanded", "FROM alpine\nRUN [\"docker\", \"rm\", \"-f\", \"$(docker ps -aq)\"]\n", "DG101 2:6-2:46"},
		{"healthcheck shell form", "FROM alpine\nHEALTHCHECK --interval=5s CMD docker kill probe || exit 1\n", "DG104 2:31-2:48+fix"},
		{"healthcheck exec form", "FROM alpine\nHEALTHCHECK CMD [\"docker\", \"kill\", \"probe\"]\n", "DG104 2:18-2:43"},
		{"healthcheck NONE", "FROM alpine\nHEALTHCHECK NONE\nRUN docker kill w\n", "DG104 3:5-3:18+fix"},
		{"heredoc script", "FROM alpine\nRUN <<EOF\nset -e\ndocker rm -f web\nEOF\n", "DG101 4:1-4:17+fix"},
		{"heredoc to bash", "FROM alpine\nRUN bash <<EOF\ndocker rm -f web\nEOF\n", "DG101 3:1-3:17"},
		{"heredoc with a python shebang", "FROM alpine\nRUN <<EOF\n#!/usr/bin/env python3\nprint('docker rm -f web')\nEOF\n", ""},
		{"heredoc is a file's contents", "FROM alpine\nRUN cat <<EOF > /x.sh\ndocker rm -f web\nEOF\n", ""},
		{"copy heredoc is a file", "FROM alpine\nCOPY <<EOF /x.sh\ndocker rm -f web\nEOF\n", ""},
		{"onbuild", "FROM alpine\nONBUILD RUN docker kill web\n", "DG104 2:13-2:28+fix"},
		{"echo string", "FROM alpine\nRUN echo \"docker rm -f web\"\n", ""},
		{"comment", "FROM alpine\n# RUN docker rm -f web\nRUN true\n", ""},
		{"label and env values", "FROM alpine\nLABEL x=\"docker rm -f web\"\nENV C=\"docker kill w\"\n", ""},
		{"compose rm -f", "FROM alpine\nRUN docker compose rm -f\n", ""},
		{"logs -f", "FROM alpine\nRUN docker logs -f web\n", ""},
		{"--force=false", "FROM alpine\nRUN docker rm --force=false web\n", ""},
		{"powershell shell", "FROM alpine\nSHELL [\"pwsh\", \"-Command\"]\nRUN docker kill $env:NAME; docker kill web\n", "DG104 3:5-3:26,DG104 3:28-3:43"},
		{"cmd shell is not checked", "FROM alpine\nSHELL [\"cmd\", \"/S\", \"/C\"]\nRUN docker kill web\n", ""},
		{"windows base image runs cmd", "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN docker kill web\n", ""},
		{"SHELL is per stage", "FROM alpine AS a\nSHELL [\"cmd\", \"/C\"]\nFROM alpine\nRUN docker kill web\n", "DG104 4:5-4:20+fix"},
		{"a stage built on another keeps its shell", "FROM alpine AS a\nSHELL [\"cmd\", \"/C\"]\nFROM a\nRUN docker kill web\n", ""},
		{"bash SHELL", "FROM alpine\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\nRUN docker kill web\n", "DG104 3:5-3:20+fix"},
		{"CRLF", "FROM alpine\r\nRUN docker rm \\\r\n  -f web\r\n", "DG101 2:5-3:9"},
		{"BOM", "\xef\xbb\xbfRUN docker kill web\n", "DG104 1:8-1:23+fix"},
		{"shell syntax error is DG001, next instruction still checked", "FROM alpine\nRUN echo \"docker rm -f a\nRUN docker kill web\n", "DG001 2:"},
		{"unterminated heredoc is DG001", "FROM alpine\nRUN docker kill a\nRUN <<EOF\ndocker kill web\n", "DG001 3:1-3:10,DG104 2:5-2:18+fix"},
		{"non-string JSON is DG001, rest checked", "FROM alpine\nRUN [\"docker\", 1]\nRUN docker kill web\n", "DG001 2:1-2:18,DG104 3:5-3:20+fix"},
		{"bad escape directive is DG001, rest checked", "# escape=x\nFROM alpine\nRUN docker kill web\n", "DG001 1:1-1:11,DG104 3:5-3:20+fix"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			fs := Check("Dockerfile", []byte(tt.src), nil)
			findingtest.CheckInvariants(t, "Dockerfile", []byte(tt.src), fs)
			got := render(fs)
			if tt.want == "" && got != "" || !strings.HasPrefix(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestLongLine(t *testing.T) {
	src := "FROM alpine\nRUN echo " + strings.Repeat("x", 70000) + "\nRUN docker kill web\n"
	got := render(Check("Dockerfile", []byte(src), nil))
	if want := "DG001 2:1-2:1,DG104 3:5-3:20+fix"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func FuzzCheck(f *testing.F) {
	for _, s := range []string{
		"", "FROM alpine\nRUN docker rm -f web\n", "RUN [\"docker\",\"rm\",\"-f\",\"x\"]", "# escape=`\nRUN docker `\n rm -f x",
		"RUN <<EOF\ndocker kill x\nEOF\n", "RUN <<A <<B\ndocker kill a\nA\ndocker kill b\nB\n", "ONBUILD HEALTHCHECK CMD docker kill x",
		"SHELL [\"pwsh\"]\nRUN docker kill x", "RUN docker \\\n# c\n\n kill x \\", "RUN [\"sh\",\"-c\",\"docker kill \\\"x\\\"\"]",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		fs := Check("Dockerfile", src, nil)
		findingtest.CheckInvariants(t, "Dockerfile", src, fs)
	})
}
