package cishell

import (
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/dockguard/dockguard/rules"
	"github.com/dockguard/dockguard/shell"
)

// CheckTaskfile checks a go-task Taskfile (Taskfile.yml): every task's
// cmds (strings, or mappings with cmd:), a task written as a bare list or
// string of commands, and defer: commands. Go template actions
// ({{.VAR}}) are unknown words.
func CheckTaskfile(file string, src []byte, cfg *shell.Config) []rules.Finding {
	return checkYAML(file, src, cfg, taskfile)
}

func taskfile(c *checker, root *yaml.Node) {
	for _, t := range pairs(get(root, "tasks")) {
		task := resolve(t.value)
		if task == nil {
			continue
		}
		if task.Kind != yaml.MappingNode {
			c.taskCmds(task) // the short forms: a command or a list of them
			continue
		}
		c.taskCmds(get(task, "cmds"))
	}
}

func (c *checker) taskCmds(n *yaml.Node) {
	n = resolve(n)
	if n == nil {
		return
	}
	if n.Kind == yaml.ScalarNode {
		c.script(n, goTemplate)
		return
	}
	if !c.visit(n) {
		return
	}
	for _, it := range items(n) {
		if it.Kind == yaml.ScalarNode {
			c.script(it, goTemplate)
			continue
		}
		c.script(get(it, "cmd"), goTemplate)
		if d := resolve(get(it, "defer")); d != nil && d.Kind == yaml.ScalarNode {
			c.script(d, goTemplate)
		} else {
			c.script(get(d, "cmd"), goTemplate)
		}
	}
}

// CheckAzurePipelines checks azure-pipelines.yml: bash: steps, script:
// steps (cmd.exe on Windows agents, so their shell is unknown when the
// pool is a Windows image) and inline scripts of Bash@3 tasks, in steps at
// any depth (stages, jobs, deployment strategies, templates). Macros
// ($(var)), template expressions (${{ }}) and runtime expressions ($[ ])
// are unknown words.
func CheckAzurePipelines(file string, src []byte, cfg *shell.Config) []rules.Finding {
	return checkYAML(file, src, cfg, azurePipelines)
}

func azurePipelines(c *checker, root *yaml.Node) { c.azureNode(root, posixShell, 0) }

func (c *checker) azureNode(n *yaml.Node, scriptShell shellKind, depth int) {
	n = resolve(n)
	if n == nil || depth > 32 || (n.Kind != yaml.MappingNode && n.Kind != yaml.SequenceNode) || !c.visit(n) {
		return
	}
	if n.Kind == yaml.SequenceNode {
		for _, it := range n.Content {
			c.azureNode(it, scriptShell, depth+1)
		}
		return
	}
	if img := strings.ToLower(str(get(get(n, "pool"), "vmImage"))); strings.HasPrefix(img, "windows") || strings.HasPrefix(img, "vs20") {
		scriptShell = unknownShell
	}
	for _, p := range pairs(n) {
		switch p.key {
		case "bash":
			c.script(p.value, azureTemplate)
		case "script":
			c.scriptIn(p.value, azureTemplate, scriptShell)
		case "task":
			if t := strings.ToLower(str(p.value)); strings.HasPrefix(t, "bash@") || strings.HasPrefix(t, "shellscript@") {
				in := get(n, "inputs")
				if tt := strings.ToLower(str(get(in, "targetType"))); tt == "inline" {
					c.script(get(in, "script"), azureTemplate)
				}
			}
		default:
			c.azureNode(p.value, scriptShell, depth+1)
		}
	}
}

// CheckBitbucketPipelines checks bitbucket-pipelines.yml: the script and
// after-script of every step, wherever it sits (default, branches,
// pull-requests, tags, custom, parallel groups, stages, definitions).
// Each list item is a command line of its own, as Bitbucket runs them.
func CheckBitbucketPipelines(file string, src []byte, cfg *shell.Config) []rules.Finding {
	return checkYAML(file, src, cfg, bitbucketPipelines)
}

func bitbucketPipelines(c *checker, root *yaml.Node) {
	c.eachMapping(root, 0, func(m *yaml.Node) {
		step := resolve(get(m, "step"))
		if step == nil || step.Kind != yaml.MappingNode {
			return
		}
		for _, k := range []string{"script", "after-script"} {
			c.scriptList(get(step, k), noTemplate, 0)
		}
	})
}

// CheckDrone checks Drone (.drone.yml) and Woodpecker (.woodpecker.yml,
// .woodpecker/*.yml) pipelines: the commands: of every step, whether steps
// (or the older pipeline:) is a list or a mapping of named steps, and of
// services. Drone and Woodpecker run them with /bin/sh.
func CheckDrone(file string, src []byte, cfg *shell.Config) []rules.Finding {
	return checkYAML(file, src, cfg, drone)
}

func drone(c *checker, root *yaml.Node) {
	{
		for _, sect := range []string{"steps", "pipeline", "services", "clone"} {
			s := resolve(get(root, sect))
			if s == nil {
				continue
			}
			var steps []*yaml.Node
			if s.Kind == yaml.SequenceNode {
				steps = items(s)
			} else {
				for _, p := range pairs(s) {
					steps = append(steps, p.value)
				}
			}
			for _, st := range steps {
				c.scriptList(get(st, "commands"), noTemplate, 0)
			}
		}
	}
}

// eachMapping calls fn on every mapping under n, each once.
func (c *checker) eachMapping(n *yaml.Node, depth int, fn func(*yaml.Node)) {
	n = resolve(n)
	if n == nil || depth > 32 || (n.Kind != yaml.MappingNode && n.Kind != yaml.SequenceNode) || !c.visit(n) {
		return
	}
	if n.Kind == yaml.MappingNode {
		fn(n)
		for _, p := range pairs(n) {
			c.eachMapping(p.value, depth+1, fn)
		}
		return
	}
	for _, it := range n.Content {
		c.eachMapping(it, depth+1, fn)
	}
}

// goTemplateRE matches a Go template action, as go-task expands it before
// the shell runs.
var goTemplateRE = regexp.MustCompile(`\{\{[^\n]*?\}\}`)

// azureMacroRE matches an Azure Pipelines macro ($(Build.SourcesDirectory))
// and runtime expression ($[ variables.x ]); a macro name has no spaces,
// so command substitutions such as $(docker ps -q) are left to the shell.
var azureMacroRE = regexp.MustCompile(`\$\([A-Za-z_][A-Za-z0-9_.]*\)|\$\[[^\]\n]*\]`)
