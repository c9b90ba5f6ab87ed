package livetest

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/dockguard/dockguard/cli"
)

// TestLabelFilterScopeLive runs `dockguard verify` on the private daemon
// with a label no container carries, and with one only a second volume of
// this run carries: the first says in a note (text on stderr, JSON notes)
// that nothing matched; the dangling volumes of the second are only those
// with the label, and the build cache is said to be daemon-wide.
func TestLabelFilterScopeLive(t *testing.T) {
	s := setup(t)
	d := s.d
	id := runID(d)
	nosuch := "dockguard.test.nosuch=" + id

	var out, errb bytes.Buffer
	code := cli.Run([]string{"verify", "-H", d.Host, "--label", nosuch, "--build-cache-threshold", "1B"}, nil, &out, &errb)
	if code != cli.ExitFindings && code != cli.ExitOK {
		t.Fatalf("verify exit %d; stderr %s", code, errb.String())
	}
	if !strings.Contains(errb.String(), "note: "+d.Host+": no container matches the label filter "+nosuch) {
		t.Errorf("no no-match note on stderr:\n%s", errb.String())
	}
	if !strings.Contains(errb.String(), "0 containers inspected") {
		t.Errorf("summary does not say 0 containers:\n%s", errb.String())
	}
	if strings.Contains(out.String(), "DG401") || strings.Contains(out.String(), "DG405") {
		t.Errorf("container or volume findings for a label nothing carries:\n%s", out.String())
	}
	if s.buildCache && !strings.Contains(out.String(), "daemon-wide, not limited to the label filter "+nosuch) {
		t.Errorf("DG406 not said to be daemon-wide:\n%s", out.String())
	}

	out.Reset()
	errb.Reset()
	cli.Run([]string{"verify", "-H", d.Host, "--label", nosuch, "--format", "json"}, nil, &out, &errb)
	var doc struct {
		Notes []struct{ Message string } `json:"notes"`
		Live  struct {
			Labels []string `json:"labels"`
		} `json:"live"`
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatalf("json: %v\n%s", err, out.String())
	}
	found := false
	for _, n := range doc.Notes {
		found = found || strings.HasPrefix(n.Message, "no container matches the label filter "+nosuch)
	}
	if !found || len(doc.Live.Labels) != 1 || doc.Live.Labels[0] != nosuch {
		t.Errorf("JSON notes %v, labels %v", doc.Notes, doc.Live.Labels)
	}

	// A second dangling volume of this run with one more label: filtered
	// by both labels, DG405 names it and not the stage's volume.
	extra := "dockguard.test.scope=" + id
	vol := "dgscope-" + id
	if _, err := d.Docker("volume", "create", "--label", d.RunLabel, "--label", extra, vol); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = d.Docker("volume", "rm", vol) })
	out.Reset()
	errb.Reset()
	code = cli.Run([]string{"verify", "-H", d.Host, "--label", d.RunLabel, "--label", extra, "--only-rules", "DG405", "--fail-on", "info"}, nil, &out, &errb)
	if code != cli.ExitFindings {
		t.Fatalf("verify exit %d; stderr %s\n%s", code, errb.String(), out.String())
	}
	if got := out.String(); !strings.Contains(got, "1 dangling volume labelled "+d.RunLabel+", "+extra) || !strings.Contains(got, vol) || strings.Contains(got, s.volume) {
		t.Errorf("DG405 not scoped to the labels (want %s only, not %s):\n%s", vol, s.volume, got)
	}
	if !strings.Contains(errb.String(), "no container matches") {
		t.Errorf("no container carries %s, but no note says so:\n%s", extra, errb.String())
	}
}
