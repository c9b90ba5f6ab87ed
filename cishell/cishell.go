// Package cishell finds shell code inside CI configuration and package
// manifests (GitHub Actions workflows and composite actions, GitLab CI,
// CircleCI, package.json scripts) and checks it with the shell front end,
// reporting findings at their real line and column in the host file.
//
// YAML is read with gopkg.in/yaml.v3 nodes. A YAML syntax error is a DG001
// finding; a document whose structure is not what the CI system expects
// (a mapping where a script should be, say) is skipped silently, because
// the CI system's own validation reports that far better.
package cishell

import (
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/dockguard/dockguard/rules"
	"github.com/dockguard/dockguard/shell"
)

// CheckGitHubWorkflow checks the run: steps of a GitHub Actions workflow
// (.github/workflows/*.yml) in the shell each runs in, as GitHub decides it:
// the step's shell:, else the job's defaults.run.shell, else the
// workflow's, else pwsh when the job runs on Windows (runs-on: windows-*,
// a label list containing a windows label, or a matrix whose every value
// runs-on names is windows-*) and bash otherwise. A runs-on that is some
// other expression (${{ inputs.os }}) leaves the shell unknown. PowerShell
// steps go to the PowerShell splitter; cmd, python and other shells are
// not checked.
func CheckGitHubWorkflow(file string, src []byte, cfg *shell.Config) []rules.Finding {
	return checkYAML(file, src, cfg, githubWorkflow)
}

func githubWorkflow(c *checker, root *yaml.Node) {
	wfShell := str(get(get(get(root, "defaults"), "run"), "shell"))
	for _, job := range pairs(get(root, "jobs")) {
		j := resolve(job.value)
		jobShell := str(get(get(get(j, "defaults"), "run"), "shell"))
		if jobShell == "" {
			jobShell = wfShell
		}
		kind := classifyShell(jobShell)
		if jobShell == "" {
			kind = runnerShell(j)
		}
		c.githubSteps(get(j, "steps"), kind)
	}
}

// runnerShell is the default shell of a job without a shell setting: pwsh
// on Windows runners, bash elsewhere, unknown when runs-on is an expression
// that cannot be resolved from the job's matrix.
func runnerShell(job *yaml.Node) shellKind {
	runsOn := get(job, "runs-on")
	if windowsOnly(runsOn) {
		return pwshShell
	}
	v := strings.TrimSpace(str(runsOn))
	if !strings.Contains(v, "${{") {
		return posixShell
	}
	key, ok := matrixKey(v)
	if !ok {
		return unknownShell
	}
	values := matrixValues(get(get(job, "strategy"), "matrix"), key)
	if len(values) == 0 {
		return unknownShell
	}
	windows := 0
	for _, val := range values {
		if strings.Contains(val, "${{") {
			return unknownShell
		}
		if strings.HasPrefix(strings.ToLower(strings.TrimSpace(val)), "windows") {
			windows++
		}
	}
	switch windows {
	case 0:
		return posixShell
	case len(values):
		return pwshShell
	}
	return unknownShell // the same step runs in bash on some runners, pwsh on others
}

// matrixKey returns K for a runs-on of exactly "${{ matrix.K }}".
func matrixKey(v string) (string, bool) {
	if !strings.HasPrefix(v, "${{") || !strings.HasSuffix(v, "}}") {
		return "", false
	}
	inner := strings.TrimSpace(v[3 : len(v)-2])
	key, ok := strings.CutPrefix(inner, "matrix.")
	if !ok || key == "" || strings.ContainsAny(key, " .[()|&") {
		return "", false
	}
	return key, true
}

// matrixValues lists the values a matrix gives key: its list (or scalar)
// and every include entry's value.
func matrixValues(m *yaml.Node, key string) []string {
	var vals []string
	v := get(m, key)
	switch {
	case v != nil && v.Kind == yaml.ScalarNode:
		vals = append(vals, v.Value)
	case v != nil && v.Kind == yaml.SequenceNode:
		for _, it := range items(v) {
			vals = append(vals, str(it))
		}
	}
	for _, inc := range items(get(m, "include")) {
		if s := get(inc, key); s != nil && s.Kind == yaml.ScalarNode {
			vals = append(vals, s.Value)
		}
	}
	return vals
}

// CheckGitHubAction checks the run: steps of a composite action
// (action.yml / action.yaml: runs.steps[].run).
func CheckGitHubAction(file string, src []byte, cfg *shell.Config) []rules.Finding {
	return checkYAML(file, src, cfg, githubAction)
}

func githubAction(c *checker, root *yaml.Node) {
	runs := get(root, "runs")
	if u := str(get(runs, "using")); u != "" && !strings.EqualFold(u, "composite") {
		return
	}
	c.githubSteps(get(runs, "steps"), posixShell)
}

func (c *checker) githubSteps(steps *yaml.Node, jobShell shellKind) {
	if steps = resolve(steps); steps == nil || !c.visit(steps) {
		return
	}
	for _, st := range items(steps) {
		run := get(st, "run")
		if run == nil {
			continue
		}
		kind := jobShell
		if sh := str(get(st, "shell")); sh != "" {
			kind = classifyShell(sh)
		}
		c.scriptIn(run, githubTemplate, kind)
	}
}

// windowsOnly reports whether a runs-on value names Windows runners and
// nothing that could be another OS. Expressions are unknown: not Windows.
func windowsOnly(n *yaml.Node) bool {
	n = resolve(n)
	if n == nil {
		return false
	}
	var labels []string
	switch n.Kind {
	case yaml.ScalarNode:
		labels = []string{n.Value}
	case yaml.SequenceNode:
		for _, it := range n.Content {
			labels = append(labels, str(it))
		}
	case yaml.MappingNode:
		for _, it := range items(get(n, "labels")) {
			labels = append(labels, str(it))
		}
		if l := get(n, "labels"); l != nil && l.Kind == yaml.ScalarNode {
			labels = append(labels, l.Value)
		}
	}
	for _, l := range labels {
		if strings.HasPrefix(strings.ToLower(strings.TrimSpace(l)), "windows") {
			return true
		}
	}
	return false
}

// gitlabReserved are top-level .gitlab-ci.yml keys that are not jobs.
var gitlabReserved = map[string]bool{
	"stages": true, "variables": true, "include": true, "workflow": true,
	"image": true, "services": true, "cache": true, "spec": true,
	"default": true, "types": true,
}

// gitlabScriptKeys are the job keywords that hold shell code.
var gitlabScriptKeys = []string{"before_script", "script", "after_script"}

// CheckGitLabCI checks .gitlab-ci.yml: script, before_script and after_script
// of every job (hidden .template jobs included), of default:, the deprecated
// top-level before_script/after_script, and hooks:pre_get_sources_script.
// Each item of a script list is checked on its own, as GitLab runs them as
// separate command lines. "!reference" items are checked where they point.
func CheckGitLabCI(file string, src []byte, cfg *shell.Config) []rules.Finding {
	return checkYAML(file, src, cfg, gitlabCI)
}

func gitlabCI(c *checker, root *yaml.Node) {
	for _, p := range pairs(root) {
		switch {
		case p.key == "before_script" || p.key == "after_script":
			c.scriptList(p.value, gitlabTemplate, 0)
		case p.key == "default" || !gitlabReserved[p.key]:
			c.gitlabJob(p.value)
		}
	}
}

func (c *checker) gitlabJob(job *yaml.Node) {
	job = resolve(job)
	if job == nil || job.Kind != yaml.MappingNode {
		return
	}
	kind := posixShell
	for _, t := range items(get(job, "tags")) {
		if strings.Contains(strings.ToLower(str(t)), "windows") {
			// The runner's shell (pwsh by default on Windows since GitLab
			// Runner 13, or powershell, cmd, bash) is in its own
			// configuration, not in this file.
			kind = unknownShell
		}
	}
	for _, k := range gitlabScriptKeys {
		c.scriptListIn(get(job, k), gitlabTemplate, 0, kind)
	}
	c.scriptListIn(get(get(job, "hooks"), "pre_get_sources_script"), gitlabTemplate, 0, kind)
}

// CheckCircleCI checks the run: steps of a CircleCI config
// (.circleci/config.yml) in jobs, reusable commands, inline orbs and the
// pre-steps/post-steps of workflow jobs, including steps nested in
// when:/unless:. A run is a string or a mapping
// with command:; a shell: on the step or job that is not a POSIX shell
// (powershell.exe, cmd.exe) skips it. Pipeline parameters (<< parameters.x >>)
// are read as unknown words.
func CheckCircleCI(file string, src []byte, cfg *shell.Config) []rules.Finding {
	return checkYAML(file, src, cfg, func(c *checker, root *yaml.Node) { c.circleConfig(root, 0) })
}

func (c *checker) circleConfig(root *yaml.Node, depth int) {
	if root = resolve(root); root == nil || depth > 4 || !c.visit(root) {
		return
	}
	for _, sect := range []string{"jobs", "commands"} {
		for _, p := range pairs(get(root, sect)) {
			j := resolve(p.value)
			c.circleSteps(get(j, "steps"), str(get(j, "shell")), 0)
		}
	}
	// Workflows can wrap a job with pre-steps and post-steps.
	for _, wf := range pairs(get(root, "workflows")) {
		for _, j := range items(get(resolve(wf.value), "jobs")) {
			for _, p := range pairs(j) {
				for _, k := range []string{"pre-steps", "post-steps"} {
					c.circleSteps(get(p.value, k), "", 0)
				}
			}
		}
	}
	for _, orb := range pairs(get(root, "orbs")) {
		if o := resolve(orb.value); o != nil && o.Kind == yaml.MappingNode {
			c.circleConfig(o, depth+1)
		}
	}
}

func (c *checker) circleSteps(steps *yaml.Node, jobShell string, depth int) {
	if steps = resolve(steps); steps == nil || depth > 16 || !c.visit(steps) {
		return
	}
	for _, st := range items(steps) {
		for _, p := range pairs(st) {
			v := resolve(p.value)
			switch p.key {
			case "run":
				if v != nil && v.Kind == yaml.ScalarNode {
					if isPOSIXShell(jobShell) {
						c.script(v, circleTemplate)
					}
					continue
				}
				sh := str(get(v, "shell"))
				if sh == "" {
					sh = jobShell
				}
				if isPOSIXShell(sh) {
					c.script(get(v, "command"), circleTemplate)
				}
			case "when", "unless":
				c.circleSteps(get(v, "steps"), jobShell, depth+1)
			}
		}
	}
}
