package compose

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/dockguard/dockguard/rules"
)

// yfile is one compose source file re-read with yaml.v3, because compose-go
// drops every position. It is the node index findings are placed with.
type yfile struct {
	abs     string // absolute path, the identity of the file
	display string // path reported in findings
	src     []byte
	root    *yaml.Node // the mapping at the top of the first document; nil when absent
	// services maps a service name to its key and value nodes in this file.
	services map[string]svcNodes
	// servicesKey is the `services:` key node, nil when the file has none.
	servicesKey *yaml.Node
	parseErr    error // a YAML syntax error
	errLine     int   // line of parseErr, 0 when unknown
	readErr     error // the file could not be read
	// aliasCycle is set when an alias refers to a node that contains it.
	// compose-go spends seconds on such files before refusing them, so
	// dockguard refuses them itself.
	aliasCycle *yaml.Node
	// mergeBomb is the merge key whose merges expand past maxMergedKeys:
	// compose-go would spend minutes and GiBs resolving it.
	mergeBomb *yaml.Node
	// docs counts the file's non-empty YAML documents.
	docs int
}

type svcNodes struct {
	key, value *yaml.Node
}

var yamlLineRE = regexp.MustCompile(`line (\d+)`)

// parseYAML builds the node index of src. It never panics: yaml.v3 has had
// panics on hostile input, so they become parse errors.
func parseYAML(abs, display string, src []byte) (f *yfile) {
	f = &yfile{abs: abs, display: display, src: src, services: map[string]svcNodes{}}
	defer func() {
		if r := recover(); r != nil {
			f.root, f.servicesKey = nil, nil
			f.services = map[string]svcNodes{}
			f.parseErr = fmt.Errorf("yaml parser failed: %v", r)
		}
	}()
	// compose-go merges every document of a file in order; index them all,
	// a later document's service definition taking precedence.
	dec := yaml.NewDecoder(bytes.NewReader(src))
	for ndoc := 0; ; ndoc++ {
		var doc yaml.Node
		if err := dec.Decode(&doc); err != nil {
			if errors.Is(err, io.EOF) {
				return f
			}
			f.parseErr = err
			if m := yamlLineRE.FindAllStringSubmatch(err.Error(), -1); len(m) > 0 {
				f.errLine, _ = strconv.Atoi(m[len(m)-1][1])
			}
			f.errLine = syntaxErrorLine(src, f.errLine)
			return f
		}
		if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
			continue
		}
		f.docs++
		if f.aliasCycle == nil {
			f.aliasCycle = findAliasCycle(&doc)
		}
		if f.aliasCycle == nil && f.mergeBomb == nil {
			f.mergeBomb = findMergeBomb(&doc)
		}
		root := resolveAlias(doc.Content[0])
		if root.Kind != yaml.MappingNode {
			continue
		}
		if f.root == nil {
			f.root = root
		}
		k, v := mapGet(root, "services")
		if k == nil {
			continue
		}
		if f.servicesKey == nil {
			f.servicesKey = k
		}
		if v = resolveAlias(v); v.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(v.Content); i += 2 {
				kn := v.Content[i]
				if kn.Kind == yaml.ScalarNode {
					f.services[kn.Value] = svcNodes{key: kn, value: resolveAlias(v.Content[i+1])}
				}
			}
		}
	}
}

// syntaxErrorLine narrows a YAML syntax error down to a line. yaml.v3 often
// names the line where the enclosing block starts, not the faulty line, so
// this finds the first line at which a prefix of the document stops
// parsing (binary search from the line yaml.v3 gave, O(log n) parses).
func syntaxErrorLine(src []byte, from int) int {
	lineStarts := []int{0}
	for i, b := range src {
		if b == '\n' && i+1 < len(src) {
			lineStarts = append(lineStarts, i+1)
		}
	}
	n := len(lineStarts)
	prefixFails := func(k int) bool { // the first k lines
		end := len(src)
		if k < n {
			end = lineStarts[k]
		}
		var doc yaml.Node
		err := func() (err error) {
			defer func() {
				if r := recover(); r != nil {
					err = fmt.Errorf("panic: %v", r)
				}
			}()
			return yaml.NewDecoder(bytes.NewReader(src[:end])).Decode(&doc)
		}()
		return err != nil && !errors.Is(err, io.EOF)
	}
	lo := from
	if lo < 1 || lo > n || prefixFails(lo-1) {
		lo = 1
	}
	hi := n
	if !prefixFails(hi) {
		return from
	}
	for lo < hi {
		mid := (lo + hi) / 2
		if prefixFails(mid) {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo
}

// findAliasCycle returns an alias node that refers to one of its own
// ancestors, or nil. Each anchored node is explored once, so alias bombs
// stay linear.
func findAliasCycle(root *yaml.Node) *yaml.Node {
	onStack := map[*yaml.Node]bool{}
	done := map[*yaml.Node]bool{}
	var walk func(n *yaml.Node, depth int) *yaml.Node
	walk = func(n *yaml.Node, depth int) *yaml.Node {
		if n == nil || done[n] || depth > 10000 {
			return nil
		}
		if n.Kind == yaml.AliasNode {
			if onStack[n.Alias] {
				return n
			}
			return walk(n.Alias, depth+1)
		}
		onStack[n] = true
		for _, c := range n.Content {
			if bad := walk(c, depth+1); bad != nil {
				return bad
			}
		}
		delete(onStack, n)
		done[n] = true
		return nil
	}
	return walk(root, 0)
}

// maxMergedKeys bounds the keys one mapping may hold once its merge keys
// are resolved, far above any real file.
const maxMergedKeys = 100_000

// findMergeBomb returns the first merge key (`<<:`) of the document whose
// mapping holds more than maxMergedKeys keys once merges are resolved, nil
// when there is none. Sizes are memoised per node, so the walk is linear in
// the document however the merges fan out.
func findMergeBomb(root *yaml.Node) *yaml.Node {
	size := map[*yaml.Node]int{}
	var bomb *yaml.Node
	var sizeOf func(n *yaml.Node, depth int) int
	sizeOf = func(n *yaml.Node, depth int) int {
		n = resolveAlias(n)
		if n == nil || depth > 10000 {
			return 0
		}
		if s, ok := size[n]; ok {
			return s
		}
		size[n] = 0 // a cycle counts nothing (findAliasCycle reports it)
		total := 0
		if n.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(n.Content); i += 2 {
				kn, vn := n.Content[i], n.Content[i+1]
				if kn.Tag == "!!merge" || (kn.Value == "<<" && kn.Style == 0) {
					mv := resolveAlias(vn)
					if mv != nil && mv.Kind == yaml.SequenceNode {
						for _, e := range mv.Content {
							total += sizeOf(e, depth+1)
						}
					} else {
						total += sizeOf(mv, depth+1)
					}
					if total > maxMergedKeys && bomb == nil {
						bomb = kn
					}
					continue
				}
				total++
			}
		}
		if total > maxMergedKeys {
			total = maxMergedKeys + 1 // saturate: sums cannot overflow
		}
		for _, c := range n.Content {
			if c.Kind != yaml.AliasNode {
				sizeOf(c, depth+1)
			}
		}
		size[n] = total
		return total
	}
	sizeOf(root, 0)
	return bomb
}

// resolveAlias follows YAML aliases (*name) to the anchored node.
func resolveAlias(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 100; i++ {
		n = n.Alias
	}
	return n
}

// mapGet returns the key and value nodes of key in mapping m, honouring
// `<<` merge keys (a later explicit key wins over merged ones, as YAML says).
func mapGet(m *yaml.Node, key string) (k, v *yaml.Node) {
	budget := maxMergeVisits
	return mapGetDepth(m, key, 0, &budget)
}

// maxMergeVisits bounds the mappings one lookup visits through merge keys:
// 10 merges a level, 11 levels deep, are 10^11 visits otherwise. Files past
// it are refused (findMergeBomb) before any lookup; the bound keeps the
// raw-YAML checks of such files cheap too.
const maxMergeVisits = 10_000

func mapGetDepth(m *yaml.Node, key string, depth int, budget *int) (k, v *yaml.Node) {
	m = resolveAlias(m)
	if *budget--; m == nil || m.Kind != yaml.MappingNode || depth > 20 || *budget < 0 {
		return nil, nil
	}
	var merges []*yaml.Node
	for i := 0; i+1 < len(m.Content); i += 2 {
		kn := m.Content[i]
		if kn.Kind != yaml.ScalarNode {
			continue
		}
		if kn.Value == key && kn.Tag != "!!merge" {
			k, v = kn, m.Content[i+1]
		}
		if kn.Tag == "!!merge" || (kn.Value == "<<" && kn.Style == 0) {
			merges = append(merges, m.Content[i+1])
		}
	}
	if k != nil {
		return k, v
	}
	for _, mv := range merges {
		mv = resolveAlias(mv)
		if mv.Kind == yaml.SequenceNode {
			for _, e := range mv.Content {
				if k, v = mapGetDepth(e, key, depth+1, budget); k != nil {
					return k, v
				}
			}
			continue
		}
		if k, v = mapGetDepth(mv, key, depth+1, budget); k != nil {
			return k, v
		}
	}
	return nil, nil
}

// mapKeys lists the keys of mapping m, merged ones included.
func mapKeys(m *yaml.Node) []string {
	budget := maxMergeVisits
	return mapKeysDepth(m, 0, &budget)
}

func mapKeysDepth(m *yaml.Node, depth int, budget *int) []string {
	m = resolveAlias(m)
	// The depth bound stops self-referencing merge keys (`x: &a {<<: *a}`).
	if *budget--; m == nil || m.Kind != yaml.MappingNode || depth > 20 || *budget < 0 {
		return nil
	}
	var out []string
	for i := 0; i+1 < len(m.Content); i += 2 {
		kn := m.Content[i]
		if kn.Tag == "!!merge" || (kn.Value == "<<" && kn.Style == 0) {
			mv := resolveAlias(m.Content[i+1])
			if mv.Kind == yaml.SequenceNode {
				for _, e := range mv.Content {
					out = append(out, mapKeysDepth(e, depth+1, budget)...)
				}
			} else {
				out = append(out, mapKeysDepth(mv, depth+1, budget)...)
			}
			continue
		}
		out = append(out, kn.Value)
	}
	return out
}

// isReset reports whether n is tagged !reset (an override removing a value).
func isReset(n *yaml.Node) bool { return n != nil && n.Tag == "!reset" }

// scalar returns the scalar value of n and whether n is a non-null scalar.
func scalar(n *yaml.Node) (string, bool) {
	n = resolveAlias(n)
	if n == nil || n.Kind != yaml.ScalarNode || n.Tag == "!!null" || isReset(n) {
		return "", false
	}
	return n.Value, true
}

// nodeRange returns the byte range of node n in f's source: a scalar's
// value, or the first line of a collection.
func (f *yfile) nodeRange(n *yaml.Node) (start, end int) {
	if n == nil || n.Line == 0 {
		return 0, 0
	}
	start = f.offsetOf(n)
	lineEnd := bytes.IndexByte(f.src[start:], '\n')
	if lineEnd < 0 {
		lineEnd = len(f.src) - start
	}
	lineEnd += start
	end = lineEnd
	if n.Kind == yaml.ScalarNode && n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) == 0 {
		// A plain or quoted scalar on one line: span its text (quotes included).
		w := len(n.Value)
		if n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
			w += 2
		}
		if start+w <= lineEnd && !strings.Contains(n.Value, "\n") {
			end = start + w
		}
	}
	// Never include trailing spaces or a comment in the span.
	for end > start && (f.src[end-1] == ' ' || f.src[end-1] == '\r' || f.src[end-1] == '\t') {
		end--
	}
	return start, end
}

// finding builds a finding of rule id at node n of f.
func (f *yfile) finding(id string, n *yaml.Node, key, msg string) rules.Finding {
	s, e := f.nodeRange(n)
	fd := rules.New(rules.MustLookup(id), f.display, f.src, s, e, msg)
	fd.Key = key
	return fd
}

// findingAt is finding narrowed to the text sub when n is a one-line scalar
// whose source holds it (a flag inside a command string), so editors mark
// the setting rather than the whole value.
//
// A scalar that spans lines (a folded or literal block, or a plain or quoted
// scalar continued on the next lines) is searched through all its lines:
// its first line may hold only the `>-` indicator. When the setting itself
// is broken across lines (`--maxmemory` then `1gb`), its first word is
// marked instead.
func (f *yfile) findingAt(id string, n *yaml.Node, sub, key, msg string) rules.Finding {
	s, e := f.nodeRange(n)
	if sub != "" && e > s {
		area := f.src[s:e]
		if n != nil && n.Kind == yaml.ScalarNode && f.multiLine(n, s, e) {
			area = f.src[s:f.scalarEnd(s)]
		}
		words := []string{sub}
		if fs := strings.Fields(sub); len(fs) > 1 {
			words = append(words, fs[0])
		}
		for _, w := range words {
			if i := lastToken(area, w); i >= 0 {
				s, e = s+i, s+i+len(w)
				break
			}
		}
	}
	fd := rules.New(rules.MustLookup(id), f.display, f.src, s, e, msg)
	fd.Key = key
	return fd
}

// lastToken returns the offset of the last occurrence of w in area that
// is a whole token: not continued by a letter, digit, '-' or '_' (so
// "--maxmemory" is not found inside "--maxmemory-policy"), or -1.
func lastToken(area []byte, w string) int {
	for end := len(area); end > 0; {
		i := bytes.LastIndex(area[:end], []byte(w))
		if i < 0 {
			return -1
		}
		if j := i + len(w); j == len(area) || !tokenByte(area[j]) || !tokenByte(w[len(w)-1]) {
			return i
		}
		end = i + len(w) - 1
	}
	return -1
}

func tokenByte(c byte) bool {
	return c == '-' || c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// multiLine reports whether scalar n, whose first line spans src[s:e],
// continues on the lines below.
func (f *yfile) multiLine(n *yaml.Node, s, e int) bool {
	if n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		return true
	}
	w := len(n.Value)
	if n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
		w += 2
	}
	return s+w > e
}

// scalarEnd returns the end of the multi-line scalar starting at offset s:
// its continuation lines are the blank lines and the lines indented deeper
// than the line it starts on, as YAML requires of them.
func (f *yfile) scalarEnd(s int) int {
	lineStart := bytes.LastIndexByte(f.src[:s], '\n') + 1
	base := indentOf(f.src[lineStart:])
	end := bytes.IndexByte(f.src[s:], '\n')
	if end < 0 {
		return len(f.src)
	}
	end += s
	for end < len(f.src) {
		next := bytes.IndexByte(f.src[end+1:], '\n')
		line := f.src[end+1:]
		if next >= 0 {
			line = line[:next]
		}
		blank := len(bytes.TrimSpace(line)) == 0
		if !blank && indentOf(line) <= base {
			break
		}
		if next < 0 {
			return len(f.src)
		}
		end += 1 + next
	}
	return end
}

// indentOf counts the spaces that start line.
func indentOf(line []byte) int {
	i := 0
	for i < len(line) && line[i] == ' ' {
		i++
	}
	return i
}

// lineFinding builds a finding of rule id spanning the given 1-based line.
func (f *yfile) lineFinding(id string, line int, key, msg string) rules.Finding {
	if line < 1 {
		line = 1
	}
	s := rules.Offset(f.src, line, 1)
	e := bytes.IndexByte(f.src[s:], '\n')
	if e < 0 {
		e = len(f.src) - s
	}
	e += s
	for e > s && f.src[e-1] == '\r' {
		e--
	}
	fd := rules.New(rules.MustLookup(id), f.display, f.src, s, e, msg)
	fd.Key = key
	return fd
}
