package compose

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/dockguard/dockguard/rules"
)

// compose-go reads some files itself with os.ReadFile: env_file and
// label_file of each service, include and extends.file targets, and the
// .env of the working folder. A FIFO there hangs the run for ever, and
// /dev/zero or a sparse file of gigabytes exhausts memory, so every such
// file is vetted before a load: it must be a regular file (after symlinks
// are resolved) no larger than the size limit.

// vetRead says why compose-go must not read path: "" when it may, or when
// the file does not exist (compose-go reports that itself).
func vetRead(path string, limit int64) string {
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return ""
	case err != nil:
		// The path is already in the message; say only what went wrong
		// ("too many levels of symbolic links").
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return "cannot be read: " + err.Error()
	case !fi.Mode().IsRegular():
		return "is not a regular file"
	case fi.Size() > limit:
		return fmt.Sprintf("is larger than the %s limit", humanBytes(limit))
	}
	return ""
}

// unsafeReads reports, as DG004 findings on the values naming them, the
// files of p's project that compose-go would read itself and must not.
// The include and extends targets come from the project's own file index
// (allFiles), so no second walk is made.
func unsafeReads(c *fileCache, p *project) []rules.Finding {
	var out []rules.Finding
	for _, f := range p.allFiles(c) {
		if f.root == nil {
			continue
		}
		report := func(what string, n *yaml.Node, path string) {
			why := vetRead(path, c.limit())
			if why == "" {
				return
			}
			fd := f.finding("DG004", n, "load:file:"+filepath.Base(path),
				fmt.Sprintf("%s %s %s; dockguard did not load this project with Compose, so only its raw YAML is checked", what, n.Value, why))
			out = append(out, fd)
		}
		// include and extends.file targets.
		for _, inc := range includeNodes(f) {
			if path, ok := refPath(f, inc.Value); ok {
				report("include", inc, path)
			}
		}
		for _, sv := range f.services {
			_, ext := mapGet(sv.value, "extends")
			if ext = resolveAlias(ext); ext != nil && ext.Kind == yaml.MappingNode {
				if _, fn := mapGet(ext, "file"); fn != nil {
					if s, ok := scalar(fn); ok {
						if path, ok := refPath(f, s); ok {
							report("extends.file", resolveAlias(fn), path)
						}
					}
				}
			}
			for _, key := range []string{"env_file", "label_file"} {
				_, v := mapGet(sv.value, key)
				for _, n := range pathValues(v) {
					if path, ok := refPath(f, n.Value); ok {
						report(key, n, path)
					}
				}
			}
		}
	}
	return out
}

// pathValues lists the path scalars of an env_file or label_file value:
// a string, a list of strings, or a list of {path: …} mappings.
func pathValues(v *yaml.Node) []*yaml.Node {
	v = resolveAlias(v)
	if v == nil {
		return nil
	}
	if _, ok := scalar(v); ok {
		return []*yaml.Node{v}
	}
	if v.Kind != yaml.SequenceNode {
		return nil
	}
	var out []*yaml.Node
	for _, e := range v.Content {
		e = resolveAlias(e)
		if _, ok := scalar(e); ok {
			out = append(out, e)
			continue
		}
		if _, pn := mapGet(e, "path"); pn != nil {
			if _, ok := scalar(pn); ok {
				out = append(out, resolveAlias(pn))
			}
		}
	}
	return out
}

// includeNodes lists the path scalars of f's include: entries, in every
// form (a string, {path: string}, {path: [strings]}, env_file too).
func includeNodes(f *yfile) []*yaml.Node {
	_, inc := mapGet(f.root, "include")
	inc = resolveAlias(inc)
	if inc == nil || inc.Kind != yaml.SequenceNode {
		return nil
	}
	var out []*yaml.Node
	for _, e := range inc.Content {
		e = resolveAlias(e)
		if _, ok := scalar(e); ok {
			out = append(out, e)
			continue
		}
		for _, key := range []string{"path", "env_file"} {
			_, pn := mapGet(e, key)
			out = append(out, pathValues(pn)...)
		}
	}
	return out
}

// vetEnvFiles says why the .env of dir, or a file COMPOSE_ENV_FILES names,
// must not be read; "" when they may.
func vetEnvFiles(dir string, limit int64) error {
	files := []string{filepath.Join(dir, ".env")}
	if v := os.Getenv("COMPOSE_ENV_FILES"); v != "" {
		files = nil // they replace .env
		for _, e := range strings.Split(v, ",") {
			if e = strings.TrimSpace(e); e != "" {
				if !filepath.IsAbs(e) {
					e = filepath.Join(dir, e)
				}
				files = append(files, e)
			}
		}
	}
	for _, p := range files {
		if why := vetRead(p, limit); why != "" {
			return fmt.Errorf("%s %s", p, why)
		}
	}
	return nil
}
