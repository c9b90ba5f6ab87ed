package render

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"github.com/dockguard/dockguard/internal/shquote"
	"github.com/dockguard/dockguard/memusage"
	"github.com/dockguard/dockguard/rules"
	"github.com/dockguard/dockguard/verify"
)

// Group is the findings of one rule with where they were made: on the
// running system (live) or in the files (static).
type Group struct {
	RuleGroup
	Live bool
}

// Impact orders the findings of d by what they cost if left alone:
// errors on the running system first, then errors in the files, then
// live and static warnings, then info; among equals the rule with more
// findings first, then by rule ID.
func (d *Document) Impact() []Group {
	var out []Group
	if d.Static != nil {
		for _, g := range ByRule(d.Static.Result.Findings) {
			out = append(out, Group{RuleGroup: g})
		}
	}
	for _, g := range ByRule(d.LiveResult.Findings) {
		out = append(out, Group{RuleGroup: g, Live: true})
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if sa, sb := worst(a.Findings), worst(b.Findings); sa != sb {
			return sa > sb
		}
		if a.Live != b.Live {
			return a.Live
		}
		if len(a.Findings) != len(b.Findings) {
			return len(a.Findings) > len(b.Findings)
		}
		return a.Rule.ID < b.Rule.ID
	})
	return out
}

// worst is the highest severity of fs (a configuration may have changed
// some findings' severity from the rule's).
func worst(fs []rules.Finding) rules.Severity {
	s := rules.SeverityNone
	for _, f := range fs {
		s = max(s, f.Severity)
	}
	return s
}

// Where says whether g was found on the running system or in the files.
func (g Group) Where() string {
	if g.Live {
		return "live"
	}
	return "static"
}

// Severity is the group's highest severity.
func (g Group) Severity() rules.Severity { return worst(g.Findings) }

// Action is one thing to do, for the report's opening list: what, on how
// many objects, and what rule says so.
type Action struct {
	Rule     string `json:"rule"`
	Severity string `json:"severity"`
	Live     bool   `json:"live"`
	Count    int    `json:"count"`
	// Text says what to do in a sentence; `backticks` mark code.
	Text string `json:"text"`
}

// TopActions is how many actions the report opens with.
const TopActions = 3

// Actions are the report's groups in impact order, each as the action
// that resolves it; the report opens with the first TopActions.
func (d *Document) Actions() []Action {
	var out []Action
	for _, g := range d.Impact() {
		out = append(out, Action{Rule: g.Rule.ID, Severity: g.Severity().String(), Live: g.Live, Count: len(g.Findings), Text: actionText(d, g)})
	}
	return out
}

// actionText phrases the action for g: for the live rules with ready
// commands, what they do; otherwise the rule's own advice, with where.
func actionText(d *Document, g Group) string {
	n := len(g.Findings)
	switch g.Rule.ID {
	case "DG401":
		return fmt.Sprintf("Set a memory limit on %d running %s: %s (see \"Ready commands\").", n, plural(n, "container", "containers"), names(containersOf(g.Findings), 5))
	case "DG403":
		return fmt.Sprintf("Investigate %d OOM-killed or restarting %s: %s; raise the limit or fix the leak, and cap the runtime below the limit.", n, plural(n, "container", "containers"), names(containersOf(g.Findings), 5))
	case "DG404":
		if l := d.Live; l != nil {
			k := len(staleContainers(l))
			return fmt.Sprintf("Remove %d stale exited %s (see \"Ready commands\").", k, plural(k, "container", "containers"))
		}
	case "DG405":
		if l := d.Live; l != nil {
			k := len(l.Reclaimable.DanglingVolumes)
			return fmt.Sprintf("Remove %d dangling %s you own, by name (see \"Ready commands\").", k, plural(k, "volume", "volumes"))
		}
	}
	var where []string
	for _, f := range g.Findings {
		if g.Live && f.Line == 0 && f.Container == "" {
			continue // the daemon as a whole, which the report is about
		}
		where = append(where, "`"+Location(f)+"`")
	}
	if len(where) == 0 {
		return oneLine(g.Rule.Alternative)
	}
	return fmt.Sprintf("%s In %s.", oneLine(g.Rule.Alternative), names(uniq(where), 3))
}

func containersOf(fs []rules.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, Location(f))
	}
	return uniq(out)
}

func uniq(ss []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

func names(ss []string, n int) string {
	if len(ss) <= n {
		return strings.Join(ss, ", ")
	}
	return strings.Join(ss[:n], ", ") + fmt.Sprintf(" and %d more", len(ss)-n)
}

// staleContainers are the exited containers DG404 counted.
func staleContainers(l *verify.Facts) []verify.ContainerFacts {
	var out []verify.ContainerFacts
	for _, c := range l.Reclaimable.Exited {
		if c.Stale {
			out = append(out, c)
		}
	}
	return out
}

// MaxCommands bounds each block of ready commands; beyond it the block
// says how many more there are and that `dockguard cleanup` removes them
// all, paced.
const MaxCommands = 20

// CommandBlock is a list of shell commands to paste, or a compose snippet,
// for one finding of the live pass.
type CommandBlock struct {
	Rule  string `json:"rule"`
	Title string `json:"title"`
	// Lang is "sh" or "yaml".
	Lang  string   `json:"lang"`
	Lines []string `json:"lines"`
	// Note follows the block (what was left out, where to look).
	Note string `json:"note,omitempty"`
}

// Commands are the ready commands for what the live pass found: `docker
// rm` of the stale containers, `docker volume rm` of the dangling volumes,
// and the compose snippet (or `docker update`) that gives each container
// without a limit one. Every word is shell-quoted; they address the
// report's daemon with -H unless it is the default socket.
func (d *Document) Commands() []CommandBlock {
	l := d.Live
	if l == nil || !l.Reached {
		return nil
	}
	docker := dockerCommand(l.Endpoint)
	var out []CommandBlock
	if st := staleContainers(l); len(st) > 0 && has(d.LiveResult.Findings, "DG404") > 0 {
		b := CommandBlock{Rule: "DG404", Title: "Remove the stale exited containers", Lang: "sh"}
		for _, c := range st {
			b.Lines = append(b.Lines, removeContainer(docker, c))
		}
		out = append(out, capped(b, "dockguard cleanup --containers"))
	}
	if vs := l.Reclaimable.DanglingVolumes; len(vs) > 0 && has(d.LiveResult.Findings, "DG405") > 0 {
		b := CommandBlock{Rule: "DG405", Title: "Remove the dangling volumes", Lang: "sh"}
		for _, v := range vs {
			b.Lines = append(b.Lines, shquote.Join(append(docker, "volume", "rm", v.Name)...))
		}
		b = capped(b, "dockguard cleanup --volumes --all-volumes")
		b.Note = strings.TrimSpace(b.Note + " A volume holds data: remove only those you know to be yours.")
		out = append(out, b)
	}
	out = append(out, d.limitBlocks(docker)...)
	return out
}

// capped keeps b to MaxCommands lines and says what the rest is.
func capped(b CommandBlock, cleanup string) CommandBlock {
	if n := len(b.Lines); n > MaxCommands {
		b.Lines = b.Lines[:MaxCommands]
		b.Note = fmt.Sprintf("%d more not shown: `%s --apply` removes them all, paced.", n-MaxCommands, cleanup)
	}
	return b
}

// dockerCommand is the docker CLI addressing endpoint: `docker` for the
// default socket, `docker -H ENDPOINT` otherwise, so that pasted commands
// reach the daemon the report describes.
func dockerCommand(endpoint string) []string {
	if endpoint == "" || endpoint == "docker" || endpoint == "unix:///var/run/docker.sock" {
		return []string{"docker"}
	}
	return []string{"docker", "-H", endpoint}
}

// removeContainer removes c gracefully: a container that still runs is
// stopped first, with time to shut down, and never killed with -f.
func removeContainer(docker []string, c verify.ContainerFacts) string {
	rm := shquote.Join(append(append([]string{}, docker...), "rm", c.Name)...)
	if !c.Running() {
		return rm
	}
	return shquote.Join(append(append([]string{}, docker...), "stop", "--time", "10", c.Name)...) + " && " + rm
}

// limitBlocks are the limits for DG401's containers: one compose snippet
// per project for compose services, `docker update` for the others. The
// size is memusage's recommendation, as `dockguard fix --limits-from`
// writes it, when usage was observed; otherwise the block says how to
// size it.
func (d *Document) limitBlocks(docker []string) []CommandBlock {
	l := d.Live
	unlimited := map[string]bool{}
	for _, f := range d.LiveResult.Findings {
		if f.Rule == "DG401" && f.Container != "" {
			unlimited[f.Container] = true
		}
	}
	if len(unlimited) == 0 {
		return nil
	}
	var seen []memusage.Seen
	for _, c := range l.Containers {
		seen = append(seen, memusage.Seen{Project: c.Project, Service: c.Service, WorkingDir: c.WorkingDir, Limit: c.Limit,
			Usage: c.Usage, Samples: c.Samples, Window: seconds(c.WindowSeconds), OOMKilled: c.OOMKilled})
	}
	obs := map[[3]string]memusage.Observation{}
	for _, o := range memusage.Pool(seen) {
		obs[[3]string{o.Project, o.Service, o.WorkingDir}] = o
	}
	type svc struct {
		name string
		rec  memusage.Recommendation
		ok   bool
	}
	projects := map[[2]string][]svc{}
	var order [][2]string
	var update CommandBlock
	var unsized []string
	done := map[[3]string]bool{}
	for _, c := range l.Containers {
		if !unlimited[c.Name] || !c.Running() {
			continue
		}
		if c.Project == "" || c.Service == "" {
			o := memusage.Observation{Samples: c.Samples, Window: seconds(c.WindowSeconds), OOMKilled: c.OOMKilled}
			if len(o.Samples) == 0 && c.Usage >= 0 {
				o.Samples = []int64{c.Usage}
			}
			r, ok := memusage.Recommend(o, memusage.Policy{})
			if !ok {
				unsized = append(unsized, c.Name)
				continue
			}
			m := composeSize(r.Limit)
			update.Lines = append(update.Lines, shquote.Join(append(append([]string{}, docker...), "update", "--memory", m, "--memory-swap", m, c.Name)...)+"  # "+r.Basis)
			continue
		}
		k := [3]string{c.Project, c.Service, c.WorkingDir}
		if done[k] {
			continue
		}
		done[k] = true
		r, ok := memusage.Recommend(obs[k], memusage.Policy{})
		pk := [2]string{c.Project, c.WorkingDir}
		if _, ok := projects[pk]; !ok {
			order = append(order, pk)
		}
		projects[pk] = append(projects[pk], svc{name: c.Service, rec: r, ok: ok})
	}
	var out []CommandBlock
	for _, pk := range order {
		b := CommandBlock{Rule: "DG401", Lang: "yaml", Title: fmt.Sprintf("Add memory limits to compose project %s", pk[0])}
		if pk[1] != "" {
			b.Title += " (" + pk[1] + ")"
		}
		b.Lines = append(b.Lines, "services:")
		var later []string
		for _, s := range projects[pk] {
			b.Lines = append(b.Lines, "  "+yamlKey(s.name)+":", "    deploy:", "      resources:", "        limits:")
			if s.ok {
				b.Lines = append(b.Lines, "          memory: "+composeSize(s.rec.Limit)+"  # "+s.rec.Basis)
			} else {
				b.Lines = append(b.Lines, "          memory: SIZE  # not sampled: size it from its usage")
				later = append(later, s.name)
			}
		}
		b.Note = "Merge into the service's definition, then `docker compose up -d` re-creates the containers with the limit; `dockguard fix --limits-from live` writes it into the file for you."
		if len(later) > 0 {
			b.Note = fmt.Sprintf("No usage of %s was sampled: `dockguard fix --limits-from live --observe 10m` sizes the limit from 10 minutes of it and writes it into the file. ", strings.Join(later, ", ")) + b.Note
		}
		out = append(out, b)
	}
	if len(update.Lines) > 0 {
		update.Rule, update.Lang, update.Title = "DG401", "sh", "Limit the containers outside compose"
		update.Note = "`docker update` applies the limit to the running container; give the same `--memory` to the command that creates it, or the next one runs unlimited again."
		out = append(out, update)
	}
	if len(unsized) > 0 {
		out = append(out, CommandBlock{Rule: "DG401", Lang: "sh", Title: "Size the limits of the containers outside compose",
			Lines: []string{shquote.Join(append(append([]string{}, docker...), "stats", "--no-stream")...)},
			Note:  fmt.Sprintf("No usage of %s was sampled; watch it, then `docker update --memory SIZE --memory-swap SIZE NAME`.", strings.Join(unsized, ", "))})
	}
	return out
}

// composeSize writes a recommendation (a multiple of 16 MiB) as compose
// reads it: binary units, "1g" for whole GiB, else "1168m".
func composeSize(n int64) string {
	if n >= 1<<30 && n%(1<<30) == 0 {
		return fmt.Sprintf("%dg", n>>30)
	}
	return fmt.Sprintf("%dm", (n+(1<<20)-1)>>20)
}

// yamlKey quotes a service name that YAML would not read back as itself.
func yamlKey(s string) string {
	for _, r := range s {
		plain := r == '-' || r == '_' || r == '.' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
		if !plain {
			return fmt.Sprintf("%q", s)
		}
	}
	if s == "" {
		return `""`
	}
	return s
}

// Link ties a running container's DG401 to the DG201 of its compose
// service: the file that would give it its limit.
type Link struct {
	Container string `json:"container"`
	Project   string `json:"project"`
	Service   string `json:"service"`
	// File, Line and Column are the DG201 finding's location.
	File   string `json:"file"`
	Line   int    `json:"line"`
	Column int    `json:"column"`
}

// Links pairs each DG401 container with the static DG201 of its compose
// service: the same service name, in a compose file of the container's
// project, which is a file its com.docker.compose.project.config_files
// label names, a file in its working_dir, or (the report made elsewhere
// than the stack runs) a file in a folder named as the project, compose's
// default project name.
func (d *Document) Links() []Link {
	if d.Live == nil || d.Static == nil {
		return nil
	}
	byName := map[string]verify.ContainerFacts{}
	for _, c := range d.Live.Containers {
		byName[c.Name] = c
	}
	var out []Link
	for _, lf := range d.LiveResult.Findings {
		c, ok := byName[lf.Container]
		if lf.Rule != "DG401" || !ok || c.Project == "" || c.Service == "" {
			continue
		}
		var best *rules.Finding
		bestScore := 0
		for i := range d.Static.Result.Findings {
			sf := &d.Static.Result.Findings[i]
			if sf.Rule != "DG201" || sf.Key != "service:"+c.Service {
				continue
			}
			if s := d.sameProject(c, sf.File); s > bestScore {
				best, bestScore = sf, s
			}
		}
		if best != nil {
			out = append(out, Link{Container: c.Name, Project: c.Project, Service: c.Service, File: best.File, Line: best.Line, Column: best.Column})
		}
	}
	return out
}

// sameProject scores how surely the compose file file belongs to c's
// project: 3 when the container's labels name it, 2 when it sits in the
// project's working directory, 1 when its folder is named as the project,
// 0 when nothing says so.
func (d *Document) sameProject(c verify.ContainerFacts, file string) int {
	abs := file
	if !filepath.IsAbs(abs) && d.Static.Dir != "" {
		abs = filepath.Join(d.Static.Dir, abs)
	}
	abs = filepath.Clean(abs)
	for _, cf := range strings.Split(c.Labels[verify.LabelConfigFiles], ",") {
		cf = strings.TrimSpace(cf)
		if cf == "" {
			continue
		}
		if !filepath.IsAbs(cf) && c.WorkingDir != "" {
			cf = filepath.Join(c.WorkingDir, cf)
		}
		if filepath.IsAbs(abs) && filepath.Clean(cf) == abs {
			return 3
		}
	}
	if c.WorkingDir != "" && filepath.IsAbs(abs) && filepath.Dir(abs) == filepath.Clean(c.WorkingDir) {
		return 2
	}
	if projectName(filepath.Base(filepath.Dir(abs))) == c.Project {
		return 1
	}
	return 0
}

// projectName is compose's default project name for a folder: lower case,
// with only letters, digits, '-' and '_' kept.
func projectName(dir string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(dir) {
		if r == '-' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// linkFor returns the link of a finding: a DG401 to its service's DG201,
// or a DG201 to the container that runs its service without a limit.
func linkFor(links []Link, f rules.Finding) (Link, bool) {
	for _, k := range links {
		switch {
		case f.Rule == "DG401" && f.Container == k.Container:
			return k, true
		case f.Rule == "DG201" && f.File == k.File && f.Line == k.Line && f.Column == k.Column:
			return k, true
		}
	}
	return Link{}, false
}

// linkText is what a finding's line adds about its link; `backticks` mark
// code.
func linkText(links []Link, f rules.Finding) string {
	k, ok := linkFor(links, f)
	if !ok {
		return ""
	}
	if f.Rule == "DG401" {
		return fmt.Sprintf("declared without a limit as service %s of compose project %s at `%s:%d:%d` (DG201)", k.Service, k.Project, k.File, k.Line, k.Column)
	}
	return fmt.Sprintf("running without a limit as container `%s` of compose project %s (DG401)", k.Container, k.Project)
}
