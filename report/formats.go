package report

import (
	"io"
	"sort"
)

// Renderer writes a run in one format.
type Renderer func(w io.Writer, r *Run) error

// Formats are the renderers by --format name, except text, which takes
// TextOptions.
var Formats = map[string]Renderer{
	"json":       JSON,
	"sarif":      SARIF,
	"github":     GitHub,
	"checkstyle": Checkstyle,
	"junit":      JUnit,
	"rdjson":     RDJSON,
}

// FormatNames lists every format, text first.
func FormatNames() []string {
	names := []string{"text"}
	var rest []string
	for n := range Formats {
		rest = append(rest, n)
	}
	sort.Strings(rest)
	return append(names, rest...)
}
