package verify_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dockguard/dockguard/daemonguard"
	"github.com/dockguard/dockguard/internal/testdaemon/fakedaemon"
	"github.com/dockguard/dockguard/rules"
	"github.com/dockguard/dockguard/verify"
	"github.com/dockguard/dockguard/verify/dockerapi"
	"github.com/dockguard/dockguard/verify/endpoint"
	"github.com/dockguard/dockguard/verify/render"
)

var now = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

// staged is a daemon with one container per live rule.
func staged(api string) *fakedaemon.Daemon {
	d := &fakedaemon.Daemon{APIVersion: api, MemTotal: 1 << 30, NCPU: 4, OS: "Docker Desktop"}
	d.Containers = []fakedaemon.Container{
		{ID: "c1", Name: "limited", Image: "app:1", State: "running", Memory: 256 << 20},
		{ID: "c2", Name: "unlimited", Image: "app:1", State: "running", Usage: 300 << 20},
		{ID: "c3", Name: "old", Image: "job:1", State: "exited", FinishedAt: now.Add(-48 * time.Hour), SizeRw: 10 << 20},
		{ID: "c4", Name: "fresh", Image: "job:1", State: "exited", FinishedAt: now.Add(-time.Minute), SizeRw: 1 << 20},
		{ID: "c5", Name: "oom", Image: "leaky:1", State: "exited", OOMKilled: true, Memory: 64 << 20, FinishedAt: now.Add(-time.Minute)},
		{ID: "c6", Name: "loop", Image: "crash:1", State: "restarting", RestartCount: 7, Memory: 512 << 20},
	}
	d.Volumes = []fakedaemon.Volume{{Name: "orphan", Dangling: true, Size: 3 << 20}, {Name: "used", Size: 1 << 20}}
	d.BuildCache.Total, d.BuildCache.Reclaimable, d.BuildCache.Records = 12<<30, 11<<30, 40
	return d.Start()
}

func newClient(t *testing.T, host string, g daemonguard.Config) *dockerapi.Client {
	t.Helper()
	c, err := dockerapi.New(endpoint.Endpoint{Host: host}, dockerapi.Config{Guard: g})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func rulesOf(fs []rules.Finding) map[string]int {
	m := map[string]int{}
	for _, f := range fs {
		m[f.Rule]++
	}
	return m
}

func TestFakeDaemonShapes(t *testing.T) {
	for _, api := range []string{"1.40", "1.41", "1.44", "1.52", "1.56"} {
		t.Run("API "+api, func(t *testing.T) {
			d := staged(api)
			defer d.Close()
			c := newClient(t, d.Host(), daemonguard.Config{})
			facts, res := verify.Run(context.Background(), c, verify.Options{Endpoint: d.Host(), Now: func() time.Time { return now }})
			got := rulesOf(res.Findings)
			want := map[string]int{"DG401": 1, "DG403": 2, "DG404": 1, "DG405": 1, "DG406": 1}
			for id, n := range want {
				if got[id] != n {
					t.Errorf("%s: %d findings, want %d: %v", id, got[id], n, res.Findings)
				}
			}
			// Per-container findings are located at the container; the
			// daemon-wide ones stay on the endpoint.
			for _, f := range res.Findings {
				wantC := map[string]bool{"DG401": true, "DG403": true}[f.Rule]
				if f.File != d.Host() || (f.Container != "") != wantC {
					t.Errorf("%s located at file %q, container %q", f.Rule, f.File, f.Container)
				}
				if wantC && !strings.Contains(f.Message, "container "+f.Container+" ") {
					t.Errorf("%s at container %q is about another one: %s", f.Rule, f.Container, f.Message)
				}
			}
			if got["DG407"] != 1 {
				t.Errorf("DG407: %d, want 1 (256M+512M limits + 300M usage > 1G)", got["DG407"])
			}
			if !facts.Daemon.DockerDesktop {
				t.Error("Docker Desktop not recognised")
			}
			bc := facts.Reclaimable.BuildCache
			if bc == nil || bc.BuildCacheReclaimable != 11<<30 {
				t.Fatalf("build cache = %+v, want 11 GiB reclaimable", bc)
			}
			if v := facts.Reclaimable.DanglingVolumes; len(v) != 1 || v[0].Size != 3<<20 {
				t.Errorf("dangling volumes = %+v, want orphan with 3 MiB (size from /system/df)", v)
			}
			for _, ct := range facts.Reclaimable.Exited {
				if ct.Name == "old" && ct.Size != 10<<20 {
					t.Errorf("exited size = %d, want 10 MiB", ct.Size)
				}
			}
			for _, l := range d.Log() {
				if !strings.HasPrefix(strings.SplitN(l, " ", 2)[1], "/v"+api+"/") && !strings.HasSuffix(l, "/_ping") {
					t.Errorf("request outside /v%s/: %s", api, l)
				}
			}
			notes := fmt.Sprint(res.Notes)
			if full := strings.Contains(notes, "< 1.42"); full != (api == "1.40" || api == "1.41") {
				t.Errorf("full-scan note = %v for API %s: %s", full, api, notes)
			}
			if d.Count("system/df") != 1 || d.Count("containers/stats") != 1 || d.Count("containers/inspect") != 6 {
				t.Errorf("calls: %v", d.Log())
			}
		})
	}
}

func TestLabelScopeAndDrift(t *testing.T) {
	d := &fakedaemon.Daemon{APIVersion: "1.52", MemTotal: 8 << 30}
	compose := map[string]string{verify.LabelProject: "shop", verify.LabelService: "db",
		verify.LabelConfigFiles: "/srv/shop/compose.yaml,/srv/shop/compose.override.yaml", verify.LabelWorkingDir: "/srv/shop", "run": "x"}
	d.Containers = []fakedaemon.Container{
		{ID: "a", Name: "shop-db-1", State: "running", Memory: 256 << 20, Labels: compose},
		{ID: "b", Name: "someone-else", State: "running", Labels: map[string]string{"run": "y"}},
	}
	d.Start()
	defer d.Close()
	var gotFiles []string
	var gotDir, gotName string
	limits := func(_ context.Context, dir string, files []string, name string) (map[string]int64, error) {
		gotDir, gotFiles, gotName = dir, files, name
		return map[string]int64{"db": 512 << 20}, nil
	}
	c := newClient(t, d.Host(), daemonguard.Config{})
	facts, res := verify.Run(context.Background(), c, verify.Options{Endpoint: d.Host(), Labels: []string{"run=x"}, ComposeLimits: limits, NoDiskUsage: true})
	if len(facts.Containers) != 1 {
		t.Fatalf("label filter: %d containers", len(facts.Containers))
	}
	if gotDir != "/srv/shop" || gotName != "shop" || len(gotFiles) != 2 {
		t.Errorf("loader called with %q %q %v", gotDir, gotName, gotFiles)
	}
	var drift []rules.Finding
	for _, f := range res.Findings {
		if f.Rule == "DG402" {
			drift = append(drift, f)
		}
	}
	if len(drift) != 1 || drift[0].File != "/srv/shop/compose.yaml" || drift[0].Key != "shop/db" ||
		!strings.Contains(drift[0].Message, "512MiB") || !strings.Contains(drift[0].Message, "256MiB") {
		t.Errorf("DG402 = %+v", drift)
	}

	// Same limit: no drift. Unreadable files: a note, no finding.
	same := func(context.Context, string, []string, string) (map[string]int64, error) {
		return map[string]int64{"db": 256 << 20}, nil
	}
	_, res = verify.Run(context.Background(), c, verify.Options{Labels: []string{"run=x"}, ComposeLimits: same, NoDiskUsage: true})
	if rulesOf(res.Findings)["DG402"] != 0 {
		t.Errorf("DG402 with equal limits: %v", res.Findings)
	}
	broken := func(context.Context, string, []string, string) (map[string]int64, error) {
		return nil, fmt.Errorf("open /srv/shop/compose.yaml: permission denied")
	}
	_, res = verify.Run(context.Background(), c, verify.Options{Labels: []string{"run=x"}, ComposeLimits: broken, NoDiskUsage: true})
	if rulesOf(res.Findings)["DG402"] != 0 || !strings.Contains(fmt.Sprint(res.Notes), "DG402 skipped for compose project shop") {
		t.Errorf("unreadable compose file: findings %v notes %v", res.Findings, res.Notes)
	}
}

// TestSlowDaemonNeverSeesMoreThanTheCap stages many slow containers; the
// fake records how many requests it served at once.
func TestSlowDaemonNeverSeesMoreThanTheCap(t *testing.T) {
	d := &fakedaemon.Daemon{APIVersion: "1.52", MemTotal: 64 << 30}
	for i := range 40 {
		d.Containers = append(d.Containers, fakedaemon.Container{ID: fmt.Sprintf("c%02d", i), Name: fmt.Sprintf("n%02d", i), State: "running", Usage: 1 << 20})
	}
	d.Faults = map[string]*fakedaemon.Fault{"containers/inspect": {Delay: 20 * time.Millisecond}, "containers/stats": {Delay: 20 * time.Millisecond}}
	d.Start()
	defer d.Close()
	for _, cap := range []int{1, 3} {
		c := newClient(t, d.Host(), daemonguard.Config{MaxInFlight: cap, Rate: 1000, Burst: 100})
		// More workers than the cap: the transport must still hold the line.
		facts, res := verify.Run(context.Background(), c, verify.Options{Workers: 10, NoDiskUsage: true})
		if len(facts.Containers) != 40 || rulesOf(res.Findings)["DG408"] != 0 {
			t.Fatalf("cap %d: %d containers, findings %v", cap, len(facts.Containers), res.Findings)
		}
		if p := c.Guard().Stats().PeakInFlight; p > cap {
			t.Errorf("cap %d: guard saw %d in flight", cap, p)
		}
	}
	if p := d.Peak(); p > 3 {
		t.Errorf("the daemon served %d requests at once, cap is 3", p)
	}
}

func TestTransient500sAreRetried(t *testing.T) {
	d := staged("1.52")
	defer d.Close()
	d.Faults = map[string]*fakedaemon.Fault{"info": {Status: 500, Times: 2}}
	c := newClient(t, d.Host(), daemonguard.Config{Backoff: time.Millisecond})
	facts, res := verify.Run(context.Background(), c, verify.Options{NoDiskUsage: true, Now: func() time.Time { return now }})
	if rulesOf(res.Findings)["DG408"] != 0 || facts.Daemon == nil {
		t.Errorf("two 500s then success should be retried away: %v", res.Findings)
	}
	if n := d.Count("info"); n != 3 {
		t.Errorf("info attempts = %d, want 3", n)
	}
	if s := c.Guard().Stats(); s.Attempts-s.Requests != 2 {
		t.Errorf("stats %+v", s)
	}
}

func Test4xxIsNeverRetried(t *testing.T) {
	d := staged("1.52")
	defer d.Close()
	d.Faults = map[string]*fakedaemon.Fault{"info": {Status: 400}}
	c := newClient(t, d.Host(), daemonguard.Config{Backoff: time.Millisecond})
	_, res := verify.Run(context.Background(), c, verify.Options{NoDiskUsage: true, Now: func() time.Time { return now }})
	if n := d.Count("info"); n != 1 {
		t.Errorf("a 400 was tried %d times", n)
	}
	if rulesOf(res.Findings)["DG408"] != 1 || len(res.Errors) != 1 {
		t.Errorf("an API error must give DG408 and an error: %v %v", res.Findings, res.Errors)
	}
}

func TestPersistent500sOpenTheBreaker(t *testing.T) {
	d := staged("1.52")
	defer d.Close()
	d.Faults = map[string]*fakedaemon.Fault{"*": {Status: 503}}
	c := newClient(t, d.Host(), daemonguard.Config{Backoff: time.Millisecond})
	facts, res := verify.Run(context.Background(), c, verify.Options{Now: func() time.Time { return now }})
	checkFailed(t, d, c, facts, res, true)
}

// TestDroppedConnectionsAreNotRetried: a connection dropped after the
// request was written is not retried (the daemon may have started on it).
// With every call but the ping dropped, the pass makes four requests
// (info, the container list, the volume list, /system/df), each fails
// once, and then there is nothing left to ask: four failures do not open
// a breaker of five, and need not, since no further call is made. That is
// the intended behaviour; TestDroppedInspectsOpenTheBreaker shows the
// breaker opening when there is more to ask.
func TestDroppedConnectionsAreNotRetried(t *testing.T) {
	d := staged("1.52")
	defer d.Close()
	d.Faults = map[string]*fakedaemon.Fault{"*": {Drop: true}}
	// SlowPing out of reach: a ping slowed by a loaded machine is not the
	// failure counted here.
	c := newClient(t, d.Host(), daemonguard.Config{Backoff: time.Millisecond, SlowPing: time.Hour})
	facts, res := verify.Run(context.Background(), c, verify.Options{Now: func() time.Time { return now }})
	checkFailed(t, d, c, facts, res, false)
	if s := c.Guard().Stats(); s.Retries != 0 || s.Failures != 4 || s.Requests != 5 {
		t.Errorf("want the ping and 4 requests failing once each, no retry: %+v", s)
	}
}

// TestHangingDaemonHitsTheDeadline: every call but the ping hangs; each of
// the three requests (info, list, volumes) fails once at its deadline and
// is not retried, and the breaker (five) stays closed for the same reason
// as in TestDroppedConnectionsAreNotRetried.
func TestHangingDaemonHitsTheDeadline(t *testing.T) {
	d := staged("1.52")
	defer d.Close()
	d.Faults = map[string]*fakedaemon.Fault{"*": {Delay: 10 * time.Second}}
	c := newClient(t, d.Host(), daemonguard.Config{Timeout: 50 * time.Millisecond, Backoff: time.Millisecond, SlowPing: time.Hour})
	facts, res := verify.Run(context.Background(), c, verify.Options{NoDiskUsage: true, Now: func() time.Time { return now }})
	checkFailed(t, d, c, facts, res, false)
	if !strings.Contains(fmt.Sprint(res.Findings), "no answer within 50ms") {
		t.Errorf("the deadline is not named: %v", res.Findings)
	}
	if s := c.Guard().Stats(); s.Retries != 0 || s.Failures != 3 {
		t.Errorf("want 3 requests failing once each: %+v", s)
	}
}

// manyContainers stages n running containers with limits.
func manyContainers(n int) *fakedaemon.Daemon {
	d := &fakedaemon.Daemon{APIVersion: "1.52", MemTotal: 64 << 30}
	for i := range n {
		d.Containers = append(d.Containers, fakedaemon.Container{ID: fmt.Sprintf("c%02d", i), Name: fmt.Sprintf("n%02d", i), State: "running", Memory: 64 << 20})
	}
	return d
}

// TestDroppedInspectsOpenTheBreaker: with many containers whose inspects
// are dropped, the breaker opens after five failures and the rest are
// never asked.
func TestDroppedInspectsOpenTheBreaker(t *testing.T) {
	d := manyContainers(30)
	d.Faults = map[string]*fakedaemon.Fault{"containers/inspect": {Drop: true}}
	d.Start()
	defer d.Close()
	c := newClient(t, d.Host(), daemonguard.Config{Backoff: time.Millisecond})
	_, res := verify.Run(context.Background(), c, verify.Options{NoDiskUsage: true})
	if !c.Guard().BreakerOpen() || !strings.Contains(fmt.Sprint(res.Findings), "circuit breaker opened") {
		t.Fatalf("breaker not open after dropped inspects: %+v %v", c.Guard().Stats(), res.Findings)
	}
	// Five failures, plus at most the two other workers' inspects that
	// were already on their way (and net/http's one replay each).
	if n := d.Count("containers/inspect"); n > 14 {
		t.Errorf("%d inspects reached a daemon that dropped every one", n)
	}
}

// TestTrickledBodiesOpenTheBreaker: a daemon that sends headers at once
// and then the body a byte at a time never got past the breaker: only the
// headers were timed. Each body that outlasts the deadline now counts.
func TestTrickledBodiesOpenTheBreaker(t *testing.T) {
	d := manyContainers(30)
	d.Faults = map[string]*fakedaemon.Fault{"containers/inspect": {Trickle: 100 * time.Millisecond}}
	d.Start()
	defer d.Close()
	c := newClient(t, d.Host(), daemonguard.Config{Timeout: 200 * time.Millisecond, Backoff: time.Millisecond})
	facts, res := verify.Run(context.Background(), c, verify.Options{NoDiskUsage: true})
	s := c.Guard().Stats()
	if !s.BreakerOpen || s.BodyFailures < 5 {
		t.Fatalf("breaker not open after trickled bodies: %+v", s)
	}
	if n := d.Count("containers/inspect"); n > 10 {
		t.Errorf("%d inspects reached a daemon that trickled every body", n)
	}
	got := fmt.Sprint(res.Findings)
	// (The deadline named is 200ms, or 400ms, the hard limit, when a
	// loaded machine ran the timer late.)
	if !strings.Contains(got, "reading the answer: no answer within ") || !strings.Contains(got, "circuit breaker opened") {
		t.Errorf("findings do not say why: %v", got)
	}
	if facts.Complete || len(res.Errors) == 0 {
		t.Error("a pass cut short by the breaker must be incomplete (exit 3)")
	}
}

// TestSlowPing: a ping slower than SlowPing gives DG408, counts as a
// breaker failure and halves the request rate for the rest of the pass.
func TestSlowPing(t *testing.T) {
	d := staged("1.52")
	defer d.Close()
	d.Faults = map[string]*fakedaemon.Fault{"ping": {Delay: 300 * time.Millisecond}}
	c := newClient(t, d.Host(), daemonguard.Config{Rate: 40, Burst: 10, SlowPing: 100 * time.Millisecond})
	_, res := verify.Run(context.Background(), c, verify.Options{SlowPing: 100 * time.Millisecond, NoDiskUsage: true, Now: func() time.Time { return now }})
	if !strings.Contains(fmt.Sprint(res.Findings), "to answer a ping (threshold 100ms)") {
		t.Errorf("no slow-ping DG408: %v", res.Findings)
	}
	s := c.Guard().Stats()
	if s.SlowPings != 1 || s.Failures != 1 || s.Rate != 20 {
		t.Errorf("guard after a slow ping: %+v; want 1 slow ping counted as a failure and the rate halved to 20/s", s)
	}
	// The rest of the pass still ran: the failure is one of five.
	if rulesOf(res.Findings)["DG401"] == 0 || s.BreakerOpen {
		t.Errorf("one slow ping stopped the pass: %v", res.Findings)
	}
}

// TestWholeRunDeadline: a daemon that answers each inspect slowly would
// keep verify busy for ever; at the deadline the pass stops, reports
// DG408 "incomplete: deadline reached after N of M containers" and keeps
// every result gathered so far, in every format.
func TestWholeRunDeadline(t *testing.T) {
	d := manyContainers(40)
	d.Containers[0].Memory = 0 // DG401 once inspected
	d.Faults = map[string]*fakedaemon.Fault{"containers/inspect": {Delay: 150 * time.Millisecond}}
	d.Start()
	defer d.Close()
	c := newClient(t, d.Host(), daemonguard.Config{Rate: 1000, Burst: 100})
	facts, res := verify.Run(context.Background(), c, verify.Options{Deadline: 1500 * time.Millisecond, Workers: 1, NoDiskUsage: true, Now: func() time.Time { return now }})
	dl := facts.Deadline
	if dl == nil || facts.Complete || dl.Listed != 40 || dl.After != "1.5s" {
		t.Fatalf("facts: deadline %+v complete %v", dl, facts.Complete)
	}
	n := dl.Inspected
	if n < 1 || n >= 40 || len(facts.Containers) != n {
		t.Fatalf("inspected %d, kept %d of 40", n, len(facts.Containers))
	}
	want := fmt.Sprintf("incomplete: deadline reached after %d of 40 containers (--deadline 1.5s)", n)
	var deadline []rules.Finding
	for _, f := range res.Findings {
		if f.Key == "deadline" {
			deadline = append(deadline, f)
		}
	}
	if len(deadline) != 1 || deadline[0].Rule != "DG408" || !strings.Contains(deadline[0].Message, want) {
		t.Fatalf("want one DG408 %q, got %v", want, res.Findings)
	}
	// The inspects the deadline cut short are not API errors of their own.
	if strings.Contains(fmt.Sprint(res.Findings), "API call") {
		t.Errorf("the deadline's cancellations reported as API errors: %v", res.Findings)
	}
	if rulesOf(res.Findings)["DG401"] != 1 || len(res.Errors) != 1 {
		t.Errorf("the results gathered before the deadline are missing: %v %v", res.Findings, res.Errors)
	}
	if got := d.Count("containers/inspect"); got >= 40 {
		t.Errorf("%d inspects: the pass did not stop", got)
	}
	doc := &render.Document{Tool: render.Tool{Name: "dockguard", Version: "test"}, Generated: now, Live: facts, LiveResult: res}
	for name, fn := range map[string]func(*bytes.Buffer) error{
		"markdown": func(b *bytes.Buffer) error { return render.Markdown(b, doc) },
		"html":     func(b *bytes.Buffer) error { return render.HTML(b, doc) },
		"json":     func(b *bytes.Buffer) error { return render.JSON(b, doc) },
		"verify":   func(b *bytes.Buffer) error { return render.VerifyJSON(b, doc.Tool, facts, res) },
	} {
		var b bytes.Buffer
		if err := fn(&b); err != nil || !strings.Contains(b.String(), fmt.Sprintf("deadline reached after %d of 40 containers", n)) {
			t.Errorf("%s output without the deadline's DG408 (err %v)", name, err)
		}
	}
}

// TestDeadlineBeforeThePing: a daemon that does not even answer the ping
// within the deadline.
func TestDeadlineBeforeThePing(t *testing.T) {
	d := staged("1.52")
	defer d.Close()
	d.Faults = map[string]*fakedaemon.Fault{"ping": {Delay: 5 * time.Second}}
	c := newClient(t, d.Host(), daemonguard.Config{})
	facts, res := verify.Run(context.Background(), c, verify.Options{Deadline: 200 * time.Millisecond})
	if facts.Reached || facts.Deadline == nil || rulesOf(res.Findings)["DG408"] != 1 ||
		!strings.Contains(fmt.Sprint(res.Findings), "deadline reached before the daemon answered a ping") || len(res.Errors) != 1 {
		t.Errorf("reached %v, findings %v, errors %v", facts.Reached, res.Findings, res.Errors)
	}
}

// TestCtrlCIsNotTheDeadline: a caller's cancellation stops the pass
// without claiming a deadline.
func TestCtrlCIsNotTheDeadline(t *testing.T) {
	d := manyContainers(10)
	d.Faults = map[string]*fakedaemon.Fault{"containers/inspect": {Delay: 100 * time.Millisecond}}
	d.Start()
	defer d.Close()
	c := newClient(t, d.Host(), daemonguard.Config{})
	ctx, cancel := context.WithTimeout(context.Background(), 250*time.Millisecond)
	defer cancel()
	facts, res := verify.Run(ctx, c, verify.Options{Workers: 1, NoDiskUsage: true})
	if facts.Deadline != nil || strings.Contains(fmt.Sprint(res.Findings), "deadline reached") {
		t.Errorf("a cancelled run reported the deadline: %v", res.Findings)
	}
}

// checkFailed asserts that a failing daemon stops dockguard quickly (the
// breaker when breaker is set, else one failure per request) and that the
// report still comes out, with DG408.
func checkFailed(t *testing.T, d *fakedaemon.Daemon, c *dockerapi.Client, facts *verify.Facts, res rules.Result, breaker bool) {
	t.Helper()
	got := rulesOf(res.Findings)
	if got["DG408"] == 0 {
		t.Fatalf("no DG408: %v", res.Findings)
	}
	if breaker && !strings.Contains(fmt.Sprint(res.Findings), "circuit breaker") {
		t.Errorf("breaker not reported: %v", res.Findings)
	}
	// Ping (1) + 5 failing attempts, and nothing after the breaker opened.
	// (net/http may replay a request once on a reused connection that was
	// dropped before answering; the daemon sees that replay too.)
	if s := c.Guard().Stats(); s.Attempts > 6 || s.BreakerOpen != breaker {
		t.Errorf("guard: %+v; want at most 6 attempts, breaker open %v", s, breaker)
	}
	if n := len(d.Log()); n > 12 {
		t.Errorf("%d requests reached a failing daemon: %v", n, d.Log())
	}
	if len(res.Errors) == 0 {
		t.Error("an incomplete pass must be an error (exit 3)")
	}
	doc := &render.Document{Tool: render.Tool{Name: "dockguard", Version: "test"}, Generated: now, Live: facts, LiveResult: res}
	for name, fn := range map[string]func(*bytes.Buffer) error{
		"markdown": func(b *bytes.Buffer) error { return render.Markdown(b, doc) },
		"html":     func(b *bytes.Buffer) error { return render.HTML(b, doc) },
		"json":     func(b *bytes.Buffer) error { return render.JSON(b, doc) },
	} {
		var b bytes.Buffer
		if err := fn(&b); err != nil || !strings.Contains(b.String(), "DG408") {
			t.Errorf("%s report without DG408 (err %v)", name, err)
		}
	}
}

func TestUnreachable(t *testing.T) {
	c := newClient(t, "tcp://127.0.0.1:1", daemonguard.Config{Tries: 1})
	facts, res := verify.Run(context.Background(), c, verify.Options{Endpoint: "tcp://127.0.0.1:1"})
	if facts.Reached || rulesOf(res.Findings)["DG408"] != 1 || len(res.Errors) != 1 {
		t.Errorf("reached=%v findings=%v errors=%v", facts.Reached, res.Findings, res.Errors)
	}
}

func TestEnabledFilter(t *testing.T) {
	d := staged("1.52")
	defer d.Close()
	c := newClient(t, d.Host(), daemonguard.Config{})
	_, res := verify.Run(context.Background(), c, verify.Options{Now: func() time.Time { return now }, Enabled: func(id string) bool { return id == "DG401" }})
	if got := rulesOf(res.Findings); len(got) != 1 || got["DG401"] != 1 {
		t.Errorf("enabled DG401 only, got %v", got)
	}
}

type countingProgress struct {
	mu    sync.Mutex
	steps int
	said  []string
}

func (p *countingProgress) Step(string, int, int) { p.mu.Lock(); p.steps++; p.mu.Unlock() }
func (p *countingProgress) Say(s string)          { p.mu.Lock(); p.said = append(p.said, s); p.mu.Unlock() }

func TestProgressSaysWhyStatsAreSlow(t *testing.T) {
	d := &fakedaemon.Daemon{APIVersion: "1.52", MemTotal: 64 << 30}
	for i := range 8 {
		d.Containers = append(d.Containers, fakedaemon.Container{ID: fmt.Sprintf("c%d", i), Name: fmt.Sprintf("n%d", i), State: "running"})
	}
	d.Start()
	defer d.Close()
	p := &countingProgress{}
	c := newClient(t, d.Host(), daemonguard.Config{})
	verify.Run(context.Background(), c, verify.Options{Progress: p, NoDiskUsage: true})
	if p.steps == 0 || len(p.said) == 0 || !strings.Contains(p.said[0], "stats") {
		t.Errorf("progress: %d steps, said %q", p.steps, p.said)
	}
}

func TestNoUsageTakesNoStats(t *testing.T) {
	d := staged("1.52")
	defer d.Close()
	c := newClient(t, d.Host(), daemonguard.Config{})
	facts, res := verify.Run(context.Background(), c, verify.Options{NoUsage: true, Now: func() time.Time { return now }})
	if d.Count("containers/stats") != 0 || facts.Calls["containers/stats"] != 0 {
		t.Errorf("--no-usage sampled: %v", d.Log())
	}
	if facts.Memory.UnsampledCount != 1 || !strings.Contains(fmt.Sprint(res.Notes), "--no-usage") {
		t.Errorf("memory %+v notes %v", facts.Memory, res.Notes)
	}
	total := 0
	for _, n := range facts.Calls {
		total += n
	}
	if total != facts.Budget {
		t.Errorf("calls %d, budget %d", total, facts.Budget)
	}
}

// fakeCgroups answers usage for the IDs it holds and counts its calls.
type fakeCgroups struct {
	mu    sync.Mutex
	usage map[string]int64
	calls int
}

func (f *fakeCgroups) Usage(pid int, id string) (int64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	if u, ok := f.usage[id]; ok {
		return u, nil
	}
	return 0, fmt.Errorf("no cgroup for %s", id)
}

func TestUsageSources(t *testing.T) {
	unlimited := func(facts *verify.Facts) verify.ContainerFacts {
		for _, c := range facts.Containers {
			if c.ID == "c2" {
				return c
			}
		}
		t.Fatal("c2 missing")
		return verify.ContainerFacts{}
	}
	tests := []struct {
		name       string
		src        verify.UsageSource
		cgroups    map[string]int64
		wantSource string
		wantUsage  int64
		wantStats  int
		wantReads  int
		wantNote   string
	}{
		{"auto reads the cgroup", verify.UsageAuto, map[string]int64{"c2": 123 << 20}, "cgroup", 123 << 20, 0, 1, ""},
		{"auto falls back to stats", verify.UsageAuto, nil, "stats", 300 << 20, 1, 0, ""},
		{"api never reads cgroups", verify.UsageAPI, map[string]int64{"c2": 123 << 20}, "stats", 300 << 20, 1, 0, ""},
		{"cgroup only, unreadable", verify.UsageCgroup, nil, "", -1, 0, 0, "--usage-source cgroup"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := staged("1.52")
			defer d.Close()
			c := newClient(t, d.Host(), daemonguard.Config{})
			fc := &fakeCgroups{usage: tt.cgroups}
			facts, res := verify.Run(context.Background(), c, verify.Options{UsageSource: tt.src, Cgroups: fc, Now: func() time.Time { return now }})
			u := unlimited(facts)
			if u.UsageSource != tt.wantSource || u.Usage != tt.wantUsage {
				t.Errorf("usage %d from %q, want %d from %q", u.Usage, u.UsageSource, tt.wantUsage, tt.wantSource)
			}
			if d.Count("containers/stats") != tt.wantStats || facts.CgroupReads != tt.wantReads {
				t.Errorf("%d stats calls, %d cgroup reads; want %d and %d", d.Count("containers/stats"), facts.CgroupReads, tt.wantStats, tt.wantReads)
			}
			if tt.src == verify.UsageAPI && fc.calls != 0 {
				t.Errorf("--usage-source api read cgroups %d times", fc.calls)
			}
			if notes := fmt.Sprint(res.Notes); tt.wantNote != "" && !strings.Contains(notes, tt.wantNote) {
				t.Errorf("notes %s, want %q", notes, tt.wantNote)
			}
			if tt.wantUsage < 0 && facts.Memory.UnsampledCount != 1 {
				t.Errorf("unsampled = %d, want 1", facts.Memory.UnsampledCount)
			}
		})
	}
	if _, err := verify.ParseUsageSource("kernel"); err == nil {
		t.Error("ParseUsageSource accepted an unknown source")
	}
}

func TestTooOldDaemon(t *testing.T) {
	d := staged("1.38")
	defer d.Close()
	c := newClient(t, d.Host(), daemonguard.Config{})
	facts, res := verify.Run(context.Background(), c, verify.Options{})
	if facts.Reached || rulesOf(res.Findings)["DG408"] != 1 || !strings.Contains(fmt.Sprint(res.Findings), "1.38") {
		t.Errorf("API 1.38: reached %v, findings %v", facts.Reached, res.Findings)
	}
	if n := len(d.Log()); n > 2 {
		t.Errorf("%d requests to a daemon that is too old: %v", n, d.Log())
	}
}

func TestTLSDaemon(t *testing.T) {
	d := &fakedaemon.Daemon{APIVersion: "1.52", MemTotal: 1 << 30, TLS: true}
	d.Containers = []fakedaemon.Container{{ID: "a", Name: "a", State: "running"}}
	d.Start()
	defer d.Close()
	ca := filepath.Join(t.TempDir(), "ca.pem")
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: d.Server.Certificate().Raw})
	if err := os.WriteFile(ca, pemBytes, 0o600); err != nil {
		t.Fatal(err)
	}
	run := func(tls *endpoint.TLS) (*verify.Facts, rules.Result) {
		c, err := dockerapi.New(endpoint.Endpoint{Host: d.Host(), TLS: tls}, dockerapi.Config{Guard: daemonguard.Config{Tries: 1}})
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		return verify.Run(context.Background(), c, verify.Options{NoDiskUsage: true})
	}
	if facts, res := run(&endpoint.TLS{CAFile: ca}); !facts.Reached || rulesOf(res.Findings)["DG401"] != 1 {
		t.Errorf("TLS with the right CA: reached %v findings %v", facts.Reached, res.Findings)
	}
	if facts, _ := run(nil); facts.Reached {
		t.Error("plain HTTP reached a TLS daemon")
	}
	// httptest always uses the same certificate, so make a stranger CA.
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "stranger"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(t.TempDir(), "other.pem")
	_ = os.WriteFile(other, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	if facts, res := run(&endpoint.TLS{CAFile: other}); facts.Reached || !strings.Contains(fmt.Sprint(res.Findings), "certificate") {
		t.Errorf("wrong CA accepted: %v", res.Findings)
	}
	if facts, _ := run(&endpoint.TLS{SkipVerify: true}); !facts.Reached {
		t.Error("SkipVerify did not connect")
	}
}

// TestTimedOutAttemptsKeepTheirSlot: inspects that outlast the per-attempt
// deadline must not let retries pile up at the daemon. The fake counts the
// requests it is serving at once; that is the figure the cap is about.
func TestTimedOutAttemptsKeepTheirSlot(t *testing.T) {
	d := &fakedaemon.Daemon{APIVersion: "1.52", MemTotal: 64 << 30}
	for i := range 20 {
		d.Containers = append(d.Containers, fakedaemon.Container{ID: fmt.Sprintf("c%02d", i), Name: fmt.Sprintf("n%02d", i), State: "running"})
	}
	d.Faults = map[string]*fakedaemon.Fault{"containers/inspect": {Delay: 150 * time.Millisecond, KeepWorking: true}}
	d.Start()
	defer d.Close()
	c := newClient(t, d.Host(), daemonguard.Config{Timeout: 50 * time.Millisecond, Grace: time.Second, Backoff: time.Millisecond, Rate: 1000, Burst: 100, BreakerThreshold: 1000})
	_, _ = verify.Run(context.Background(), c, verify.Options{Workers: 10, NoDiskUsage: true, NoUsage: true})
	if p := d.Peak(); p > 3 {
		t.Errorf("the daemon served %d requests at once, cap is 3", p)
	}
	if n := d.Count("containers/inspect"); n != 20 {
		t.Errorf("%d inspects for 20 containers: an attempt that may have reached the daemon was retried", n)
	}
}

// TestNoUsageIsUnknown: with --no-usage an unlimited container's usage is
// unknown: DG407 says so and leaves it out of the sum instead of "use 0B".
func TestNoUsageIsUnknown(t *testing.T) {
	d := staged("1.44")
	defer d.Close()
	c := newClient(t, d.Host(), daemonguard.Config{})
	facts, res := verify.Run(context.Background(), c, verify.Options{Endpoint: d.Host(), Now: func() time.Time { return now }, NoUsage: true, MemoryBudget: 512 << 20})
	var msg string
	for _, f := range res.Findings {
		if f.Rule == "DG407" {
			msg = f.Message
		}
	}
	if !strings.Contains(msg, "1 unlimited container's usage is unknown (not sampled) and left out of the sum") || strings.Contains(msg, "0B") || strings.Contains(msg, "uses") {
		t.Errorf("DG407 = %q", msg)
	}
	if facts.Memory.UnlimitedUsage != 0 || facts.Memory.UnsampledCount != 1 {
		t.Errorf("memory facts = %+v, want 1 unsampled, nothing summed", facts.Memory)
	}
}

// TestLabelFilterScope: a label filter that matches no container says so
// in a note; the dangling volumes are those carrying the labels (the
// daemon filters /volumes by label), and the build cache, which cannot be
// filtered, is said to be daemon-wide.
func TestLabelFilterScope(t *testing.T) {
	d := staged("1.44")
	d.Volumes = append(d.Volumes, fakedaemon.Volume{Name: "mine", Dangling: true, Size: 1 << 20, Labels: map[string]string{"team": "a"}})
	defer d.Close()
	c := newClient(t, d.Host(), daemonguard.Config{})
	noneMatch := "no container matches the label filter nosuch=1"
	find := func(fs []rules.Finding, id string) string {
		for _, f := range fs {
			if f.Rule == id {
				return f.Message
			}
		}
		return ""
	}

	facts, res := verify.Run(context.Background(), c, verify.Options{Endpoint: d.Host(), Now: func() time.Time { return now }, Labels: []string{"nosuch=1"}})
	notes := fmt.Sprint(res.Notes)
	if len(facts.Containers) != 0 || !strings.Contains(notes, noneMatch) || !strings.Contains(notes, "`docker ps -a --filter label=nosuch=1`") {
		t.Errorf("containers %d, notes %s: want none and the no-match note", len(facts.Containers), notes)
	}
	if !strings.Contains(notes, "the build cache (DG406) is daemon-wide") {
		t.Errorf("no daemon-wide note: %s", notes)
	}
	if got := find(res.Findings, "DG405"); got != "" {
		t.Errorf("DG405 with a label no volume carries: %s", got)
	}
	if got := find(res.Findings, "DG406"); !strings.Contains(got, "daemon-wide, not limited to the label filter nosuch=1") {
		t.Errorf("DG406 = %q, want it said daemon-wide", got)
	}
	if fmt.Sprint(facts.Labels) != "[nosuch=1]" {
		t.Errorf("facts labels = %v", facts.Labels)
	}

	// A label the volume carries: only that volume, and the message says
	// it is the labelled set.
	_, res = verify.Run(context.Background(), c, verify.Options{Endpoint: d.Host(), Now: func() time.Time { return now }, Labels: []string{"team=a"}})
	if got := find(res.Findings, "DG405"); !strings.Contains(got, "1 dangling volume labelled team=a") || !strings.Contains(got, "mine") || strings.Contains(got, "orphan") {
		t.Errorf("DG405 = %q, want only the labelled volume", got)
	}

	// No filter: every dangling volume, no scope words, no notes about it.
	_, res = verify.Run(context.Background(), c, verify.Options{Endpoint: d.Host(), Now: func() time.Time { return now }})
	if got := find(res.Findings, "DG405"); !strings.Contains(got, "2 dangling volumes holding") || strings.Contains(got, "labelled") {
		t.Errorf("DG405 without a filter = %q", got)
	}
	if got := find(res.Findings, "DG406"); got == "" || strings.Contains(got, "daemon-wide") {
		t.Errorf("DG406 without a filter = %q", got)
	}
	if notes := fmt.Sprint(res.Notes); strings.Contains(notes, "label filter") {
		t.Errorf("label notes without a filter: %s", notes)
	}

	// A list that fails says nothing about the filter: the failure is
	// DG408, not "no container matches".
	failing := (&fakedaemon.Daemon{APIVersion: "1.44", MemTotal: 1 << 30, Faults: map[string]*fakedaemon.Fault{"containers/list": {Status: 400}}}).Start()
	defer failing.Close()
	_, res = verify.Run(context.Background(), newClient(t, failing.Host(), daemonguard.Config{}), verify.Options{Endpoint: failing.Host(), Now: func() time.Time { return now }, Labels: []string{"nosuch=1"}})
	if notes := fmt.Sprint(res.Notes); strings.Contains(notes, "no container matches") || find(res.Findings, "DG408") == "" {
		t.Errorf("failed list: notes %s findings %v", notes, res.Findings)
	}
}
