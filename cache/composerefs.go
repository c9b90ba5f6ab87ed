package cache

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"io/fs"
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"
)

// composeRefs lists the paths that a compose file names for compose-go to
// read (extends.file, include, env_file, label_file), wherever those keys
// are in the document (through anchors and merge keys too), and whether
// they are all plain paths the key can follow. A value that is
// interpolated, a project_directory, or a shape these keys do not have
// makes the set uncacheable (false). Over-approximating is harmless: a
// path named by such a key elsewhere in the document is only hashed too.
// includes reports which paths are compose files themselves (extends and
// include targets), whose own references count as well.
func composeRefs(src []byte) (paths []string, includes []bool, ok bool) {
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		// The front end reports the syntax error; a file that does not
		// parse reads nothing, but a doubt is a miss.
		return nil, nil, false
	}
	ok = true
	add := func(n *yaml.Node, compose bool) {
		n = alias(n)
		if n == nil || n.Kind != yaml.ScalarNode || strings.Contains(n.Value, "$") || n.Value == "" {
			ok = false
			return
		}
		paths = append(paths, n.Value)
		includes = append(includes, compose)
	}
	list := func(n *yaml.Node, compose bool, item func(*yaml.Node)) {
		switch n = alias(n); {
		case n == nil:
			ok = false
		case n.Kind == yaml.ScalarNode:
			add(n, compose)
		case n.Kind == yaml.SequenceNode:
			for _, it := range n.Content {
				item(alias(it))
			}
		default:
			ok = false
		}
	}
	envItem := func(it *yaml.Node) {
		if it != nil && it.Kind == yaml.MappingNode {
			if p := get(it, "path"); p != nil {
				add(p, false)
				return
			}
			ok = false
			return
		}
		add(it, false)
	}
	seen := map[*yaml.Node]bool{}
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		n = alias(n)
		if n == nil || seen[n] || !ok {
			return
		}
		seen[n] = true
		if n.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i].Value, n.Content[i+1]
				switch k {
				case "extends":
					if v := alias(v); v != nil && v.Kind == yaml.MappingNode {
						if f := get(v, "file"); f != nil {
							add(f, true)
						}
					}
				case "env_file", "label_file":
					list(v, false, envItem)
				case "include":
					list(v, true, func(it *yaml.Node) {
						if it == nil || it.Kind != yaml.MappingNode {
							add(it, true)
							return
						}
						if get(it, "project_directory") != nil {
							ok = false
						}
						if p := get(it, "path"); p != nil {
							list(p, true, func(x *yaml.Node) { add(x, true) })
						}
						if e := get(it, "env_file"); e != nil {
							list(e, false, func(x *yaml.Node) { add(x, false) })
						}
					})
				}
			}
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(&doc)
	return paths, includes, ok
}

func alias(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 100; i++ {
		n = n.Alias
	}
	if n != nil && n.Kind == yaml.AliasNode {
		return nil
	}
	return n
}

func get(m *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// composeReads adds to h what the compose files of a set read besides
// themselves: every file their references name, resolved against every
// folder compose-go may resolve it against (the naming file's folder, the
// set's folders, which hold the projects' working folders, and the
// working folder), present or not, and the references of the compose
// files those name, to a bounded depth. false: a reference the key cannot
// follow.
func composeReads(h *Hash, files []string, srcs map[string][]byte, names map[string]bool) bool {
	wd, _ := filepath.Abs(".")
	bases := map[string]bool{wd: true}
	for _, f := range files {
		if abs, err := filepath.Abs(filepath.Dir(f)); err == nil {
			bases[abs] = true
		}
	}
	baseList := sortedKeys(bases)
	type item struct {
		file  string
		depth int
	}
	var work []item
	scanned := map[string]bool{}
	for _, f := range files {
		abs, err := filepath.Abs(f)
		if err != nil {
			return false
		}
		scanned[abs] = true
		work = append(work, item{abs, 0})
	}
	hashed := map[string]bool{}
	for len(work) > 0 {
		it := work[0]
		work = work[1:]
		src, ok := srcs[it.file]
		if !ok {
			var err error
			if src, err = readRegular(it.file); err != nil {
				// A missing target is an error compose-go reports; its
				// absence is in the key already.
				continue
			}
			if bytes.Contains(src, []byte("COMPOSE_FILE")) || bytes.Contains(src, []byte("COMPOSE_PATH_SEPARATOR")) {
				return false
			}
			for _, m := range composeVar.FindAllSubmatch(src, -1) {
				names[string(m[1])] = true
			}
		}
		if !mayRefer(src) {
			continue
		}
		paths, compose, ok := composeRefs(src)
		if !ok {
			return false
		}
		for i, p := range paths {
			cands := []string{p}
			if !filepath.IsAbs(p) {
				cands = cands[:0]
				for _, b := range append([]string{filepath.Dir(it.file)}, baseList...) {
					cands = append(cands, filepath.Join(b, p))
				}
			}
			for _, c := range cands {
				if hashed[c] {
					continue
				}
				hashed[c] = true
				b, err := readRegular(c)
				switch {
				case err == nil:
					sum := sumOf(b)
					h.String("read").String(c).Bytes(sum[:])
				case errorsIsNotExist(err):
					h.String("absent").String(c)
				default:
					return false // a FIFO, a device, an unreadable file
				}
				if compose[i] && err == nil && !scanned[c] {
					if it.depth >= 8 {
						return false
					}
					scanned[c] = true
					work = append(work, item{c, it.depth + 1})
				}
			}
		}
	}
	return true
}

// mayRefer reports whether src can name a file for compose-go to read: a
// cheap test before a YAML parse.
func mayRefer(src []byte) bool {
	for _, w := range []string{"extends", "include", "env_file", "label_file"} {
		if bytes.Contains(src, []byte(w)) {
			return true
		}
	}
	return false
}

func sumOf(b []byte) fileSum { return sha256.Sum256(b) }

func errorsIsNotExist(err error) bool { return errors.Is(err, fs.ErrNotExist) }
