package compose

import (
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"

	"github.com/compose-spec/compose-go/v2/types"
)

// fileCache reads and indexes each file once per run, whichever projects
// share it.
type fileCache struct {
	cwd   string
	given map[string]string // absolute path -> path as the caller gave it
	mu    sync.Mutex
	files map[string]*yfile
	// stdin overrides the contents of one path (CheckSource).
	stdinAbs string
	stdinSrc []byte
	// maxSize bounds every file read, by dockguard or by compose-go
	// (0: maxFileSize).
	maxSize int64
}

// limit is the size bound of the files the cache and compose-go read.
func (c *fileCache) limit() int64 {
	if c.maxSize > 0 {
		return c.maxSize
	}
	return maxFileSize
}

func newFileCache(cwd string) *fileCache {
	return &fileCache{cwd: cwd, given: map[string]string{}, files: map[string]*yfile{}}
}

// absPath makes p absolute against the cache's working directory.
func (c *fileCache) absPath(p string) string {
	if !filepath.IsAbs(p) {
		p = filepath.Join(c.cwd, p)
	}
	return filepath.Clean(p)
}

// displayPath is the path a finding in abs reports: as the caller gave it,
// else relative to the current directory when under it, else absolute.
func (c *fileCache) displayPath(abs string) string {
	if d, ok := c.given[abs]; ok {
		return d
	}
	if c.cwd != "" {
		if rel, err := filepath.Rel(c.cwd, abs); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return rel
		}
	}
	return abs
}

// get returns the indexed file at abs, reading it on first use.
func (c *fileCache) get(abs string) *yfile {
	c.mu.Lock()
	defer c.mu.Unlock()
	if f, ok := c.files[abs]; ok {
		return f
	}
	var f *yfile
	if abs == c.stdinAbs && c.stdinSrc != nil {
		f = parseYAML(abs, c.displayPath(abs), c.stdinSrc)
	} else if src, err := readLimited(abs, c.limit()); err != nil {
		f = &yfile{abs: abs, display: c.displayPath(abs), services: map[string]svcNodes{}, readErr: err}
	} else {
		f = parseYAML(abs, c.displayPath(abs), src)
	}
	c.files[abs] = f
	return f
}

// maxFileSize bounds what is read of a compose file that the walker did not
// vet (an extends or include target).
const maxFileSize = 16 << 20

func readLimited(p string, limit int64) ([]byte, error) {
	fi, err := os.Stat(p)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, &os.PathError{Op: "read", Path: p, Err: os.ErrInvalid}
	}
	if fi.Size() > limit {
		return nil, &os.PathError{Op: "read", Path: p, Err: errTooLarge}
	}
	return os.ReadFile(p)
}

type sizeError struct{}

func (sizeError) Error() string { return "file is over the size limit (--max-file-size)" }

var errTooLarge = sizeError{}

// project is one compose project: its config files in override order plus
// the files it includes, and the environment it interpolates with.
type project struct {
	dir      string   // working directory (absolute)
	configs  []*yfile // -f files in order
	included []*yfile // include: targets, depth-first
	env      types.Mapping
	name     string
	// origin says how the project was found, for messages.
	origin string
}

// allFiles lists the files whose definitions the project can use: the
// config files, the included files and every extends target.
func (p *project) allFiles(c *fileCache) []*yfile {
	seen := map[string]bool{}
	var out []*yfile
	var visit func(f *yfile, depth int)
	visit = func(f *yfile, depth int) {
		if f == nil || seen[f.abs] || depth > 32 {
			return
		}
		seen[f.abs] = true
		out = append(out, f)
		for _, ref := range fileRefs(f) {
			visit(c.get(ref), depth+1)
		}
	}
	for _, f := range p.configs {
		visit(f, 0)
	}
	for _, f := range p.included {
		visit(f, 0)
	}
	return out
}

// fileRefs lists the absolute paths f pulls in through include and
// extends.file. Paths with variables are skipped: compose-go resolves those
// and reports them if they fail.
func fileRefs(f *yfile) []string {
	out := includeRefs(f)
	for _, sv := range f.services {
		_, ext := mapGet(sv.value, "extends")
		ext = resolveAlias(ext)
		if ext != nil && ext.Kind == yaml.MappingNode {
			if _, fn := mapGet(ext, "file"); fn != nil {
				if s, ok := scalar(fn); ok {
					if p, ok := refPath(f, s); ok {
						out = append(out, p)
					}
				}
			}
		}
	}
	return out
}

// refPath resolves a file reference written in f against f's folder. Remote
// references and paths built from variables are left to compose-go.
func refPath(f *yfile, p string) (string, bool) {
	if p == "" || strings.Contains(p, "$") || strings.Contains(p, "://") {
		return "", false
	}
	if !filepath.IsAbs(p) {
		p = filepath.Join(filepath.Dir(f.abs), p)
	}
	return filepath.Clean(p), true
}

// includeRefs lists the include: targets of f in order.
func includeRefs(f *yfile) []string {
	if f.root == nil {
		return nil
	}
	_, inc := mapGet(f.root, "include")
	inc = resolveAlias(inc)
	if inc == nil || inc.Kind != yaml.SequenceNode {
		return nil
	}
	var out []string
	add := func(p string) {
		if r, ok := refPath(f, p); ok {
			out = append(out, r)
		}
	}
	for _, e := range inc.Content {
		e = resolveAlias(e)
		if s, ok := scalar(e); ok {
			add(s)
			continue
		}
		_, pn := mapGet(e, "path")
		pn = resolveAlias(pn)
		if s, ok := scalar(pn); ok {
			add(s)
		} else if pn != nil && pn.Kind == yaml.SequenceNode {
			for _, x := range pn.Content {
				if s, ok := scalar(x); ok {
					add(s)
				}
			}
		}
	}
	return out
}

// def is one definition of a service in one file. base marks definitions
// reached through extends (they belong to another service name).
type def struct {
	f          *yfile
	key, value *yaml.Node
	base       bool
}

// chain lists the definitions that make up service name, lowest precedence
// first: included files, then each config file in override order, each
// preceded by the services it extends.
func (p *project) chain(c *fileCache, name string) []def {
	var out []def
	var expand func(f *yfile, svc string, base bool, depth int)
	expand = func(f *yfile, svc string, base bool, depth int) {
		sv, ok := f.services[svc]
		if !ok || depth > 16 {
			return
		}
		_, ext := mapGet(sv.value, "extends")
		ext = resolveAlias(ext)
		if s, ok := scalar(ext); ok {
			if s != svc || base {
				expand(f, s, true, depth+1)
			}
		} else if ext != nil && ext.Kind == yaml.MappingNode {
			_, sn := mapGet(ext, "service")
			target, _ := scalar(sn)
			tf := f
			if _, fn := mapGet(ext, "file"); fn != nil {
				tf = nil // a file the index cannot follow (remote, variables)
				if s, ok := scalar(fn); ok {
					if p, ok := refPath(f, s); ok {
						tf = c.get(p)
					}
				}
			}
			if tf != nil && target != "" && (tf != f || target != svc) {
				expand(tf, target, true, depth+1)
			}
		}
		out = append(out, def{f: f, key: sv.key, value: sv.value, base: base})
	}
	for _, f := range p.included {
		expand(f, name, false, 0)
	}
	for _, f := range p.configs {
		expand(f, name, false, 0)
	}
	return out
}

// serviceNames lists every service of the project's files, sorted.
func (p *project) serviceNames() []string {
	set := map[string]bool{}
	for _, f := range p.included {
		for n := range f.services {
			set[n] = true
		}
	}
	for _, f := range p.configs {
		for n := range f.services {
			set[n] = true
		}
	}
	out := make([]string, 0, len(set))
	for n := range set {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// home is where a service-level finding goes: the service's key in the
// highest-precedence file that defines it.
func home(ch []def) (def, bool) {
	for i := len(ch) - 1; i >= 0; i-- {
		if !ch[i].base {
			return ch[i], true
		}
	}
	if len(ch) > 0 {
		return ch[len(ch)-1], true
	}
	return def{}, false
}

// limitHome is where a missing memory limit is reported and written: the
// service's key in the first file that declares it (the base, rather than
// an override that only tunes it, since the base is what runs without the
// override), unless a later file removes the limit with !reset, which is
// then where it went. overrides lists the later files that define the
// service too, for the message.
func limitHome(ch []def) (d def, overrides []string, ok bool) {
	first := -1
	for i, x := range ch {
		if !x.base {
			first = i
			break
		}
	}
	for _, x := range ch[max(first, 0):] {
		if first < 0 || (!x.base && resetsLimit(x.value)) {
			h, ok := home(ch)
			return h, nil, ok
		}
	}
	d = ch[first]
	for _, x := range ch[first+1:] {
		if !x.base && x.f != d.f && !slices.Contains(overrides, x.f.display) {
			overrides = append(overrides, x.f.display)
		}
	}
	return d, overrides, true
}

// resetsLimit reports whether a service definition removes a memory limit
// with !reset (mem_limit, or deploy, resources, limits or memory under it).
func resetsLimit(v *yaml.Node) bool {
	if _, n := mapGet(v, "mem_limit"); n != nil && isReset(n) {
		return true
	}
	cur := resolveAlias(v)
	for _, k := range pathDeployLimit {
		_, n := mapGet(cur, k)
		if n == nil {
			return false
		}
		if isReset(n) {
			return true
		}
		cur = resolveAlias(n)
	}
	return false
}

// lookup finds the highest-precedence definition of the key path in a
// service's chain. A !reset value ends the search: the attribute is unset.
func lookup(ch []def, keys ...string) (d def, k, v *yaml.Node, ok bool) {
	for i := len(ch) - 1; i >= 0; i-- {
		cur := ch[i].value
		var kn, vn *yaml.Node
		found := true
		for _, key := range keys {
			kn, vn = mapGet(cur, key)
			if kn == nil {
				found = false
				break
			}
			if isReset(vn) {
				return def{}, nil, nil, false
			}
			cur = resolveAlias(vn)
		}
		if found {
			return ch[i], kn, cur, true
		}
	}
	return def{}, nil, nil, false
}
