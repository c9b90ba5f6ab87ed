package livetest

//dockguard:ignore-file DG101,DG106 -- replays the incident's storm on purpose, on the private daemon, through the guard and straight for the comparison
import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dockguard/dockguard/guardproxy"
	"github.com/dockguard/dockguard/internal/testdaemon"
)

const stormSize = 50

// stage starts n running containers straight on the daemon, four at a
// time, labelled with label, and returns their names.
func stage(t *testing.T, d *testdaemon.Daemon, prefix, label string, n int) []string {
	t.Helper()
	names := make([]string, n)
	errs := make(chan error, n)
	sem := make(chan struct{}, 4)
	var wg sync.WaitGroup
	for i := range names {
		names[i] = fmt.Sprintf("%s-%02d", prefix, i)
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			_, err := d.Docker("run", "-d", "--network", "none", "--name", names[i], "--label", d.RunLabel, "--label", label, testdaemon.Image, "sleep")
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	return names
}

// storm runs `docker rm -f` of every name at once against host and
// returns how long it took and the commands that failed.
func storm(d *testdaemon.Daemon, host string, names []string) (time.Duration, []string) {
	c := *d
	c.Host = host
	var mu sync.Mutex
	var failed []string
	var wg sync.WaitGroup
	begin := time.Now()
	for _, n := range names {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := c.Docker("rm", "-f", n); err != nil {
				mu.Lock()
				failed = append(failed, err.Error())
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return time.Since(begin), failed
}

// writePeak is the most write requests the recorder had in flight at once.
func writePeak(reqs []testdaemon.Request) int {
	var spans []span
	for _, r := range reqs {
		if r.Method != "GET" && r.Method != "HEAD" {
			spans = append(spans, span{r.Start, r.End})
		}
	}
	return peak(spans)
}

// span is the time one request was in flight.
type span struct{ from, to time.Time }

// peak is the most spans that overlap at once; one that ends as another
// starts does not overlap it.
func peak(spans []span) int {
	type ev struct {
		at time.Time
		d  int
	}
	var evs []ev
	for _, s := range spans {
		evs = append(evs, ev{s.from, 1}, ev{s.to, -1})
	}
	sort.Slice(evs, func(i, j int) bool {
		if evs[i].at.Equal(evs[j].at) {
			return evs[i].d < evs[j].d
		}
		return evs[i].at.Before(evs[j].at)
	})
	n, peak := 0, 0
	for _, e := range evs {
		n += e.d
		peak = max(peak, n)
	}
	return peak
}

// TestStorm is the incident: 50 concurrent `docker rm -f` of 50 running
// containers. Through the guard the daemon sees at most 3 writes in
// flight, their starts 0.5 s apart, a stop with t=10 before every
// removal and no forced removal; every command exits 0 and every
// container is gone. The same storm straight to the daemon is the
// README's comparison.
func TestStorm(t *testing.T) {
	if testing.Short() {
		t.Skip("the storm takes about a minute at 0.5 s between writes")
	}
	d := daemon(t)
	g := startGuard(t, d, guardproxy.Config{})
	label := "dockguard.test.storm=" + runID(d)
	names := stage(t, d, "dgguard-storm-"+runID(d), label, stormSize)
	g.rec.Reset()
	g.wire.Reset()
	took, failed := storm(d, g.d.Host, names)
	if len(failed) > 0 {
		t.Fatalf("%d of %d docker rm -f through the guard failed: %v", len(failed), stormSize, failed)
	}
	if left, err := d.Docker("ps", "-aq", "--filter", "label="+label); err != nil || left != "" {
		t.Fatalf("containers left after the storm: %q, %v", left, err)
	}
	// What the guard guarantees, where it acts: at most 3 writes between
	// sending and closing their answers, and each write's headers on the
	// wire at least 0.5 s after the previous write's.
	var sent []wireSend
	for _, s := range g.wire.Sent() {
		if s.Method != "GET" && s.Method != "HEAD" {
			sent = append(sent, s)
		}
	}
	if len(sent) != 2*stormSize {
		t.Errorf("the guard sent %d writes, want %d (a stop and a removal each)", len(sent), 2*stormSize)
	}
	var spans []span
	for _, s := range sent {
		spans = append(spans, span{s.Wrote, s.Done})
	}
	if p := peak(spans); p > 3 {
		t.Errorf("the guard had %d writes in flight at once, want at most 3", p)
	}
	sort.Slice(sent, func(i, j int) bool { return sent[i].Wrote.Before(sent[j].Wrote) })
	wireGap := time.Hour
	for i := 1; i < len(sent); i++ {
		wireGap = min(wireGap, sent[i].Wrote.Sub(sent[i-1].Wrote))
	}
	if wireGap < 500*time.Millisecond {
		t.Errorf("the guard sent two writes %s apart, want at least 0.5 s", wireGap)
	}

	// What the daemon saw, at the recorder: the same writes, at most 3 in
	// flight, and spaced by 0.5 s on average. Each arrival there comes a
	// scheduling delay after the guard sent it, and that delay differs
	// from one request to the next on a loaded machine (358 ms between two
	// arrivals was seen for 500 ms on the wire), so single gaps are not
	// compared there; over the 99 gaps of the storm only the first and
	// the last delay remain.
	reqs := g.rec.Requests()
	if p := writePeak(reqs); p > 3 {
		t.Errorf("%d write requests in flight at the daemon at once, want at most 3", p)
	}
	var starts []time.Time
	for _, r := range reqs {
		if r.Method != "GET" && r.Method != "HEAD" {
			starts = append(starts, r.Start)
		}
	}
	sort.Slice(starts, func(i, j int) bool { return starts[i].Before(starts[j]) })
	if len(starts) != 2*stormSize {
		t.Errorf("%d writes reached the daemon, want %d (a stop and a removal each)", len(starts), 2*stormSize)
	}
	minGap := time.Hour
	for i := 1; i < len(starts); i++ {
		minGap = min(minGap, starts[i].Sub(starts[i-1]))
	}
	if len(starts) > 1 {
		if mean := starts[len(starts)-1].Sub(starts[0]) / time.Duration(len(starts)-1); mean < 495*time.Millisecond {
			t.Errorf("writes reached the daemon %s apart on average, want at least 0.5 s", mean)
		}
	}
	for _, n := range names {
		assertGraceful(t, reqs, n)
	}
	t.Logf("through the guard: %d containers removed in %s, peak writes in flight %d, peak requests in flight %d, closest writes sent %s apart (%s at the daemon)",
		stormSize, took.Round(100*time.Millisecond), writePeak(reqs), g.rec.Peak(), wireGap.Round(time.Millisecond), minGap.Round(time.Millisecond))

	// The same storm straight to the daemon, through a recorder only.
	direct := testdaemon.StartRecorder(t, d.Host)
	names = stage(t, d, "dgguard-direct-"+runID(d), label, stormSize)
	took, failed = storm(d, direct.Host, names)
	forced := 0
	for _, r := range direct.Requests() {
		if r.Method == "DELETE" && strings.Contains(r.URI, "force=1") {
			forced++
		}
	}
	t.Logf("straight to the daemon: %d containers removed in %s (%d commands failed), peak writes in flight %d, forced removals %d",
		stormSize, took.Round(100*time.Millisecond), len(failed), writePeak(direct.Requests()), forced)
	if left, err := d.Docker("ps", "-aq", "--filter", "label="+label); err == nil && left != "" {
		_, _ = d.Docker(append([]string{"rm", "-f"}, strings.Fields(left)...)...)
	}
}
