package compose

import (
	"bytes"
	"context"
	"errors"
	"io"
	"sort"
	"strings"
	"sync"

	"github.com/compose-spec/compose-go/v2/template"
	"github.com/compose-spec/compose-go/v2/types"
	"gopkg.in/yaml.v3"

	"github.com/dockguard/dockguard/rules"
)

// maxStubLoads bounds the extra loads stableRefusal makes for one project.
const maxStubLoads = 32

// stubImage is the image of a service stubbed out for a retry; it is never
// reported.
const stubImage = "dockguard.invalid/stub"

// stableRefusal turns compose-go's refusal of p into one DG004 that is the
// same in every run. compose-go walks Go maps and stops at the first error,
// so with several broken services which one it reports changes between
// runs. Each service it blames is replaced by a stub (an image and nothing
// else) and the project is loaded again, until the load passes, blames no
// service, or blames one already stubbed; then the first refusal by
// position is reported. A refusal that names no service cannot be stubbed
// out and is present in every run's last load, so it is the one reported.
func stableRefusal(ctx context.Context, c *fileCache, p *project, err error, missing *sync.Map) rules.Finding {
	fd := firstRefusal(ctx, c, p, err, missing)
	fd.Message = redact(fd.Message, projectSecrets(c, p))
	return fd
}

func firstRefusal(ctx context.Context, c *fileCache, p *project, err error, missing *sync.Map) rules.Finding {
	best, svc := locateLoadError(c, p, err, missing, nil)
	stubbed := map[string]bool{}
	for range maxStubLoads {
		if svc == "" || stubbed[svc] || ctx.Err() != nil {
			break
		}
		stubbed[svc] = true
		configs, ok := stubConfigs(p, stubbed)
		if !ok {
			break
		}
		_, err = loadProject(ctx, p.dir, configs, p.env, nameFor(p, nil), strictLoad, nil)
		if err == nil || namesAny(err.Error(), stubbed) {
			break // passes, or fails because of a stub (a cascade)
		}
		var fd rules.Finding
		fd, svc = locateLoadError(c, p, err, missing, stubbed)
		if svc == "" {
			return fd
		}
		if !stubbed[svc] && before(fd, best) {
			best = fd
		}
	}
	return best
}

// before orders findings by file, position and message.
func before(a, b rules.Finding) bool {
	if a.File != b.File {
		return a.File < b.File
	}
	if a.Start != b.Start {
		return a.Start < b.Start
	}
	return a.Message < b.Message
}

// namesAny reports whether msg names one of the services, as compose-go
// quotes them ("service \"web\"", `service:web`, `services.web`).
func namesAny(msg string, svcs map[string]bool) bool {
	for s := range svcs {
		if s == "" {
			continue
		}
		for _, form := range []string{`"` + s + `"`, "service:" + s, "services." + s, "services[" + s + "]", "service " + s + " "} {
			if strings.Contains(msg, form) {
				return true
			}
		}
	}
	return false
}

// stubConfigs returns p's config files with the services in stub replaced
// by stubs. Anchors defined inside a stubbed service are kept, under an
// extension key of the stub, so that aliases elsewhere still resolve. It
// reports false when no config file defines any of them.
func stubConfigs(p *project, stub map[string]bool) ([]types.ConfigFile, bool) {
	out := make([]types.ConfigFile, len(p.configs))
	changed := false
	for i, f := range p.configs {
		out[i] = types.ConfigFile{Filename: f.abs, Content: f.src}
		hit := false
		for s := range stub {
			if _, ok := f.services[s]; ok {
				hit = true
			}
		}
		if !hit {
			continue
		}
		src, ok := stubSource(f.src, stub)
		if !ok {
			return nil, false
		}
		out[i].Content = src
		changed = true
	}
	return out, changed
}

// stubSource re-encodes every document of src with the named services
// stubbed out.
func stubSource(src []byte, stub map[string]bool) (out []byte, ok bool) {
	defer func() {
		if r := recover(); r != nil {
			out, ok = nil, false
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(src))
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	for {
		var doc yaml.Node
		if err := dec.Decode(&doc); err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			return nil, false
		}
		if doc.Kind == yaml.DocumentNode && len(doc.Content) > 0 {
			root := doc.Content[0]
			if _, sv := mapGet(root, "services"); sv != nil && sv.Kind == yaml.MappingNode {
				for i := 0; i+1 < len(sv.Content); i += 2 {
					if stub[sv.Content[i].Value] {
						sv.Content[i+1] = stubNode(sv.Content[i+1])
					}
				}
			}
		}
		if err := enc.Encode(&doc); err != nil {
			return nil, false
		}
	}
	if err := enc.Close(); err != nil {
		return nil, false
	}
	return buf.Bytes(), true
}

// stubNode is a service definition with only an image, keeping the
// outermost anchored nodes of v so that aliases to them still resolve.
func stubNode(v *yaml.Node) *yaml.Node {
	var anchored []*yaml.Node
	var walk func(n *yaml.Node, depth int)
	walk = func(n *yaml.Node, depth int) {
		if n == nil || depth > 200 || n.Kind == yaml.AliasNode {
			return
		}
		if n.Anchor != "" {
			anchored = append(anchored, n)
			return
		}
		for _, ch := range n.Content {
			walk(ch, depth+1)
		}
	}
	walk(v, 0)
	str := func(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s} }
	m := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Content: []*yaml.Node{str("image"), str(stubImage)}}
	if len(anchored) > 0 {
		sort.SliceStable(anchored, func(i, j int) bool { return anchored[i].Line < anchored[j].Line })
		m.Content = append(m.Content, str("x-dockguard-anchors"),
			&yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Content: anchored})
	}
	return m
}

// findPortEntry finds the short-syntax port entry, in the first service by
// name outside skip, that compose-go's own port parser refuses with the
// error that msg ends with.
func findPortEntry(c *fileCache, p *project, msg string, skip map[string]bool) (def, *yaml.Node, string, bool) {
	if lower := strings.ToLower(msg); !strings.Contains(lower, "port") && !strings.Contains(lower, "ip address") && !strings.Contains(lower, "proto") {
		return def{}, nil, "", false
	}
	lookupEnv := func(k string) (string, bool) { v, ok := p.env[k]; return v, ok }
	for _, s := range p.serviceNames() {
		if skip[s] {
			continue
		}
		d, _, v, ok := lookup(p.chain(c, s), "ports")
		if !ok || v == nil || v.Kind != yaml.SequenceNode {
			continue
		}
		for _, e := range v.Content {
			val, ok := scalar(e)
			if !ok {
				continue
			}
			if strings.Contains(val, "$") {
				if val, ok = substitute(val, lookupEnv); !ok {
					continue
				}
			}
			if _, perr := types.ParsePortConfig(val); perr != nil && strings.HasSuffix(msg, perr.Error()) {
				return d, resolveAlias(e), s, true
			}
		}
	}
	return def{}, nil, "", false
}

// substitute interpolates v as compose-go does; false when it cannot.
func substitute(v string, lookupEnv func(string) (string, bool)) (string, bool) {
	got, err := template.Substitute(v, lookupEnv)
	return got, err == nil
}

// serviceHolding names the service of f whose definition contains n, ""
// when n is outside every service.
func serviceHolding(f *yfile, n *yaml.Node) string {
	names := make([]string, 0, len(f.services))
	for s := range f.services {
		names = append(names, s)
	}
	sort.Strings(names)
	for _, s := range names {
		if holds(f.services[s].value, n, 0) {
			return s
		}
	}
	return ""
}

func holds(root, n *yaml.Node, depth int) bool {
	if root == nil || depth > 200 {
		return false
	}
	if root == n {
		return true
	}
	for _, ch := range root.Content {
		if holds(ch, n, depth+1) {
			return true
		}
	}
	return false
}
