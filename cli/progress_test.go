package cli

import (
	"strings"
	"testing"
)

// TestProgressLine: the Go progress line says what the go command is
// doing before the first package, rewrites itself (erasing the longer
// loading text), stays within an 80-column terminal, and is cleared at
// the end.
func TestProgressLine(t *testing.T) {
	var b strings.Builder
	progress, loading := progressLine(&b)
	loading()
	progress(1, 3)
	progress(3, 3)
	parts := strings.Split(b.String(), "\r")
	if len(parts) != 4 || parts[0] != "" {
		t.Fatalf("writes %q, want three \\r-led rewrites", b.String())
	}
	if !strings.HasPrefix(parts[1], "Go: listing packages (go list -export") || len([]rune(strings.TrimSuffix(parts[1], "\x1b[K"))) >= 80 {
		t.Errorf("loading line %q (want under 80 columns)", parts[1])
	}
	if parts[2] != "Go: 1/3 packages\x1b[K" {
		t.Errorf("progress %q does not erase the rest of the line", parts[2])
	}
	if parts[3] != "\x1b[K" {
		t.Errorf("end %q, want the line cleared", parts[3])
	}
}
