package cishell

import (
	"fmt"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/dockguard/dockguard/cishell/fragment"
	"github.com/dockguard/dockguard/rules"
)

// at returns "line:col" in src of the first occurrence of needle in the
// fragment's code, through the fragment's map.
func at(f *fragment.Fragment, src []byte, needle string) string {
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

type extractCase struct {
	name    string
	src     string
	want    []fragWant
	errLine int // line of a DG001 finding, 0 for none
}

func runExtract(t *testing.T, walk walker, tests []extractCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := []byte(tt.src)
			frags, errs := collect(src, walk)
			var codes []string
			for _, f := range frags {
				codes = append(codes, string(f.Code))
				if err := f.Verify(src); err != nil {
					t.Errorf("Verify: %v", err)
				}
			}
			switch {
			case tt.errLine == 0 && len(errs) > 0:
				t.Errorf("unexpected errors: %v", errs)
			case tt.errLine > 0 && (len(errs) != 1 || errs[0].Line != tt.errLine || errs[0].Rule != "DG001"):
				t.Errorf("errors = %+v, want one DG001 on line %d", errs, tt.errLine)
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
					if got := at(frags[i], src, needle); got != pos {
						t.Errorf("fragment %d: %q at %s, want %s", i, needle, got, pos)
					}
				}
			}
		})
	}
}

func TestGitHubWorkflowExtract(t *testing.T) {
	runExtract(t, githubWorkflow, []extractCase{
		{
			name: "literal block, plain, quoted, folded",
			src: `on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - name: clean
        run: |
          echo "start"
          docker rm -f ${{ matrix.name }}

          docker ps
      - run: docker kill web
      - run: 'docker rm -f it''s'
      - run: "docker stop web"
      - run: >
          docker rm
          -f web
      - run: "docker\trm"
`,
			want: []fragWant{
				{"echo \"start\"\ndocker rm -f $_________________\n\ndocker ps\n", map[string]string{"echo": "9:11", "docker rm": "10:11", "-f": "10:21", "$___": "10:24", "docker ps": "12:11"}},
				{"docker kill web", map[string]string{"kill": "13:21"}},
				{"docker rm -f it's", map[string]string{"docker": "14:14", "-f": "14:14"}},
				{"docker stop web", map[string]string{"docker": "15:15", "stop": "15:22"}},
				{"docker rm -f web\n", map[string]string{"-f": "16:14"}},
				{"docker\trm", map[string]string{"rm": "19:14"}},
			},
		},
		{
			name: "shells: step, job and workflow defaults, windows runners",
			src: `defaults:
  run:
    shell: pwsh
jobs:
  a:
    steps:
      - run: docker rm -f a-default-pwsh
      - run: docker rm -f a-bash
        shell: bash
      - run: docker rm -f a-custom
        shell: bash -e {0}
      - run: docker rm -f a-python
        shell: python
  b:
    defaults:
      run:
        shell: sh
    steps:
      - run: docker rm -f b-sh
      - run: docker rm -f b-cmd
        shell: cmd
  c:
    runs-on: windows-latest
    defaults: {run: {shell: ""}}
    steps:
      - run: docker rm -f c-windows
  d:
    runs-on: [self-hosted, linux]
    steps:
      - run: docker rm -f d-linux
`,
			want: []fragWant{
				{"docker rm -f a-bash", nil},
				{"docker rm -f a-custom", nil},
				{"docker rm -f b-sh", map[string]string{"b-sh": "19:27"}},
			},
		},
		{
			name: "default shell follows the runner OS",
			src: `jobs:
  win:
    runs-on: windows-2022
    steps:
      - run: docker rm -f on-pwsh
      - run: docker rm -f on-bash
        shell: bash
  linux:
    runs-on: [self-hosted, linux]
    steps:
      - run: docker rm -f linux
  matrix:
    runs-on: ${{ matrix.os }}
    steps:
      - run: docker rm -f matrix
`,
			want: []fragWant{
				{"docker rm -f on-bash", nil},
				{"docker rm -f linux", nil},
				{"docker rm -f matrix", nil},
			},
		},
		{
			name: "CRLF, tabs and multi-byte text before the value",
			src:  "jobs:\r\n  é:\r\n    steps:\r\n      - {name: ünïcödé, run: docker rm -f x}\r\n      - run: |-\r\n          docker\trm -f y\r\n          docker kill z\r\n",
			want: []fragWant{
				{"docker rm -f x", map[string]string{"docker": "4:34", "x": "4:47"}},
				{"docker\trm -f y\ndocker kill z", map[string]string{"docker": "6:11", "rm": "6:18", "kill": "7:18"}},
			},
		},
		{
			name: "explicit indentation indicator and keep chomping",
			src: `jobs:
  a:
    steps:
      - run: |2+
            indented docker
          docker rm -f x


`,
			want: []fragWant{{"  indented docker\ndocker rm -f x\n\n\n", map[string]string{"  indented": "5:11", "indented": "5:13", "rm": "6:18"}}},
		},
		{
			name: "expression containing braces in a string, unterminated expression",
			src: `jobs:
  a:
    steps:
      - run: |
          docker rm ${{ format('}}{0}', x) }} -f
          echo ${{ oops
`,
			want: []fragWant{{"docker rm $________________________ -f\necho $_______\n", map[string]string{"-f": "5:47", "$__": "5:21"}}},
		},
		{
			name:    "multi-document, then a syntax error",
			src:     "jobs:\n  a:\n    steps:\n      - run: docker kill a\n---\njobs: [\n",
			want:    []fragWant{{"docker kill a", map[string]string{"kill": "4:21"}}},
			errLine: 6,
		},
		{
			name: "invalid structure is skipped",
			src:  "jobs:\n  a:\n    steps:\n      - run: {x: docker rm -f a}\n      - run: [docker rm -f b]\n      - docker rm -f c\n  b: 3\n  c:\n    steps: x\n",
		},
		{
			name: "anchors and aliases are checked once",
			src:  "jobs:\n  a:\n    steps:\n      - &s {run: docker kill a}\n      - *s\n  b:\n    steps: [*s]\n",
			want: []fragWant{{"docker kill a", map[string]string{"kill": "4:25"}}},
		},
	})
}

func TestGitHubActionExtract(t *testing.T) {
	runExtract(t, githubAction, []extractCase{
		{
			name: "composite",
			src: `name: cleanup
runs:
  using: composite
  steps:
    - run: docker rm -f ${{ inputs.container }}
      shell: bash
    - run: Remove-Item x
      shell: pwsh
`,
			want: []fragWant{{"docker rm -f $______________________", map[string]string{"$": "5:25"}}},
		},
		{
			name: "node action has no run steps",
			src:  "runs:\n  using: node20\n  main: index.js\n  steps:\n    - run: docker kill x\n",
		},
	})
}

func TestGitLabExtract(t *testing.T) {
	runExtract(t, gitlabCI, []extractCase{
		{
			name: "jobs, hidden jobs, default, references",
			src: `stages: [test]
variables:
  script: docker rm -f not-a-job
default:
  before_script:
    - docker login
.cleanup: &cleanup
  after_script:
    - docker rm -f $CONTAINER
test:
  <<: *cleanup
  script:
    - !reference [.cleanup, after_script]
    - - docker kill nested
    - |
      for c in $(docker ps -q); do
        docker stop $c
      done
  image: docker:latest
build:
  script: docker build -t $[[ inputs.tag ]] .
before_script: docker info
`,
			want: []fragWant{
				{"docker login", map[string]string{"login": "6:14"}},
				{"docker rm -f $CONTAINER", map[string]string{"$CONTAINER": "9:20"}},
				{"docker kill nested", map[string]string{"kill": "14:16"}},
				{"for c in $(docker ps -q); do\n  docker stop $c\ndone\n", map[string]string{"stop": "17:16", "done": "18:7"}},
				{"docker build -t $________________ .", map[string]string{" .": "21:44"}},
				{"docker info", map[string]string{"info": "22:23"}},
			},
		},
	})
}

func TestCircleCIExtract(t *testing.T) {
	runExtract(t, func(c *checker, root *yaml.Node) { c.circleConfig(root, 0) }, []extractCase{
		{
			name: "jobs, commands, orbs, when",
			src: `version: 2.1
commands:
  clean:
    parameters:
      name: {type: string}
    steps:
      - run: docker rm -f << parameters.name >>
jobs:
  build:
    docker: [{image: cimg/base:stable}]
    steps:
      - checkout
      - run:
          name: kill
          command: |
            docker kill web <<EOF
            EOF
      - run:
          shell: powershell.exe
          command: docker rm -f win
      - when:
          condition: true
          steps:
            - run: docker stop -t 0 web
orbs:
  inline:
    jobs:
      j:
        steps: [{run: docker rmi -f img}]
`,
			want: []fragWant{
				{"docker kill web <<EOF\nEOF\n", map[string]string{"<<EOF": "16:29"}},
				{"docker stop -t 0 web", map[string]string{"stop": "24:27"}},
				{"docker rm -f $____________________", map[string]string{"$": "7:27"}},
				{"docker rmi -f img", map[string]string{"rmi": "29:30"}},
			},
		},
	})
}

func TestYAMLErrorPositions(t *testing.T) {
	for _, tt := range []struct {
		src  string
		line int
	}{
		{"jobs:\n  a: [\n", 2},
		{"a: b\n\tc: d\n", 2},
		{"a: \xff\n", 1},
		{"x: 1\n\x00\n", 2},
	} {
		_, errs := collect([]byte(tt.src), githubWorkflow)
		if len(errs) != 1 || errs[0].Line != tt.line || errs[0].Rule != "DG001" || errs[0].File != "f.yml" {
			t.Errorf("%q: errors %+v, want one DG001 at line %d", tt.src, errs, tt.line)
		}
	}
}

func TestPackageJSONExtract(t *testing.T) {
	src := []byte("{\n  \"name\": \"app\",\n  \"config\": {\"scripts\": {\"x\": \"docker kill nested\"}},\n  \"scripts\": {\n    \"clean\": \"docker rm -f \\\"web\\\" && echo \\u00e9 \\ud83d\\ude00 done\",\n    \"n\": 3,\n    \"tab\":\"docker\\trm -f x\"\n  }\n}\n")
	spans, err := findScripts(src)
	if err != nil {
		t.Fatalf("findScripts: %v", err)
	}
	var frags []*fragment.Fragment
	for _, s := range spans {
		f := jsonStringFragment(src, s[0], s[1])
		if err := f.Verify(src); err != nil {
			t.Errorf("Verify: %v", err)
		}
		frags = append(frags, f)
	}
	if len(frags) != 2 {
		t.Fatalf("got %d scripts, want 2", len(frags))
	}
	if got, want := string(frags[0].Code), "docker rm -f \"web\" && echo é 😀 done"; got != want {
		t.Errorf("code = %q, want %q", got, want)
	}
	for needle, want := range map[string]string{"docker": "5:15", "\"web": "5:28", "web": "5:30", "&&": "5:36", "é": "5:44", "😀": "5:51", "done": "5:64"} {
		if got := at(frags[0], src, needle); got != want {
			t.Errorf("%q at %s, want %s", needle, got, want)
		}
	}
	if got := at(frags[1], src, "rm"); got != "7:20" {
		t.Errorf("rm at %s, want 7:20", got)
	}
}

func TestPackageJSONErrors(t *testing.T) {
	for _, tt := range []struct {
		src     string
		scripts int
		off     int // -1: no error
	}{
		{`{"scripts": {"a": "docker kill x"}}`, 1, -1},
		{"\ufeff{\"scripts\": {}}", 0, -1},
		{`{"scripts": {"a": "docker kill x", "b": "unterminated}}`, 1, 40},
		{`{"scripts": {"a": "x"}} trailing`, 1, 24},
		{`{"scripts": {"a": "bad \q escape"}}`, 0, 23},
		{`[1, 2,]`, 0, 6},
		{`{"a": 01}`, 0, 7},
		{"{\"a\": \"ctl\x01\"}", 0, 10},
		{``, 0, 0},
		{`{"scripts": [`, 0, 13},
	} {
		spans, err := findScripts([]byte(tt.src))
		if len(spans) != tt.scripts {
			t.Errorf("%q: %d scripts, want %d", tt.src, len(spans), tt.scripts)
		}
		switch {
		case tt.off < 0 && err != nil:
			t.Errorf("%q: unexpected error %v", tt.src, err)
		case tt.off >= 0 && (err == nil || err.off != tt.off):
			t.Errorf("%q: error %v, want one at offset %d", tt.src, err, tt.off)
		}
	}
}

// TestAliasBombs proves that cyclic and exponentially shared alias graphs
// are walked in linear time (each would take ages if walked naively).
func TestAliasBombs(t *testing.T) {
	for name, tt := range map[string]struct {
		walk walker
		src  string
	}{
		"gitlab self-referencing script": {gitlabCI, "j:\n  script: &a [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a, docker kill x]\n"},
		"gitlab merge cycle":             {gitlabCI, "j: &a\n  <<: [*a, *a, *a, *a, *a, *a, *a, *a]\n  script: docker kill x\n"},
		"circleci steps cycle":           {func(c *checker, r *yaml.Node) { c.circleConfig(r, 0) }, "jobs:\n  j:\n    steps: &s\n      - when: {steps: *s}\n      - unless: {steps: *s}\n      - when: {steps: *s}\n      - run: docker kill x\n"},
		"circleci orbs cycle":            {func(c *checker, r *yaml.Node) { c.circleConfig(r, 0) }, "&r\norbs: {a: *r, b: *r, c: *r, d: *r, e: *r}\njobs: {j: {steps: [{run: docker kill x}]}}\n"},
		"github shared steps":            {githubWorkflow, "jobs:\n  a: {steps: &s [{run: docker kill x}]}\n  b: {steps: *s}\n"},
	} {
		t.Run(name, func(t *testing.T) {
			frags, _ := collect([]byte(tt.src), tt.walk)
			if len(frags) != 1 || string(frags[0].Code) != "docker kill x" {
				var codes []string
				for _, f := range frags {
					codes = append(codes, string(f.Code))
				}
				t.Errorf("fragments = %q, want the one script once", codes)
			}
		})
	}
}

// collect returns the POSIX-shell fragments a walker finds in f.yml, and
// the YAML errors.
func collect(src []byte, walk walker) ([]*fragment.Fragment, []rules.Finding) {
	c, errs := collectAll("f.yml", src, walk)
	return c.frags, errs
}
