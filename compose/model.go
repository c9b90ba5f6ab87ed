package compose

import (
	"sort"
	"strconv"
	"strings"

	"github.com/compose-spec/compose-go/v2/template"
	"github.com/compose-spec/compose-go/v2/types"
	"github.com/docker/go-units"
	"gopkg.in/yaml.v3"
)

// Attribute paths of the memory settings, as they appear in a service.
var (
	pathMemLimit      = []string{"mem_limit"}
	pathDeployLimit   = []string{"deploy", "resources", "limits", "memory"}
	pathMemRes        = []string{"mem_reservation"}
	pathDeployRes     = []string{"deploy", "resources", "reservations", "memory"}
	pathMemswap       = []string{"memswap_limit"}
	pathOomKill       = []string{"oom_kill_disable"}
	pathCommand       = []string{"command"}
	pathEntrypoint    = []string{"entrypoint"}
	pathScale         = []string{"scale"}
	pathDeployReplica = []string{"deploy", "replicas"}
	pathDeployMode    = []string{"deploy", "mode"}
	pathProfiles      = []string{"profiles"}
)

// service is the memory-relevant view of one service, built from compose-go
// when the project loads and from the raw YAML when it does not.
type service struct {
	name     string
	profiles []string
	chain    []def

	limit      int64 // bytes; 0 = no limit
	limitKnown bool  // false when set but its size is unknown (unresolved variable)
	limitPath  []string

	reservation     int64
	reservationPath []string

	memswap    int64
	memswapSet bool
	oomKill    bool

	replicas int // containers started; global mode counts 1
	global   bool

	command    []string
	entrypoint []string
	env        map[string]string
}

// hasLimit reports whether the service has a memory limit of any size.
func (s *service) hasLimit() bool { return s.limit > 0 || !s.limitKnown }

// fromProject builds the service views of a loaded compose-go project.
func fromProject(pr *types.Project, p *project, c *fileCache) []*service {
	var out []*service
	add := func(s types.ServiceConfig) {
		sv := &service{name: s.Name, profiles: s.Profiles, chain: p.chain(c, s.Name), limitKnown: true}
		if len(sv.chain) == 0 && len(p.configs) > 0 {
			// Defined where the node index cannot see (a second YAML
			// document, an include path built from variables): report at the
			// project's first file rather than not at all.
			f := p.configs[0]
			sv.chain = []def{{f: f, key: f.servicesKey}}
		}
		var fromDeploy bool
		sv.limit, fromDeploy = effectiveLimit(s)
		sv.limitPath = pathMemLimit
		if fromDeploy {
			sv.limitPath = pathDeployLimit
		} else if sv.limit == 0 {
			// Point a "limit of 0" finding at whichever attribute says 0.
			if _, _, _, ok := lookup(sv.chain, pathDeployLimit...); ok {
				sv.limitPath = pathDeployLimit
			}
		}
		sv.reservation, fromDeploy = effectiveReservation(s)
		sv.reservationPath = pathMemRes
		if fromDeploy {
			sv.reservationPath = pathDeployRes
		}
		if s.MemSwapLimit != 0 {
			sv.memswap, sv.memswapSet = int64(s.MemSwapLimit), true
		}
		sv.oomKill = s.OomKillDisable
		sv.replicas = 1
		if s.Scale != nil {
			sv.replicas = *s.Scale
		} else if s.Deploy != nil && s.Deploy.Replicas != nil {
			sv.replicas = *s.Deploy.Replicas
		}
		if s.Deploy != nil && s.Deploy.Mode == "global" {
			sv.global, sv.replicas = true, 1
		}
		sv.command = []string(s.Command)
		sv.entrypoint = []string(s.Entrypoint)
		sv.env = map[string]string{}
		for k, v := range s.Environment {
			if v != nil {
				sv.env[k] = *v
			}
		}
		out = append(out, sv)
	}
	for _, s := range pr.Services {
		add(s)
	}
	for _, s := range pr.DisabledServices {
		add(s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

// rawInterp interpolates a raw value with env. ok is false when a variable
// without a default is unset or the template is invalid.
func rawInterp(v string, env types.Mapping) (string, bool) {
	if !strings.Contains(v, "$") {
		return v, true
	}
	complete := true
	out, err := template.Substitute(v, func(k string) (string, bool) {
		val, ok := env[k]
		if !ok {
			complete = false
		}
		return val, ok
	})
	if err != nil {
		return v, false
	}
	return out, complete
}

// rawSize reads a size attribute from the raw chain. set is true when the
// attribute is present; known is false when its size cannot be told.
func rawSize(ch []def, env types.Mapping, keys []string) (bytes int64, set, known bool) {
	_, _, v, ok := lookup(ch, keys...)
	if !ok {
		return 0, false, true
	}
	s, ok := scalar(v)
	if !ok {
		return 0, false, true
	}
	s, ok = rawInterp(s, env)
	if !ok {
		return 0, true, false
	}
	n, err := parseComposeSize(s)
	if err != nil {
		return 0, true, false
	}
	return n, true, true
}

// parseComposeSize parses a compose size: an integer byte count or a
// binary-unit string ("300m" = 300 MiB), as compose-go's UnitBytes does.
func parseComposeSize(s string) (int64, error) {
	s = strings.TrimSpace(s)
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return n, nil
	}
	return units.RAMInBytes(s)
}

// rawInt reads an integer attribute from the raw chain.
func rawInt(ch []def, env types.Mapping, keys []string) (int, bool) {
	_, _, v, ok := lookup(ch, keys...)
	if !ok {
		return 0, false
	}
	s, ok := scalar(v)
	if !ok {
		return 0, false
	}
	s, _ = rawInterp(s, env)
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return 0, false
	}
	return n, true
}

// rawStrings reads a string-or-list attribute such as command.
func rawStrings(ch []def, env types.Mapping, keys []string) []string {
	_, _, v, ok := lookup(ch, keys...)
	if !ok {
		return nil
	}
	if s, ok := scalar(v); ok {
		s, _ = rawInterp(s, env)
		return []string{s}
	}
	var out []string
	if v.Kind == yaml.SequenceNode {
		for _, e := range v.Content {
			if s, ok := scalar(e); ok {
				s, _ = rawInterp(s, env)
				out = append(out, s)
			}
		}
	}
	return out
}

// rawEnv merges the environment attribute over the chain (map or list form).
func rawEnv(ch []def, env types.Mapping) map[string]string {
	out := map[string]string{}
	for _, d := range ch {
		_, v := mapGet(d.value, "environment")
		v = resolveAlias(v)
		if v == nil || isReset(v) {
			continue
		}
		switch v.Kind {
		case yaml.MappingNode:
			for _, k := range mapKeys(v) {
				_, vn := mapGet(v, k)
				s, _ := scalar(vn)
				s, _ = rawInterp(s, env)
				out[k] = s
			}
		case yaml.SequenceNode:
			for _, e := range v.Content {
				s, ok := scalar(e)
				if !ok {
					continue
				}
				k, val, _ := strings.Cut(s, "=")
				val, _ = rawInterp(val, env)
				out[k] = val
			}
		}
	}
	return out
}

// fromRaw builds service views from the raw YAML of the project's files,
// for projects compose-go refuses. mem_limit still counts as a limit, and a
// limit whose variable is unset counts as a limit of unknown size.
func fromRaw(p *project, c *fileCache) []*service {
	var out []*service
	for _, name := range p.serviceNames() {
		ch := p.chain(c, name)
		sv := &service{name: name, chain: ch, limitKnown: true}
		if n, set, known := rawSize(ch, p.env, pathDeployLimit); set && (n > 0 || !known) {
			sv.limit, sv.limitKnown, sv.limitPath = n, known, pathDeployLimit
		} else if n, set, known := rawSize(ch, p.env, pathMemLimit); set {
			sv.limit, sv.limitKnown, sv.limitPath = n, known, pathMemLimit
		} else {
			sv.limitPath = pathMemLimit
			if _, deploySet, _ := rawSize(ch, p.env, pathDeployLimit); deploySet {
				sv.limitPath = pathDeployLimit
			}
		}
		if n, set, known := rawSize(ch, p.env, pathDeployRes); set && known && n > 0 {
			sv.reservation, sv.reservationPath = n, pathDeployRes
		} else if n, set, known := rawSize(ch, p.env, pathMemRes); set && known {
			sv.reservation, sv.reservationPath = n, pathMemRes
		}
		if n, set, known := rawSize(ch, p.env, pathMemswap); set && known && n != 0 {
			sv.memswap, sv.memswapSet = n, true
		}
		if _, _, v, ok := lookup(ch, pathOomKill...); ok {
			if s, ok := scalar(v); ok {
				s, _ = rawInterp(s, p.env)
				b, err := strconv.ParseBool(strings.ToLower(s))
				sv.oomKill = err == nil && b
			}
		}
		sv.replicas = 1
		if n, ok := rawInt(ch, p.env, pathScale); ok {
			sv.replicas = n
		} else if n, ok := rawInt(ch, p.env, pathDeployReplica); ok {
			sv.replicas = n
		}
		if _, _, v, ok := lookup(ch, pathDeployMode...); ok {
			if s, ok := scalar(v); ok && s == "global" {
				sv.global, sv.replicas = true, 1
			}
		}
		sv.profiles = rawStrings(ch, p.env, pathProfiles)
		sv.command = rawStrings(ch, p.env, pathCommand)
		sv.entrypoint = rawStrings(ch, p.env, pathEntrypoint)
		sv.env = rawEnv(ch, p.env)
		out = append(out, sv)
	}
	return out
}
