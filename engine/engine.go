// Package engine runs dockguard's static checks: it walks the given paths in
// parallel, decides which front end reads each file, skips files that cannot
// produce a finding, and merges every front end's findings into one sorted
// result.
package engine

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/dockguard/dockguard/fix"
	"github.com/dockguard/dockguard/rules"
	"github.com/dockguard/dockguard/shell"
)

// DefaultMaxFileSize is the size above which files are skipped with a note.
const DefaultMaxFileSize = 4 << 20

// BatchFunc checks files of one kind that must be read together (Go
// packages, compose projects). The paths are display paths (see DisplayPath).
type BatchFunc func(ctx context.Context, files []string) rules.Result

// SourceFunc checks one file whose contents are already in memory (stdin).
type SourceFunc func(ctx context.Context, file string, src []byte) rules.Result

// FileFunc checks one shell-family file. It must not keep src after it
// returns: the engine reuses the buffer.
type FileFunc func(file string, src []byte, cfg *shell.Config) []rules.Finding

// Options configure a run.
type Options struct {
	// Paths are files or directories; empty means ".". "-" reads Stdin.
	Paths []string
	// Stdin and StdinFilename serve the "-" path; the kind comes from the name.
	Stdin         io.Reader
	StdinFilename string
	// Jobs is the number of parallel workers (default GOMAXPROCS).
	Jobs int
	// MaxFileSize skips larger files with a note (default DefaultMaxFileSize).
	MaxFileSize int64
	// Shell configures the shell front end; its Binaries also drive the
	// byte prefilter.
	Shell shell.Config
	// ShellFamily maps shell-family kinds to their checker.
	ShellFamily map[Kind]FileFunc
	// Go and Compose check the collected files of their kind; nil disables
	// that front end. GoSource and ComposeSource serve stdin.
	Go, Compose             BatchFunc
	GoSource, ComposeSource SourceFunc
	// GoFixed re-checks new contents of a Go file on disk in its package,
	// with types (RecheckFile); nil falls back to GoSource.
	GoFixed SourceFunc
	// GoNeedles are byte strings that make a Go file worth type-checking
	// besides the binaries and directives (default: os/exec and
	// moby/moby); analyzers.Needles is the full set.
	GoNeedles []string
	// Python checks Python files (nil disables them); PythonNeedles are
	// the byte strings besides the binaries and directives that make a
	// Python file worth parsing.
	Python        FileFunc
	PythonNeedles []string
	// AlwaysCompose calls Compose even when the walk found no compose file
	// (an explicit --compose-file set).
	AlwaysCompose bool
	// Only restricts the run to these kinds when non-empty.
	Only map[Kind]bool
	// Forced, when set, gives the kind of a file by its display path
	// (--kind, kinds: in .dockguard.yaml), over what its name and first
	// line say; false leaves the file to them.
	Forced func(displayPath string) (Kind, bool)
	// Exclude drops files whose display path matches (see Options.Excluded).
	Excluded func(displayPath string) bool
	// Shard, when set, keeps only the files it accepts (see ShardKey); it
	// runs after the walk's other filters, so shards partition a run.
	Shard func(displayPath string, kind Kind) bool
	// Enabled reports whether a rule's findings are kept; nil keeps all.
	Enabled func(ruleID string) bool
	// Filter post-processes every file's findings with access to the file's
	// source (suppression directives); nil keeps them as they are. It returns
	// the findings to keep and how many were suppressed.
	Filter func(file string, src []byte, fs []rules.Finding) ([]rules.Finding, int)
	// KeepFixable keeps, in Result.Checked, the contents and unfiltered
	// findings of every file that has a kept finding with a fix, so that
	// package fix can apply the fixes to exactly what was checked.
	KeepFixable bool
	// Early, when set, is called once, before the Go front end starts,
	// with the findings of every other front end (shell family, Python,
	// compose, stdin), sorted and deduplicated as Run's result is: the Go
	// front end can take minutes on a cold build cache, and a terminal
	// user should not wait for it to see the rest. The slice is the
	// callee's. Run's result still holds every finding.
	Early func(findings []rules.Finding)
	// Memo, when set, remembers between runs what the prefilter decided
	// for a file, by the file's stat data, so that a re-check of an
	// unchanged tree does not read the files whose decision needs nothing
	// but their contents: the Go files (whose contents the Go front end
	// hashes through its own stat-remembered index), the files that
	// cannot produce a finding, and those whose checker found nothing
	// (see VerdictClean). The checkers must be functions of the path, the
	// contents and what the Memo is keyed by (the configuration).
	Memo Memo
}

// Memo remembers prefilter verdicts (see Options.Memo). Verdict and
// Remember are called from the run's workers concurrently; Done once, at
// the end of the walk.
type Memo interface {
	// Verdict returns what was decided for the file at abs, read as kind,
	// when it had the stat data fi; false when nothing is remembered.
	Verdict(abs string, kind Kind, fi fs.FileInfo) (Verdict, bool)
	// Remember records v for the file at abs, read as kind after fi was
	// taken. The memo decides whether fi is settled enough to be trusted.
	Remember(abs string, kind Kind, fi fs.FileInfo, v Verdict)
	// Done is called when the walk is over.
	Done()
}

// Verdict is what the prefilter decided for one file's contents.
type Verdict uint8

// The verdicts a Memo can remember.
const (
	// VerdictNone: the file must be read (it is checked on its own).
	VerdictNone Verdict = iota
	// VerdictSkip: the file names nothing a front end looks for.
	VerdictSkip
	// VerdictBinary: the file is binary (skipped with a note).
	VerdictBinary
	// VerdictGo: a Go file for the Go front end, without an ignore
	// directive; VerdictGoDirective: with one.
	VerdictGo
	VerdictGoDirective
	// VerdictClean: a shell-family or Python file that its checker found
	// nothing in and that names no directive word (see clean): Filter has
	// nothing to hide or report in it, so a replay only counts it.
	VerdictClean
)

// clean reports a checked file with no findings and no word a directive
// starts with (dockguard, golangci-lint's nolint, Python's noqa): the
// suppressor parses no directive in such a file (suppress.Parse), so
// Filter returns its findings, none, as they are.
func clean(fs []rules.Finding, src []byte) bool {
	return len(fs) == 0 && !bytes.Contains(src, []byte("dockguard")) &&
		!bytes.Contains(src, []byte("nolint")) && !bytes.Contains(src, []byte("noqa"))
}

// Result is the outcome of a run.
type Result struct {
	rules.Result
	FilesScanned int
	Suppressed   int
	// Checked is filled with Options.KeepFixable, by display path.
	Checked map[string]*fix.Checked
}

// Run checks opts.Paths. It returns an error only for problems with the run
// as a whole; problems with single inputs are in Result.Errors.
func Run(ctx context.Context, opts *Options) *Result {
	r := &runner{opts: opts, res: &Result{}}
	r.run(ctx)
	r.finish()
	return r.res
}

type runner struct {
	opts *Options
	cwd  string

	mu      sync.Mutex
	res     *Result
	goFiles []string
	compose []string
	// directives are the Go and compose files holding an ignore directive:
	// they go through Filter even without findings, so that unused
	// directives are reported. stdinName/stdinSrc serve Filter for "-".
	directives map[string]bool
	stdinName  string
	stdinSrc   []byte

	// wordsOnce computes, once per run, the prefilter's words beyond the
	// binaries' names (see words).
	wordsOnce           sync.Once
	goWords, shellWords []string
}

// words returns the Go prefilter's words (goNeedles plus the title-cased
// binaries) and the shell prefilter's CLI-named variables: fixed for the
// run, so built once, not per file.
func (r *runner) words() (goWords, shellWords []string) {
	r.wordsOnce.Do(func() {
		// A new slice: goNeedles may be a shared one with spare capacity.
		r.goWords = slices.Concat(r.goNeedles(), titled(r.binaries()))
		r.shellWords = shell.NamedVars(r.binaries())
	})
	return r.goWords, r.shellWords
}

type fileJob struct {
	abs, display string
	kind         Kind
	needHead     bool
	explicit     bool
}

func (r *runner) jobs() int {
	if r.opts.Jobs > 0 {
		return r.opts.Jobs
	}
	return runtime.GOMAXPROCS(0)
}

func (r *runner) run(ctx context.Context) {
	r.cwd, _ = os.Getwd()
	if abs, err := filepath.EvalSymlinks(r.cwd); err == nil {
		r.cwd = abs
	}
	paths := r.opts.Paths
	if len(paths) == 0 {
		paths = []string{"."}
	}
	files := make(chan fileJob, 256)
	var workers sync.WaitGroup
	for range r.jobs() {
		workers.Add(1)
		go func() {
			defer workers.Done()
			var buf []byte
			for j := range files {
				r.scanFile(j, &buf)
			}
		}()
	}
	stdinRead := false
	for _, p := range paths {
		if p == "-" {
			// Standard input can be read once: `check - -` is one input.
			if !stdinRead {
				r.scanStdin(ctx)
			}
			stdinRead = true
			continue
		}
		r.walkRoot(p, files)
	}
	close(files)
	workers.Wait()
	if r.opts.Memo != nil {
		r.opts.Memo.Done()
	}

	// Compose before Go: compose projects load in about a second, while
	// the Go front end waits for the go command (minutes on a cold build
	// cache), so everything that is not Go is known, and can be shown
	// (Options.Early), before Go starts.
	if (len(r.compose) > 0 || r.opts.AlwaysCompose) && r.opts.Compose != nil {
		r.merge(safeBatch(ctx, "compose projects", r.opts.Compose, r.compose), r.compose)
	}
	if r.opts.Early != nil {
		r.opts.Early(tidy(slices.Clone(r.res.Findings)))
	}
	if len(r.goFiles) > 0 && r.opts.Go != nil {
		r.merge(safeBatch(ctx, "Go packages", r.opts.Go, r.goFiles), r.goFiles)
	}
}

// ShardKey is what a shard is chosen by: the path itself, or for Go and
// compose files their folder, so that a Go package and the compose files
// of one project land in the same shard.
func ShardKey(path string, kind Kind) string {
	if kind == KindGo || kind == KindCompose {
		return filepath.ToSlash(filepath.Dir(path))
	}
	return filepath.ToSlash(path)
}

// DisplayPath turns an absolute path into the path findings report: relative
// to cwd when the file lies under it, otherwise absolute.
func DisplayPath(cwd, abs string) string {
	if cwd != "" {
		if abs == cwd {
			return "."
		}
		prefix := cwd
		if !strings.HasSuffix(prefix, string(filepath.Separator)) {
			prefix += string(filepath.Separator)
		}
		if strings.HasPrefix(abs, prefix) {
			return filepath.ToSlash(abs[len(prefix):])
		}
	}
	return abs
}

func (r *runner) walkRoot(p string, files chan<- fileJob) {
	abs, err := filepath.Abs(p)
	if err == nil {
		abs, err = filepath.EvalSymlinks(abs)
	}
	if err != nil {
		msg := unwrapPathError(err).Error()
		if strings.HasSuffix(msg, "too many links") {
			// EvalSymlinks' wording for a loop; say what it is.
			msg = "a loop of symbolic links"
		}
		r.addError(p, "cannot read: "+msg)
		return
	}
	st, err := os.Stat(abs)
	if err != nil {
		r.addError(p, fmt.Sprintf("cannot read: %v", unwrapPathError(err)))
		return
	}
	if !st.IsDir() {
		display := DisplayPath(r.cwd, abs)
		kind, needHead := r.opts.classify(abs, display)
		// Configured excludes apply to named files too: pre-commit names
		// every changed file, excluded or not.
		if r.opts.Excluded != nil && r.opts.Excluded(display) {
			return
		}
		if r.opts.Shard != nil && !r.opts.Shard(display, kind) {
			return
		}
		files <- fileJob{abs: abs, display: display, kind: kind, needHead: needHead, explicit: true}
		return
	}
	w := &walker{r: r, root: abs, files: files, sem: make(chan struct{}, r.jobs())}
	w.wg.Add(1)
	w.walk(abs, rootIgnorer(abs))
	w.wg.Wait()
}

type walker struct {
	r     *runner
	root  string
	files chan<- fileJob
	sem   chan struct{}
	wg    sync.WaitGroup
}

// walk lists dir and queues its files; subdirectories are walked on another
// goroutine when a slot is free, otherwise inline, so the walk is parallel
// without unbounded goroutines.
func (w *walker) walk(dir string, ig *ignorer) {
	defer w.wg.Done()
	entries, err := os.ReadDir(dir)
	if err != nil {
		w.r.addError(DisplayPath(w.r.cwd, dir), fmt.Sprintf("cannot read directory: %v", unwrapPathError(err)))
		if len(entries) == 0 {
			return
		}
	}
	for _, e := range entries {
		name := e.Name()
		path := filepath.Join(dir, name)
		typ := e.Type()
		if typ&fs.ModeSymlink != 0 {
			w.symlink(path, ig)
			continue
		}
		if typ.IsDir() {
			if skipDirs[name] || ig.ignored(path, true) {
				continue
			}
			sub := ig.descend(path)
			if w.excluded(path) {
				continue
			}
			w.wg.Add(1)
			select {
			case w.sem <- struct{}{}:
				go func() {
					defer func() { <-w.sem }()
					w.walk(path, sub)
				}()
			default:
				w.walk(path, sub)
			}
			continue
		}
		if !typ.IsRegular() {
			continue
		}
		w.queue(path, path, ig)
	}
}

func (w *walker) excluded(path string) bool {
	return w.r.opts.Excluded != nil && w.r.opts.Excluded(DisplayPath(w.r.cwd, path))
}

// queue sends a file to the workers when its name can hold something we check.
func (w *walker) queue(path, target string, ig *ignorer) {
	display := DisplayPath(w.r.cwd, path)
	kind, needHead := w.r.opts.classify(path, display)
	if kind == KindNone && !needHead {
		return
	}
	if !w.r.kindWanted(kind, needHead) || ig.ignored(path, false) || w.excluded(path) {
		return
	}
	if w.r.opts.Shard != nil && !w.r.opts.Shard(display, kind) {
		return
	}
	w.files <- fileJob{abs: target, display: display, kind: kind, needHead: needHead}
}

// symlink follows a link to a file inside the root; links to directories
// and links leaving the root are not followed.
func (w *walker) symlink(path string, ig *ignorer) {
	if ig.ignored(path, false) {
		return
	}
	target, err := filepath.EvalSymlinks(path)
	if err != nil {
		kind, needHead := w.r.opts.classify(path, DisplayPath(w.r.cwd, path))
		if kind != KindNone || needHead {
			w.r.addNote(DisplayPath(w.r.cwd, path), fmt.Sprintf("skipped: broken symbolic link: %v", unwrapPathError(err)))
		}
		return
	}
	if target != w.root && !strings.HasPrefix(target, w.root+string(filepath.Separator)) {
		return
	}
	st, err := os.Stat(target)
	if err != nil || !st.Mode().IsRegular() {
		return
	}
	w.queue(path, target, ig)
}

// classify decides a file's kind: the forced kind of its display path,
// else what its name says (ClassifyName).
func (o *Options) classify(path, display string) (Kind, bool) {
	if o.Forced != nil {
		if k, ok := o.Forced(display); ok && k > KindNone && k < kindEnd {
			return k, false
		}
	}
	return ClassifyName(path)
}

func (r *runner) kindWanted(k Kind, needHead bool) bool {
	if len(r.opts.Only) == 0 {
		return true
	}
	if needHead {
		return r.opts.Only[KindScript] || r.opts.Only[KindPython]
	}
	return r.opts.Only[k]
}

func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func (r *runner) maxSize() int64 {
	if r.opts.MaxFileSize > 0 {
		return r.opts.MaxFileSize
	}
	return DefaultMaxFileSize
}

func (r *runner) scanFile(j fileJob, buf *[]byte) {
	if j.needHead {
		kind, ok := r.sniff(j)
		if !ok {
			return
		}
		j.kind = kind
	}
	if j.kind == KindNone {
		if j.explicit {
			r.addNote(j.display, "skipped: not a kind of file dockguard checks")
		}
		return
	}
	var fi fs.FileInfo
	if m := r.opts.Memo; m != nil && memoKind(j.kind) {
		if st, err := os.Stat(j.abs); err == nil && st.Mode().IsRegular() && st.Size() <= r.maxSize() {
			fi = st
			if v, ok := m.Verdict(j.abs, j.kind, fi); ok && r.replay(j, v) {
				return
			}
		}
	}
	src, ok := r.read(j, buf)
	if !ok {
		return
	}
	v := r.scanSource(j.display, j.kind, src)
	if fi != nil && v != VerdictNone {
		r.opts.Memo.Remember(j.abs, j.kind, fi, v)
	}
}

// memoKind reports the kinds whose prefilter verdict a Memo keeps.
func memoKind(k Kind) bool {
	return k == KindGo || k == KindPython || k.IsShellFamily()
}

// replay applies a remembered verdict as scanSource would have; false
// when v does not fit the file's kind (the file is then read).
func (r *runner) replay(j fileJob, v Verdict) bool {
	switch v {
	case VerdictBinary:
		r.addNote(j.display, "skipped: binary file")
		return true
	case VerdictSkip, VerdictClean:
		r.mu.Lock()
		r.res.FilesScanned++
		r.mu.Unlock()
		return true
	case VerdictGo, VerdictGoDirective:
		if j.kind != KindGo {
			return false
		}
		r.mu.Lock()
		r.res.FilesScanned++
		r.goFiles = append(r.goFiles, j.display)
		r.noteDirective(j.display, v == VerdictGoDirective && r.opts.Filter != nil)
		r.mu.Unlock()
		return true
	}
	return false
}

// sniff reads the first line of an extension-less file for a shebang.
func (r *runner) sniff(j fileJob) (Kind, bool) {
	f, err := openFile(j.abs)
	if err != nil {
		r.addError(j.display, fmt.Sprintf("cannot read: %v", unwrapPathError(err)))
		return KindNone, false
	}
	defer f.Close()
	var head [256]byte
	n, _ := io.ReadFull(f, head[:])
	if ShebangIsShell(head[:n]) && r.kindWanted(KindScript, false) {
		return KindScript, true
	}
	if ShebangIsPython(head[:n]) && r.kindWanted(KindPython, false) {
		return KindPython, true
	}
	if j.explicit {
		r.addNote(j.display, "skipped: not a kind of file dockguard checks")
	}
	return KindNone, false
}

// read loads a file into the worker's buffer, skipping oversized files with
// a note. The returned slice is only valid until the worker's next read.
func (r *runner) read(j fileJob, buf *[]byte) ([]byte, bool) {
	src, size, err := readFileHook(j.abs, r.maxSize(), *buf)
	if err != nil {
		r.addError(j.display, fmt.Sprintf("cannot read: %v", unwrapPathError(err)))
		return nil, false
	}
	if src == nil && size > r.maxSize() {
		r.addNote(j.display, fmt.Sprintf("skipped: %s is over the %s limit", humanSize(size), humanSize(r.maxSize())))
		return nil, false
	}
	if cap(src) > cap(*buf) && cap(src) <= maxReusedBuffer {
		*buf = src[:0]
	}
	return src, true
}

// maxReusedBuffer bounds the buffer a worker keeps between files, so one
// large file does not pin its memory for the rest of the run.
const maxReusedBuffer = 1 << 20

func humanSize(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.4g GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.4g MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.4g KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

// isBinary reports a NUL byte in the first 8 KiB, as git and grep decide.
func isBinary(src []byte) bool {
	head := src
	if len(head) > 8<<10 {
		head = head[:8<<10]
	}
	return bytes.IndexByte(head, 0) >= 0
}

// mentions is the byte prefilter: a shell-family or Go file that names no
// configured binary and carries no dockguard directive cannot produce a
// finding, so it is not parsed.
func (r *runner) mentions(src []byte, extra ...string) bool {
	if bytes.Contains(src, []byte("dockguard:")) {
		return true
	}
	for _, b := range r.binaries() {
		if bytes.Contains(src, []byte(b)) {
			return true
		}
	}
	for _, s := range extra {
		if bytes.Contains(src, []byte(s)) {
			return true
		}
	}
	return false
}

func (r *runner) binaries() []string {
	if len(r.opts.Shell.Binaries) > 0 {
		return r.opts.Shell.Binaries
	}
	return []string{"docker", "podman", "nerdctl"}
}

// titled returns the binaries' names with a capital first letter: Go
// functions named for the CLI they run (cli.DockerCmd) are followed, so a
// file that calls one and names no binary otherwise is still checked.
func titled(bins []string) []string {
	out := make([]string, 0, len(bins))
	for _, b := range bins {
		if b != "" {
			out = append(out, strings.ToUpper(b[:1])+b[1:])
		}
	}
	return out
}

// goPrefilter is the default of Options.GoNeedles.
var goPrefilter = []string{"os/exec", "moby/moby"}

// goNeedles returns the configured Go prefilter words. The slice may be a
// package variable with spare capacity: callers must not append to it.
func (r *runner) goNeedles() []string {
	if len(r.opts.GoNeedles) > 0 {
		return r.opts.GoNeedles
	}
	return goPrefilter
}

// scanSource checks one file's contents, or queues them for their batch
// front end, and returns the prefilter's verdict for a Memo (VerdictNone
// when the file was checked on its own, or is of a kind a Memo does not
// keep).
func (r *runner) scanSource(display string, kind Kind, src []byte) Verdict {
	if isBinary(src) {
		// Skipped, so not counted as checked.
		r.addNote(display, "skipped: binary file")
		return VerdictBinary
	}
	r.mu.Lock()
	r.res.FilesScanned++
	r.mu.Unlock()
	goWords, shellWords := r.words()
	switch {
	case kind == KindGo:
		if !r.mentions(src, goWords...) {
			return VerdictSkip
		}
		d := hasDirective(src)
		r.mu.Lock()
		r.goFiles = append(r.goFiles, display)
		r.noteDirective(display, d && r.opts.Filter != nil)
		r.mu.Unlock()
		if d {
			return VerdictGoDirective
		}
		return VerdictGo
	case kind == KindCompose:
		d := r.wantsDirective(src)
		r.mu.Lock()
		r.compose = append(r.compose, display)
		r.noteDirective(display, d)
		r.mu.Unlock()
	case kind == KindPython:
		if r.opts.Python == nil {
			return VerdictNone
		}
		if !r.mentions(src, r.opts.PythonNeedles...) {
			return VerdictSkip
		}
		fs, err := safeFile(r.opts.Python, display, src, &r.opts.Shell)
		if err != nil {
			r.addError(display, err.Error())
			return VerdictNone
		}
		v := VerdictNone
		if clean(fs, src) {
			v = VerdictClean
		}
		r.mergeFile(display, src, fs)
		return v
	case kind.IsShellFamily():
		if !r.mentions(src, shellWords...) {
			return VerdictSkip
		}
		check := r.opts.ShellFamily[kind]
		if check == nil {
			return VerdictNone
		}
		fs, err := safeFile(check, display, src, &r.opts.Shell)
		if err != nil {
			r.addError(display, err.Error())
			return VerdictNone
		}
		v := VerdictNone
		if clean(fs, src) {
			v = VerdictClean
		}
		r.mergeFile(display, src, fs)
		return v
	}
	return VerdictNone
}

func (r *runner) scanStdin(ctx context.Context) {
	name := r.opts.StdinFilename
	if name == "" {
		name = "<stdin>"
	}
	if r.opts.Stdin == nil {
		r.addError(name, "no standard input")
		return
	}
	src, err := io.ReadAll(io.LimitReader(r.opts.Stdin, r.maxSize()+1))
	if err != nil {
		r.addError(name, fmt.Sprintf("cannot read standard input: %v", err))
		return
	}
	if int64(len(src)) > r.maxSize() {
		r.addNote(name, fmt.Sprintf("skipped: over the %s limit", humanSize(r.maxSize())))
		return
	}
	kind, needHead := ClassifyName(name)
	if r.opts.StdinFilename != "" {
		kind, needHead = r.opts.classify(name, name)
	}
	if r.opts.StdinFilename == "" || (kind == KindNone && needHead) {
		// Editors without a file name get shell, as ShellCheck assumes.
		kind = KindScript
	}
	switch kind {
	case KindGo:
		if r.opts.GoSource != nil {
			r.mu.Lock()
			r.res.FilesScanned++
			r.mu.Unlock()
			r.setStdin(name, src)
			r.merge(safeSource(ctx, r.opts.GoSource, name, src), []string{name})
		}
	case KindCompose:
		if r.opts.ComposeSource != nil {
			r.mu.Lock()
			r.res.FilesScanned++
			r.mu.Unlock()
			r.setStdin(name, src)
			r.merge(safeSource(ctx, r.opts.ComposeSource, name, src), []string{name})
		}
	default:
		r.scanSource(name, kind, src)
	}
}

func safeFile(check FileFunc, file string, src []byte, cfg *shell.Config) (fs []rules.Finding, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("internal error while checking (please report): %v", p)
		}
	}()
	return check(file, src, cfg), nil
}

func safeBatch(ctx context.Context, what string, f BatchFunc, files []string) (res rules.Result) {
	sort.Strings(files)
	defer func() {
		if p := recover(); p != nil {
			res = rules.Result{Errors: []rules.Note{{Message: fmt.Sprintf("internal error while checking %s (please report): %v", what, p)}}}
		}
	}()
	return f(ctx, files)
}

func safeSource(ctx context.Context, f SourceFunc, file string, src []byte) (res rules.Result) {
	defer func() {
		if p := recover(); p != nil {
			res = rules.Result{Errors: []rules.Note{{File: file, Message: fmt.Sprintf("internal error while checking (please report): %v", p)}}}
		}
	}()
	return f(ctx, file, src)
}

func (r *runner) addError(file, msg string) {
	r.mu.Lock()
	r.res.Errors = append(r.res.Errors, rules.Note{File: file, Message: msg})
	r.mu.Unlock()
}

func (r *runner) addNote(file, msg string) {
	r.mu.Lock()
	r.res.Notes = append(r.res.Notes, rules.Note{File: file, Message: msg})
	r.mu.Unlock()
}

// mergeFile adds one file's findings after rule selection and the
// per-file filter (suppressions).
func (r *runner) mergeFile(file string, src []byte, fs []rules.Finding) {
	fs = r.enabled(fs)
	raw := fs
	if r.opts.KeepFixable {
		raw = slices.Clone(fs)
	}
	suppressed := 0
	if r.opts.Filter != nil {
		fs, suppressed = r.opts.Filter(file, src, fs)
	}
	r.keepFixable(file, src, raw, fs)
	r.mu.Lock()
	r.res.Findings = append(r.res.Findings, fs...)
	r.res.Suppressed += suppressed
	r.mu.Unlock()
}

// wantsDirective reports whether a batch-kind file must reach Filter even
// without findings: it holds an ignore directive. It scans src, so call it
// outside r.mu.
func (r *runner) wantsDirective(src []byte) bool {
	return r.opts.Filter != nil && hasDirective(src)
}

// noteDirective remembers a batch-kind file that holds an ignore
// directive. r.mu must be held.
func (r *runner) noteDirective(display string, has bool) {
	if !has {
		return
	}
	if r.directives == nil {
		r.directives = map[string]bool{}
	}
	r.directives[display] = true
}

// hasDirective is the byte prefilter for ignore directives, including
// golangci-lint's //nolint:dockguard spelling.
func hasDirective(src []byte) bool {
	return bytes.Contains(src, []byte("dockguard:")) ||
		bytes.Contains(src, []byte("nolint:")) && bytes.Contains(src, []byte("dockguard"))
}

func (r *runner) setStdin(name string, src []byte) {
	d := r.wantsDirective(src)
	r.mu.Lock()
	r.stdinName, r.stdinSrc = name, src
	r.noteDirective(name, d)
	r.mu.Unlock()
}

// source returns a batch-checked file's contents for Filter.
func (r *runner) source(file string) []byte {
	if r.stdinSrc != nil && file == r.stdinName {
		return r.stdinSrc
	}
	src, _ := os.ReadFile(file)
	return src
}

// merge adds a batch front end's result; files are the inputs it was given,
// so that those holding a directive are filtered even without findings.
func (r *runner) merge(res rules.Result, files []string) {
	if r.opts.Filter != nil {
		// Batch front ends report across files; filter each file's share
		// with that file's source.
		byFile := map[string][]rules.Finding{}
		var order []string
		for _, f := range r.enabled(res.Findings) {
			if _, ok := byFile[f.File]; !ok {
				order = append(order, f.File)
			}
			byFile[f.File] = append(byFile[f.File], f)
		}
		res.Findings = nil
		for _, file := range files {
			if _, ok := byFile[file]; !ok && r.directives[file] {
				order = append(order, file)
			}
		}
		for _, file := range order {
			src := r.source(file)
			raw := slices.Clone(byFile[file])
			kept, n := r.opts.Filter(file, src, byFile[file])
			r.keepFixable(file, src, raw, kept)
			res.Findings = append(res.Findings, kept...)
			r.mu.Lock()
			r.res.Suppressed += n
			r.mu.Unlock()
		}
	} else {
		res.Findings = r.enabled(res.Findings)
		if r.opts.KeepFixable {
			byFile := map[string][]rules.Finding{}
			for _, f := range res.Findings {
				byFile[f.File] = append(byFile[f.File], f)
			}
			for file, fs := range byFile {
				r.keepFixable(file, r.source(file), fs, fs)
			}
		}
	}
	r.mu.Lock()
	r.res.Merge(res)
	r.mu.Unlock()
}

// keepFixable records what file held and its unfiltered findings when a
// kept finding carries a fix (Options.KeepFixable). src is copied: the
// engine reuses shell-family buffers.
func (r *runner) keepFixable(file string, src []byte, raw, kept []rules.Finding) {
	if !r.opts.KeepFixable || src == nil {
		return
	}
	if !slices.ContainsFunc(kept, func(f rules.Finding) bool { return len(f.Fixes) > 0 }) {
		return
	}
	ck := &fix.Checked{Src: bytes.Clone(src), Raw: slices.Clone(raw)}
	r.mu.Lock()
	if r.res.Checked == nil {
		r.res.Checked = map[string]*fix.Checked{}
	}
	r.res.Checked[file] = ck
	r.mu.Unlock()
}

func (r *runner) enabled(fs []rules.Finding) []rules.Finding {
	if r.opts.Enabled == nil {
		return fs
	}
	out := fs[:0]
	for _, f := range fs {
		if r.opts.Enabled(f.Rule) {
			out = append(out, f)
		}
	}
	return out
}

// finish sorts everything and drops exact duplicates, so output is
// deterministic whatever the worker interleaving.
func (r *runner) finish() {
	r.res.Findings = tidy(r.res.Findings)
	sortNotes(r.res.Notes)
	sortNotes(r.res.Errors)
}

// tidy sorts findings (in place), bounds their messages and drops exact
// duplicates.
func tidy(fs []rules.Finding) []rules.Finding {
	sort.SliceStable(fs, func(i, j int) bool { return Less(&fs[i], &fs[j]) })
	out := fs[:0]
	for i, f := range fs {
		// Every front end's messages are bounded here, in one place: a
		// message quoting 5,000 nested $( is cut, not 75 KB long.
		f.Message = rules.BoundMessage(f.Message)
		if i > 0 {
			p := out[len(out)-1]
			if p.Rule == f.Rule && p.File == f.File && p.Start == f.Start && p.End == f.End && p.Line == f.Line && p.Message == f.Message {
				continue
			}
		}
		out = append(out, f)
	}
	return out
}

// Less orders findings by file, line, column, rule, then end position.
func Less(a, b *rules.Finding) bool {
	if a.File != b.File {
		return a.File < b.File
	}
	if a.Line != b.Line {
		return a.Line < b.Line
	}
	if a.Column != b.Column {
		return a.Column < b.Column
	}
	if a.Rule != b.Rule {
		return a.Rule < b.Rule
	}
	if a.EndLine != b.EndLine {
		return a.EndLine < b.EndLine
	}
	return a.EndColumn < b.EndColumn
}

func sortNotes(ns []rules.Note) {
	sort.SliceStable(ns, func(i, j int) bool {
		if ns[i].File != ns[j].File {
			return ns[i].File < ns[j].File
		}
		return ns[i].Message < ns[j].Message
	})
}

// openFile and readFileHook are os.Open and readFile; tests replace them to
// inject read failures that a root-run test cannot otherwise produce.
var (
	openFile     = os.Open
	readFileHook = readFile
)
