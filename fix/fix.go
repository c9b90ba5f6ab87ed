package fix

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/dockguard/dockguard/rules"
)

// Checked is what a finding's file held when it was checked: its bytes and
// every finding the front end reported on them before suppressions,
// baselines and new-code filters (with the run's rule selection applied).
type Checked struct {
	Src []byte
	Raw []rules.Finding
}

// Recheck checks new contents of file in memory, with the run's rule
// selection and without suppressions, and returns its findings.
type Recheck func(ctx context.Context, file string, src []byte) []rules.Finding

// Options configure Run.
type Options struct {
	// Checked returns what file held when it was checked; nil (or a nil
	// result) means the file is read now and its findings are not
	// compared against a raw count.
	Checked func(file string) *Checked
	// Recheck re-checks fixed contents in memory. Required.
	Recheck Recheck
	// Dir resolves relative finding paths (default: the working
	// directory).
	Dir string
	// Roots are the directories a file, once its links are resolved, must
	// lie in to be written; empty allows any.
	Roots []string
	// Write replaces the files; without it Run only computes (--diff).
	Write bool
	// InMemory reports a file that is not on disk (standard input): its
	// checked contents are fixed in memory and never written.
	InMemory func(file string) bool
}

// Rejected is a fix that was not applied, and why.
type Rejected struct {
	Finding rules.Finding
	Reason  string
}

// File is the outcome for one file that had fixes.
type File struct {
	// Name is the finding path; Path the file that was (or would be)
	// written, links resolved.
	Name, Path string
	// Before and After are the contents before and after the applied
	// fixes; equal when none was applied.
	Before, After []byte
	// Applied are the fixed findings' edits, sorted: the map from Before to
	// After.
	Edits []rules.Edit
	// Findings is the re-check of After.
	Findings []rules.Finding
	// Written reports that After replaced the file on disk.
	Written bool
}

// Changed reports whether some fix was applied to the file.
func (f *File) Changed() bool { return !bytes.Equal(f.Before, f.After) }

// Result is the outcome of Run.
type Result struct {
	// Files are the files with applied fixes, by name.
	Files []*File
	// Applied are the findings whose fix was applied (or, without
	// Options.Write, would be).
	Applied []rules.Finding
	// Rejected are the fixes that were not applied.
	Rejected []Rejected
	// Errors are files that had fixes and could not be fixed at all
	// (unreadable, changed on disk, read-only, outside the root, a write
	// failed). Their findings are also in Rejected.
	Errors []rules.Note
}

// Run applies the fixes of findings. Findings without fixes are ignored.
func Run(ctx context.Context, findings []rules.Finding, opts *Options) *Result {
	byFile := map[string][]rules.Finding{}
	var names []string
	for _, f := range findings {
		if len(f.Fixes) == 0 || f.File == "" || strings.Contains(f.File, "://") {
			continue
		}
		if _, ok := byFile[f.File]; !ok {
			names = append(names, f.File)
		}
		byFile[f.File] = append(byFile[f.File], f)
	}
	sort.Strings(names)
	// Files are independent: fix them in parallel (re-checks use the CPUs,
	// fsyncs wait on the disk), each into its own Result, merged in name
	// order so the outcome does not depend on scheduling.
	parts := make([]Result, len(names))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(len(names), 2*runtime.GOMAXPROCS(0)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				if ctx.Err() != nil {
					parts[i].reject(byFile[names[i]], "the run was cancelled")
					continue
				}
				parts[i].file(ctx, names[i], byFile[names[i]], opts)
			}
		}()
	}
	for i := range names {
		next <- i
	}
	close(next)
	wg.Wait()
	res := &Result{}
	dirs := map[string]bool{}
	for i := range parts {
		p := &parts[i]
		res.Files = append(res.Files, p.Files...)
		res.Applied = append(res.Applied, p.Applied...)
		res.Rejected = append(res.Rejected, p.Rejected...)
		res.Errors = append(res.Errors, p.Errors...)
		for _, f := range p.Files {
			if f.Written {
				dirs[filepath.Dir(f.Path)] = true
			}
		}
	}
	// The renames are durable once their folders are synced, each once.
	for d := range dirs {
		syncDir(d)
	}
	return res
}

func (r *Result) reject(fs []rules.Finding, reason string) {
	for _, f := range fs {
		r.Rejected = append(r.Rejected, Rejected{Finding: f, Reason: reason})
	}
}

// fail records that a whole file could not be fixed.
func (r *Result) fail(name string, fs []rules.Finding, msg string) {
	r.Errors = append(r.Errors, rules.Note{File: name, Message: msg})
	r.reject(fs, msg)
}

func (o *Options) path(name string) string {
	if filepath.IsAbs(name) {
		return name
	}
	dir := o.Dir
	if dir == "" {
		dir, _ = os.Getwd()
	}
	return filepath.Join(dir, filepath.FromSlash(name))
}

// candidate is one finding's fix, validated and sorted.
type candidate struct {
	finding rules.Finding
	edits   []rules.Edit
	// dups are findings whose fix is the same edits.
	dups []rules.Finding
}

func (r *Result) file(ctx context.Context, name string, fs []rules.Finding, opts *Options) {
	var ck *Checked
	if opts.Checked != nil {
		ck = opts.Checked(name)
	}
	if opts.InMemory != nil && opts.InMemory(name) {
		if ck == nil {
			r.fail(name, fs, "not fixed: its contents were not kept")
			return
		}
		r.fix(ctx, name, "", ck.Src, ck, fs, opts)
		return
	}
	path := opts.path(name)
	target, err := filepath.EvalSymlinks(path)
	if err != nil {
		r.fail(name, fs, fmt.Sprintf("not fixed: %v", unwrap(err)))
		return
	}
	if !inRoots(target, opts.Roots) {
		r.fail(name, fs, fmt.Sprintf("not fixed: it is a symbolic link to %s, outside the checked directory", target))
		return
	}
	disk, err := os.ReadFile(target)
	if err != nil {
		r.fail(name, fs, fmt.Sprintf("not fixed: %v", unwrap(err)))
		return
	}
	before := disk
	if ck != nil {
		if !bytes.Equal(ck.Src, disk) {
			r.fail(name, fs, "not fixed: the file changed on disk since it was checked; run again")
			return
		}
		before = ck.Src
	}
	r.fix(ctx, name, target, before, ck, fs, opts)
}

// fix applies the fixes of fs to before, the checked contents of name,
// and writes the result to target when opts.Write and target are set.
func (r *Result) fix(ctx context.Context, name, target string, before []byte, ck *Checked, fs []rules.Finding, opts *Options) {
	cands := r.candidates(fs, len(before))
	if len(cands) == 0 {
		return
	}
	var raw []rules.Finding
	if ck != nil {
		raw = ck.Raw
	} else {
		raw = opts.Recheck(ctx, name, before)
	}
	v := &verifier{ctx: ctx, name: name, before: before, raw: raw, recheck: opts.Recheck}
	kept, after, again := v.all(cands)
	if kept == nil {
		// Together they fail: find the ones that fail on their own, in
		// offset order, keeping each that works with those before it.
		kept, after, again = v.oneByOne(cands, r)
	}
	if len(kept) == 0 {
		return
	}
	out := &File{Name: name, Path: target, Before: before, After: after, Findings: again}
	for _, c := range kept {
		out.Edits = append(out.Edits, c.edits...)
	}
	sort.SliceStable(out.Edits, func(i, j int) bool { return out.Edits[i].Start < out.Edits[j].Start })
	if opts.Write && target != "" {
		if err := write(target, before, after); err != nil {
			r.fail(name, appliedOf(kept), fmt.Sprintf("not fixed: %v", err))
			return
		}
		out.Written = true
	}
	r.Files = append(r.Files, out)
	r.Applied = append(r.Applied, appliedOf(kept)...)
}

func appliedOf(cs []*candidate) []rules.Finding {
	var out []rules.Finding
	for _, c := range cs {
		out = append(out, c.finding)
		out = append(out, c.dups...)
	}
	return out
}

// candidates validates the fixes, sorts them by offset, merges identical
// ones and drops those that overlap one before them.
func (r *Result) candidates(fs []rules.Finding, n int) []*candidate {
	var all []*candidate
	for _, f := range fs {
		edits, err := validate(f.Fixes, n)
		if err != nil {
			r.Rejected = append(r.Rejected, Rejected{Finding: f, Reason: "not applied: " + err.Error()})
			continue
		}
		all = append(all, &candidate{finding: f, edits: edits})
	}
	sort.SliceStable(all, func(i, j int) bool {
		a, b := all[i].edits[0], all[j].edits[0]
		if a.Start != b.Start {
			return a.Start < b.Start
		}
		return a.End < b.End
	})
	var kept []*candidate
next:
	for _, c := range all {
		for _, k := range kept {
			if sameEdits(k.edits, c.edits) {
				k.dups = append(k.dups, c.finding)
				continue next
			}
			if conflicts(k.edits, c.edits) {
				r.Rejected = append(r.Rejected, Rejected{Finding: c.finding, Reason: fmt.Sprintf("not applied: its edits overlap the fix of %s at line %d, which was applied first; run again to fix it", k.finding.Rule, k.finding.Line)})
				continue next
			}
		}
		kept = append(kept, c)
	}
	return kept
}

func inRoots(path string, roots []string) bool {
	if len(roots) == 0 {
		return true
	}
	for _, root := range roots {
		if path == root || strings.HasPrefix(path, strings.TrimSuffix(root, string(filepath.Separator))+string(filepath.Separator)) {
			return true
		}
	}
	return false
}

// unwrap drops the path an os error repeats: messages name the file once.
func unwrap(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
