package verify

import (
	"os"
	"path/filepath"

	"gopkg.in/yaml.v3"

	"github.com/dockguard/dockguard/rules"
)

// maxComposeFile bounds what is read to place a DG402 finding.
const maxComposeFile = 4 << 20

// locateService finds the `services.NAME` key in the compose files (the
// last file that mentions the service wins, as compose merges overrides
// last) and returns a finding placed there. It returns ok false when no
// readable file has the service.
func locateService(dir string, files []string, service string) (f rules.Finding, ok bool) {
	for i := len(files) - 1; i >= 0; i-- {
		path := files[i]
		if !filepath.IsAbs(path) && dir != "" {
			path = filepath.Join(dir, path)
		}
		st, err := os.Stat(path)
		if err != nil || !st.Mode().IsRegular() || st.Size() > maxComposeFile {
			continue
		}
		src, err := os.ReadFile(path)
		if err != nil {
			continue
		}
		key := serviceKey(src, service)
		if key == nil {
			continue
		}
		start := rules.Offset(src, key.Line, rules.RuneColumnToByte(src, key.Line, key.Column))
		end := start + len(key.Value)
		if key.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
			end += 2 // the quotes (escapes inside keys are not worth decoding)
		}
		f.File = path
		f.SetRange(src, start, end)
		return f, true
	}
	return rules.Finding{}, false
}

// serviceKey returns the key node of services.NAME, or nil.
func serviceKey(src []byte, name string) (key *yaml.Node) {
	defer func() {
		// yaml.v3 has panicked on hostile input before; a position is not
		// worth a crash.
		if recover() != nil {
			key = nil
		}
	}()
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil || len(doc.Content) == 0 {
		return nil
	}
	services := mapValue(doc.Content[0], "services")
	if services == nil || services.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(services.Content); i += 2 {
		if services.Content[i].Value == name {
			return services.Content[i]
		}
	}
	return nil
}

func mapValue(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}
