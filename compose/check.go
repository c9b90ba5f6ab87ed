package compose

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"

	"github.com/compose-spec/compose-go/v2/template"
	"github.com/compose-spec/compose-go/v2/types"

	"github.com/dockguard/dockguard/rules"
)

// Check discovers the compose projects that files belong to and checks them.
//
// files are compose candidates (names matching *compose*.y{a,}ml, as the
// walker finds them, or any file named on the command line), given as the
// paths findings should report. Files are grouped by folder and each folder
// is seen as Compose sees it: the default file (compose.yaml >
// compose.yml > docker-compose.yml > docker-compose.yaml) plus its
// override, or COMPOSE_FILE from the folder's .env; other compose files
// that have images or builds are projects of their own, and those without
// (fragments) are overrides of the default project. A project is checked
// when it contains one of files, so a single file on the command line loads
// its whole project. Files that are not compose (Kubernetes manifests, CI
// workflows) produce nothing.
func Check(ctx context.Context, files []string, opts Options) rules.Result {
	cwd, _ := os.Getwd()
	c := newFileCache(cwd)
	c.maxSize = opts.MaxFileSize
	return run(ctx, c, files, opts)
}

// CheckSource checks src, read from standard input, as if it were the
// compose file named file: the file's folder supplies .env, the other files
// of its project and the targets of relative paths.
func CheckSource(ctx context.Context, file string, src []byte, opts Options) rules.Result {
	cwd, _ := os.Getwd()
	c := newFileCache(cwd)
	c.maxSize = opts.MaxFileSize
	opts.Memo = nil // the cache keys files on disk, not standard input
	c.stdinAbs = c.absPath(file)
	c.stdinSrc = src
	if c.stdinSrc == nil {
		c.stdinSrc = []byte{}
	}
	return run(ctx, c, []string{file}, opts)
}

func run(ctx context.Context, c *fileCache, files []string, opts Options) rules.Result {
	var res rules.Result
	byDir := map[string][]string{}
	var dirs []string
	for _, f := range files {
		abs := c.absPath(f)
		if _, ok := c.given[abs]; !ok {
			c.given[abs] = f
		}
		d := filepath.Dir(abs)
		if _, ok := byDir[d]; !ok {
			dirs = append(dirs, d)
		}
		byDir[d] = append(byDir[d], abs)
	}
	explicit := map[string]bool{}
	var projects []*project
	if len(opts.ComposeFiles) > 0 {
		var cfgs []string
		for _, f := range opts.ComposeFiles {
			abs := c.absPath(f)
			if _, ok := c.given[abs]; !ok {
				c.given[abs] = f
			}
			explicit[abs] = true
			cfgs = append(cfgs, abs)
		}
		dir := filepath.Dir(cfgs[0])
		env, err := projectEnv(dir, true, c.limit())
		if err != nil {
			res.Notes = append(res.Notes, rules.Note{File: c.displayPath(filepath.Join(dir, ".env")),
				Message: "could not read .env, interpolating with the OS environment only: " + err.Error()})
		}
		projects = append(projects, newProject(c, dir, cfgs, env, "explicit"))
	}
	// Include and extends targets belong to the projects that reference
	// them; a referrer found above a given target is checked in its place.
	var givenAbs []string
	for _, d := range dirs {
		givenAbs = append(givenAbs, byDir[d]...)
	}
	refs, extra := referrers(c, givenAbs)
	for _, abs := range extra {
		d := filepath.Dir(abs)
		if _, ok := byDir[d]; !ok {
			dirs = append(dirs, d)
		}
		byDir[d] = append(byDir[d], abs)
	}
	sort.Strings(dirs)
	for _, d := range dirs {
		if ctx.Err() != nil {
			break
		}
		fp := discoverFolder(c, d, byDir[d], explicit, refs)
		res.Notes = append(res.Notes, fp.notes...)
		projects = append(projects, fp.projects...)
	}

	// Load projects in parallel: compose-go's load dominates the run time.
	results := make([]rules.Result, len(projects))
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for i, p := range projects {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			defer func() {
				if r := recover(); r != nil {
					results[i].Errors = append(results[i].Errors, rules.Note{File: projectLabel(p),
						Message: fmt.Sprintf("internal error checking compose project: %v", r)})
				}
			}()
			if ctx.Err() != nil {
				return
			}
			if opts.Memo == nil {
				results[i] = checkProject(ctx, c, p, opts)
				return
			}
			results[i] = opts.Memo(ctx, p.inputs(), func() rules.Result { return checkProject(ctx, c, p, opts) })
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		res.Errors = append(res.Errors, rules.Note{Message: "compose check interrupted: " + err.Error()})
	}
	seenF := map[string]bool{}
	seenN := map[string]bool{}
	for _, r := range results {
		for _, f := range r.Findings {
			k := fmt.Sprintf("%s|%s|%d|%d|%s", f.Rule, f.File, f.Start, f.End, f.Message)
			if !seenF[k] {
				seenF[k] = true
				res.Findings = append(res.Findings, f)
			}
		}
		for _, n := range r.Notes {
			if k := n.File + "|" + n.Message; !seenN[k] {
				seenN[k] = true
				res.Notes = append(res.Notes, n)
			}
		}
		for _, n := range r.Errors {
			if k := "E" + n.File + "|" + n.Message; !seenN[k] {
				seenN[k] = true
				res.Errors = append(res.Errors, n)
			}
		}
	}
	sort.SliceStable(res.Findings, func(i, j int) bool {
		a, b := res.Findings[i], res.Findings[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Start != b.Start {
			return a.Start < b.Start
		}
		return a.Rule < b.Rule
	})
	return res
}

// inputs describes p for Options.Memo.
func (p *project) inputs() ProjectInputs {
	in := ProjectInputs{Dir: p.dir, Name: p.name, Origin: p.origin}
	for _, f := range p.configs {
		in.Configs = append(in.Configs, f.abs)
		in.Display = append(in.Display, f.display)
	}
	for _, f := range p.included {
		in.Included = append(in.Included, f.abs)
		in.Display = append(in.Display, f.display)
	}
	return in
}

func projectLabel(p *project) string {
	if len(p.configs) > 0 {
		return p.configs[0].display
	}
	return p.dir
}

// checkProject loads one project and applies the rules.
func checkProject(ctx context.Context, c *fileCache, p *project, opts Options) rules.Result {
	var res rules.Result
	broken := false
	for _, f := range p.allFiles(c) {
		switch {
		case f.readErr != nil:
			if isConfig(p, f) {
				broken = true
				if fd, ok := composeFileFinding(c, p, f); ok {
					res.Findings = append(res.Findings, fd)
					break
				}
				res.Errors = append(res.Errors, rules.Note{File: f.display, Message: "read compose file: " + f.readErr.Error()})
			}
			// A missing include or extends target is reported by compose-go as DG004.
		case f.parseErr != nil:
			res.Findings = append(res.Findings, f.lineFinding("DG001", f.errLine, "yaml",
				"YAML syntax error: "+cleanYAMLError(f.parseErr)))
			broken = true
		case f.aliasCycle != nil:
			res.Findings = append(res.Findings, f.finding("DG004", f.aliasCycle, "load:alias",
				"Compose refuses this project: the alias *"+f.aliasCycle.Value+" refers to a node that contains it"))
			broken = true
		case f.mergeBomb != nil:
			res.Findings = append(res.Findings, f.finding("DG004", f.mergeBomb, "load:merge",
				fmt.Sprintf("merge keys too deep or too wide to resolve (more than %d keys once merged); dockguard did not load this project", maxMergedKeys)))
			broken = true
		}
	}
	if !broken {
		if bad := unsafeReads(c, p); len(bad) > 0 {
			res.Findings = append(res.Findings, bad...)
			broken = true
		}
	}
	// Unreadable or broken files leave the raw YAML of the others to check.
	var svcs []*service
	loaded := false
	name := p.name
	if !broken {
		var missing sync.Map
		configs := make([]types.ConfigFile, len(p.configs))
		for i, f := range p.configs {
			configs[i] = types.ConfigFile{Filename: f.abs, Content: f.src}
		}
		note := func(k string) { missing.Store(k, true) }
		pname := nameFor(p, note)
		pr, err := loadProject(ctx, p.dir, configs, p.env, pname, strictLoad, note)
		if err != nil {
			res.Findings = append(res.Findings, stableRefusal(ctx, c, p, err, &missing))
			// A YAML-level refusal fails the same way without the checks.
			if !strings.Contains(err.Error(), "failed to parse") {
				pr, err = loadProject(ctx, p.dir, configs, p.env, pname, lenientLoad, nil)
			}
		}
		if err == nil {
			svcs, loaded = fromProject(pr, p, c), true
			name = pr.Name
		}
	}
	if !loaded {
		svcs = fromRaw(p, c)
	}
	fx := &fixer{sizing: opts.Sizing, explain: opts.Fix.Explain, project: name, dir: p.dir}
	res.Findings = append(res.Findings, checkServices(svcs, fx)...)
	res.Findings = append(res.Findings, checkBudget(p, svcs, opts, fx)...)
	res.Notes = append(res.Notes, limitVarNotes(svcs, p.env)...)
	return res
}

// composeFileFinding reports a COMPOSE_FILE entry that Compose cannot
// read as DG004 on the COMPOSE_FILE line of the folder's .env: a file that
// does not exist (Compose refuses the folder's project), or one that is no
// regular file or is over the size limit (a FIFO, /dev/zero, a symlink
// loop), vetted as every other file of the load is (vetRead).
func composeFileFinding(c *fileCache, p *project, f *yfile) (rules.Finding, bool) {
	if p.origin != originComposeFile {
		return rules.Finding{}, false
	}
	msg := fmt.Sprintf("Compose refuses this project: COMPOSE_FILE names %s, which does not exist", f.display)
	if !errors.Is(f.readErr, fs.ErrNotExist) {
		why := vetRead(f.abs, c.limit())
		if why == "" {
			why = "cannot be read: " + f.readErr.Error()
		}
		msg = fmt.Sprintf("COMPOSE_FILE names %s, which %s; dockguard did not load this project", f.display, why)
	}
	envPath := filepath.Join(p.dir, ".env")
	// The .env was vetted when COMPOSE_FILE was read from it; it is read
	// again within the same limit, in case it changed since.
	src, err := readLimited(envPath, c.limit())
	if err != nil {
		return rules.Finding{}, false
	}
	start := 0
	for _, line := range bytes.SplitAfter(src, []byte("\n")) {
		t := bytes.TrimLeft(line, " \t")
		t = bytes.TrimPrefix(t, []byte("export "))
		if bytes.HasPrefix(bytes.TrimLeft(t, " \t"), []byte("COMPOSE_FILE")) {
			end := start + len(bytes.TrimRight(line, "\r\n"))
			fd := rules.New(rules.MustLookup("DG004"), c.displayPath(envPath), src, start, end, msg)
			fd.Key = "load:compose_file"
			return fd, true
		}
		start += len(line)
	}
	return rules.Finding{}, false
}

func isConfig(p *project, f *yfile) bool {
	for _, x := range p.configs {
		if x == f {
			return true
		}
	}
	return false
}

var yamlPrefixRE = regexp.MustCompile(`^yaml: (line \d+: )?`)

func cleanYAMLError(err error) string {
	return yamlPrefixRE.ReplaceAllString(err.Error(), "")
}

var (
	bracketPathRE   = regexp.MustCompile(`services\[([^\]]+)\]((?:\.[A-Za-z0-9_-]+)*)`)
	dottedPathRE    = regexp.MustCompile(`\bservices\.([A-Za-z0-9._\-\[\]]+)`)
	quotedSvcRE     = regexp.MustCompile(`service "([^"]+)"`)
	validatingRE    = regexp.MustCompile(`validating ([^:]+):`)
	topPropsRE      = regexp.MustCompile(`(\S*) additional propert(?:y|ies) '([^']+)'`)
	spacesRE        = regexp.MustCompile(`\s*\n\s*`)
	absPathRE       = regexp.MustCompile(`(?:^|[\s'"(])/[^\s:'"]+`)
	undefinedRE     = regexp.MustCompile(`undefined (?:service|network|volume|secret|config|model) "?([^\s":]+)`)
	containerNameRE = regexp.MustCompile(`services\.(scale|deploy\.replicas): can't set container_name and (\S+) as`)
	invalidSpecRE   = regexp.MustCompile(`invalid spec: (.*): (?:empty section between colons|too many colons)`)
	composeVarRE    = regexp.MustCompile(`\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*`)
	missingFileRE   = regexp.MustCompile(`(?:open|env file|stat) ([^\s:]+)(?:: no such file| not found)`)
)

// locateLoadError turns compose-go's refusal into DG004 at the offending
// line, found from the key path the message names, and returns the service
// the refusal is about ("" when it is about none).
func locateLoadError(c *fileCache, p *project, err error, missing *sync.Map, skip map[string]bool) (rules.Finding, string) {
	msg := condenseJoined(err.Error())
	// compose-go names files by absolute path; report them as findings do.
	for _, f := range p.allFiles(c) {
		msg = strings.ReplaceAll(msg, f.abs, f.display)
	}
	// Other absolute paths (env files, missing targets) follow the path rule.
	rawMsg := msg
	msg = absPathRE.ReplaceAllStringFunc(msg, func(m string) string {
		i := strings.IndexByte(m, '/')
		return m[:i] + c.displayPath(filepath.Clean(m[i:]))
	})
	msg = strings.TrimSpace(spacesRE.ReplaceAllString(msg, " "))
	msg = strings.ReplaceAll(msg, ":  ", ": ")
	// compose-go swaps the service and the attribute in this message
	// ("services.scale: can't set container_name and web ..."); put them
	// back so that both the text and the position name the service.
	containerName := false
	if m := containerNameRE.FindStringSubmatch(msg); m != nil {
		msg = strings.Replace(msg, m[0], fmt.Sprintf("services.%s: can't set container_name and %s as", m[2], m[1]), 1)
		containerName = true
	}

	var svc string
	var keys []string
	if m := topPropsRE.FindStringSubmatch(msg); m != nil && (m[1] == "services" || strings.HasPrefix(m[1], "services.")) {
		// An unknown attribute (or a service name the schema refuses):
		// point at the key itself.
		if m[1] == "services" {
			svc = m[2]
		} else {
			svc, keys = splitServicePath(p, strings.TrimPrefix(m[1], "services."))
			keys = append(keys, m[2])
		}
	} else if m := bracketPathRE.FindStringSubmatch(msg); m != nil {
		svc = m[1]
		if m[2] != "" {
			keys = strings.Split(strings.TrimPrefix(m[2], "."), ".")
		}
	} else if m := dottedPathRE.FindStringSubmatch(msg); m != nil {
		svc, keys = splitServicePath(p, strings.TrimRight(m[1], ".:"))
	} else if m := quotedSvcRE.FindStringSubmatch(msg); m != nil {
		svc = m[1]
	}
	// The limit conflicts are about specific attributes; point at them.
	switch {
	case containerName:
		keys = []string{"container_name"}
	case strings.Contains(msg, "'mem_limit' and 'deploy.resources.limits.memory'"):
		keys = pathMemLimit
		if svc != "" && !strings.Contains(msg, "hint:") {
			if _, _, v, ok := lookup(p.chain(c, svc), pathDeployLimit...); !ok || v == nil {
				msg += " (hint: deploy.resources.limits without a memory entry counts as memory 0, which differs from mem_limit)"
			}
		}
	case strings.Contains(msg, "'mem_reservation' and 'deploy.resources.reservations.memory'"):
		keys = pathMemRes
	}
	var names []string
	missing.Range(func(k, _ any) bool { names = append(names, k.(string)); return true })
	if len(names) > 0 && strings.Contains(msg, "invalid size: ''") {
		// Compose looked up every variable it interpolated, those with a
		// default (${X:-256m}) too: name only the ones some value uses
		// without one.
		if used := unsetInFiles(p.allFiles(c), missing); len(used) > 0 {
			names = used
		}
		sort.Strings(names)
		msg += fmt.Sprintf(" (unset variable(s): %s)", strings.Join(names, ", "))
	}
	full := "Compose refuses this project: " + msg
	key := "load"
	if svc != "" {
		key = "load:" + serviceKey(svc)
		ch := p.chain(c, svc)
		// The deepest part of the key path that exists in the files.
		for n := len(keys); n > 0; n-- {
			if d, k, v, ok := lookup(ch, keys[:n]...); ok {
				if n == len(keys) && topPropsRE.MatchString(msg) {
					v = k // an unknown attribute: its key is the culprit
				}
				if strings.Contains(msg, `parsing ""`) && !strings.Contains(full, "unset variable") {
					// An empty value where a number or duration belongs:
					// name the unset variables the value uses.
					if vars := unsetIn(scalarOrEmpty(v), missing); len(vars) > 0 {
						full += fmt.Sprintf(" (unset variable(s): %s)", strings.Join(vars, ", "))
					}
				}
				return d.f.finding("DG004", v, key+":"+strings.Join(keys, "."), full), svc
			}
		}
		if m := undefinedRE.FindStringSubmatch(msg); m != nil {
			for i := len(ch) - 1; i >= 0; i-- {
				if n := findScalar(ch[i].value, func(v string) bool { return v == m[1] }, 0); n != nil {
					return ch[i].f.finding("DG004", n, key+":"+m[1], full), svc
				}
			}
		}
		if d, ok := home(ch); ok {
			return d.f.finding("DG004", d.key, key, full), svc
		}
	}
	// A short-syntax volume Compose cannot split names no service; find
	// the entry that yields it, usually through a variable that is unset.
	// A port entry compose-go's parser refuses (its message names no
	// service): find the entry that gives the same error.
	if d, n, s, ok := findPortEntry(c, p, rawMsg, skip); ok {
		return d.f.finding("DG004", n, "load:"+serviceKey(s)+":ports", full), s
	}
	if m := invalidSpecRE.FindStringSubmatch(rawMsg); m != nil {
		if f, n, ok := findSpec(p.allFiles(c), p.env, m[1]); ok {
			if vars := unsetIn(n.Value, missing); len(vars) > 0 {
				full += fmt.Sprintf(" (unset variable(s): %s)", strings.Join(vars, ", "))
			}
			return f.finding("DG004", n, "load:spec:"+n.Value, full), serviceHolding(f, n)
		}
	}
	// A file that cannot be opened: point at the value naming it (env_file,
	// extends.file, include).
	for _, m := range missingFileRE.FindAllStringSubmatch(rawMsg, -1) {
		missing := m[1]
		for _, f := range p.allFiles(c) {
			dir := filepath.Dir(f.abs)
			if n := findScalar(f.root, func(v string) bool {
				return v == missing || (!filepath.IsAbs(v) && filepath.Join(dir, v) == missing) || filepath.Join(p.dir, v) == missing
			}, 0); n != nil {
				return f.finding("DG004", n, "load:file:"+filepath.Base(missing), full), serviceHolding(f, n)
			}
		}
	}
	target := p.configs[0]
	if m := validatingRE.FindStringSubmatch(msg); m != nil {
		for _, f := range p.allFiles(c) {
			if f.display == m[1] {
				target = f
			}
		}
	}
	if m := topPropsRE.FindStringSubmatch(msg); m != nil && target.root != nil {
		if kn, _ := mapGet(target.root, m[2]); kn != nil {
			return target.finding("DG004", kn, key+":"+m[2], full), svc
		}
	}
	if target.servicesKey != nil {
		return target.finding("DG004", target.servicesKey, key, full), svc
	}
	return target.lineFinding("DG004", 1, key, full), svc
}

// condenseJoined shortens compose-go's joined errors when they repeat one
// problem (the same unset variable interpolated into many services): the
// first is kept, the rest counted.
func condenseJoined(msg string) string {
	lines := strings.Split(strings.TrimSpace(msg), "\n")
	if len(lines) < 2 {
		return msg
	}
	// compose-go joins them in map order; sort so that the one kept is the
	// same in every run.
	sort.Strings(lines)
	const prefix = "error while interpolating "
	for _, l := range lines {
		if !strings.HasPrefix(l, prefix) {
			return msg
		}
	}
	return fmt.Sprintf("%s (and %d more like it)", lines[0], len(lines)-1)
}

// scalarOrEmpty is the value of n when it is a scalar, else "".
func scalarOrEmpty(n *yaml.Node) string {
	v, _ := scalar(n)
	return v
}

// findSpec finds the scalar that reads spec once its variables are
// interpolated with the project's environment, as compose-go does.
// Services are searched before the rest of a file (x- extensions, anchors).
func findSpec(files []*yfile, env types.Mapping, spec string) (*yfile, *yaml.Node, bool) {
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	match := func(v string) bool {
		if v == spec {
			return true
		}
		if !strings.Contains(v, "$") {
			return false
		}
		got, err := template.Substitute(v, lookup)
		return err == nil && got == spec
	}
	for _, f := range files {
		if f.root == nil {
			continue
		}
		if _, svcs := mapGet(f.root, "services"); svcs != nil {
			if n := findScalar(svcs, match, 0); n != nil {
				return f, n, true
			}
		}
	}
	for _, f := range files {
		if n := findScalar(f.root, match, 0); n != nil {
			return f, n, true
		}
	}
	return nil, nil, false
}

// unsetIn lists the variables referenced in v that were unset at load.
func unsetIn(v string, missing *sync.Map) []string {
	var out []string
	for _, ref := range composeVarRE.FindAllString(v, -1) {
		name := strings.TrimPrefix(strings.TrimPrefix(ref, "$"), "{")
		name = strings.TrimSuffix(name, "}")
		if i := strings.IndexAny(name, ":-?+"); i >= 0 {
			// ${X:-d} and ${X-d} interpolate their default when X is
			// unset: X is not what broke the value.
			if op := name[i:]; strings.HasPrefix(op, ":-") || strings.HasPrefix(op, "-") {
				continue
			}
			name = name[:i]
		}
		if _, ok := missing.Load(name); ok && !slices.Contains(out, name) {
			out = append(out, name)
		}
	}
	return out
}

// unsetInFiles is unsetIn over every scalar value of files: the unset
// variables that some value interpolates without a default.
func unsetInFiles(files []*yfile, missing *sync.Map) []string {
	var out []string
	for _, f := range files {
		findScalar(f.root, func(v string) bool {
			for _, n := range unsetIn(v, missing) {
				if !slices.Contains(out, n) {
					out = append(out, n)
				}
			}
			return false
		}, 0)
	}
	return out
}

// findScalar returns the first scalar value below n (keys excluded) that
// match accepts. Aliases are not followed, so anchors are searched once.
func findScalar(n *yaml.Node, match func(string) bool, depth int) *yaml.Node {
	if n == nil || depth > 64 {
		return nil
	}
	switch n.Kind {
	case yaml.ScalarNode:
		if match(n.Value) {
			return n
		}
	case yaml.MappingNode:
		for i := 1; i < len(n.Content); i += 2 {
			if r := findScalar(n.Content[i], match, depth+1); r != nil {
				return r
			}
		}
	case yaml.SequenceNode, yaml.DocumentNode:
		for _, e := range n.Content {
			if r := findScalar(e, match, depth+1); r != nil {
				return r
			}
		}
	}
	return nil
}

// splitServicePath splits "api.deploy.resources" into the service name and
// the key path, knowing that service names may contain dots.
func splitServicePath(p *project, s string) (string, []string) {
	names := p.serviceNames()
	best := ""
	for _, n := range names {
		if (s == n || strings.HasPrefix(s, n+".")) && len(n) > len(best) {
			best = n
		}
	}
	if best == "" {
		parts := strings.SplitN(s, ".", 2)
		best = parts[0]
	}
	rest := strings.TrimPrefix(strings.TrimPrefix(s, best), ".")
	var keys []string
	for _, k := range strings.Split(rest, ".") {
		if i := strings.IndexByte(k, '['); i >= 0 {
			k = k[:i]
		}
		if k != "" {
			keys = append(keys, k)
		}
	}
	return best, keys
}
