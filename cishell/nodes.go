package cishell

import (
	"path"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/dockguard/dockguard/cishell/fragment"
	"github.com/dockguard/dockguard/rules"
	"github.com/dockguard/dockguard/shell"
)

// maxAliasHops bounds alias chains; yaml.v3 rejects cycles, but a walker must
// not trust that for termination.
const maxAliasHops = 32

// resolve follows aliases to the node they name. It returns nil for nil.
func resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < maxAliasHops; i++ {
		n = n.Alias
	}
	if n != nil && n.Kind == yaml.AliasNode {
		return nil
	}
	return n
}

// docRoot returns the top-level node of a document.
func docRoot(d *yaml.Node) *yaml.Node {
	d = resolve(d)
	if d != nil && d.Kind == yaml.DocumentNode && len(d.Content) > 0 {
		return resolve(d.Content[0])
	}
	return d
}

// pair is one key/value entry of a mapping, after merge keys are applied.
type pair struct {
	key   string
	value *yaml.Node
}

// pairs lists a mapping's entries in file order, with entries merged in by
// "<<: *anchor" (or a list of anchors) placed where the merge key is. Later
// explicit keys override merged ones, as in YAML 1.1 merge semantics; here
// both are returned and callers that look up one key take the last explicit
// one via get.
func pairs(n *yaml.Node) []pair {
	return appendPairs(nil, resolve(n), map[*yaml.Node]bool{})
}

// appendPairs merges each mapping at most once: aliases can make the node
// graph cyclic, and repeated merges would make the walk exponential.
func appendPairs(out []pair, n *yaml.Node, seen map[*yaml.Node]bool) []pair {
	if n == nil || n.Kind != yaml.MappingNode || seen[n] {
		return out
	}
	seen[n] = true
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := resolve(n.Content[i]), n.Content[i+1]
		if k == nil || k.Kind != yaml.ScalarNode {
			continue
		}
		if k.Value == "<<" && k.Tag == "!!merge" {
			rv := resolve(v)
			if rv != nil && rv.Kind == yaml.SequenceNode {
				for _, m := range rv.Content {
					out = appendPairs(out, resolve(m), seen)
				}
			} else {
				out = appendPairs(out, rv, seen)
			}
			continue
		}
		out = append(out, pair{k.Value, v})
	}
	return out
}

// get returns the value of key in mapping n: the explicit entry if there is
// one, else the first merged one. It returns nil when n is not a mapping.
func get(n *yaml.Node, key string) *yaml.Node {
	n = resolve(n)
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k := resolve(n.Content[i]); k != nil && k.Kind == yaml.ScalarNode && k.Value == key && k.Tag != "!!merge" {
			return resolve(n.Content[i+1])
		}
	}
	for _, p := range pairs(n) {
		if p.key == key {
			return resolve(p.value)
		}
	}
	return nil
}

// str returns the value of a scalar node, or "" for anything else.
func str(n *yaml.Node) string {
	n = resolve(n)
	if n == nil || n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		return ""
	}
	return n.Value
}

// items returns the elements of a sequence node, or nil.
func items(n *yaml.Node) []*yaml.Node {
	n = resolve(n)
	if n == nil || n.Kind != yaml.SequenceNode {
		return nil
	}
	return n.Content
}

// shellKind is what a CI step's code runs in.
type shellKind int

const (
	posixShell   shellKind = iota // sh, bash and the like: the shell front end
	pwshShell                     // pwsh or powershell: the PowerShell splitter
	otherShell                    // cmd, python, node...: not checked
	unknownShell                  // not known from the file
)

// classifyShell classifies a "shell:" value; "" is POSIX (callers apply
// defaults first), and a template expression is unknown.
func classifyShell(v string) shellKind {
	v = strings.TrimSpace(v)
	if v == "" {
		return posixShell
	}
	if strings.Contains(v, "${{") || strings.Contains(v, "<<") {
		return unknownShell
	}
	if isPOSIXShell(v) {
		return posixShell
	}
	first := strings.Fields(v)[0]
	first = path.Base(strings.ReplaceAll(first, `\`, "/"))
	switch strings.TrimSuffix(strings.ToLower(first), ".exe") {
	case "pwsh", "powershell":
		return pwshShell
	}
	return otherShell
}

// isPOSIXShell reports whether a CI "shell:" value runs the script with a
// POSIX shell: unset, bash, sh, dash or ash, possibly as a path and with
// arguments ("bash -e {0}", "/bin/bash -eo pipefail", "bash.exe"). A value
// that is itself a template expression is unknown and assumed to be a shell.
func isPOSIXShell(v string) bool {
	v = strings.TrimSpace(v)
	if v == "" || strings.Contains(v, "${{") || strings.Contains(v, "<<") {
		return true
	}
	first := strings.Fields(v)[0]
	first = path.Base(strings.ReplaceAll(first, `\`, "/"))
	first = strings.TrimSuffix(strings.ToLower(first), ".exe")
	switch first {
	case "sh", "bash", "dash", "ash":
		return true
	}
	return false
}

// checker runs the shell front end on the scalars of one YAML file. Each
// scalar node is checked at most once, however many aliases reach it.
type checker struct {
	src   *source
	seen  map[*yaml.Node]bool
	frags []*fragment.Fragment
	// psFrags are the scripts of steps that run in PowerShell.
	psFrags []*fragment.Fragment
	// unknown marks fragments whose shell cannot be known from the file
	// (runs-on is an expression, a GitLab job on a Windows runner): they are
	// read as POSIX shell unless that fails on code that shows PowerShell.
	unknown map[*fragment.Fragment]bool
}

// walker finds the shell scripts of one kind of CI file in a YAML document.
type walker func(c *checker, root *yaml.Node)

// collectAll decodes src and returns the checker holding the fragments walk
// finds in every document, plus DG001 findings for YAML syntax errors.
func collectAll(file string, src []byte, walk walker) (*checker, []rules.Finding) {
	c := &checker{src: newSource(file, src), seen: map[*yaml.Node]bool{}, unknown: map[*fragment.Fragment]bool{}}
	docs, errs := c.src.decode()
	for _, d := range docs {
		walk(c, docRoot(d))
	}
	return c, errs
}

// checkYAML is collect followed by the shell front end on each fragment,
// and by the PowerShell splitter on the PowerShell ones. A fragment whose
// shell is unknown and that does not parse as POSIX shell but shows
// PowerShell is read as PowerShell: it is no parse error.
func checkYAML(file string, src []byte, cfg *shell.Config, walk walker) []rules.Finding {
	c, out := collectAll(file, src, walk)
	h := fragment.NewHost(file, src)
	for _, f := range c.frags {
		fs := h.Check(f, cfg)
		if c.unknown[f] && hasParseError(fs) && psMarkers(f.Code) {
			fs = checkPowerShell(file, src, f, cfg)
		}
		out = append(out, fs...)
	}
	for _, f := range c.psFrags {
		out = append(out, checkPowerShell(file, src, f, cfg)...)
	}
	return out
}

func hasParseError(fs []rules.Finding) bool {
	for _, f := range fs {
		if f.Rule == "DG001" {
			return true
		}
	}
	return false
}

// visit reports whether container node n is seen for the first time, and
// marks it. Walks through aliases use it so that a cyclic or heavily
// shared node graph is still walked in linear time.
func (c *checker) visit(n *yaml.Node) bool {
	if c.seen[n] {
		return false
	}
	c.seen[n] = true
	return true
}

// script checks one scalar of shell code.
func (c *checker) script(n *yaml.Node, t template) { c.scriptIn(n, t, posixShell) }

// scriptIn checks one scalar of code that runs in shell sh.
func (c *checker) scriptIn(n *yaml.Node, t template, sh shellKind) {
	n = resolve(n)
	if n == nil || n.Kind != yaml.ScalarNode || n.Tag == "!!null" || c.seen[n] || sh == otherShell {
		return
	}
	c.seen[n] = true
	if strings.TrimSpace(n.Value) == "" {
		return
	}
	f := c.src.scalarFragment(n, t)
	switch sh {
	case pwshShell:
		c.psFrags = append(c.psFrags, f)
	case unknownShell:
		c.unknown[f] = true
		c.frags = append(c.frags, f)
	default:
		c.frags = append(c.frags, f)
	}
}

// scriptList checks a GitLab-style script: a string, or a list of strings
// and nested lists (anchors of lists are flattened by GitLab). "!reference"
// tags name other jobs' scripts, which are checked where they are defined.
func (c *checker) scriptList(n *yaml.Node, t template, depth int) {
	c.scriptListIn(n, t, depth, posixShell)
}

// scriptListIn is scriptList for code that runs in shell sh.
func (c *checker) scriptListIn(n *yaml.Node, t template, depth int, sh shellKind) {
	n = resolve(n)
	if n == nil || depth > 10 || strings.HasPrefix(n.Tag, "!reference") {
		return
	}
	if n.Kind == yaml.SequenceNode && !c.visit(n) {
		return
	}
	switch n.Kind {
	case yaml.ScalarNode:
		c.scriptIn(n, t, sh)
	case yaml.SequenceNode:
		for _, it := range n.Content {
			c.scriptListIn(it, t, depth+1, sh)
		}
	}
}
