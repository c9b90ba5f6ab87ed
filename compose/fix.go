package compose

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/dockguard/dockguard/memusage"
	"github.com/dockguard/dockguard/rules"
)

// Sizing says where the DG201 fix takes a service's memory limit from, in
// order: what was observed of the service's containers, then Default.
// Without either a DG201 finding carries no fix and says how to get one.
type Sizing struct {
	// Observed returns what was observed of the service named service in
	// the project named project whose working directory is dir.
	Observed func(project, dir, service string) (memusage.Observation, bool)
	// From names the observations' source in messages ("live", a file).
	From string
	// Default is the limit of services with no observation (0: none).
	Default int64
	// Headroom multiplies the observed peak (0: memusage.DefaultHeadroom).
	Headroom float64
	// WithReservation also sets the reservation, to the observed p50.
	WithReservation bool
	// NoComment leaves out the YAML comment that says where a limit
	// comes from.
	NoComment bool
	// Sized, when set, receives one row per service that was observed or
	// given a limit. It is called from several goroutines at once.
	Sized func(SizedService)
}

// SizedService is one row of the sizing table of `dockguard fix`.
type SizedService struct {
	Project, Service, File string
	// Observed is set when usage was observed; Stats hold it then.
	Observed bool
	Stats    memusage.Stats
	// Before is the limit the files set (0: none); After is the limit the
	// fix writes, or Before when nothing is written.
	Before, After int64
	// Replicas is how many containers the service starts.
	Replicas int
	// Basis says where After comes from.
	Basis string
}

// fixer attaches fixes to one project's findings.
type fixer struct {
	sizing  *Sizing // nil: no DG201 fix
	explain bool    // say why a DG201 finding has no fix
	project string
	dir     string
}

// noSourceHint says how to get a DG201 fix.
const noSourceHint = "no limit to write: run `dockguard fix --limits-from live` where the stack runs to size it from its usage, or pass --default-memory SIZE"

// Fix settings that are not sizes.
const (
	runtimeShare   = 0.75 // DG204: a runtime's cap as a share of the limit
	runtimeOverrun = 1.25 // DG201: the limit left above a runtime's cap
)

// observed returns the observation of s, if any.
func (fx *fixer) observed(s *service) (memusage.Observation, bool) {
	if fx == nil || fx.sizing == nil || fx.sizing.Observed == nil {
		return memusage.Observation{}, false
	}
	return fx.sizing.Observed(fx.project, fx.dir, s.name)
}

// limitFix attaches the DG201 fix to fd, or says in its message why there
// is none.
func (fx *fixer) limitFix(s *service, fd *rules.Finding) {
	if fx == nil {
		return
	}
	if fx.sizing == nil {
		if fx.explain {
			fd.Message += "; no fix: " + noSourceHint
		}
		return
	}
	sz := fx.sizing
	row := SizedService{Project: fx.project, Service: s.name, File: fd.File, Replicas: s.replicas}
	var limit, reservation int64
	var basis string
	obs, observed := fx.observed(s)
	if observed {
		row.Observed, row.Stats = true, obs.Stats()
		// Runtime caps need their own overhead on top.
		var floor int64
		for _, rc := range runtimeCaps(s) {
			if rc.bytes > 0 && rc.percent == 0 && !rc.unlimited {
				floor = max(floor, int64(math.Ceil(float64(rc.bytes)*runtimeOverrun)))
			}
		}
		floor = max(floor, s.reservation)
		if r, ok := memusage.Recommend(obs, memusage.Policy{Headroom: sz.Headroom, Floor: floor, WithReservation: sz.WithReservation}); ok {
			limit, reservation, basis = r.Limit, r.Reservation, r.Basis
		} else {
			observed = false
		}
	}
	if !observed && sz.Default > 0 {
		limit, basis = max(sz.Default, s.reservation), "--default-memory, no usage observed"
	}
	if limit == 0 {
		if sz.Observed == nil {
			fd.Message += "; no fix: " + noSourceHint
		} else {
			fd.Message += fmt.Sprintf("; no fix: no usage of it was observed in %s (give it --default-memory SIZE, or observe it where it runs)", sz.From)
		}
		fx.report(row)
		return
	}
	edits, where, err := fx.limitEdits(s, fd, limit, reservation, basis)
	if err != nil {
		fd.Message += "; no fix: " + err.Error()
		fx.report(row)
		return
	}
	fd.Fixes = edits
	fd.Message += fmt.Sprintf("; fix: %s %s (%s)%s", where, memusage.Size(limit), basis, fx.placement(s))
	row.After, row.Basis = limit, basis
	fx.report(row)
}

func (fx *fixer) report(row SizedService) {
	if fx.sizing.Sized != nil {
		fx.sizing.Sized(row)
	}
}

// reportLimited adds the table row of a service that has a limit, so
// that the table's sum covers the whole stack.
func (fx *fixer) reportLimited(s *service) {
	if fx == nil || fx.sizing == nil || fx.sizing.Sized == nil {
		return
	}
	obs, ok := fx.observed(s)
	file := ""
	if d, ok := home(s.chain); ok {
		file = d.f.display
	}
	row := SizedService{Project: fx.project, Service: s.name, File: file, Observed: ok,
		Before: s.limit, After: s.limit, Replicas: s.replicas, Basis: "limit kept"}
	if ok {
		row.Stats = obs.Stats()
	}
	fx.sizing.Sized(row)
}

// placement says where the limit is written when the service is built
// from more than its own definition.
func (fx *fixer) placement(s *service) string {
	d, _, ok := limitHome(s.chain)
	if !ok {
		return ""
	}
	if _, ext := directGet(d.value, "extends"); ext != nil {
		base := ""
		for _, x := range s.chain {
			if x.base {
				base = fmt.Sprintf(" %q in %s", x.key.Value, x.f.display)
			}
		}
		return fmt.Sprintf("; written in %q's own definition, not in the service it extends%s, whose other users keep theirs", s.name, base)
	}
	if m := resolveAlias(d.value); m != nil && m.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(m.Content); i += 2 {
			if k := m.Content[i]; k.Tag == "!!merge" || (k.Value == "<<" && k.Style == 0) {
				return fmt.Sprintf("; written in %q's own definition, not in the anchor it merges with <<", s.name)
			}
		}
	}
	return ""
}

// limitEdits writes the limit (and the reservation when non-zero) into the
// service's own definition, in the style the file uses. where names the
// attribute written.
func (fx *fixer) limitEdits(s *service, fd *rules.Finding, limit, reservation int64, basis string) ([]rules.Edit, string, error) {
	d, _, ok := limitHome(s.chain)
	if !ok {
		return nil, "", errors.New("the service's definition was not found")
	}
	// An explicit 0 is replaced where it is written, if that is the
	// service's own definition.
	if vd, _, _, ok := lookup(s.chain, s.limitPath...); ok && !vd.base {
		d = vd
	}
	if d.f.display != fd.File {
		return nil, "", fmt.Errorf("the limit would go in %s, not in this file", d.f.display)
	}
	// parseYAML resolves a service written as an alias (web: *base); its
	// value then sits before its key, in the anchor others share.
	if d.value == nil || d.value.Kind != yaml.MappingNode || d.f.offsetOf(d.value) < d.f.offsetOf(d.key) {
		return nil, "", errors.New("the service is not a mapping of its own (an alias of an anchor others share)")
	}
	_, _, _, limitsSet := lookup(s.chain, "deploy", "resources", "limits")
	deployFirst := !fx.prefersMemLimit(d.f, s)
	if _, _, _, ok := lookup(s.chain, s.limitPath...); ok {
		deployFirst = s.limitPath[0] == "deploy"
	}
	if limitsSet {
		// deploy.resources.limits without memory counts as memory 0, which
		// compose-go refuses next to a different mem_limit.
		deployFirst = true
	}
	comment := basis
	if fx.sizing.NoComment {
		comment = ""
	}
	st := d.f.sizeStyle()
	lv := st.format(limit)
	deploy := []leaf{{path: pathDeployLimit, value: lv, comment: comment}}
	mem := []leaf{{path: pathMemLimit, value: lv, comment: comment}}
	if reservation > 0 {
		rv := st.format(reservation)
		if _, _, _, ok := lookup(s.chain, pathDeployRes...); !ok {
			if _, _, _, ok := lookup(s.chain, pathMemRes...); !ok {
				deploy = append(deploy, leaf{path: pathDeployRes, value: rv})
				mem = append(mem, leaf{path: pathMemRes, value: rv})
			}
		}
	}
	try := []struct {
		where  string
		leaves []leaf
	}{{"deploy.resources.limits.memory", deploy}, {"mem_limit", mem}}
	if !deployFirst {
		try[0], try[1] = try[1], try[0]
	}
	var firstErr error
	for i, t := range try {
		if t.where == "mem_limit" && limitsSet {
			continue
		}
		edits, err := d.f.setLeaves(d.key, d.value, t.leaves, comment != "")
		if err == nil {
			return edits, t.where, nil
		}
		if i == 0 || firstErr == nil {
			firstErr = err
		}
		var ne *errNotEditable
		if !errors.As(err, &ne) {
			break
		}
	}
	return nil, "", firstErr
}

// prefersMemLimit reports whether f writes limits as mem_limit: more of
// its services use mem_limit than deploy.resources.limits.memory, or none
// uses either and s sets mem_reservation.
func (fx *fixer) prefersMemLimit(f *yfile, s *service) bool {
	var mem, deploy int
	for _, sv := range f.services {
		if _, v := mapGet(sv.value, "mem_limit"); v != nil {
			mem++
		}
		if _, _, v, ok := lookup([]def{{f: f, value: sv.value}}, pathDeployLimit...); ok && v != nil {
			deploy++
		}
	}
	if mem != deploy {
		return mem > deploy
	}
	if mem == 0 {
		_, _, _, ok := lookup(s.chain, pathMemRes...)
		return ok
	}
	return false
}

// sizeStyle is how a file writes sizes: quotes and unit spelling.
type sizeStyle struct {
	quote   string // "", `'` or `"`
	upper   bool   // "512M" rather than "512m"
	trailer string // what follows the unit letter: "", "b", "B", "iB"
}

var sizeRE = regexp.MustCompile(`^\d+(?:\.\d+)?\s?([kKmMgGtT])([iI]?[bB]?)$`)

// sizeStyle takes the style of the first size the file writes.
func (f *yfile) sizeStyle() sizeStyle {
	var st sizeStyle
	for _, name := range sortedServiceNames(f) {
		sv := f.services[name]
		for _, p := range [][]string{pathMemLimit, pathDeployLimit, pathMemRes, pathDeployRes} {
			_, _, v, ok := lookup([]def{{f: f, value: sv.value}}, p...)
			if !ok || v == nil || v.Kind != yaml.ScalarNode {
				continue
			}
			m := sizeRE.FindStringSubmatch(strings.TrimSpace(v.Value))
			if m == nil {
				continue
			}
			switch {
			case v.Style&yaml.DoubleQuotedStyle != 0:
				st.quote = `"`
			case v.Style&yaml.SingleQuotedStyle != 0:
				st.quote = "'"
			}
			st.upper = m[1] == strings.ToUpper(m[1])
			st.trailer = m[2]
			return st
		}
	}
	return st
}

// format writes n (a multiple of 1 MiB) in the style: whole GiB as g,
// else MiB.
func (st sizeStyle) format(n int64) string {
	num, unit := n>>20, "m"
	if n%(1<<30) == 0 {
		num, unit = n>>30, "g"
	}
	if st.upper {
		unit = strings.ToUpper(unit)
	}
	return st.quote + strconv.FormatInt(num, 10) + unit + st.trailer + st.quote
}

func sortedServiceNames(f *yfile) []string {
	names := make([]string, 0, len(f.services))
	for n := range f.services {
		names = append(names, n)
	}
	// Document order, so that "the first size" means the first written.
	sortByLine(names, f)
	return names
}

func sortByLine(names []string, f *yfile) {
	for i := 1; i < len(names); i++ {
		for j := i; j > 0 && f.services[names[j]].key.Line < f.services[names[j-1]].key.Line; j-- {
			names[j], names[j-1] = names[j-1], names[j]
		}
	}
}

// ownRegion is the byte range of a definition's own text: from its key to
// the end of its value. An edit outside it would change what other
// services share (an anchor defined elsewhere).
func ownRegion(d def) (start, end int, ok bool) {
	f := d.f
	if d.key == nil || d.value == nil {
		return 0, 0, false
	}
	start = f.offsetOf(d.key)
	v := d.value
	if v.Kind != yaml.MappingNode {
		return 0, 0, false
	}
	if v.Style&yaml.FlowStyle != 0 {
		c, _, err := flowScan(f.src, f.offsetOf(v))
		if err != nil {
			return 0, 0, false
		}
		return start, c + 1, true
	}
	e, err := f.blockEnd(v)
	if err != nil {
		return 0, 0, false
	}
	return start, e, true
}

// inOwnRegion reports whether [s, e) lies in a non-base definition's own
// text.
func inOwnRegion(ch []def, file string, s, e int) bool {
	for _, d := range ch {
		if d.base || d.f.display != file {
			continue
		}
		if rs, re, ok := ownRegion(d); ok && s >= rs && e <= re {
			return true
		}
	}
	return false
}

// reservationFix is DG202's fix: the reservation lowered to the limit, as
// the file writes it. The message stays as it is: the fix speaks for
// itself in --diff and in editors. Only a limit written as a plain size qualifies; one
// from a variable may differ where the file is used.
func reservationFix(s *service, fd *rules.Finding) {
	_, _, lv, ok := lookup(s.chain, s.limitPath...)
	if !ok {
		return
	}
	written, ok := scalar(lv)
	if !ok || strings.Contains(written, "$") {
		return // the limit comes from a variable
	}
	d, _, rv, ok := lookup(s.chain, s.reservationPath...)
	if !ok || d.base || rv.Kind != yaml.ScalarNode {
		return
	}
	e, err := d.f.replaceScalar(rv, strings.TrimSpace(written), "", false)
	if err != nil || !inOwnRegion(s.chain, fd.File, e.Start, e.End) || d.f.display != fd.File {
		return // not in this service's own definition
	}
	fd.Fixes = []rules.Edit{e}
}

// capFix is DG204's fix: the runtime's cap lowered to 75 % of the limit,
// in the runtime's own units, inside the string that holds it.
func capFix(s *service, rc runtimeCap, fd *rules.Finding) {
	var src []byte
	for _, d := range s.chain {
		if d.f.display == fd.File {
			src = d.f.src
		}
	}
	if fd.End <= fd.Start || fd.End > len(src) || string(src[fd.Start:fd.End]) != rc.setting {
		return // the setting is not written as one piece (env_file, split lines)
	}
	if !inOwnRegion(s.chain, fd.File, fd.Start, fd.End) {
		return // not in this service's own definition
	}
	repl, ok := loweredCap(rc, int64(float64(s.limit)*runtimeShare))
	if !ok {
		return
	}
	fd.Fixes = []rules.Edit{{Start: fd.Start, End: fd.End, NewText: repl}}
}

// loweredCap rewrites a runtime setting to cap at n bytes, spelled as the
// original is (flag form, separator, unit letter case).
func loweredCap(rc runtimeCap, n int64) (string, bool) {
	const mb = 1 << 20
	if n < mb {
		return "", false
	}
	set := rc.setting
	switch {
	case rc.runtime == "JVM" && rc.percent > 0:
		i := strings.IndexByte(set, '=')
		if i < 0 {
			return "", false
		}
		return set[:i+1] + strconv.FormatFloat(runtimeShare*100, 'f', 1, 64), true
	case rc.runtime == "JVM":
		var flag, val string
		if strings.HasPrefix(set, "-Xmx") {
			flag, val = "-Xmx", set[4:]
		} else if i := strings.IndexByte(set, '='); i >= 0 {
			flag, val = set[:i+1], set[i+1:]
		} else {
			return "", false
		}
		unit := "m"
		num := n / mb
		if last := val[len(val)-1]; (last == 'g' || last == 'G') && n%(1<<30) == 0 {
			unit, num = "g", n>>30
		}
		if last := val[len(val)-1]; last >= 'A' && last <= 'Z' {
			unit = strings.ToUpper(unit)
		}
		return flag + strconv.FormatInt(num, 10) + unit, true
	case rc.runtime == "Redis":
		// Redis: mb is MiB (m would be 10^6 bytes).
		return replaceFlagValue(set, strconv.FormatInt(n/mb, 10)+"mb")
	case rc.runtime == "Node.js":
		return replaceFlagValue(set, strconv.FormatInt(n/mb, 10))
	}
	return "", false
}

// replaceFlagValue replaces the value of "--flag value" or "--flag=value".
func replaceFlagValue(set, val string) (string, bool) {
	if i := strings.IndexByte(set, '='); i >= 0 && !strings.Contains(set[:i], " ") {
		return set[:i+1] + val, true
	}
	if i := strings.LastIndexAny(set, " \t"); i >= 0 {
		return set[:i+1] + val, true
	}
	return "", false
}
