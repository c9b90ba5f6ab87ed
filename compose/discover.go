package compose

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/types"
	"gopkg.in/yaml.v3"

	"github.com/dockguard/dockguard/rules"
)

// IsCandidate reports whether a file name is one the compose front end reads:
// *compose*.yml or *compose*.yaml, in any folder.
func IsCandidate(name string) bool {
	base := strings.ToLower(filepath.Base(name))
	ext := filepath.Ext(base)
	if ext != ".yml" && ext != ".yaml" {
		return false
	}
	return strings.Contains(strings.TrimSuffix(base, ext), "compose")
}

func isDefaultName(base string) bool  { return indexOf(cli.DefaultFileNames, base) >= 0 }
func isOverrideName(base string) bool { return indexOf(cli.DefaultOverrideFileNames, base) >= 0 }

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}

// serviceKeys are attributes only Compose services have; a `services:`
// mapping without any of them belongs to another tool.
var serviceKeys = map[string]bool{
	"image": true, "build": true, "extends": true, "command": true, "entrypoint": true,
	"environment": true, "env_file": true, "ports": true, "volumes": true, "deploy": true,
	"mem_limit": true, "mem_reservation": true, "memswap_limit": true, "depends_on": true,
	"restart": true, "container_name": true, "networks": true, "healthcheck": true,
	"profiles": true, "expose": true, "working_dir": true, "user": true, "scale": true,
	"oom_kill_disable": true, "cpus": true, "ulimits": true, "logging": true, "secrets": true,
	"configs": true, "tmpfs": true, "network_mode": true, "cap_add": true, "init": true,
	"stop_grace_period": true, "platform": true, "pull_policy": true, "tty": true,
}

// looksLikeCompose is the content sniff: Kubernetes manifests, CI workflows
// and other tools' `services:` never count. A file with a syntax error is
// treated as compose when its name says so, so the error is reported.
func looksLikeCompose(f *yfile) bool {
	if f.parseErr != nil {
		return true
	}
	if f.root == nil {
		return false
	}
	has := func(k string) bool { kn, _ := mapGet(f.root, k); return kn != nil }
	if has("apiVersion") && has("kind") {
		return false // Kubernetes
	}
	if has("jobs") || has("steps") || has("stages") || has("pipeline") || has("pipelines") {
		return false // CI systems
	}
	if f.servicesKey == nil {
		return has("include")
	}
	_, sv := mapGet(f.root, "services")
	sv = resolveAlias(sv)
	if sv.Kind == yaml.ScalarNode && sv.Tag == "!!null" {
		return has("include")
	}
	if sv.Kind != yaml.MappingNode {
		return false
	}
	if len(f.services) == 0 {
		return true // `services: {}` is valid compose
	}
	known := false
	for _, s := range f.services {
		switch s.value.Kind {
		case yaml.MappingNode:
			for _, k := range mapKeys(s.value) {
				if serviceKeys[k] {
					known = true
				}
			}
		case yaml.ScalarNode:
			if s.value.Tag != "!!null" && !isReset(s.value) {
				return false
			}
		default:
			return false
		}
	}
	return known
}

// selfContained reports whether some service of f has image, build or
// extends: such a file is a project of its own rather than an override.
func selfContained(f *yfile) bool {
	for _, s := range f.services {
		if serviceComplete(s) {
			return true
		}
	}
	return false
}

// overridesBase reports whether f is a fragment of the project made of the
// base files: none of its services has an image or build, or one of them
// lacks both and completes a service the base defines (a file that adds a
// service and tunes an existing one). Compose could not load such a file
// alone.
func overridesBase(c *fileCache, f *yfile, base []string) bool {
	if !selfContained(f) {
		return true
	}
	for name, s := range f.services {
		if serviceComplete(s) {
			continue
		}
		for _, b := range base {
			if _, ok := c.get(b).services[name]; ok {
				return true
			}
		}
	}
	return false
}

// completesAbove returns the compose file, in a folder above dir, that
// defines a service f tunes without defining it (no image, build or
// extends); "" when there is none.
func completesAbove(c *fileCache, dir string, f *yfile) string {
	_, owner := partialService(c, dir, f)
	return owner
}

// partialService finds the first service (by name) that f leaves
// incomplete and a compose file in a folder above dir defines completely,
// searching upwards as far as referrers does.
func partialService(c *fileCache, dir string, f *yfile) (svc, owner string) {
	var partial []string
	for name, s := range f.services {
		if !serviceComplete(s) {
			partial = append(partial, name)
		}
	}
	if len(partial) == 0 {
		return "", ""
	}
	sort.Strings(partial)
	for level := 0; level < 8; level++ {
		parent := filepath.Dir(dir)
		if parent == dir || !c.within(parent, level) {
			break
		}
		dir = parent
		for _, cand := range candidatesIn(dir) {
			cf := c.get(cand)
			if cf.readErr != nil || !looksLikeCompose(cf) {
				continue
			}
			for _, name := range partial {
				if s, ok := cf.services[name]; ok && serviceComplete(s) {
					return name, cand
				}
			}
		}
	}
	return "", ""
}

// serviceComplete reports whether a service definition can stand alone.
func serviceComplete(s svcNodes) bool {
	for _, k := range []string{"image", "build", "extends", "provider"} {
		if kn, _ := mapGet(s.value, k); kn != nil {
			return true
		}
	}
	return false
}

// originComposeFile marks a default project chosen by COMPOSE_FILE.
const originComposeFile = "COMPOSE_FILE in .env"

// folderPlan is the discovery outcome for one folder.
type folderPlan struct {
	dir      string
	projects []*project
	notes    []rules.Note
}

// discoverFolder finds the compose projects of folder dir, as Compose would
// see them from inside it. given lists the absolute paths the caller asked
// about in this folder; only projects that contain one of them are kept.
// refs holds the files that other scanned compose files include or extend.
func discoverFolder(c *fileCache, dir string, given []string, explicit, refs map[string]bool) folderPlan {
	fp := folderPlan{dir: dir}
	var names []string
	if ents, err := os.ReadDir(dir); err == nil {
		for _, e := range ents {
			if !e.IsDir() && IsCandidate(e.Name()) {
				names = append(names, e.Name())
			}
		}
	} else {
		for _, g := range given {
			names = append(names, filepath.Base(g))
		}
	}
	for _, g := range given {
		if indexOf(names, filepath.Base(g)) < 0 {
			names = append(names, filepath.Base(g))
		}
	}
	sort.Strings(names)
	present := map[string]bool{}
	for _, n := range names {
		present[n] = true
	}

	env, envErr := projectEnv(dir, true, c.limit())
	rel := func(base string) string { return c.displayPath(filepath.Join(dir, base)) }

	// The default project: COMPOSE_FILE from the folder's .env, else the
	// first default name plus the first override name.
	var defaults, overrides []string
	for _, n := range cli.DefaultFileNames {
		if present[n] {
			defaults = append(defaults, n)
		}
	}
	for _, n := range cli.DefaultOverrideFileNames {
		if present[n] {
			overrides = append(overrides, n)
		}
	}
	var base []string // absolute config paths of the default project
	origin := ""
	var defaultNotes []rules.Note // said when the default project is checked
	if cf, ok := env["COMPOSE_FILE"]; ok && strings.TrimSpace(cf) != "" {
		sep := env["COMPOSE_PATH_SEPARATOR"]
		if sep == "" {
			sep = string(os.PathListSeparator)
		}
		for _, e := range strings.Split(cf, sep) {
			if e = strings.TrimSpace(e); e == "" {
				continue
			}
			if !filepath.IsAbs(e) {
				e = filepath.Join(dir, e)
			}
			base = append(base, filepath.Clean(e))
		}
		origin = originComposeFile
	} else if len(defaults) > 0 && looksLikeCompose(c.get(filepath.Join(dir, defaults[0]))) {
		base = append(base, filepath.Join(dir, defaults[0]))
		if len(defaults) > 1 {
			var others []string
			for _, d := range defaults[1:] {
				others = append(others, rel(d))
			}
			defaultNotes = append(defaultNotes, rules.Note{File: rel(defaults[0]),
				Message: fmt.Sprintf("several default compose files in one folder: Compose uses %s and ignores %s", defaults[0], strings.Join(others, ", "))})
		}
		if len(overrides) > 0 {
			base = append(base, filepath.Join(dir, overrides[0]))
			if len(overrides) > 1 {
				defaultNotes = append(defaultNotes, rules.Note{File: rel(overrides[0]),
					Message: fmt.Sprintf("several override files in one folder: Compose uses %s and ignores the others", overrides[0])})
			}
		}
		origin = "default"
	}
	inBase := map[string]bool{}
	for _, b := range base {
		inBase[b] = true
	}

	// Files another file of the folder includes or extends are parts of
	// that file's project, not projects of their own.
	referenced := map[string]bool{}
	for r := range refs {
		referenced[r] = true
	}
	// A file the folder's files only extend, whose own services are
	// complete, is a project of its own too (docker compose -f base.yml
	// runs it): extends takes one service from it, include takes it whole.
	included, extended := map[string]bool{}, map[string]bool{}
	for _, n := range names {
		nf := c.get(filepath.Join(dir, n))
		for _, r := range fileRefs(nf) {
			referenced[r], extended[r] = true, true
		}
		for _, r := range includeRefs(nf) {
			included[r] = true
		}
	}

	var own [][]string
	var fragments []string
	for _, n := range names {
		abs := filepath.Join(dir, n)
		if inBase[abs] {
			continue
		}
		if origin != "" && (isDefaultName(n) || isOverrideName(n)) {
			continue // a default name Compose ignores here; noted below
		}
		f := c.get(abs)
		if f.readErr != nil || !looksLikeCompose(f) {
			continue
		}
		switch {
		case f.parseErr != nil:
			own = append(own, []string{abs}) // reported as DG001 on its own
		case referenced[abs] && (included[abs] || !extended[abs] || !selfContained(f)):
			// loaded through the file that includes or extends it
		case len(base) > 0 && overridesBase(c, f, base):
			fragments = append(fragments, abs)
		case len(base) == 0 && completesAbove(c, dir, f) != "":
			// An override kept in a subfolder and passed with -f next to
			// the base (docker compose -f compose.yaml -f extra/compose.x.yml):
			// alone, Compose would refuse its incomplete service.
			if isGiven(given, abs) && !explicit[abs] {
				svc, owner := partialService(c, dir, f)
				fp.notes = append(fp.notes, rules.Note{File: c.displayPath(abs),
					Message: fmt.Sprintf("not checked on its own: service %q has no image or build here and is defined in %s, so this file is an override of that project; give both with -compose-file to check them together", svc, c.displayPath(owner))})
			}
		case selfContained(f):
			own = append(own, []string{abs})
		case !selfContained(f):
			if isGiven(given, abs) {
				fp.notes = append(fp.notes, rules.Note{File: c.displayPath(abs),
					Message: "not checked: its services have no image or build, so it is an override, and its folder has no base compose file"})
			}
		}
	}

	var projects []*project
	if len(base) > 0 {
		cfgs := append(append([]string{}, base...), fragments...)
		projects = append(projects, newProject(c, dir, cfgs, env, origin))
	}
	for _, o := range own {
		projects = append(projects, newProject(c, dir, o, env, "own"))
	}
	// A given default-named file that Compose does not read here (another
	// default wins, or COMPOSE_FILE chooses the files) gets a note; under
	// COMPOSE_FILE it stands for the folder's project.
	var ignored []string
	for _, g := range given {
		b := filepath.Base(g)
		if explicit[g] || inBase[g] || origin == "" || (!isDefaultName(b) && !isOverrideName(b)) {
			continue
		}
		ignored = append(ignored, g)
		why := "another default file takes precedence"
		if origin != "default" {
			why = "COMPOSE_FILE in the folder's .env selects " + env["COMPOSE_FILE"]
		}
		fp.notes = append(fp.notes, rules.Note{File: c.displayPath(g),
			Message: "not checked: Compose does not read this file in this folder (" + why + ")"})
	}
	defaultChecked := false
	for i, p := range projects {
		if conflictsExplicit(p, explicit) {
			continue
		}
		if projectContains(c, p, given) || (i == 0 && len(base) > 0 && origin != "default" && len(ignored) > 0) {
			fp.projects = append(fp.projects, p)
			defaultChecked = defaultChecked || (i == 0 && len(base) > 0)
		}
	}
	if defaultChecked || len(ignored) > 0 {
		fp.notes = append(fp.notes, defaultNotes...)
	}
	if envErr != nil && len(fp.projects) > 0 {
		fp.notes = append(fp.notes, rules.Note{File: c.displayPath(filepath.Join(dir, ".env")),
			Message: "could not read .env, interpolating with the OS environment only: " + envErr.Error()})
	}
	return fp
}

func isGiven(given []string, abs string) bool { return indexOf(given, abs) >= 0 }

func conflictsExplicit(p *project, explicit map[string]bool) bool {
	for _, f := range p.configs {
		if explicit[f.abs] {
			return true
		}
	}
	return false
}

func projectContains(c *fileCache, p *project, given []string) bool {
	for _, f := range p.allFiles(c) {
		if isGiven(given, f.abs) {
			return true
		}
	}
	return false
}

// newProject assembles a project from absolute config paths.
func newProject(c *fileCache, dir string, configs []string, env types.Mapping, origin string) *project {
	p := &project{dir: dir, env: env, origin: origin, name: defaultProjectName(dir)}
	for _, cf := range configs {
		p.configs = append(p.configs, c.get(cf))
	}
	seen := map[string]bool{}
	var addIncludes func(f *yfile, depth int)
	addIncludes = func(f *yfile, depth int) {
		if depth > 16 {
			return
		}
		for _, r := range includeRefs(f) {
			if seen[r] {
				continue
			}
			seen[r] = true
			inc := c.get(r)
			addIncludes(inc, depth+1)
			p.included = append(p.included, inc)
		}
	}
	for _, f := range p.configs {
		addIncludes(f, 0)
	}
	return p
}

// referrers finds, for given files that other compose files include or
// extend, the files that reference them: first among the given files, then
// in the folders above (up to the current directory, or three levels when
// outside it), so that a changed include target loads the project it is
// part of. It returns the set of referenced files and the referrers that
// were not given.
func referrers(c *fileCache, given []string) (refs map[string]bool, extra []string) {
	refs = map[string]bool{}
	isGivenFile := map[string]bool{}
	for _, g := range given {
		isGivenFile[g] = true
	}
	for _, g := range given {
		for _, r := range fileRefs(c.get(g)) {
			refs[r] = true
		}
	}
	added := map[string]bool{}
	for _, g := range given {
		if refs[g] || !looksLikeCompose(c.get(g)) || isDefaultName(filepath.Base(g)) {
			continue
		}
		dir := filepath.Dir(g)
		for level := 0; level < 8; level++ {
			parent := filepath.Dir(dir)
			if parent == dir {
				break
			}
			found := false
			for _, cand := range candidatesIn(dir) {
				if cand == g {
					continue
				}
				for _, r := range fileRefs(c.get(cand)) {
					if r == g {
						refs[g], found = true, true
						if !isGivenFile[cand] && !added[cand] {
							added[cand] = true
							extra = append(extra, cand)
						}
					}
				}
			}
			if found || !c.within(parent, level) {
				break
			}
			dir = parent
		}
	}
	return refs, extra
}

// within says whether the upward search may continue into dir.
func (c *fileCache) within(dir string, level int) bool {
	if c.cwd != "" {
		if rel, err := filepath.Rel(c.cwd, dir); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return true
		}
	}
	return level < 2
}

// candidatesIn lists the compose candidates of a folder as absolute paths.
func candidatesIn(dir string) []string {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range ents {
		if !e.IsDir() && IsCandidate(e.Name()) {
			out = append(out, filepath.Join(dir, e.Name()))
		}
	}
	return out
}
