package compose

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/compose-spec/compose-go/v2/types"
	"github.com/dockguard/dockguard/memusage"
	"github.com/dockguard/dockguard/rules"
)

// profileSuffix names a service's profiles in a message.
func profileSuffix(s *service) string {
	switch len(s.profiles) {
	case 0:
		return ""
	case 1:
		return fmt.Sprintf(" (profile %s)", s.profiles[0])
	}
	return fmt.Sprintf(" (profiles %s)", strings.Join(s.profiles, ", "))
}

func serviceKey(name string) string { return "service:" + name }

// serviceFinding places a finding at the service's key in the file that
// defines it.
func serviceFinding(id string, s *service, key, msg string) (rules.Finding, bool) {
	d, ok := home(s.chain)
	if !ok {
		return rules.Finding{}, false
	}
	return d.f.finding(id, d.key, key, msg), true
}

// valueFinding places a finding at the value of the key path, falling back
// to the service key when the value is not written in any file (env_file,
// defaults).
func valueFinding(id string, s *service, keys []string, key, msg string) (rules.Finding, bool) {
	if d, _, v, ok := lookup(s.chain, keys...); ok {
		return d.f.finding(id, v, key, msg), true
	}
	return serviceFinding(id, s, key, msg)
}

// envFinding places a finding at the value of environment variable name.
func envFinding(id string, s *service, name, setting, key, msg string) (rules.Finding, bool) {
	for i := len(s.chain) - 1; i >= 0; i-- {
		d := s.chain[i]
		_, v := mapGet(d.value, "environment")
		v = resolveAlias(v)
		if v == nil {
			continue
		}
		switch v.Kind {
		case yaml.MappingNode:
			if _, vn := mapGet(v, name); vn != nil {
				return d.f.findingAt(id, resolveAlias(vn), setting, key, msg), true
			}
		case yaml.SequenceNode:
			for _, e := range v.Content {
				if sv, ok := scalar(e); ok && (sv == name || strings.HasPrefix(sv, name+"=")) {
					return d.f.findingAt(id, e, setting, key, msg), true
				}
			}
		}
	}
	// Not written in the compose files: it comes from an env_file.
	if d, _, v, ok := lookup(s.chain, "env_file"); ok {
		return d.f.finding(id, v, key, msg), true
	}
	return serviceFinding(id, s, key, msg)
}

// commandFinding places a finding at the command or entrypoint element
// holding the flag, or at the attribute's value.
func commandFinding(id string, s *service, attr, flag, setting, key, msg string) (rules.Finding, bool) {
	d, _, v, ok := lookup(s.chain, attr)
	if !ok {
		return serviceFinding(id, s, key, msg)
	}
	if v.Kind == yaml.SequenceNode {
		// The last mention wins, as it does on the command line; with the
		// flag and its value in separate elements, point at the value.
		for i := len(v.Content) - 1; i >= 0; i-- {
			e := v.Content[i]
			sv, ok := scalar(e)
			if !ok || !hasFlag(strings.Fields(sv), flag) {
				continue
			}
			if sv == flag && setting != flag && i+1 < len(v.Content) {
				e = v.Content[i+1]
			}
			return d.f.findingAt(id, e, setting, key, msg), true
		}
	}
	return d.f.findingAt(id, v, setting, key, msg), true
}

// isFlag reports whether word w is flag as a whole: the flag alone or
// with its =value. A longer flag that starts with the same letters
// (--maxmemory-policy) is not it.
func isFlag(w, flag string) bool {
	return w == flag || strings.HasPrefix(w, flag+"=")
}

// hasFlag reports whether one of words is flag as a whole (isFlag).
func hasFlag(words []string, flag string) bool {
	for _, w := range words {
		if isFlag(w, flag) {
			return true
		}
	}
	return false
}

// noLimitFinding is DG201 for s: at an explicit 0, else at the service key.
func noLimitFinding(s *service, key string) (rules.Finding, bool) {
	if _, _, v, ok := lookup(s.chain, s.limitPath...); ok {
		if written, isScalar := scalar(v); isScalar {
			// Say what the file says: a negative size is not "0".
			what := "0, which means no memory limit"
			if strings.HasPrefix(strings.TrimSpace(written), "-") {
				what = strings.TrimSpace(written) + ", which is not a memory limit"
			}
			return valueFinding("DG201", s, s.limitPath, key, fmt.Sprintf(
				"service %q%s sets %s to %s", s.name, profileSuffix(s), attrName(s.limitPath), what))
		}
	}
	d, overrides, ok := limitHome(s.chain)
	if !ok {
		return rules.Finding{}, false
	}
	also := ""
	if len(overrides) > 0 {
		// Reported where the service is declared; the override that
		// tunes it sets no limit either.
		also = fmt.Sprintf(" (nor in %s, which overrides it)", strings.Join(overrides, ", "))
	}
	msg := fmt.Sprintf("service %q%s has no memory limit%s; set deploy.resources.limits.memory (or mem_limit)", s.name, profileSuffix(s), also)
	if s.reservation > 0 {
		msg += fmt.Sprintf("; its %s reservation is not a limit", humanBytes(s.reservation))
	}
	return d.f.finding("DG201", d.key, key, msg), true
}

func attrName(keys []string) string { return strings.Join(keys, ".") }

// checkServices runs DG201, DG202, DG204 and DG205 on each service.
// fx attaches the fixes; a nil fx attaches those that need no value
// source (DG202, DG204).
func checkServices(svcs []*service, fx *fixer) []rules.Finding {
	var out []rules.Finding
	add := func(f rules.Finding, ok bool) {
		if ok {
			out = append(out, f)
		}
	}
	for _, s := range svcs {
		key := serviceKey(s.name)
		// DG201: no limit (0 counts as none).
		if !s.hasLimit() {
			if f, ok := noLimitFinding(s, key); ok {
				fx.limitFix(s, &f)
				out = append(out, f)
			}
		} else {
			fx.reportLimited(s)
		}
		// DG205: settings that defeat the limit.
		if s.oomKill && !s.hasLimit() {
			add(valueFinding("DG205", s, pathOomKill, key+":oom_kill_disable", fmt.Sprintf(
				"service %q sets oom_kill_disable without a memory limit: the kernel cannot stop it from taking all of the host's memory", s.name)))
		}
		if s.memswapSet && s.memswap > 0 && !s.hasLimit() {
			// The daemon refuses MemorySwap > 0 with Memory == 0, so the
			// container never starts.
			add(valueFinding("DG205", s, pathMemswap, key+":memswap_limit", fmt.Sprintf(
				"service %q sets memswap_limit %s without a memory limit: the Docker daemon refuses to create the container, because memswap_limit counts memory plus swap and needs mem_limit or deploy.resources.limits.memory",
				s.name, humanBytes(s.memswap))))
		}
		if s.memswapSet && s.memswap != -1 && s.limit > 0 && s.limitKnown && s.memswap < s.limit {
			sb, lb := humanPair(s.memswap, s.limit)
			add(valueFinding("DG205", s, pathMemswap, key+":memswap_limit", fmt.Sprintf(
				"service %q sets memswap_limit %s below its memory limit %s; memswap_limit counts memory plus swap, so it must be at least the limit (or -1 for unlimited swap)",
				s.name, sb, lb)))
		}
		if s.limit <= 0 || !s.limitKnown {
			continue
		}
		// DG202: reservation above the limit.
		if s.reservation > s.limit {
			rb, lb := humanPair(s.reservation, s.limit)
			if f, ok := valueFinding("DG202", s, s.reservationPath, key, fmt.Sprintf(
				"service %q reserves %s (%s), more than its memory limit %s",
				s.name, rb, attrName(s.reservationPath), lb)); ok {
				reservationFix(s, &f)
				out = append(out, f)
			}
		}
		// DG204: runtime caps at or above the limit.
		for _, rc := range runtimeCaps(s) {
			var msg string
			switch {
			case rc.unlimited:
				msg = fmt.Sprintf("service %q runs %s with %s, which means no cap, under a container limit of %s: the kernel OOM-kills the container before %s evicts",
					s.name, rc.runtime, rc.setting, humanBytes(s.limit), rc.runtime)
			case rc.percent > 0:
				if rc.percent < 100 {
					continue
				}
				msg = fmt.Sprintf("service %q gives the JVM %s, a heap of %.0f%% of the %s container limit: the kernel OOM-kills the container before the JVM collects garbage; use 75 or less",
					s.name, rc.setting, rc.percent, humanBytes(s.limit))
			default:
				if rc.bytes < s.limit {
					continue
				}
				cb, lb := humanPair(rc.bytes, s.limit)
				msg = fmt.Sprintf("service %q caps %s at %s (%s) in %s, at or above its container limit %s: the kernel OOM-kills the container first; keep the cap near 75%% of the limit",
					s.name, rc.runtime, rc.setting, cb, rc.where, lb)
			}
			k := key + ":" + strings.ToLower(rc.runtime)
			var f rules.Finding
			var ok bool
			switch rc.where {
			case "command", "entrypoint":
				flag := strings.Fields(rc.setting)[0]
				if i := strings.IndexByte(flag, '='); i > 0 {
					flag = flag[:i]
				}
				if rc.runtime == "JVM" && strings.HasPrefix(flag, "-Xmx") {
					flag = rc.setting // the value is attached: the whole word
				}
				f, ok = commandFinding("DG204", s, rc.where, flag, rc.setting, k, msg)
			default:
				f, ok = envFinding("DG204", s, rc.where, rc.setting, k, msg)
			}
			if ok {
				capFix(s, rc, &f)
				out = append(out, f)
			}
		}
	}
	return out
}

// profileSet is one set of services that start together.
type profileSet struct {
	label    string // for messages: "by default", "with --profile debug"
	key      string
	profiles []string // active profiles; "*" enables all
}

func (ps profileSet) includes(s *service) bool {
	if len(s.profiles) == 0 {
		return true
	}
	for _, a := range ps.profiles {
		if a == "*" {
			return true
		}
		for _, p := range s.profiles {
			if p == a {
				return true
			}
		}
	}
	return false
}

func splitList(s string) []string {
	var out []string
	for _, x := range strings.Split(s, ",") {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

// checkBudget runs DG203 for the default start set and each profile set.
// With observed usage (fx), the message names the services whose p99 is
// below half their limit, as candidates to lower.
func checkBudget(p *project, svcs []*service, opts Options, fx *fixer) []rules.Finding {
	budget := opts.MemoryBudget
	if budget <= 0 {
		budget = DefaultMemoryBudget
	}
	def := profileSet{label: "started by default", key: "budget:default"}
	if cp := splitList(p.env["COMPOSE_PROFILES"]); len(cp) > 0 {
		def.profiles = cp
		def.label = "started by default (COMPOSE_PROFILES=" + strings.Join(cp, ",") + ")"
	}
	sets := []profileSet{def}
	var list []string
	for _, ps := range opts.Profiles {
		list = append(list, splitList(ps)...)
	}
	if len(list) > 0 {
		label := "started with --profile " + strings.Join(list, " --profile ")
		if indexOf(list, "*") >= 0 {
			label = "of every profile"
		}
		sets = append(sets, profileSet{label: label, key: "budget:profile=" + strings.Join(list, ","),
			profiles: append(append([]string{}, def.profiles...), list...)})
	}
	var primary *yfile
	if len(p.configs) > 0 {
		primary = p.configs[0]
	}
	if primary == nil {
		return nil
	}
	var out []rules.Finding
	for _, set := range sets {
		type use struct {
			name  string
			bytes int64
			n     int
			each  int64
		}
		var uses []use
		var total int64
		unknown := 0
		var idle []string
		for _, s := range svcs {
			if !set.includes(s) {
				continue
			}
			if !s.hasLimit() || !s.limitKnown {
				unknown++
				continue
			}
			n := s.replicas
			if n < 0 {
				n = 0
			}
			if n == 0 {
				continue // scaled to zero: starts nothing
			}
			b := s.limit * int64(n)
			total += b
			uses = append(uses, use{s.name, b, n, s.limit})
			if o, ok := fx.observed(s); ok {
				if st := o.Stats(); st.N > 0 && st.P99*2 < s.limit {
					idle = append(idle, fmt.Sprintf("%s (p99 %s of %s)", s.name, memusage.Size(st.P99), humanBytes(s.limit)))
				}
			}
		}
		if total <= budget {
			continue
		}
		sort.SliceStable(uses, func(i, j int) bool {
			if uses[i].bytes != uses[j].bytes {
				return uses[i].bytes > uses[j].bytes
			}
			return uses[i].name < uses[j].name
		})
		var top []string
		for i, u := range uses {
			if i == 5 {
				top = append(top, fmt.Sprintf("and %d more", len(uses)-5))
				break
			}
			if u.n == 1 {
				top = append(top, fmt.Sprintf("%s %s", u.name, humanBytes(u.bytes)))
			} else {
				top = append(top, fmt.Sprintf("%s %s (%d × %s)", u.name, humanBytes(u.bytes), u.n, humanBytes(u.each)))
			}
		}
		msg := fmt.Sprintf("the services %s have memory limits totalling %s, over the %s budget: %s",
			set.label, humanBytes(total), humanBytes(budget), strings.Join(top, ", "))
		if unknown > 0 {
			msg += fmt.Sprintf("; %d more service(s) without a known limit are not counted", unknown)
		}
		if len(idle) > 0 {
			sort.Strings(idle)
			msg += "; observed using less than half their limit, candidates to lower: " + strings.Join(idle, ", ")
		}
		if primary.servicesKey != nil {
			out = append(out, primary.finding("DG203", primary.servicesKey, set.key, msg))
		} else {
			out = append(out, primary.lineFinding("DG203", 1, set.key, msg))
		}
	}
	return out
}

var varRE = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)([^}]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)`)

// varsWithoutDefault lists the variables of a raw value that have no default
// (`${X}`, `$X`, `${X?err}`; not `${X:-d}` or `${X-d}`).
func varsWithoutDefault(v string) []string {
	var out []string
	for _, m := range varRE.FindAllStringSubmatchIndex(v, -1) {
		if m[0] > 0 && v[m[0]-1] == '$' {
			continue // $$ escapes a dollar
		}
		if m[2] >= 0 {
			mod := v[m[4]:m[5]]
			if strings.HasPrefix(mod, ":-") || strings.HasPrefix(mod, "-") || strings.HasPrefix(mod, ":+") || strings.HasPrefix(mod, "+") {
				continue
			}
			out = append(out, v[m[2]:m[3]])
		} else {
			out = append(out, v[m[6]:m[7]])
		}
	}
	return out
}

// limitVarNotes says when a service's limit comes from a variable without a
// default that the load's environment (the process's and the project's
// .env, as the load used them) does not set: the limit counts as set, but
// the variable unset breaks the file.
func limitVarNotes(svcs []*service, env types.Mapping) []rules.Note {
	var out []rules.Note
	for _, s := range svcs {
		if !s.hasLimit() {
			continue
		}
		d, _, v, ok := lookup(s.chain, s.limitPath...)
		if !ok {
			continue
		}
		raw, ok := scalar(v)
		if !ok {
			continue
		}
		var vars []string
		for _, name := range varsWithoutDefault(raw) {
			if _, set := env[name]; !set {
				vars = append(vars, name)
			}
		}
		if len(vars) > 0 {
			out = append(out, rules.Note{File: d.f.display, Message: fmt.Sprintf(
				"line %d: service %q takes its memory limit from %s, which has no default; when %s is unset Compose refuses the file",
				v.Line, s.name, raw, vars[0])})
		}
	}
	return out
}
