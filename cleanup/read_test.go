package cleanup

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func sampleResult() *Result {
	it := Item{Kind: KindContainer, ID: "c1", Name: "job-1", Rule: "DG404", Why: "exited 3 days ago", Size: 10 << 20, Action: ActionRemove}
	return &Result{Version: ResultVersion, Endpoint: "unix:///run/docker.sock", Plan: []Item{it},
		Done: []Outcome{{Item: it, Reclaimed: 10 << 20}}, Skipped: []Outcome{}, Failed: []Outcome{},
		PlannedBytes: 10 << 20, ReclaimedBytes: 10 << 20, DurationMS: int64(time.Second / time.Millisecond), APICalls: map[string]int{"ping": 1}}
}

func TestReadResultRoundTrip(t *testing.T) {
	var b bytes.Buffer
	if err := JSON(&b, sampleResult()); err != nil {
		t.Fatal(err)
	}
	r, err := ReadResult(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Done) != 1 || r.Done[0].Name != "job-1" || r.ReclaimedBytes != 10<<20 {
		t.Errorf("round trip lost data: %+v", r)
	}
}

func TestReadResultRefuses(t *testing.T) {
	for in, want := range map[string]string{
		``:                               "not a cleanup result",
		`{"version": 0}`:                 "version 0",
		`{"version": 7, "plan": []}`:     "version 7",
		`{"version": 1, "plan": "nope"}`: "not a cleanup result",
		`{"version": 1, "findings": [{"severity": "fatal"}]}`: "not a cleanup result",
	} {
		if _, err := ReadResult([]byte(in)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ReadResult(%q) = %v, want %q", in, err, want)
		}
	}
}

// FuzzReadResult feeds the --cleanup-result reader arbitrary bytes: it
// must return a result or an error, and a result must render.
func FuzzReadResult(f *testing.F) {
	var b bytes.Buffer
	if err := JSON(&b, sampleResult()); err != nil {
		f.Fatal(err)
	}
	f.Add(b.Bytes())
	f.Add([]byte(`{"version":1,"dryRun":true,"plan":[{"kind":"volume","size":-1}]}`))
	f.Add([]byte(`{"version":1,"stopped":"breaker","failed":[{"error":"EOF"}]}`))
	f.Fuzz(func(t *testing.T, in []byte) {
		r, err := ReadResult(in)
		if err != nil {
			return
		}
		var out bytes.Buffer
		if err := Text(&out, r); err != nil {
			t.Fatal(err)
		}
	})
}
