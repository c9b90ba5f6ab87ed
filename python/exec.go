package python

import (
	"fmt"
	"strings"

	"github.com/dockguard/dockguard/dockercli"
	"github.com/dockguard/dockguard/python/syntax"
	"github.com/dockguard/dockguard/rules"
	"github.com/dockguard/dockguard/shell"
)

// runSpec says where a command runner takes its command.
type runSpec struct {
	// argv is the index of an argv list (subprocess: also a shell string
	// with shell=True); -1 when unused.
	argv int
	// shellArg is the index of a shell command string; -1 when unused.
	shellArg int
	// varargs is the index from which the positional arguments are the
	// argv (os.execl, asyncio.create_subprocess_exec); -1 when unused.
	varargs int
	// dropLast leaves out the last positional argument (the env of
	// os.execle and friends).
	dropLast bool
	// timeout reports a function that takes timeout= (DG302).
	timeout bool
	// shellKw reports a function whose shell= keyword makes argv a shell
	// string.
	shellKw bool
}

var runners = map[string]runSpec{}

func init() {
	sub := runSpec{argv: 0, shellArg: -1, varargs: -1, timeout: true, shellKw: true}
	for _, f := range []string{"run", "call", "check_call", "check_output"} {
		runners["subprocess."+f] = sub
	}
	popen := sub
	popen.timeout = false
	runners["subprocess.Popen"] = popen
	shellStr := runSpec{argv: -1, shellArg: 0, varargs: -1}
	for _, f := range []string{"os.system", "os.popen", "subprocess.getoutput", "subprocess.getstatusoutput", "asyncio.create_subprocess_shell"} {
		runners[f] = shellStr
	}
	runners["asyncio.create_subprocess_exec"] = runSpec{argv: -1, shellArg: -1, varargs: 0}
	for f, at := range map[string]int{"execl": 1, "execlp": 1, "spawnl": 2, "spawnlp": 2} {
		runners["os."+f] = runSpec{argv: -1, shellArg: -1, varargs: at}
		runners["os."+f+"e"] = runSpec{argv: -1, shellArg: -1, varargs: at, dropLast: true}
	}
	for f, at := range map[string]int{"execv": 1, "execvp": 1, "execve": 1, "execvpe": 1, "spawnv": 2, "spawnvp": 2, "spawnve": 2, "spawnvpe": 2, "posix_spawn": 1, "posix_spawnp": 1} {
		runners["os."+f] = runSpec{argv: at, shellArg: -1, varargs: -1}
	}
}

// runner judges a call of a command runner.
func (ck *checker) runner(c *syntax.Call, q string, spec runSpec, sc *scope, st *state) {
	switch {
	case spec.shellArg >= 0:
		if e := positional(c, spec.shellArg); e != nil {
			ck.shellString(c, e, sc, st)
		}
	case spec.varargs >= 0:
		var ws []word
		k := 0
		var pos []Expr
		for _, a := range c.Args {
			if a.Name != "" {
				continue
			}
			if a.Star == 1 {
				pos = append(pos, &syntax.Starred{Pos: syntax.Pos{Start: a.Start, End: endOf(a.Value)}, X: a.Value})
				continue
			}
			if a.Star == 0 {
				pos = append(pos, a.Value)
			}
		}
		if spec.dropLast && len(pos) > 0 {
			pos = pos[:len(pos)-1]
		}
		for _, e := range pos {
			if k >= spec.varargs {
				if s, ok := e.(*syntax.Starred); ok {
					more, ok := ck.wordsOf(s.X, sc, 0)
					if !ok {
						more = []word{{Word: dockercli.Word{Text: ck.text(e), Start: -1, End: -1}}}
					}
					ws = append(ws, more...)
				} else {
					ws = append(ws, ck.wordOf(e, sc))
				}
			}
			k++
		}
		if len(ws) > 0 {
			ck.argv(c, q, ws, spec, sc, st)
		}
	case spec.argv >= 0:
		e := positional(c, spec.argv)
		if e == nil {
			if v, ok := ck.kwarg(c, "args", sc); ok {
				e = v
			} else {
				return
			}
		}
		shellMode := no
		if spec.shellKw {
			if v, found := ck.kwarg(c, "shell", sc); found {
				shellMode = truthy(v)
			} else if ck.opaqueKwargs(c, sc) {
				shellMode = unknownTri
			}
		}
		if shellMode == yes {
			// With shell=True a string is shell code, and so is the first
			// item of a list (the rest become the shell's $0, $1…).
			if ws, ok := ck.wordsOf(ck.follow(e, sc), sc, 0); ok && len(ws) > 0 {
				if ws[0].str != nil {
					ck.shellValue(c, ws[0].str, sc, st)
				}
				return
			}
			ck.shellString(c, e, sc, st)
			return
		}
		ws, ok := ck.wordsOf(e, sc, 0)
		if !ok {
			// A string without shell=True names the program alone.
			if _, isStr := ck.follow(e, sc).(*syntax.Str); isStr && shellMode == no {
				ws = []word{ck.wordOf(e, sc)}
			} else {
				return
			}
		}
		if shellMode == unknownTri {
			return
		}
		ck.argv(c, q, ws, spec, sc, st)
	}
}

func endOf(e Expr) int {
	_, en := e.Span()
	return en
}

// shellString checks a shell command string.
func (ck *checker) shellString(c *syntax.Call, e Expr, sc *scope, st *state) {
	ck.shellValue(c, ck.strOf(e, sc), sc, st)
}

func (ck *checker) shellValue(c *syntax.Call, v strVal, sc *scope, st *state) {
	lo, hi := c.Span()
	code, m := shellCode(v, lo, hi)
	if !mentions(code, ck.bins) {
		return
	}
	ck.markDocker(st)
	for _, f := range ck.shellCheck(code, m) {
		if f.Rule == "DG001" {
			// A command string that is not valid shell fails at run time;
			// its parse error is not this file's.
			continue
		}
		if f.End <= f.Start {
			f.SetRange(ck.src, lo, hi)
		}
		ck.findings = append(ck.findings, f)
	}
	_ = sc
}

func (ck *checker) shellCheck(code []byte, m func(int) int) (fs []rules.Finding) {
	defer func() {
		if r := recover(); r != nil {
			fs = nil
		}
	}()
	cfg := ck.cfg
	if cfg == nil {
		cfg = &shell.Config{}
	}
	return shell.Check(ck.file, ck.src, code, m, cfg)
}

func mentions(code []byte, bins []string) bool {
	s := string(code)
	if strings.Contains(s, "docker-compose") {
		return true
	}
	for _, b := range bins {
		if strings.Contains(s, b) {
			return true
		}
	}
	return false
}

// argv judges a resolved argv: wrappers peeled, sh -c code through the
// shell front end, a container CLI through dockercli.
func (ck *checker) argv(c *syntax.Call, q string, ws []word, spec runSpec, sc *scope, st *state) {
	argv := make([]dockercli.Word, len(ws))
	for i, w := range ws {
		argv[i] = w.Word
		if !w.Known {
			ck.markListing(&argv[i], sc)
		}
	}
	lo, hi := c.Span()
	u := dockercli.Unwrap(argv)
	inner := u.Feed(false, "")
	if code, _, isShell := dockercli.ShellCode(inner); isShell {
		if !code.Known {
			return
		}
		for _, w := range ws {
			if w.Start == code.Start && w.Known && w.Value == code.Value && w.str != nil {
				ck.shellValue(c, w.str, sc, st)
				ck.timeout(c, q, spec, "a shell that runs docker", sc)
				return
			}
		}
		ck.shellValue(c, strVal{{lit: code.Value}}, sc, st)
		return
	}
	inv, isDocker := dockercli.Parse(inner, ck.bins)
	if !isDocker {
		return
	}
	ck.markDocker(st)
	stoppedFirst := ck.halt(inv, st)
	for _, vd := range inv.Verdicts() {
		if stoppedFirst && vd.Base == dockercli.RuleForceRemoveContainer {
			continue
		}
		ck.report(vd.Rule, lo, hi, vd.Message, inv.Key())
	}
	if msg := parallelRunner(u, inv, ck.limit); msg != "" {
		ck.report("DG106", lo, hi, msg, inv.Key())
	}
	ck.timeout(c, q, spec, inv.Binary, sc)
}

// timeout reports DG302 for a subprocess call of docker without timeout=.
func (ck *checker) timeout(c *syntax.Call, q string, spec runSpec, what string, sc *scope) {
	if !spec.timeout {
		return
	}
	if v, found := ck.kwarg(c, "timeout", sc); found {
		if cn, ok := v.(*syntax.Const); !ok || cn.Value != "None" {
			return
		}
	} else if ck.opaqueKwargs(c, sc) {
		return
	}
	s, e := c.Func.Span()
	ck.report("DG302", s, e, fmt.Sprintf("%s runs %s with no timeout, so a hung daemon hangs this call for ever; pass timeout= (seconds)", q, what), q+" "+what)
}

// parallelRunner judges xargs -P / GNU parallel running a container CLI;
// "" when the concurrency is within limit or unknown.
func parallelRunner(u dockercli.Unwrapped, inv *dockercli.Invocation, limit int) string {
	if u.Runner == "" || u.Jobs == dockercli.JobsUnknown {
		return ""
	}
	switch {
	case u.Jobs == dockercli.JobsUnbounded:
		return fmt.Sprintf("%s runs %s with no limit on concurrency; bursts of parallel calls hang the engine; run at most %d at a time (%s -P %d)",
			u.Runner, inv.Binary, limit, u.Runner, limit)
	case u.Jobs > limit:
		return fmt.Sprintf("%s runs up to %d %s commands at once, above the limit of %d; bursts of parallel calls hang the engine; use -P %d",
			u.Runner, u.Jobs, inv.Binary, limit, limit)
	}
	return ""
}

// halt records the targets of a docker stop on this path, and reports
// whether every target of a container removal was stopped so before. A
// command that may start containers forgets every stop.
func (ck *checker) halt(inv *dockercli.Invocation, st *state) bool {
	switch inv.Cmd() {
	case "container stop":
		for _, a := range inv.Args {
			st.halted[haltKey(inv.Binary, a)] = true
		}
	case "container rm":
		if len(inv.Args) == 0 {
			return false
		}
		for _, a := range inv.Args {
			if !st.halted[haltKey(inv.Binary, a)] {
				return false
			}
		}
		return true
	default:
		if !inv.KeepsStopped() {
			clear(st.halted)
		}
	}
	return false
}

func haltKey(binary string, w dockercli.Word) string {
	return binary + "\x00" + w.Display()
}

// markListing marks an argv word that iterates over a container listing
// (a loop variable over docker ps output).
func (ck *checker) markListing(w *dockercli.Word, sc *scope) {
	if w.Start < 0 {
		return
	}
	name := strings.TrimSpace(w.Text)
	b, ok := sc.lookup(name)
	if !ok || b.iter == nil {
		return
	}
	if inv, ok := ck.listingCmd(b.iter, sc); ok {
		w.FromListing = true
		w.Source = inv.Key()
		w.Stopped = inv.ListsOnlyStopped()
		w.Filtered = inv.ListsFiltered()
	}
}

// listingCmd recognises the output of a docker ps run by subprocess, as
// iterated: check_output([...]).split(), run([...]).stdout.splitlines().
func (ck *checker) listingCmd(e Expr, sc *scope) (*dockercli.Invocation, bool) {
	for range 6 {
		e = ck.follow(e, sc)
		switch x := e.(type) {
		case *syntax.Call:
			if a, ok := x.Func.(*syntax.Attribute); ok {
				switch a.Attr {
				case "split", "splitlines", "decode", "strip":
					e = a.X
					continue
				}
			}
			q := ck.mod.qualified(x.Func)
			if _, ok := runners[q]; !ok || !strings.HasPrefix(q, "subprocess.") {
				return nil, false
			}
			arg := positional(x, 0)
			if arg == nil {
				return nil, false
			}
			ws, ok := ck.words(arg, sc)
			if !ok {
				return nil, false
			}
			inv, ok := dockercli.Parse(ws, ck.bins)
			if !ok || !inv.IsContainerListing() {
				return nil, false
			}
			return inv, true
		case *syntax.Attribute:
			if x.Attr == "stdout" {
				e = x.X
				continue
			}
			return nil, false
		default:
			return nil, false
		}
	}
	return nil, false
}

// shCommand judges the sh library: sh.docker("rm", "-f", x) and
// sh.docker.rm("-f", x).
func (ck *checker) shCommand(c *syntax.Call, q string, sc *scope, st *state) bool {
	if q != "sh.docker" && !strings.HasPrefix(q, "sh.docker.") {
		return false
	}
	parts := strings.Split(strings.TrimPrefix(q, "sh."), ".")
	ws := make([]word, 0, len(parts)+len(c.Args))
	for _, p := range parts {
		ws = append(ws, word{Word: dockercli.Lit(strings.ReplaceAll(p, "_", "-"))})
	}
	ws[0].Value = "docker"
	for _, a := range c.Args {
		switch {
		case a.Star == 1:
			more, ok := ck.wordsOf(a.Value, sc, 0)
			if !ok {
				more = []word{{Word: dockercli.Word{Text: ck.text(a.Value), Start: -1, End: -1}}}
			}
			ws = append(ws, more...)
		case a.Name == "" && a.Star == 0:
			ws = append(ws, ck.wordOf(a.Value, sc))
		case a.Name != "" && !strings.HasPrefix(a.Name, "_"):
			// sh turns keywords into flags: force=True is --force.
			flag := "--" + strings.ReplaceAll(a.Name, "_", "-")
			if len(a.Name) == 1 {
				flag = "-" + a.Name
			}
			switch truthy(ck.follow(a.Value, sc)) {
			case yes:
				if cn, ok := ck.follow(a.Value, sc).(*syntax.Const); ok && cn.Value == "True" {
					ws = append(ws, word{Word: dockercli.Lit(flag)})
					continue
				}
				fallthrough
			case unknownTri:
				v := ck.wordOf(a.Value, sc)
				if v.Known {
					ws = append(ws, word{Word: dockercli.Lit(flag + "=" + v.Value)})
				} else {
					ws = append(ws, word{Word: dockercli.Word{Text: flag + "=" + v.Text, Start: -1, End: -1}})
				}
			}
		}
	}
	ck.argv(c, q, ws, runSpec{argv: -1, shellArg: -1, varargs: -1}, sc, st)
	return true
}

// plumbumCall judges plumbum: local["docker"]["rm", "-f", x]() and
// local["docker"]("rm", "-f", x), also through a name bound to the
// command.
func (ck *checker) plumbumCall(c *syntax.Call, sc *scope, st *state) bool {
	ws, ok := ck.plumbumCmd(c.Func, sc, 0)
	if !ok {
		return false
	}
	for _, a := range c.Args {
		if a.Name == "" && a.Star == 0 {
			ws = append(ws, ck.wordOf(a.Value, sc))
		}
	}
	ck.argv(c, "plumbum", ws, runSpec{argv: -1, shellArg: -1, varargs: -1}, sc, st)
	return true
}

func (ck *checker) plumbumCmd(e Expr, sc *scope, depth int) ([]word, bool) {
	if depth > 8 {
		return nil, false
	}
	e = ck.follow(e, sc)
	s, ok := e.(*syntax.Subscript)
	if !ok {
		return nil, false
	}
	if ck.mod.qualified(s.X) == "plumbum.local" {
		w := ck.wordOf(s.Index, sc)
		return []word{w}, w.Known
	}
	base, ok := ck.plumbumCmd(s.X, sc, depth+1)
	if !ok {
		return nil, false
	}
	if t, isSeq := s.Index.(*syntax.Seq); isSeq {
		for _, el := range t.Elts {
			base = append(base, ck.wordOf(el, sc))
		}
		return base, true
	}
	return append(base, ck.wordOf(s.Index, sc)), true
}
