package dockercli

import (
	"strconv"
	"strings"
)

// Flag is one flag occurrence in an invocation.
type Flag struct {
	// Name is the canonical long name without dashes ("force", "time").
	// A flag missing from the command's table keeps its written name.
	Name string
	// Written is the whole word the flag was written in: "-f", "-fv",
	// "--force=true", "-t0".
	Written string
	// Value is the flag's value: the text after '=', the rest of a short
	// cluster, or the next word. Meaningful only when HasValue.
	Value Word
	// HasValue reports whether a value was given. Boolean flags have one
	// only in the --flag=value form.
	HasValue bool
	// Index is the position in the argv of the word holding the flag.
	Index int
	// Listed reports whether the flag is in the command's table.
	Listed bool
}

// Invocation is a parsed container-CLI command line.
type Invocation struct {
	// Binary is argv[0]'s base name: "docker", "podman", "nerdctl",
	// "docker-compose"...
	Binary string
	// Flavor is the dialect: "docker", "podman" or "nerdctl".
	Flavor string
	// Globals are the flags before the subcommand (for compose, the
	// flags before the compose subcommand are in GroupFlags).
	Globals []Flag
	// Path is the canonical subcommand path with aliases resolved:
	// {"container", "rm"} for rm, container rm and container remove;
	// {"compose", "down"} for docker compose down and docker-compose down.
	// A subcommand dockguard does not model keeps its written name.
	Path []string
	// PathIndex holds the argv index of each written subcommand word
	// (shortcuts like rm have one word for a two-element Path).
	PathIndex []int
	// GroupFlags are flags written between group words, such as
	// docker compose's -f FILE -p NAME.
	GroupFlags []Flag
	// Flags are the subcommand's flags, in order.
	Flags []Flag
	// Args are the positional arguments (including unknown words).
	Args []Word
	// Argv is the whole command line as given to Parse.
	Argv []Word
	// Uncertain is set when an unknown word stood where the subcommand
	// was expected and had to be skipped.
	Uncertain bool

	unmodelled bool // a written subcommand missing from the tables
}

// Modelled reports whether the command line names a subcommand that
// dockguard models (rm, container rm, compose down...), rather than none or
// one it does not know: a call that only looks like a command runner
// (X.F("docker", ...)) counts as one only when this holds.
func (inv *Invocation) Modelled() bool {
	if inv.unmodelled || len(inv.Path) == 0 {
		return false
	}
	return inv.Path[0] != "compose" || len(inv.Path) > 1
}

// Cmd returns the canonical subcommand path joined by spaces, for example
// "container rm".
func (inv *Invocation) Cmd() string { return strings.Join(inv.Path, " ") }

// Parse parses argv as a container-CLI command line. binaries lists the
// recognised command names (nil means DefaultBinaries); docker-compose is
// always recognised, and podman-compose when podman is. It reports false when
// argv[0] is not a recognised binary or is unknown.
func Parse(argv []Word, binaries []string) (*Invocation, bool) {
	if len(argv) == 0 || !argv[0].Known {
		return nil, false
	}
	if binaries == nil {
		binaries = DefaultBinaries
	}
	name := BaseName(argv[0].Value)
	inv := &Invocation{Binary: name, Argv: argv}
	start := root
	var globals flagTable
	switch {
	case name == "docker-compose" || name == "podman-compose" && contains(binaries, "podman"):
		inv.Flavor = Flavor(name)
		start = composeRoot
		inv.Path = []string{"compose"}
		inv.PathIndex = []int{0}
		globals = nil
	case contains(binaries, name):
		inv.Flavor = Flavor(name)
		globals = globalsFor(name)
	default:
		return nil, false
	}
	i := 1
	if globals != nil {
		i = parseGlobals(inv, argv, i, globals)
	}
	n := start
	for n.groupOnly {
		// Flags of the group itself (docker compose -f FILE ...).
		var fl []Flag
		fl, i = parseGroupFlags(argv, i, n.flags)
		inv.GroupFlags = append(inv.GroupFlags, fl...)
		if i >= len(argv) {
			return inv, true
		}
		w := argv[i]
		if !w.Known {
			// An unknown word where a subcommand belongs: if a known
			// word that is not a flag follows directly, the unknown word
			// was most likely an option ("${DOCKER[@]}" with DOCKER_OPTS)
			// and that word the subcommand, modelled or not (docker $OPTS
			// wait x is still a wait); otherwise nothing can be said.
			if i+1 < len(argv) && argv[i+1].Known && !isFlagWord(argv[i+1].Value) {
				inv.Uncertain = true
				i++
				continue
			}
			return inv, true
		}
		child := n.children[w.Value]
		if child == nil {
			inv.unmodelled = true
			inv.Path = append(inv.Path, w.Value)
			inv.PathIndex = append(inv.PathIndex, i)
			n = &node{} // unmodelled subcommand: generic flag parsing
			i++
			break
		}
		inv.Path = append(inv.Path[:0:0], child.path...)
		inv.PathIndex = append(inv.PathIndex, i)
		n = child
		i++
	}
	parseArgs(inv, argv, i, n)
	return inv, true
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// parseGlobals consumes global flags from argv[i:] and returns the index of
// the first word that is not one.
func parseGlobals(inv *Invocation, argv []Word, i int, t flagTable) int {
	fl, i := parseGroupFlags(argv, i, t)
	inv.Globals = fl
	return i
}

// parseGroupFlags consumes flags of a command group until the first word
// that is not a flag (or after "--").
func parseGroupFlags(argv []Word, i int, t flagTable) ([]Flag, int) {
	var out []Flag
	for i < len(argv) {
		w := argv[i]
		if !w.Known || !isFlagWord(w.Value) {
			return out, i
		}
		if w.Value == "--" {
			return out, i + 1
		}
		var fl []Flag
		fl, i = parseFlagWord(argv, i, t)
		out = append(out, fl...)
	}
	return out, i
}

func isFlagWord(s string) bool { return len(s) > 1 && s[0] == '-' }

// parseFlagWord parses the flag word argv[i] (which may be a short cluster)
// with table t, consuming a following value word when needed. It returns
// the flags and the index of the next unconsumed word.
func parseFlagWord(argv []Word, i int, t flagTable) ([]Flag, int) {
	w := argv[i]
	s := w.Value
	if strings.HasPrefix(s, "--") {
		name, val, hasEq := strings.Cut(s[2:], "=")
		f := Flag{Name: name, Written: s, Index: i}
		spec, ok := t.long(name)
		if ok {
			f.Name, f.Listed = spec.long, true
		}
		switch {
		case hasEq:
			f.Value, f.HasValue = subWord(w, val, len(s)-len(val)), true
		case ok && spec.value:
			if i+1 < len(argv) {
				f.Value, f.HasValue = argv[i+1], true
				return []Flag{f}, i + 2
			}
		}
		return []Flag{f}, i + 1
	}
	// Short cluster: -fv, -t0, -sKILL, -f=false.
	var out []Flag
	body := s[1:]
	for j := 0; j < len(body); j++ {
		c := body[j]
		f := Flag{Name: string(c), Written: s, Index: i}
		spec, ok := t.short(c)
		if ok {
			f.Name, f.Listed = spec.long, true
		}
		rest := body[j+1:]
		if strings.HasPrefix(rest, "=") {
			f.Value, f.HasValue = subWord(w, rest[1:], 2+j+1), true
			return append(out, f), i + 1
		}
		if ok && spec.value {
			if rest != "" {
				f.Value, f.HasValue = subWord(w, rest, 2+j), true
				return append(out, f), i + 1
			}
			if i+1 < len(argv) {
				f.Value, f.HasValue = argv[i+1], true
				return append(out, f), i + 2
			}
			return append(out, f), i + 1
		}
		out = append(out, f)
	}
	return out, i + 1
}

// subWord returns the part of w starting at byte off of its value.
func subWord(w Word, val string, off int) Word {
	sw := Word{Value: val, Known: true, Start: -1, End: -1, FromListing: w.FromListing, Stopped: w.Stopped, Text: val}
	if w.Start >= 0 && w.End-w.Start == len(w.Value) {
		// Written without quotes: offsets inside the word are exact.
		sw.Start, sw.End = w.Start+off, w.End
	} else {
		sw.Start, sw.End = w.Start, w.End
	}
	return sw
}

// parseArgs parses a leaf subcommand's flags and positional arguments.
func parseArgs(inv *Invocation, argv []Word, i int, n *node) {
	for i < len(argv) {
		w := argv[i]
		if !w.Known || !isFlagWord(w.Value) {
			inv.Args = append(inv.Args, w)
			i++
			if n.noInter {
				inv.Args = append(inv.Args, argv[i:]...)
				return
			}
			continue
		}
		if w.Value == "--" {
			inv.Args = append(inv.Args, argv[i+1:]...)
			return
		}
		var fl []Flag
		fl, i = parseFlagWord(argv, i, n.flags)
		inv.Flags = append(inv.Flags, fl...)
	}
}

// Lookup returns the last occurrence of the flag with the canonical name.
func (inv *Invocation) Lookup(name string) (Flag, bool) {
	for k := len(inv.Flags) - 1; k >= 0; k-- {
		if inv.Flags[k].Name == name {
			return inv.Flags[k], true
		}
	}
	return Flag{}, false
}

// Bool evaluates a boolean flag: set reports whether it is on, certain
// whether that is known (false for --force=$UNKNOWN). Like the real CLIs,
// the last occurrence wins and the value is parsed as strconv.ParseBool does.
func (inv *Invocation) Bool(name string) (set, certain bool) {
	f, ok := inv.Lookup(name)
	if !ok {
		return false, true
	}
	if !f.HasValue {
		return true, true
	}
	if !f.Value.Known {
		return false, false
	}
	bv, err := strconv.ParseBool(f.Value.Value)
	if err != nil {
		return false, false
	}
	return bv, true
}

// Targets returns the positional arguments: container, image or volume
// names, services for compose.
func (inv *Invocation) Targets() []Word { return inv.Args }

// onlyStopped reports whether there are targets and every one comes from a
// listing of containers that are not running.
func (inv *Invocation) onlyStopped() bool {
	for _, a := range inv.Args {
		if !a.FromListing || !a.Stopped {
			return false
		}
	}
	return len(inv.Args) > 0
}

// FromListing reports whether any positional argument comes from a
// container listing.
func (inv *Invocation) FromListing() bool {
	for _, a := range inv.Args {
		if a.FromListing {
			return true
		}
	}
	return false
}

// stoppedStates are the container states in which nothing runs: a force
// removal or a kill of such a container kills no process.
var stoppedStates = map[string]bool{"exited": true, "created": true, "dead": true}

// ListsOnlyStopped reports whether a container listing can only print
// containers that are not running: every status filter is known and names
// exited, created or dead (docker ps -aq -f status=exited, compose ps
// --status exited). Status filters are ORed by the CLIs, so one running
// state, or one unknown value, is enough to answer false.
func (inv *Invocation) ListsOnlyStopped() bool {
	if !inv.IsContainerListing() {
		return false
	}
	seen := false
	for _, f := range inv.Flags {
		var state string
		switch f.Name {
		case "filter":
			if !f.HasValue || !f.Value.Known {
				// An unknown filter may be a status one.
				return false
			}
			k, v, ok := strings.Cut(f.Value.Value, "=")
			if !ok || strings.TrimSpace(k) != "status" {
				continue
			}
			state = v
		case "status":
			if !f.HasValue || !f.Value.Known {
				return false
			}
			state = f.Value.Value
		default:
			continue
		}
		if !stoppedStates[strings.ToLower(strings.TrimSpace(state))] {
			return false
		}
		seen = true
	}
	return seen
}

// ListsFiltered reports whether a container listing is already scoped to
// some containers: it carries a --filter other than a status one, or lists
// one compose project's containers.
func (inv *Invocation) ListsFiltered() bool {
	if !inv.IsContainerListing() {
		return false
	}
	if inv.Cmd() == "compose ps" {
		return true
	}
	for _, f := range inv.Flags {
		if f.Name != "filter" {
			continue
		}
		// An unknown value is judged by how it is written: status=$STATE
		// is still a status filter, "$FILTER" may scope anything.
		v := f.Value.Value
		if !f.Value.Known {
			v = f.Value.Text
		}
		if k, _, _ := strings.Cut(v, "="); strings.TrimSpace(k) != "status" {
			return true
		}
	}
	return false
}

// ScopedByLabel reports whether the invocation carries a known positive
// label filter (--filter label=ci or --filter label=com.example.owner):
// a prune or listing restricted to objects the caller labelled. Negative
// filters (label!=keep) do not scope.
func (inv *Invocation) ScopedByLabel() bool {
	for _, f := range inv.Flags {
		if f.Name != "filter" || !f.HasValue || !f.Value.Known {
			continue
		}
		k, v, hasValue := strings.Cut(f.Value.Value, "=")
		if strings.TrimSpace(k) == "label" && (!hasValue || strings.TrimSpace(v) != "") {
			return true
		}
	}
	return false
}

// IsContainerListing reports whether the invocation prints container IDs or
// names: docker ps, container ls/list, compose ps. Output of such a command
// feeding a removal makes it a mass removal (DG105).
func (inv *Invocation) IsContainerListing() bool {
	switch inv.Cmd() {
	case "container ls", "compose ps", "pod ps":
		return true
	}
	return false
}

// Key returns the normalised command line for baselines: the binary and
// every word after the global flags, unknown words as written.
func (inv *Invocation) Key() string {
	var b strings.Builder
	b.WriteString(inv.Binary)
	first := len(inv.Argv)
	if len(inv.PathIndex) > 0 {
		first = inv.PathIndex[0]
		if first == 0 {
			first = 1
		}
	}
	for _, w := range inv.Argv[first:] {
		b.WriteByte(' ')
		b.WriteString(w.Display())
	}
	return b.String()
}

// Span returns the byte range of the whole command line in the caller's
// source, from argv[0] to the last word, or (-1, -1) when the words have no
// positions.
func (inv *Invocation) Span() (start, end int) {
	start, end = -1, -1
	for _, w := range inv.Argv {
		if w.Start >= 0 && (start < 0 || w.Start < start) {
			start = w.Start
		}
		if w.End > end {
			end = w.End
		}
	}
	return start, end
}

// KeepsStopped reports whether the subcommand leaves stopped
// containers stopped: it lists, inspects, removes or works on images,
// volumes and networks. Anything else (run, start, restart, create,
// unpause, compose up, a subcommand dockguard does not model) may start
// one again.
func (inv *Invocation) KeepsStopped() bool {
	path := inv.Path
	if len(path) == 0 {
		return false
	}
	switch path[0] {
	case "image", "volume", "network", "system", "builder", "buildx", "login", "logout",
		"version", "info", "images", "rmi", "pull", "push", "build", "tag", "save", "load",
		"inspect", "search", "manifest", "context":
		return true
	}
	switch path[len(path)-1] {
	case "ls", "list", "ps", "inspect", "logs", "wait", "rm", "remove", "kill", "stop",
		"port", "top", "stats", "events", "cp", "diff", "export", "prune", "config", "images":
		return true
	}
	return false
}
