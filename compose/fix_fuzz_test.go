package compose

import (
	"sort"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/dockguard/dockguard/rules"
)

// FuzzSetLeaves inserts a memory limit into every service of arbitrary
// YAML. It must never panic, every edit must lie in the file, and when it
// offers edits the result must parse and hold the limit.
func FuzzSetLeaves(f *testing.F) {
	for _, s := range []string{
		"services:\n  web:\n    image: x\n",
		"services:\n  web: {image: x, deploy: {resources: {}}}\n",
		"services:\n  web:\n    deploy:\n    image: x",
		"services:\n  web:\n    deploy: {\n  replicas: 1, # c\n  }\n",
		"\ufeffservices:\r\n  web:\r\n    ports:\r\n    - 80\r\n",
		"x: &a {deploy: {}}\nservices:\n  web:\n    <<: *a\n",
		"services:\n  web:\n    deploy: !reset {}\n",
		"services:\n  web:\n    mem_limit: '0'\n",
		"services:\n  w\u00e9b: {labels: {a: \"}{#\"}}\n",
	} {
		f.Add([]byte(s), false)
		f.Add([]byte(s), true)
	}
	f.Fuzz(func(t *testing.T, src []byte, mem bool) {
		yf := parseYAML("/x/compose.yaml", "compose.yaml", src)
		if yf.parseErr != nil || yf.aliasCycle != nil {
			return
		}
		path := pathDeployLimit
		if mem {
			path = pathMemLimit
		}
		for name, sv := range yf.services {
			if sv.value == nil || sv.value.Kind != yaml.MappingNode || yf.offsetOf(sv.value) < yf.offsetOf(sv.key) {
				continue
			}
			edits, err := yf.setLeaves(sv.key, sv.value, []leaf{{path: path, value: "96m", comment: "c"}}, true)
			if err != nil {
				continue
			}
			out := apply(t, src, edits)
			g := parseYAML("/x/compose.yaml", "compose.yaml", out)
			if g.parseErr != nil {
				t.Fatalf("service %q: the fix does not parse: %v\n--- before\n%s\n--- after\n%s", name, g.parseErr, src, out)
			}
			nsv, ok := g.services[name]
			if !ok {
				t.Fatalf("service %q lost:\n%s", name, out)
			}
			_, _, v, ok := lookup([]def{{f: g, value: nsv.value}}, path...)
			if got, _ := scalar(v); !ok || strings.Trim(got, `'"`) != "96m" {
				t.Fatalf("service %q: %s = %q after the fix:\n%s", name, strings.Join(path, "."), got, out)
			}
		}
	})
}

func apply(t *testing.T, src []byte, es []rules.Edit) []byte {
	t.Helper()
	sort.SliceStable(es, func(i, j int) bool { return es[i].Start < es[j].Start })
	var b []byte
	pos := 0
	for _, e := range es {
		if e.Start < pos || e.End < e.Start || e.End > len(src) {
			t.Fatalf("bad edit [%d,%d) in %d bytes (after %d)", e.Start, e.End, len(src), pos)
		}
		b = append(b, src[pos:e.Start]...)
		b = append(b, e.NewText...)
		pos = e.End
	}
	return append(b, src[pos:]...)
}
