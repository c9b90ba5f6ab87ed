package cishell

import (
	"fmt"
	"strings"
	"testing"

	"github.com/dockguard/dockguard/internal/findingtest"
)

func TestComposeCommands(t *testing.T) {
	svc := "services:\n  ci:\n    image: docker:cli\n"
	for _, tt := range []struct{ name, src, want string }{
		{"sh -c string", svc + "    command: [\"sh\", \"-c\", \"docker rm -f web\"]\n", "DG101 4:28-4:44+fix"},
		{"sh -ec in block list", svc + "    entrypoint:\n      - /bin/sh\n      - -ec\n      - docker kill web\n", "DG104 7:9-7:24+fix"},
		{"string form is read, without fix", svc + "    command: docker rm -f web\n", "DG101 4:14-4:30"},
		{"argv list", svc + "    command: [\"docker\", \"rm\", \"-f\", \"web\"]\n", "DG101 4:15-4:42"},
		{"healthcheck CMD-SHELL", svc + "    healthcheck:\n      test: [\"CMD-SHELL\", \"docker kill probe || exit 1\"]\n", "DG104 5:28-5:45+fix"},
		{"healthcheck string", svc + "    healthcheck:\n      test: docker kill probe\n", "DG104 5:13-5:30+fix"},
		{"healthcheck CMD argv", svc + "    healthcheck:\n      test: [\"CMD\", \"docker\", \"kill\", \"probe\"]\n", "DG104 5:21-5:46"},
		{"healthcheck NONE", svc + "    healthcheck:\n      test: [\"NONE\", \"docker kill x\"]\n", ""},
		{"$$ is the shell's $", svc + "    command: [\"sh\", \"-c\", \"docker rm -f $$(docker ps -aq)\"]\n", "DG105 4:28-4:58"},
		{"literal block script", svc + "    command:\n      - sh\n      - -c\n      - |\n        set -e\n        docker kill web\n", "DG104 9:9-9:24+fix"},
		{"echo string", svc + "    command: [\"sh\", \"-c\", \"echo 'docker rm -f web'\"]\n", ""},
		{"comment", svc + "    # command: docker rm -f web\n    command: [\"true\"]\n", ""},
		{"compose rm -f", svc + "    command: docker compose rm -f\n", ""},
		{"logs -f", svc + "    command: [\"docker\", \"logs\", \"-f\", \"web\"]\n", ""},
		{"--force=false", svc + "    command: docker rm --force=false web\n", ""},
		{"environment is no command", svc + "    environment:\n      CMD: docker rm -f web\n", ""},
		{"not services", "x-cmd: docker kill web\n", ""},
		{"shell syntax error is DG001", svc + "    command: [\"sh\", \"-c\", \"echo \\\"docker kill a\"]\n", "DG001 4:"},
		{"YAML error is left to the compose front end", "services: [\n  docker kill", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			fs := CheckComposeCommands("compose.yaml", []byte(tt.src), nil)
			findingtest.CheckInvariants(t, "compose.yaml", []byte(tt.src), fs)
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

func FuzzCheckComposeCommands(f *testing.F) {
	for _, s := range []string{"services:\n  a:\n    command: [sh, -c, 'docker rm -f $$x']\n", "services:\n  a:\n    healthcheck: {test: [CMD, docker, kill, \"x\"]}\n", "services: {a: {command: \"docker kill a$$b\"}}"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		fs := CheckComposeCommands("compose.yaml", src, nil)
		findingtest.CheckInvariants(t, "compose.yaml", src, fs)
	})
}
