package compose

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/dockguard/dockguard/rules"
)

// This file builds byte edits at yaml.v3 node positions. The document is
// never re-marshalled: what is not inserted or replaced stays byte for byte
// as it was (comments, key order, quoting, anchors, merge keys, line ends).

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// offsetOf returns the byte offset at which node n starts. yaml.v3 counts
// columns in runes and does not count a byte order mark.
func (f *yfile) offsetOf(n *yaml.Node) int {
	col := rules.RuneColumnToByte(f.src, n.Line, n.Column)
	if n.Line == 1 && bytes.HasPrefix(f.src, utf8BOM) {
		col += len(utf8BOM)
	}
	return rules.Offset(f.src, n.Line, col)
}

// eol is the file's line ending: CRLF when any line ends so.
func (f *yfile) eol() string {
	if bytes.Contains(f.src, []byte("\r\n")) {
		return "\r\n"
	}
	return "\n"
}

// lineBounds returns the start of the line holding off and the offset of
// its end (before "\r\n" or "\n", or the end of the file).
func (f *yfile) lineBounds(off int) (start, end int) {
	start = bytes.LastIndexByte(f.src[:off], '\n') + 1
	end = bytes.IndexByte(f.src[off:], '\n')
	if end < 0 {
		end = len(f.src)
	} else {
		end += off
	}
	if end > start && f.src[end-1] == '\r' {
		end--
	}
	return start, end
}

// nextLine returns the offset of the line after the one holding off, or
// len(src) on the last line.
func (f *yfile) nextLine(off int) int {
	i := bytes.IndexByte(f.src[off:], '\n')
	if i < 0 {
		return len(f.src)
	}
	return off + i + 1
}

// keyIndent returns the indentation of key node k, which must start its
// line (a block mapping key); ok is false otherwise.
func (f *yfile) keyIndent(k *yaml.Node) (int, bool) {
	off := f.offsetOf(k)
	ls, _ := f.lineBounds(off)
	if ls == 0 && bytes.HasPrefix(f.src, utf8BOM) {
		ls = len(utf8BOM)
	}
	for i := ls; i < off; i++ {
		if f.src[i] != ' ' {
			return 0, false
		}
	}
	return off - ls, true
}

// blockEnd returns the offset at which a new entry of block mapping m goes:
// the start of the line after m's last content line. Blank and comment
// lines that follow the last entry stay after the insertion, because they
// usually introduce what comes next.
func (f *yfile) blockEnd(m *yaml.Node) (int, error) {
	if len(m.Content) < 2 {
		return 0, errors.New("empty mapping")
	}
	lastKey := m.Content[len(m.Content)-2]
	indent, ok := f.keyIndent(lastKey)
	if !ok {
		return 0, errors.New("mapping key does not start its line")
	}
	end := f.nextLine(f.offsetOf(lastKey))
	// A flow collection may continue on lines indented less than its key.
	if v := m.Content[len(m.Content)-1]; v.Style&yaml.FlowStyle != 0 && (v.Kind == yaml.MappingNode || v.Kind == yaml.SequenceNode) {
		if c, _, err := flowScan(f.src, f.offsetOf(v)); err == nil {
			end = f.nextLine(c)
		}
	}
	for pos := end; pos < len(f.src); {
		next := f.nextLine(pos)
		line := bytes.TrimRight(f.src[pos:next], "\r\n")
		trimmed := bytes.TrimLeft(line, " ")
		ind := len(line) - len(trimmed)
		switch {
		case len(bytes.TrimSpace(trimmed)) == 0 || trimmed[0] == '#':
			// blank or comment: decided by what follows
		case ind > indent:
			end = next
		case ind == indent && trimmed[0] == '-' && (len(trimmed) == 1 || trimmed[1] == ' '):
			end = next // a sequence written at its key's indentation
		default:
			return end, nil
		}
		pos = next
	}
	return end, nil
}

// indentStep is the file's indentation width, measured at the service:
// the columns between its key and its attributes.
func (f *yfile) indentStep(svcKey, svc *yaml.Node) int {
	if svc != nil && svc.Kind == yaml.MappingNode && svc.Style&yaml.FlowStyle == 0 && len(svc.Content) > 0 {
		if ki, ok := f.keyIndent(svcKey); ok {
			if ci, ok := f.keyIndent(svc.Content[0]); ok && ci > ki {
				return ci - ki
			}
		}
	}
	if f.servicesKey != nil {
		for _, sv := range f.services {
			if ki, ok := f.keyIndent(f.servicesKey); ok {
				if si, ok := f.keyIndent(sv.key); ok && si > ki {
					return si - ki
				}
			}
			break
		}
	}
	return 2
}

// flowScan finds the end of the flow collection opening at src[open]: the
// offset of its closing bracket and the end of its last content (so that
// an entry can be appended after it even when a comment follows). Quoted
// scalars and comments are skipped.
func flowScan(src []byte, open int) (closeAt, lastContent int, err error) {
	depth := 0
	lastContent = open + 1
	for i := open; i < len(src); i++ {
		c := src[i]
		switch c {
		case '\'', '"':
			j := i + 1
			for ; j < len(src); j++ {
				if c == '\'' && src[j] == '\'' {
					if j+1 < len(src) && src[j+1] == '\'' {
						j++
						continue
					}
					break
				}
				if c == '"' && src[j] == '\\' {
					j++
					continue
				}
				if c == '"' && src[j] == '"' {
					break
				}
			}
			if j >= len(src) {
				return 0, 0, errors.New("unterminated quoted scalar")
			}
			i = j
			lastContent = i + 1
		case '#':
			if i > 0 && (src[i-1] == ' ' || src[i-1] == '\t' || src[i-1] == '\n') {
				nl := bytes.IndexByte(src[i:], '\n')
				if nl < 0 {
					return 0, 0, errors.New("unterminated flow collection")
				}
				i += nl
				continue
			}
			lastContent = i + 1
		case '{', '[':
			depth++
			if i != open {
				lastContent = i + 1
			}
		case '}', ']':
			depth--
			if depth == 0 {
				return i, lastContent, nil
			}
			lastContent = i + 1
		case ' ', '\t', '\r', '\n':
		default:
			lastContent = i + 1
		}
	}
	return 0, 0, errors.New("unterminated flow collection")
}

// tnode is a tree of keys to insert; a leaf carries a value.
type tnode struct {
	key, value string
	comment    string // without "# "; leaves only
	kids       []*tnode
}

func (t *tnode) child(key string) *tnode {
	for _, k := range t.kids {
		if k.key == key {
			return k
		}
	}
	k := &tnode{key: key}
	t.kids = append(t.kids, k)
	return k
}

// add puts lf's value at path below t.
func (t *tnode) add(path []string, lf leaf) {
	for _, k := range path {
		t = t.child(k)
	}
	t.value, t.comment = lf.value, lf.comment
}

func (t *tnode) comments() []string {
	var out []string
	if t.comment != "" {
		out = append(out, t.comment)
	}
	for _, k := range t.kids {
		out = append(out, k.comments()...)
	}
	return out
}

// block renders t's children as block lines at indent, each level step
// deeper; every line ends with eol.
func (t *tnode) block(b *strings.Builder, indent, step int, eol string, comments bool) {
	for _, k := range t.kids {
		b.WriteString(strings.Repeat(" ", indent))
		b.WriteString(k.key)
		b.WriteString(":")
		if len(k.kids) == 0 {
			b.WriteString(" " + k.value)
			if comments && k.comment != "" {
				b.WriteString("  # " + k.comment)
			}
			b.WriteString(eol)
			continue
		}
		b.WriteString(eol)
		k.block(b, indent+step, step, eol, comments)
	}
}

// flow renders t's children as flow mapping entries ("a: {b: 1}, c: 2").
func (t *tnode) flow() string {
	parts := make([]string, 0, len(t.kids))
	for _, k := range t.kids {
		if len(k.kids) == 0 {
			parts = append(parts, k.key+": "+k.value)
		} else {
			parts = append(parts, k.key+": {"+k.flow()+"}")
		}
	}
	return strings.Join(parts, ", ")
}

// insertion is a tree to add to one mapping.
type insertion struct {
	m    *yaml.Node // the mapping; a null-valued key's value when under
	key  *yaml.Node // set when m is a null value: the key whose value it is
	tree *tnode
}

// errNotEditable means the path runs through a node an edit in this
// service cannot change without changing others (an alias, a merge key,
// a !reset).
type errNotEditable struct{ why string }

func (e *errNotEditable) Error() string { return e.why }

// leaf is one value to set at a key path below a service mapping.
type leaf struct {
	path    []string
	value   string // rendered, quoted as the file quotes
	comment string
}

// setLeaves computes the edits that set each leaf below service mapping svc
// (keyed by svcKey) in f. Existing scalars on the path's end are replaced;
// missing keys are inserted, several at one point as one tree.
func (f *yfile) setLeaves(svcKey, svc *yaml.Node, leaves []leaf, comments bool) ([]rules.Edit, error) {
	var ins []*insertion
	var edits []rules.Edit
	find := func(m, key *yaml.Node) *insertion {
		for _, x := range ins {
			if x.m == m {
				return x
			}
		}
		x := &insertion{m: m, key: key, tree: &tnode{}}
		ins = append(ins, x)
		return x
	}
	for _, lf := range leaves {
		cur, curKey := svc, svcKey
		done := false
		for i, k := range lf.path {
			last := i == len(lf.path)-1
			if cur.Kind == yaml.ScalarNode && cur.Tag == "!!null" && cur.Value == "" && cur.Style == 0 {
				// `deploy:` with nothing after it: its children go below it.
				find(cur, curKey).tree.add(lf.path[i:], lf)
				done = true
				break
			}
			if cur.Kind != yaml.MappingNode {
				return nil, &errNotEditable{fmt.Sprintf("%s is not a mapping", strings.Join(lf.path[:i], "."))}
			}
			kn, vn := directGet(cur, k)
			if kn == nil {
				if mk, _ := mapGet(cur, k); mk != nil && !last {
					return nil, &errNotEditable{fmt.Sprintf("%s comes from a merge key (<<), which a new %s key would replace as a whole", strings.Join(lf.path[:i+1], "."), k)}
				}
				find(cur, nil).tree.add(lf.path[i:], lf)
				done = true
				break
			}
			if isReset(vn) {
				return nil, &errNotEditable{fmt.Sprintf("%s is !reset here", strings.Join(lf.path[:i+1], "."))}
			}
			if vn.Kind == yaml.AliasNode {
				return nil, &errNotEditable{fmt.Sprintf("%s is the alias *%s, shared with what else uses it", strings.Join(lf.path[:i+1], "."), vn.Value)}
			}
			if last {
				if vn.Kind != yaml.ScalarNode {
					return nil, &errNotEditable{strings.Join(lf.path, ".") + " is not a scalar"}
				}
				e, err := f.replaceScalar(vn, lf.value, lf.comment, comments)
				if err != nil {
					return nil, err
				}
				edits = append(edits, e)
				done = true
				break
			}
			cur, curKey = vn, kn
		}
		if !done {
			return nil, errors.New("empty path")
		}
	}
	step := f.indentStep(svcKey, svc)
	eol := f.eol()
	for _, x := range ins {
		e, err := f.insertTree(x, step, eol, comments)
		if err != nil {
			return nil, err
		}
		edits = append(edits, e)
	}
	return mergeInsertions(edits), nil
}

// mergeInsertions joins pure insertions at the same offset into one edit,
// keeping their order (the deeper mapping's entries, computed first, come
// first), so that no two edits of one fix overlap.
func mergeInsertions(es []rules.Edit) []rules.Edit {
	var out []rules.Edit
	for _, e := range es {
		merged := false
		for i := range out {
			if out[i].Start == e.Start && out[i].End == e.Start && e.End == e.Start {
				out[i].NewText += e.NewText
				merged = true
				break
			}
		}
		if !merged {
			out = append(out, e)
		}
	}
	return out
}

// insertTree renders an insertion into its mapping.
func (f *yfile) insertTree(x *insertion, step int, eol string, comments bool) (rules.Edit, error) {
	if x.key != nil {
		// Children of a null-valued key go on the lines below it.
		ind, ok := f.keyIndent(x.key)
		if !ok {
			return rules.Edit{}, errors.New("key does not start its line")
		}
		at := f.nextLine(f.offsetOf(x.key))
		var b strings.Builder
		prefix := ""
		if at == len(f.src) && (len(f.src) == 0 || f.src[len(f.src)-1] != '\n') {
			prefix = eol
		}
		x.tree.block(&b, ind+step, step, eol, comments)
		return rules.Edit{Start: at, End: at, NewText: prefix + b.String()}, nil
	}
	m := x.m
	if m.Style&yaml.FlowStyle != 0 {
		open := f.offsetOf(m)
		if open >= len(f.src) || f.src[open] != '{' {
			return rules.Edit{}, errors.New("flow mapping without its brace")
		}
		closeAt, last, err := flowScan(f.src, open)
		if err != nil {
			return rules.Edit{}, err
		}
		text := x.tree.flow()
		at := last
		switch {
		case len(m.Content) == 0:
			at = open + 1
		case f.src[last-1] == ',':
			text = " " + text
		default:
			text = ", " + text
		}
		e := rules.Edit{Start: at, End: at, NewText: text}
		// The comment goes at the end of the line when only closing
		// brackets follow the insertion on it.
		if cs := x.tree.comments(); comments && len(cs) > 0 {
			_, le := f.lineBounds(closeAt)
			rest := f.src[at:le]
			if len(bytes.Trim(rest, " \t}],")) == 0 {
				e.End = le
				e.NewText = text + string(rest) + "  # " + strings.Join(cs, "; ")
			}
		}
		return e, nil
	}
	at, err := f.blockEnd(m)
	if err != nil {
		return rules.Edit{}, err
	}
	ind, ok := f.keyIndent(m.Content[0])
	if !ok {
		return rules.Edit{}, errors.New("mapping key does not start its line")
	}
	var b strings.Builder
	prefix := ""
	if at == len(f.src) && len(f.src) > 0 && f.src[len(f.src)-1] != '\n' {
		prefix = eol
	}
	x.tree.block(&b, ind, step, eol, comments)
	return rules.Edit{Start: at, End: at, NewText: prefix + b.String()}, nil
}

// replaceScalar replaces the value of scalar n, keeping its quotes. A
// variable with a default (${MEM:-0}) keeps the variable: only the default
// is replaced. The comment is added when the line has none.
func (f *yfile) replaceScalar(n *yaml.Node, value, comment string, comments bool) (rules.Edit, error) {
	if n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		return rules.Edit{}, &errNotEditable{"the value is a block scalar"}
	}
	s, e := f.nodeRange(n)
	if e <= s {
		return rules.Edit{}, errors.New("empty value")
	}
	old := string(f.src[s:e])
	inner := strings.Trim(value, `'"`)
	var text string
	if m := defaultVarRE.FindStringSubmatchIndex(old); m != nil {
		text = old[:m[2]] + inner + old[m[3]:]
	} else {
		switch {
		case n.Style&yaml.DoubleQuotedStyle != 0:
			text = `"` + inner + `"`
		case n.Style&yaml.SingleQuotedStyle != 0:
			text = "'" + inner + "'"
		default:
			text = value
		}
	}
	ed := rules.Edit{Start: s, End: e, NewText: text}
	if comments && comment != "" {
		_, le := f.lineBounds(e)
		if rest := f.src[e:le]; !bytes.Contains(rest, []byte("#")) {
			ed.End = le
			ed.NewText = text + string(bytes.TrimRight(rest, " \t")) + "  # " + comment
		}
	}
	return ed, nil
}

// directGet is mapGet without merge keys: m's own key only.
func directGet(m *yaml.Node, key string) (k, v *yaml.Node) {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil, nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		kn := m.Content[i]
		if kn.Kind == yaml.ScalarNode && kn.Value == key && kn.Tag != "!!merge" {
			k, v = kn, m.Content[i+1]
		}
	}
	return k, v
}

// defaultVarRE matches a variable with a default, ${NAME:-default} or
// ${NAME-default}; group 1 is the default.
var defaultVarRE = regexp.MustCompile(`\$\{[A-Za-z_][A-Za-z0-9_]*:?-([^}]*)\}`)
