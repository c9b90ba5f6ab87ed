package cishell

import (
	"fmt"
	"strings"
	"testing"

	"github.com/dockguard/dockguard/rules"
	"github.com/dockguard/dockguard/shell"
)

// wrap turns an entry point into one that returns "RULE line:col" per
// finding, after the invariants every finding keeps are checked.
func wrap(check func(string, []byte, *shell.Config) []rules.Finding) func(string, []byte, *shell.Config) []string {
	return func(file string, src []byte, cfg *shell.Config) []string {
		var out []string
		for _, f := range check(file, src, cfg) {
			out = append(out, fmt.Sprintf("%s %d:%d", f.Rule, f.Line, f.Column))
		}
		return out
	}
}

func TestTaskfileExtract(t *testing.T) {
	runExtract(t, taskfile, []extractCase{{
		name: "cmds as strings, cmd mappings, defer, short forms; vars and deps skipped",
		src: `version: '3'
vars:
  NAME: web
tasks:
  clean:
    deps: [build]
    cmds:
      - docker rm -f {{.NAME}}
      - cmd: docker kill db
      - task: other
      - defer: docker rm -f tmp
  short: docker stop x
  list:
    - echo "docker rm -f quoted"
`,
		want: []fragWant{
			{"docker rm -f $________", map[string]string{"docker": "8:9", "$___": "8:22"}},
			{"docker kill db", map[string]string{"kill": "9:21"}},
			{"docker rm -f tmp", map[string]string{"docker": "11:16"}},
			{"docker stop x", map[string]string{"stop": "12:17"}},
			{`echo "docker rm -f quoted"`, map[string]string{"echo": "14:7"}},
		},
	}, {
		name:    "syntax error",
		src:     "tasks:\n  a:\n    cmds: [\n",
		errLine: 3,
	}})
}

func TestAzurePipelinesExtract(t *testing.T) {
	runExtract(t, azurePipelines, []extractCase{{
		name: "bash, script, Bash@3 inline, nested stages; macros masked, command substitution kept",
		src: `trigger: [main]
stages:
  - stage: build
    jobs:
      - job: a
        steps:
          - bash: docker rm -f $(containerName)
          - script: docker rm -f $(docker ps -aq)
          - task: Bash@3
            inputs:
              targetType: inline
              script: |
                docker kill ${{ parameters.name }}
          - task: Bash@3
            inputs:
              targetType: filePath
              filePath: ./clean.sh
          - powershell: docker rm -f ps
`,
		want: []fragWant{
			{"docker rm -f $_______________", map[string]string{"docker": "7:19", "$___": "7:32"}},
			{"docker rm -f $(docker ps -aq)", map[string]string{"$(docker": "8:34"}},
			{"docker kill $_____________________\n", map[string]string{"kill": "13:24"}},
		},
	}})
}

func TestBitbucketPipelinesExtract(t *testing.T) {
	runExtract(t, bitbucketPipelines, []extractCase{{
		name: "default, branches, parallel, after-script",
		src: `image: docker:27
pipelines:
  default:
    - step:
        script:
          - docker rm -f web
          - echo done
  branches:
    main:
      - parallel:
          - step:
              script: [docker kill db]
              after-script:
                - docker ps
`,
		want: []fragWant{
			{"docker rm -f web", map[string]string{"-f": "6:23"}},
			{"echo done", map[string]string{"echo": "7:13"}},
			{"docker kill db", map[string]string{"kill": "12:31"}},
			{"docker ps", map[string]string{"docker": "14:19"}},
		},
	}})
}

func TestDroneExtract(t *testing.T) {
	runExtract(t, drone, []extractCase{{
		name: "steps list (Drone), steps mapping (Woodpecker)",
		src: `kind: pipeline
steps:
  - name: test
    image: docker
    commands:
      - docker rm -f web
---
steps:
  clean:
    image: docker
    commands:
      - docker logs -f web
`,
		want: []fragWant{
			{"docker rm -f web", map[string]string{"rm": "6:16"}},
			{"docker logs -f web", map[string]string{"logs": "12:16"}},
		},
	}})
}

// Hits and traps through the shell front end, with positions in the file.
func TestMoreCIFindings(t *testing.T) {
	for _, tt := range []struct {
		name  string
		check func(string, []byte, *shell.Config) []string
		src   string
		want  []string
	}{
		{"taskfile", wrap(CheckTaskfile), `tasks:
  a:
    cmds:
      - docker rm -f web
      - echo "docker rm -f web"
      - docker compose rm -f
      - docker logs -f web # docker rm -f x
      - docker rm --force=false web
      - docker kill {{.ID}}
`, []string{"DG101 4:9", "DG104 9:9"}},
		{"azure", wrap(CheckAzurePipelines), `steps:
- bash: |
    docker rm -f web
    # docker rm -f comment
- script: docker rm -f $(docker ps -aq)
`, []string{"DG101 3:5", "DG105 5:11"}},
		{"azure windows script is not POSIX", wrap(CheckAzurePipelines), `pool:
  vmImage: windows-latest
steps:
- script: docker rm -f web
`, []string{"DG101 4:11"}},
		{"bitbucket", wrap(CheckBitbucketPipelines), `pipelines:
  default:
    - step:
        script:
          - docker rm -f web # dockguard:ignore DG101 -- removed below anyway
          - docker rm -f db
          - 'echo docker rm -f x'
`, []string{"DG101 5:13", "DG101 6:13"}},
		{"drone", wrap(CheckDrone), `steps:
  - name: a
    commands:
      - docker rm -f web
      - docker volume rm -f data
`, []string{"DG101 4:9"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.check("f.yml", []byte(tt.src), nil)
			if strings.Join(got, ",") != strings.Join(tt.want, ",") {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestMoreCISyntaxErrorKeepsNothingElse(t *testing.T) {
	for name, check := range map[string]func(string, []byte, *shell.Config) []string{
		"taskfile": wrap(CheckTaskfile), "azure": wrap(CheckAzurePipelines), "bitbucket": wrap(CheckBitbucketPipelines), "drone": wrap(CheckDrone),
	} {
		got := check("f.yml", []byte("steps: [\n  - docker rm -f x\n"), nil)
		if len(got) != 1 || !strings.HasPrefix(got[0], "DG001 ") {
			t.Errorf("%s: %v, want one DG001", name, got)
		}
	}
}

func FuzzTaskfile(f *testing.F) { fuzzYAML(f, "taskfile", CheckTaskfile, taskfile) }

func FuzzAzurePipelines(f *testing.F) {
	fuzzYAML(f, "azure", CheckAzurePipelines, azurePipelines)
}

func FuzzBitbucketPipelines(f *testing.F) {
	fuzzYAML(f, "bitbucket", CheckBitbucketPipelines, bitbucketPipelines)
}

func FuzzDrone(f *testing.F) { fuzzYAML(f, "drone", CheckDrone, drone) }
