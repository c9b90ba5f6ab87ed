package compose

import (
	"sort"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"
)

// compose-go quotes interpolated values in its errors ("invalid
// containerPort: s3cr3t"), and those values are often secrets from the
// environment or .env. Before its text becomes a message or a note, every
// value the project's files interpolate is masked.

// minSecretLen is the shortest value masked: shorter ones (1, no, tcp) are
// not secrets and would mask ordinary words.
const minSecretLen = 4

// interpolatedValues lists the values of env that the sources interpolate,
// longest first so that a value containing another is masked whole.
func interpolatedValues(env types.Mapping, sources ...[]byte) []string {
	seen := map[string]bool{}
	var out []string
	for _, src := range sources {
		for _, ref := range composeVarRE.FindAll(src, -1) {
			name := strings.TrimPrefix(strings.TrimPrefix(string(ref), "$"), "{")
			name = strings.TrimSuffix(name, "}")
			if i := strings.IndexAny(name, ":-?+"); i >= 0 {
				name = name[:i]
			}
			if v, ok := env[name]; ok && len(v) >= minSecretLen && !seen[v] {
				seen[v] = true
				out = append(out, v)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return len(out[i]) > len(out[j]) })
	return out
}

// redact masks every value of values in msg with ***.
func redact(msg string, values []string) string {
	for _, v := range values {
		msg = strings.ReplaceAll(msg, v, "***")
	}
	return msg
}

// projectSecrets is interpolatedValues over every file of p.
func projectSecrets(c *fileCache, p *project) []string {
	var srcs [][]byte
	for _, f := range p.allFiles(c) {
		srcs = append(srcs, f.src)
	}
	return interpolatedValues(p.env, srcs...)
}
