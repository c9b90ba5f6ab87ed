package makefiles

import (
	"fmt"
	"strings"
	"testing"

	"github.com/dockguard/dockguard/cishell/fragment"
	"github.com/dockguard/dockguard/rules"
)

// at returns "line:col" in src of the first occurrence of needle in the
// fragment's code, through the fragment's map.
func at(t *testing.T, f *fragment.Fragment, src []byte, needle string) string {
	t.Helper()
	i := strings.Index(string(f.Code), needle)
	if i < 0 {
		return fmt.Sprintf("(%q not in code)", needle)
	}
	l, c := rules.Position(src, f.Map(i))
	return fmt.Sprintf("%d:%d", l, c)
}

type fragWant struct {
	code  string
	marks map[string]string // substring of code -> line:col in the file
}

func TestExtract(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []fragWant
	}{
		{
			name: "variables, prefixes and placeholders",
			src: "DOCKER ?= docker\n" +
				"NAME := web\n" +
				"\n" +
				"clean:\n" +
				"\t@$(DOCKER) rm -f $(NAME)\n" +
				"\t-docker compose rm -f\n" +
				"\t+@ docker stop $@ ${UNSET}\n",
			want: []fragWant{
				{"docker rm -f web", map[string]string{"docker": "5:3", "rm": "5:13", "-f": "5:16", "web": "5:19"}},
				{"docker compose rm -f", map[string]string{"docker": "6:3", "-f": "6:21"}},
				{"docker stop $_ $_______", map[string]string{"docker": "7:5", "stop": "7:12", "$_ $": "7:17", "$___": "7:20"}},
			},
		},
		{
			name: "recursive expansion, += and cycles",
			src: "BIN = $(ENGINE)\n" +
				"ENGINE = doc$(KER)\n" +
				"KER = ker\n" +
				"FLAGS = -f\n" +
				"FLAGS += -v\n" +
				"LOOP = $(LOOP) x\n" +
				"all: ; $(BIN) rm $(FLAGS) a $(LOOP)\n",
			want: []fragWant{
				{"docker rm -f -v a $______ x", map[string]string{"docker": "7:8", "rm": "7:15", "-f -v": "7:18", " a ": "7:26", "$___": "7:29"}},
			},
		},
		{
			name: "simple expansion takes the value at definition time",
			src: "X = podman\n" +
				"Y := $(X)\n" +
				"X = docker\n" +
				"t:\n" +
				"\t$(Y) rm -f a; $(X) rm -f b\n",
			want: []fragWant{{"podman rm -f a; docker rm -f b", map[string]string{"podman": "5:2", "docker": "5:16", "rm -f b": "5:21"}}},
		},
		{
			name: "dollar escapes and continuations",
			src: "t:\n" +
				"\tfor c in $$(docker ps -q); do \\\n" +
				"\t  docker rm -f $$c; \\\n" +
				"\tdone\n",
			want: []fragWant{{"for c in $(docker ps -q); do \\\n  docker rm -f $c; \\\ndone", map[string]string{
				"$(docker": "2:11", "(docker": "2:13", "docker ps": "2:14", "  docker rm": "3:2", "docker rm": "3:4", "$c": "3:17", "c;": "3:19", "done": "4:2",
			}}},
		},
		{
			name: "define blocks, comments and assignments are not recipes",
			src: "# docker rm -f commented\n" +
				"define CLEAN\n" +
				"\tdocker rm -f in-define\n" +
				"endef\n" +
				"CMD = docker rm -f assigned\n" +
				"\tdocker rm -f before-any-rule\n" +
				"t: dep # comment ; docker rm -f not-a-recipe\n" +
				"\t# docker rm -f shell-comment\n",
			want: []fragWant{{"# docker rm -f shell-comment", map[string]string{"#": "8:2"}}},
		},
		{
			name: "canned recipe from define",
			src: "define CLEAN\n" +
				"@docker stop web\n" +
				"-docker rm web\n" +
				"endef\n" +
				"t:\n" +
				"\t$(CLEAN)\n",
			// Mapped to the define's lines, where the commands are written.
			want: []fragWant{{"docker stop web\ndocker rm web", map[string]string{"docker stop": "2:2", "rm web": "3:9"}}},
		},
		{
			name: "target-specific variables and conditionals",
			src: "t: DOCKER = podman\n" +
				"u:\n" +
				"ifeq ($(CI),true)\n" +
				"\tdocker rm -f ci\n" +
				"else\n" +
				"\tdocker rm local\n" +
				"endif\n" +
				"\n" +
				"\techo after blank\n" +
				"V = 1\n" +
				"\tdocker rm -f after-assignment\n",
			want: []fragWant{
				{"docker rm -f ci", map[string]string{"rm": "4:9"}},
				{"docker rm local", map[string]string{"local": "6:12"}},
				{"echo after blank", map[string]string{"echo": "9:2"}},
			},
		},
		{
			name: "unknown prefix before a container CLI, functions, automatic variables",
			src: "t:\n" +
				"\t$(SUDO) docker rm -f $(shell cat id) $(@D) $(notdir $<)\n",
			want: []fragWant{
				{" docker rm -f $______________ $____ $___________", map[string]string{"docker": "2:10", "$_____": "2:23"}},
				{"cat id", map[string]string{"cat": "2:31"}},
			},
		},
		{
			name: "oneshell joins a rule",
			src: ".ONESHELL:\n" +
				"t:\n" +
				"\tD=docker\n" +
				"\t@$$D rm -f x\n" +
				"u:\n" +
				"\techo u\n",
			want: []fragWant{
				{"D=docker\n$D rm -f x", map[string]string{"D=": "3:2", "$D": "4:3", "rm": "4:7"}},
				{"echo u", map[string]string{"echo": "6:2"}},
			},
		},
		{
			name: "CRLF and recipe prefix",
			src: ".RECIPEPREFIX = >\r\n" +
				"t:\r\n" +
				">docker rm -f a \\\r\n" +
				">  b\r\n",
			want: []fragWant{{"docker rm -f a \\\n  b", map[string]string{"docker": "3:2", "b": "4:4"}}},
		},
		{
			name: "double-colon and static pattern rules",
			src: "a:: ; docker kill a\n" +
				"x.o y.o: %.o: %.c ; docker kill $*\n",
			want: []fragWant{
				{"docker kill a", map[string]string{"kill": "1:14"}},
				{"docker kill $_", map[string]string{"$_": "2:33"}},
			},
		},
		{
			name: "shell function and != run shell code when make reads the file",
			src: "IDS := $(shell docker ps -q)   # $(shell docker kill in-comment)\n" +
				"OLD != docker ps -aq --filter status=exited\n" +
				"ifneq ($(strip $(shell docker rm -f x)),)\n" +
				"endif\n" +
				"X = $(shell echo \\\n  docker kill split)\n" +
				"t: $(shell docker ps -q) ; docker kill $$($(shell echo docker) ps -q)\n",
			want: []fragWant{
				{"docker ps -q", map[string]string{"docker": "1:16"}},
				{"docker ps -aq --filter status=exited", map[string]string{"docker": "2:8"}},
				{"docker rm -f x", map[string]string{"rm": "3:31"}},
				{"docker ps -q", map[string]string{"ps": "7:19"}},
				{"docker kill $($___________________ ps -q)", map[string]string{"kill": "7:35", "ps -q": "7:64"}},
				{"echo docker", map[string]string{"docker": "7:56"}},
			},
		},
		{
			name: "conventional CLI variables from elsewhere",
			src:  "include docker.mk\nt:\n\t$(DOCKER) rm -f a; ${PODMAN} kill b; $(DOCKER_COMPOSE) rm -f; $(DOCKER_CMD) kill c\n",
			want: []fragWant{{"docker rm -f a; podman kill b; docker-compose rm -f; docker kill c", map[string]string{"rm -f a": "3:12", "podman": "3:21", "kill b": "3:31", "docker-compose": "3:39"}}},
		},
		{
			name: "non-shell SHELL",
			src:  "SHELL := python3\nt:\n\tdocker rm -f x\n",
			want: nil,
		},
		{
			name: "bash SHELL with flags",
			src:  "SHELL := /bin/bash -eu\nt:\n\tdocker rm -f x\n",
			want: []fragWant{{"docker rm -f x", map[string]string{"-f": "3:12"}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := []byte(tt.src)
			frags, _ := extract(src, nil)
			var codes []string
			for _, f := range frags {
				codes = append(codes, string(f.Code))
				if err := f.Verify(src); err != nil {
					t.Errorf("Verify: %v", err)
				}
			}
			if len(frags) != len(tt.want) {
				t.Fatalf("got %d fragments %q, want %d", len(frags), codes, len(tt.want))
			}
			for i, w := range tt.want {
				if codes[i] != w.code {
					t.Errorf("fragment %d code = %q, want %q", i, codes[i], w.code)
					continue
				}
				for needle, pos := range w.marks {
					if got := at(t, frags[i], src, needle); got != pos {
						t.Errorf("fragment %d: %q at %s, want %s", i, needle, got, pos)
					}
				}
			}
		})
	}
}

// TestExpansionSpan pins how a finding range inside an expansion is widened
// to the whole reference.
func TestExpansionSpan(t *testing.T) {
	src := []byte("RM = docker rm -f\nt:\n\t$(RM) web\n")
	frags, _ := extract(src, nil)
	if len(frags) != 1 {
		t.Fatalf("got %d fragments", len(frags))
	}
	f := frags[0]
	code := string(f.Code)
	if code != "docker rm -f web" {
		t.Fatalf("code = %q", code)
	}
	ref := strings.Index(string(src), "$(RM)")
	// "rm" sits inside the expansion: it maps inside the reference span.
	if got := f.Map(strings.Index(code, "rm")); got < ref || got >= ref+len("$(RM)") {
		t.Errorf("map(rm) = %d, want within [%d,%d)", got, ref, ref+5)
	}
	if got := f.Map(strings.Index(code, " web")); got != ref+5 {
		t.Errorf("map(end of expansion) = %d, want %d", got, ref+5)
	}
}

// TestExpansionBomb: a chain of variables that doubles 30 times must not
// be expanded naively; the oversized value becomes an unknown word.
func TestExpansionBomb(t *testing.T) {
	var sb strings.Builder
	for i := 0; i < 30; i++ {
		fmt.Fprintf(&sb, "V%d = $(V%d)$(V%d)\n", i, i+1, i+1)
	}
	sb.WriteString("V30 = x\nt:\n\tdocker kill $(V0)\n")
	frags, _ := extract([]byte(sb.String()), nil)
	if len(frags) != 1 || string(frags[0].Code) != "docker kill $____" {
		t.Fatalf("fragments = %d, code %q", len(frags), frags[0].Code)
	}
}
