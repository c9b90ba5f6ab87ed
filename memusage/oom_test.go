package memusage

import (
	"context"
	"testing"
	"time"

	"github.com/dockguard/dockguard/verify/dockerapi"
)

// eventDaemon adds the daemon's oom events to fakeDaemon.
type eventDaemon struct {
	*fakeDaemon
	events map[string]int
	since  time.Time
	calls  int
}

func (d *eventDaemon) OOMEvents(_ context.Context, since, _ time.Time) (map[string]int, error) {
	d.calls++
	d.since = since
	return d.events, nil
}

// TestMarkOOM: an oom event counts with exit 137 (Docker 20.10 leaving
// OOMKilled false) or a restart since, read again after the observation;
// an event for a container that exited otherwise, or none, does not.
func TestMarkOOM(t *testing.T) {
	now := time.Date(2026, 12, 2, 5, 0, 0, 0, time.UTC)
	d := &eventDaemon{fakeDaemon: &fakeDaemon{inspect: map[string]dockerapi.Container{
		"k137":    {ID: "k137", State: "exited", ExitCode: 137},
		"restart": {ID: "restart", State: "running", RestartCount: 2},
		"exit1":   {ID: "exit1", State: "exited", ExitCode: 1},
		"state":   {ID: "state", State: "exited", ExitCode: 137, OOMKilled: true},
	}}, events: map[string]int{"k137": 1, "restart": 3, "exit1": 1}}
	ts := []Target{
		{ID: "k137", Running: true, Started: now.Add(-time.Hour)}, // killed during the observation
		{ID: "restart", Running: true, Started: now.Add(-48 * time.Hour)},
		{ID: "exit1", ExitCode: 1},
		{ID: "quiet", ExitCode: 137},
		{ID: "state", OOMKilled: true, ExitCode: 137},
	}
	n, err := MarkOOM(context.Background(), d, ts, now)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{"k137": true, "restart": true, "exit1": false, "quiet": false, "state": true}
	for _, tg := range ts {
		if tg.OOMKilled != want[tg.ID] {
			t.Errorf("%s: OOMKilled %v, want %v", tg.ID, tg.OOMKilled, want[tg.ID])
		}
	}
	if n != 2 || d.calls != 1 {
		t.Errorf("marked %d from %d events calls, want 2 from 1", n, d.calls)
	}
	if got := now.Sub(d.since); got != OOMLookback {
		t.Errorf("events asked from %s before, want the %s bound (a container started 48 h ago)", got, OOMLookback)
	}
	// A daemon without events (a fake) leaves the targets alone.
	if n, err := MarkOOM(context.Background(), d.fakeDaemon, []Target{{ID: "k137"}}, now); n != 0 || err != nil {
		t.Errorf("without events: %d, %v", n, err)
	}
}
