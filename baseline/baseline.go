// Package baseline freezes the findings a repository already has, so that
// only new ones fail, and restricts findings to changed lines
// (--new-from-rev).
//
// A baseline entry's fingerprint survives line shifts: it is the rule, the
// repository-relative file, a hash of the finding's Key (the normalised
// command, or the service name) and the occurrence index of that hash in
// the file, never a line number.
package baseline

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/dockguard/dockguard/rules"
)

// DefaultFile is the baseline file name `dockguard baseline` writes.
const DefaultFile = ".dockguard-baseline.json"

// Version is the baseline file format version.
const Version = 1

// Entry is one frozen finding.
type Entry struct {
	Rule string `json:"rule"`
	// File is relative to the repository root, with forward slashes.
	File string `json:"file"`
	// Hash is a hash of the finding's key (see Fingerprinter.Key).
	Hash string `json:"hash"`
	// Occurrence counts earlier findings of the same rule, file and hash.
	Occurrence int `json:"occurrence"`
	// Line and Message help a reader find the finding; matching ignores them.
	Line    int    `json:"line,omitempty"`
	Message string `json:"message,omitempty"`
}

// id is what matching compares.
func (e *Entry) id() string {
	return fmt.Sprintf("%s\x00%s\x00%s\x00%d", e.Rule, e.File, e.Hash, e.Occurrence)
}

// File is a baseline file's contents.
type File struct {
	Version int     `json:"version"`
	Tool    string  `json:"tool,omitempty"`
	Entries []Entry `json:"findings"`
}

// Fingerprinter turns findings into entries.
type Fingerprinter struct {
	// Root is the repository root; Dir is the directory relative finding
	// paths are relative to (the working directory).
	Root, Dir string
	// Source returns a file's contents; it may be nil or return nil.
	Source func(file string) []byte
}

// RepoPath returns file relative to Root with forward slashes, or file
// unchanged when it lies outside Root (or is not a path at all).
func (fp *Fingerprinter) RepoPath(file string) string {
	if file == "" || strings.Contains(file, "://") {
		return file
	}
	abs := filepath.FromSlash(file)
	if !filepath.IsAbs(abs) {
		abs = filepath.Join(fp.Dir, abs)
	}
	if fp.Root != "" {
		if rel, err := filepath.Rel(fp.Root, abs); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return filepath.ToSlash(rel)
		}
	}
	return filepath.ToSlash(file)
}

// Key returns the position-independent text a finding is fingerprinted by:
// its Key, else the flagged source text with whitespace normalised, else
// its message.
func (fp *Fingerprinter) Key(f *rules.Finding) string {
	if f.Key != "" {
		return f.Key
	}
	if fp.Source != nil && f.End > f.Start {
		if src := fp.Source(f.File); f.End <= len(src) {
			if t := strings.Join(strings.Fields(string(src[f.Start:f.End])), " "); t != "" {
				return t
			}
		}
	}
	return f.Message
}

// Entries fingerprints fs. Occurrence indexes follow position order, so
// two identical commands in one file stay distinct entries.
func (fp *Fingerprinter) Entries(fs []rules.Finding) []Entry {
	order := make([]int, len(fs))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool {
		x, y := &fs[order[a]], &fs[order[b]]
		if x.Line != y.Line {
			return x.Line < y.Line
		}
		return x.Column < y.Column
	})
	out := make([]Entry, len(fs))
	seen := map[string]int{}
	for _, i := range order {
		f := &fs[i]
		sum := sha256.Sum256([]byte(fp.Key(f)))
		e := Entry{Rule: f.Rule, File: fp.RepoPath(f.File), Hash: hex.EncodeToString(sum[:8]), Line: f.Line, Message: f.Message}
		k := e.id()
		e.Occurrence = seen[k]
		seen[k]++
		out[i] = e
	}
	return out
}

// New builds a baseline of fs, sorted by file, rule and position.
func (fp *Fingerprinter) New(tool string, fs []rules.Finding) *File {
	es := fp.Entries(fs)
	sort.SliceStable(es, func(i, j int) bool {
		a, b := &es[i], &es[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Rule != b.Rule {
			return a.Rule < b.Rule
		}
		return a.Occurrence < b.Occurrence
	})
	return &File{Version: Version, Tool: tool, Entries: es}
}

// Apply splits fs into the findings the baseline does not hold (kept) and
// those it does (hidden), and returns the entries that matched nothing
// (stale: the finding was fixed, so the entry can go).
func (b *File) Apply(fp *Fingerprinter, fs []rules.Finding) (kept, hidden []rules.Finding, stale []Entry) {
	want := map[string]bool{}
	for i := range b.Entries {
		want[b.Entries[i].id()] = true
	}
	used := map[string]bool{}
	for i, e := range fp.Entries(fs) {
		if k := e.id(); want[k] {
			used[k] = true
			hidden = append(hidden, fs[i])
			continue
		}
		kept = append(kept, fs[i])
	}
	for _, e := range b.Entries {
		if !used[e.id()] {
			stale = append(stale, e)
		}
	}
	return kept, hidden, stale
}

// Marshal encodes the baseline as indented JSON with a final newline.
func (b *File) Marshal() ([]byte, error) {
	if b.Entries == nil {
		b.Entries = []Entry{}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(b); err != nil {
		return nil, fmt.Errorf("encode baseline: %w", err)
	}
	return buf.Bytes(), nil
}

// Write saves the baseline at path.
func (b *File) Write(path string) error {
	data, err := b.Marshal()
	if err != nil {
		return err
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return fmt.Errorf("write baseline: %w", err)
	}
	return nil
}

// Load reads a baseline file.
func Load(path string) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("baseline %s does not exist (create it with `dockguard baseline`)", path)
		}
		return nil, fmt.Errorf("read baseline: %w", err)
	}
	var b File
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&b); err != nil {
		return nil, fmt.Errorf("baseline %s: %w", path, err)
	}
	if b.Version != Version {
		return nil, fmt.Errorf("baseline %s: version %d, want %d", path, b.Version, Version)
	}
	for i, e := range b.Entries {
		if e.Rule == "" || e.File == "" || e.Hash == "" || e.Occurrence < 0 {
			return nil, fmt.Errorf("baseline %s: entry %d lacks rule, file or hash", path, i+1)
		}
	}
	return &b, nil
}
