package compose

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// splitWords splits a command string the way a shell would for the purpose
// of finding flags: whitespace separates words, quotes group them. It never
// fails; an unterminated quote runs to the end.
func splitWords(s string) []string {
	var out []string
	var cur strings.Builder
	inWord := false
	var quote rune
	for _, r := range s {
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			} else {
				cur.WriteRune(r)
			}
		case r == '\'' || r == '"':
			quote, inWord = r, true
		case r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == ';' || r == '&' || r == '|':
			if inWord {
				out = append(out, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	if inWord {
		out = append(out, cur.String())
	}
	return out
}

// words flattens a command or entrypoint (list or string form, possibly a
// `sh -c "..."` script) into words.
func words(argv []string) []string {
	var out []string
	for _, a := range argv {
		out = append(out, splitWords(a)...)
	}
	return out
}

// flagValue finds the last occurrence of flag in ws, as `--flag=value` or
// `--flag value`. alias lists other spellings of the same flag.
func flagValue(ws []string, flags ...string) (val, spelled string, ok bool) {
	for i := 0; i < len(ws); i++ {
		w := ws[i]
		for _, f := range flags {
			if w == f && i+1 < len(ws) {
				val, spelled, ok = ws[i+1], w+" "+ws[i+1], true
			} else if strings.HasPrefix(w, f+"=") {
				val, spelled, ok = w[len(f)+1:], w, true
			}
		}
	}
	return val, spelled, ok
}

// parseRedisSize parses a Redis memory value. Redis units differ from
// Docker's: 1k = 1000 and 1kb = 1024, 1m = 10^6 and 1mb = 2^20, 1g = 10^9
// and 1gb = 2^30; no unit means bytes. Case does not matter.
func parseRedisSize(s string) (int64, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	mult := int64(1)
	for _, u := range []struct {
		sfx string
		m   int64
	}{{"kb", 1 << 10}, {"mb", 1 << 20}, {"gb", 1 << 30}, {"k", 1e3}, {"m", 1e6}, {"g", 1e9}, {"b", 1}} {
		if strings.HasSuffix(s, u.sfx) {
			s, mult = strings.TrimSuffix(s, u.sfx), u.m
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("invalid redis memory %q", s)
	}
	if n > math.MaxInt64/mult {
		return math.MaxInt64, nil
	}
	return n * mult, nil
}

// parseJVMSize parses the argument of -Xmx / -XX:MaxHeapSize: bytes, or a
// k/m/g/t suffix in binary units (case-insensitive).
func parseJVMSize(s string) (int64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, fmt.Errorf("empty JVM size")
	}
	mult := int64(1)
	switch s[len(s)-1] {
	case 'k', 'K':
		mult = 1 << 10
	case 'm', 'M':
		mult = 1 << 20
	case 'g', 'G':
		mult = 1 << 30
	case 't', 'T':
		mult = 1 << 40
	}
	if mult != 1 {
		s = s[:len(s)-1]
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("invalid JVM size %q", s)
	}
	if n > math.MaxInt64/mult {
		return math.MaxInt64, nil
	}
	return n * mult, nil
}

// runtimeCap is a runtime's own memory cap found in a service.
type runtimeCap struct {
	runtime string // "Redis", "JVM", "Node.js"
	setting string // as written, e.g. "--maxmemory 256mb"
	bytes   int64  // the cap; for percent caps, the share of the limit
	percent float64
	// where: "command", "entrypoint" or an environment variable name.
	where string
	// unlimited is set for a cap that means "no cap" (Redis maxmemory 0).
	unlimited bool
}

// jvmArgs scans words for the last -Xmx / -XX:MaxHeapSize and the last
// -XX:MaxRAMPercentage.
func jvmArgs(ws []string) (xmx string, xmxBytes int64, pct string, pctVal float64) {
	for _, w := range ws {
		switch {
		case strings.HasPrefix(w, "-Xmx"):
			if n, err := parseJVMSize(w[4:]); err == nil {
				xmx, xmxBytes = w, n
			}
		case strings.HasPrefix(w, "-XX:MaxHeapSize="):
			if n, err := parseJVMSize(w[len("-XX:MaxHeapSize="):]); err == nil {
				xmx, xmxBytes = w, n
			}
		case strings.HasPrefix(w, "-XX:MaxRAMPercentage="):
			if v, err := strconv.ParseFloat(w[len("-XX:MaxRAMPercentage="):], 64); err == nil {
				pct, pctVal = w, v
			}
		}
	}
	return
}

// imageJVMVars are the heap-setting variables of widely used JVM images:
// Elasticsearch, Logstash, OpenSearch, Kafka (Apache and Confluent),
// ZooKeeper's server JVM flags, Tomcat and Solr.
var imageJVMVars = []string{
	"ES_JAVA_OPTS", "LS_JAVA_OPTS", "OPENSEARCH_JAVA_OPTS",
	"KAFKA_HEAP_OPTS", "SERVER_JVMFLAGS", "CATALINA_OPTS", "SOLR_JAVA_MEM",
}

// runtimeCaps finds the memory caps Redis, the JVM and Node.js would apply,
// taking precedence into account: for the JVM, JAVA_TOOL_OPTIONS is read
// first, then JDK_JAVA_OPTIONS, JAVA_OPTS and the command line, and
// _JAVA_OPTIONS last (the last -Xmx wins); for Node.js the command line
// wins over NODE_OPTIONS.
func runtimeCaps(s *service) []runtimeCap {
	var caps []runtimeCap
	cmd := append(words(s.entrypoint), words(s.command)...)
	cmdWords := words(s.command)
	// cmdWhere says whether a flag came from command or entrypoint; command
	// is searched first because its words come last and win.
	cmdWhere := func(flag string) string {
		if hasFlag(cmdWords, flag) {
			return "command"
		}
		return "entrypoint"
	}

	// Redis (and forks that share its flags).
	if v, spelled, ok := flagValue(cmd, "--maxmemory"); ok {
		if n, err := parseRedisSize(v); err == nil {
			caps = append(caps, runtimeCap{runtime: "Redis", setting: spelled, bytes: n, where: cmdWhere("--maxmemory"), unlimited: n == 0})
		}
	}

	// JVM.
	type src struct {
		where string
		ws    []string
	}
	sources := []src{
		{"JAVA_TOOL_OPTIONS", splitWords(s.env["JAVA_TOOL_OPTIONS"])},
		{"JDK_JAVA_OPTIONS", splitWords(s.env["JDK_JAVA_OPTIONS"])},
		{"JAVA_OPTS", splitWords(s.env["JAVA_OPTS"])},
	}
	// The launch scripts of common JVM images put these on the java command
	// line after their own defaults (jvm.options), so they set the heap.
	for _, name := range imageJVMVars {
		if v, ok := s.env[name]; ok {
			sources = append(sources, src{name, splitWords(v)})
		}
	}
	sources = append(sources,
		src{"command", cmd},
		src{"_JAVA_OPTIONS", splitWords(s.env["_JAVA_OPTIONS"])},
	)
	var heap, pct *runtimeCap
	for _, sc := range sources {
		xmx, n, p, pv := jvmArgs(sc.ws)
		if xmx != "" {
			where := sc.where
			if where == "command" {
				where = cmdWhere(xmx)
			}
			heap = &runtimeCap{runtime: "JVM", setting: xmx, bytes: n, where: where}
		}
		if p != "" {
			where := sc.where
			if where == "command" {
				where = cmdWhere(p)
			}
			pct = &runtimeCap{runtime: "JVM", setting: p, percent: pv, where: where}
		}
	}
	if heap != nil {
		caps = append(caps, *heap) // an explicit heap size overrides the percentage
	} else if pct != nil {
		caps = append(caps, *pct)
	}

	// Node.js: --max-old-space-size is in MiB.
	nodeFlags := []string{"--max-old-space-size", "--max_old_space_size"}
	if v, spelled, ok := flagValue(cmd, nodeFlags...); ok {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil && n > 0 {
			caps = append(caps, runtimeCap{runtime: "Node.js", setting: spelled, bytes: n << 20, where: cmdWhere(strings.Fields(spelled)[0])})
		}
	} else if v, spelled, ok := flagValue(splitWords(s.env["NODE_OPTIONS"]), nodeFlags...); ok {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil && n > 0 {
			caps = append(caps, runtimeCap{runtime: "Node.js", setting: spelled, bytes: n << 20, where: "NODE_OPTIONS"})
		}
	}
	return caps
}

// humanBytes formats a byte count in binary units, exactly when it can.
func humanBytes(n int64) string {
	type unit struct {
		name string
		size int64
	}
	for _, u := range []unit{{"TiB", 1 << 40}, {"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}} {
		if n >= u.size {
			if n%u.size == 0 {
				return fmt.Sprintf("%d %s", n/u.size, u.name)
			}
			return fmt.Sprintf("%.1f %s", float64(n)/float64(u.size), u.name)
		}
	}
	return fmt.Sprintf("%d bytes", n)
}

// humanPair formats two sizes for comparison; when they would print alike
// but differ, both get their exact byte counts.
func humanPair(a, b int64) (string, string) {
	ha, hb := humanBytes(a), humanBytes(b)
	d := a - b
	if d < 0 {
		d = -d
	}
	if a != b && (ha == hb || d*100 < max(a, b)) {
		ha = fmt.Sprintf("%s (%d bytes)", ha, a)
		hb = fmt.Sprintf("%s (%d bytes)", hb, b)
	}
	return ha, hb
}
