package compose

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseRedisSize(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64
		bad  bool
	}{
		{"1m", 1_000_000, false},
		{"1mb", 1 << 20, false},
		{"1MB", 1 << 20, false},
		{"1M", 1_000_000, false},
		{"200mb", 200 << 20, false},
		{"1k", 1000, false},
		{"1kb", 1024, false},
		{"2g", 2_000_000_000, false},
		{"2gb", 2 << 30, false},
		{"1048576", 1 << 20, false},
		{"100b", 100, false},
		{"0", 0, false},
		{"", 0, true},
		{"lots", 0, true},
		{"1.5gb", 0, true}, // Redis takes integers only
		{"-1", 0, true},
	} {
		got, err := parseRedisSize(tc.in)
		if (err != nil) != tc.bad || (!tc.bad && got != tc.want) {
			t.Errorf("parseRedisSize(%q) = %d, %v; want %d, bad=%v", tc.in, got, err, tc.want, tc.bad)
		}
	}
}

func TestParseJVMSize(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64
		bad  bool
	}{
		{"2g", 2 << 30, false},
		{"2G", 2 << 30, false},
		{"512m", 512 << 20, false},
		{"1536M", 1536 << 20, false},
		{"65536k", 64 << 20, false},
		{"1t", 1 << 40, false},
		{"1073741824", 1 << 30, false},
		{"", 0, true},
		{"2gb", 0, true}, // the JVM refuses a two-letter unit
		{"g", 0, true},
	} {
		got, err := parseJVMSize(tc.in)
		if (err != nil) != tc.bad || (!tc.bad && got != tc.want) {
			t.Errorf("parseJVMSize(%q) = %d, %v; want %d, bad=%v", tc.in, got, err, tc.want, tc.bad)
		}
	}
}

func TestParseComposeSize(t *testing.T) {
	for in, want := range map[string]int64{
		"300m": 314572800, "300M": 314572800, "300mb": 314572800, "1g": 1 << 30, "1GiB": 1 << 30,
		"1073741824": 1 << 30, "512k": 512 << 10, "1.5g": 1610612736, "0": 0,
	} {
		got, err := parseComposeSize(in)
		if err != nil || got != want {
			t.Errorf("parseComposeSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	if _, err := parseComposeSize("lots"); err == nil {
		t.Error("parseComposeSize(lots): want an error")
	}
}

func TestSplitWords(t *testing.T) {
	for in, want := range map[string][]string{
		`redis-server --maxmemory 200mb`:            {"redis-server", "--maxmemory", "200mb"},
		`sh -c "exec redis-server --maxmemory=1gb"`: {"sh", "-c", "exec redis-server --maxmemory=1gb"},
		`java  -Xmx1g	-jar app.jar`:                 {"java", "-Xmx1g", "-jar", "app.jar"},
		`a 'b c' "d e"`:                             {"a", "b c", "d e"},
		`unterminated "quote`:                       {"unterminated", "quote"},
		`x && y; z | w`:                             {"x", "y", "z", "w"},
		``:                                          nil,
		`echo "--maxmemory-policy noeviction" --maxmemory`: {"echo", "--maxmemory-policy noeviction", "--maxmemory"},
	} {
		if got := splitWords(in); !reflect.DeepEqual(got, want) {
			t.Errorf("splitWords(%q) = %q, want %q", in, got, want)
		}
	}
	// A shell script inside a list element is split further.
	got := words([]string{"sh", "-c", "exec redis-server --maxmemory=1gb"})
	if !reflect.DeepEqual(got, []string{"sh", "-c", "exec", "redis-server", "--maxmemory=1gb"}) {
		t.Errorf("words = %q", got)
	}
}

func TestFlagValue(t *testing.T) {
	ws := []string{"redis-server", "--maxmemory-policy", "allkeys-lru", "--maxmemory", "100mb", "--maxmemory=200mb"}
	v, spelled, ok := flagValue(ws, "--maxmemory")
	if !ok || v != "200mb" || spelled != "--maxmemory=200mb" {
		t.Errorf("flagValue = %q %q %v", v, spelled, ok)
	}
	if _, _, ok := flagValue([]string{"--maxmemory-policy", "x"}, "--maxmemory"); ok {
		t.Error("--maxmemory-policy must not count as --maxmemory")
	}
	if _, _, ok := flagValue([]string{"redis-server", "--maxmemory"}, "--maxmemory"); ok {
		t.Error("a flag without a value must not count")
	}
}

func TestRuntimeCapsPrecedence(t *testing.T) {
	s := &service{
		env: map[string]string{
			"JAVA_TOOL_OPTIONS": "-Xmx4g",
			"_JAVA_OPTIONS":     "-Xmx256m",
			"NODE_OPTIONS":      "--max-old-space-size=4096",
		},
		command: []string{"node", "--max-old-space-size=100", "x.js"},
	}
	caps := runtimeCaps(s)
	var got []string
	for _, c := range caps {
		got = append(got, c.runtime+" "+c.setting+" "+c.where)
	}
	want := []string{"JVM -Xmx256m _JAVA_OPTIONS", "Node.js --max-old-space-size=100 command"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("caps = %q, want %q", got, want)
	}
	// An explicit heap size wins over MaxRAMPercentage.
	s = &service{env: map[string]string{"JAVA_OPTS": "-XX:MaxRAMPercentage=100 -Xmx100m"}}
	caps = runtimeCaps(s)
	if len(caps) != 1 || caps[0].setting != "-Xmx100m" {
		t.Errorf("caps = %+v", caps)
	}
}

func TestVarsWithoutDefault(t *testing.T) {
	for in, want := range map[string][]string{
		"${MEM}":         {"MEM"},
		"$MEM":           {"MEM"},
		"${MEM:-512m}":   nil,
		"${MEM-512m}":    nil,
		"${MEM:?set it}": {"MEM"},
		"$${MEM}":        nil,
		"512m":           nil,
		"${A}${B:-1}":    {"A"},
	} {
		if got := varsWithoutDefault(in); !reflect.DeepEqual(got, want) {
			t.Errorf("varsWithoutDefault(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestIsCandidate(t *testing.T) {
	for name, want := range map[string]bool{
		"compose.yaml": true, "compose.yml": true, "docker-compose.yml": true, "docker-compose.prod.yaml": true,
		"x/y/Docker-Compose.Test.YML": true, "compose.json": false, "composer.lock": false, "compose": false,
		"kompose.yaml": false, "app-compose.yaml": true, "values.yaml": false,
	} {
		if got := IsCandidate(name); got != want {
			t.Errorf("IsCandidate(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestLooksLikeCompose(t *testing.T) {
	for src, want := range map[string]bool{
		"services:\n  a:\n    image: x\n":                      true,
		"services: {}\n":                                       true,
		"include:\n  - other.yaml\n":                           true,
		"services:\n  a:\n":                                    false, // nothing compose-like to say
		"apiVersion: v1\nkind: Service\nmetadata: {name: x}\n": false,
		"on: push\njobs:\n  a:\n    services:\n      redis: {image: redis}\n": false,
		"services:\n  - name: api\n":                                          false,
		"services:\n  api:\n    replicaCount: 3\n":                            false,
		"services:\n  api: redis\n":                                           false,
		"stages: [test]\nservices:\n  db:\n    image: postgres\n":             false,
		"x-base: &b\n  image: y\nservices:\n  a:\n    <<: *b\n":               true,
		"services:\n  a:\n    image: x\n   bad: indent\n":                     true, // a syntax error is reported
		"":                 false,
		"just a string\n":  false,
		"services: null\n": false,
		"name: app\nservices:\n  web:\n    build: .\n    mem_limit: 128m\n": true,
	} {
		f := parseYAML("/x/compose.yaml", "compose.yaml", []byte(src))
		if got := looksLikeCompose(f); got != want {
			t.Errorf("looksLikeCompose(%q) = %v, want %v", src, got, want)
		}
	}
}

func TestSyntaxErrorLine(t *testing.T) {
	for _, tc := range []struct {
		src  string
		line int
	}{
		{"services:\n  api:\n    image: x\n   mem_limit: 5\n", 4},
		{"a: 1\nb: [1, 2\nc: 3\n", 2},
		{"a: 1\nb: 'x\n", 2},
		{"a:\n\tb: 1\n", 2},
		{"ok: 1\nx: *nope\n", 2},
	} {
		f := parseYAML("/x/c.yaml", "c.yaml", []byte(tc.src))
		if f.parseErr == nil {
			t.Errorf("%q: no parse error", tc.src)
			continue
		}
		if f.errLine != tc.line {
			t.Errorf("%q: error at line %d, want %d (%v)", tc.src, f.errLine, tc.line, f.parseErr)
		}
	}
}

func TestHumanBytes(t *testing.T) {
	for n, want := range map[int64]string{
		0: "0 bytes", 512: "512 bytes", 1 << 20: "1 MiB", 256_000_000: "244.1 MiB", 8 << 30: "8 GiB", 1536 << 20: "1.5 GiB",
	} {
		if got := humanBytes(n); got != want {
			t.Errorf("humanBytes(%d) = %q, want %q", n, got, want)
		}
	}
	a, b := humanPair(1<<30+1, 1<<30)
	if !strings.Contains(a, "1073741825 bytes") || !strings.Contains(b, "1073741824 bytes") {
		t.Errorf("humanPair = %q, %q", a, b)
	}
}
