package cli

import (
	"os"
	"testing"
)

// TestDevNullIsNotATerminal: output sent to /dev/null (a character
// device, as a terminal is) gets no colour, source lines or streaming;
// benchmarks that discard the output measured those before.
func TestDevNullIsNotATerminal(t *testing.T) {
	f, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if st, err := f.Stat(); err != nil || st.Mode()&os.ModeCharDevice == 0 {
		t.Fatalf("/dev/null is not a character device here (%v, %v): the test means nothing", st.Mode(), err)
	}
	if isTerminal(f) {
		t.Error("/dev/null counted as a terminal")
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	if isTerminal(w) {
		t.Error("a pipe counted as a terminal")
	}
}
