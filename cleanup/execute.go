package cleanup

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/dockguard/dockguard/daemonguard"
	"github.com/dockguard/dockguard/rules"
	"github.com/dockguard/dockguard/verify/dockerapi"
)

// ResultVersion is the version of the cleanup JSON shape.
const ResultVersion = 1

// Outcome is what became of one plan item.
type Outcome struct {
	Item
	// Reclaimed is the bytes freed: the daemon's SpaceReclaimed for a
	// prune, the size measured before for a removed object.
	Reclaimed int64 `json:"reclaimedBytes"`
	// Reason says why an item was skipped; Error why it failed.
	Reason string `json:"reason,omitempty"`
	Error  string `json:"error,omitempty"`
}

// Result is a cleanup run: the plan and, after --apply, what was done.
type Result struct {
	Version  int    `json:"version"`
	Endpoint string `json:"endpoint"`
	DryRun   bool   `json:"dryRun"`
	Plan     []Item `json:"plan"`
	// Done, Skipped and Failed partition the plan after --apply; a dry
	// run leaves them empty.
	Done    []Outcome `json:"done"`
	Skipped []Outcome `json:"skipped"`
	Failed  []Outcome `json:"failed"`
	// PlannedBytes sums the plan's known sizes; ReclaimedBytes what was
	// freed.
	PlannedBytes   int64 `json:"plannedBytes"`
	ReclaimedBytes int64 `json:"reclaimedBytes"`
	DurationMS     int64 `json:"durationMs"`
	// Stopped says why the rest of the plan was not attempted: "signal",
	// "deadline" or "breaker"; empty when it ran to the end.
	Stopped string `json:"stopped,omitempty"`
	// APICalls counts the requests by endpoint class, planning included.
	APICalls map[string]int `json:"apiCalls"`
	// Findings are DG408 (daemon failing, run incomplete) and the
	// planning pass's findings; Errors and Notes as in verify.
	Findings []rules.Finding `json:"findings"`
	Errors   []rules.Note    `json:"errors,omitempty"`
	Notes    []string        `json:"notes,omitempty"`
}

// DryRun is the result of a plan that is not carried out.
func DryRun(p *Plan) *Result {
	r := newResult(p)
	r.DryRun = true
	return r
}

func newResult(p *Plan) *Result {
	r := &Result{Version: ResultVersion, Endpoint: p.Endpoint, Plan: p.Items, Done: []Outcome{}, Skipped: []Outcome{},
		Failed: []Outcome{}, PlannedBytes: p.Bytes(), Findings: append([]rules.Finding{}, p.Result.Findings...),
		Errors: p.Result.Errors, Notes: p.Notes, APICalls: map[string]int{}}
	if p.Facts != nil {
		for k, v := range p.Facts.Calls {
			r.APICalls[k] += v
		}
		r.DurationMS = p.Facts.Elapsed.Milliseconds()
	}
	if p.ImageCalls > 0 {
		r.APICalls["images/list"] += p.ImageCalls
	}
	return r
}

// Execute carries the plan out. ctx bounds the whole run (--timeout): when
// it ends, requests in flight are cancelled. stop (Ctrl-C) only stops new
// work: what is in flight finishes.
func Execute(ctx context.Context, stop <-chan struct{}, d dockerapi.Cleaner, p *Plan, o Options) *Result {
	o.defaults()
	start := o.Now()
	r := newResult(p)
	x := &executor{ctx: ctx, stop: stop, d: d, o: o, r: r, total: len(p.Items)}
	work := make(chan Item)
	var wg sync.WaitGroup
	for range min(o.Workers, max(len(p.Items), 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for it := range work {
				if why := x.halted(); why != "" {
					x.finish(Outcome{Item: it, Reason: why})
					continue
				}
				x.finish(x.do(it))
			}
		}()
	}
	for i, it := range p.Items {
		if why := x.halted(); why != "" {
			for _, rest := range p.Items[i:] {
				x.finish(Outcome{Item: rest, Reason: why})
			}
			break
		}
		select {
		case work <- it:
		case <-stop:
			x.setStopped("signal")
			x.finish(Outcome{Item: it, Reason: x.halted()})
		case <-ctx.Done():
			x.setStopped("deadline")
			x.finish(Outcome{Item: it, Reason: x.halted()})
		}
	}
	close(work)
	wg.Wait()
	r.DurationMS += o.Now().Sub(start).Milliseconds()
	if g, ok := d.(interface{ Guard() *daemonguard.Transport }); ok {
		// The guard counted every request, planning included.
		r.APICalls = g.Guard().Stats().ByEndpoint
	}
	x.report()
	return r
}

type executor struct {
	ctx  context.Context
	stop <-chan struct{}
	d    dockerapi.Cleaner
	o    Options
	r    *Result

	mu      sync.Mutex
	stopped string
	total   int
	n       int
}

func (x *executor) setStopped(why string) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.stopped == "" {
		x.stopped = why
	}
}

// halted returns the reason not to start another item, or "".
func (x *executor) halted() string {
	select {
	case <-x.stop:
		x.setStopped("signal")
	default:
	}
	if x.ctx.Err() != nil {
		x.setStopped("deadline")
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	switch x.stopped {
	case "signal":
		return "not attempted: interrupted"
	case "deadline":
		return "not attempted: the run's deadline (--timeout) passed"
	case "breaker":
		return "not attempted: the circuit breaker opened (the daemon is failing)"
	}
	return ""
}

func (x *executor) finish(out Outcome) {
	x.mu.Lock()
	defer x.mu.Unlock()
	switch {
	case out.Error != "":
		x.r.Failed = append(x.r.Failed, out)
	case out.Reason != "":
		x.r.Skipped = append(x.r.Skipped, out)
	default:
		x.r.Done = append(x.r.Done, out)
		x.r.ReclaimedBytes += out.Reclaimed
	}
	x.n++
	x.o.Progress.Cleaned(x.n, x.total, x.r.ReclaimedBytes)
}

// do carries out one item. Its first request is gated by the stop
// channel: when Ctrl-C comes while it still waits for its turn at the
// guard, it never starts; once it has started, the item runs to its end,
// so a running container is never left stopped but not removed.
func (x *executor) do(it Item) Outcome {
	out := Outcome{Item: it}
	first := daemonguard.WithStartGate(x.ctx, x.stop)
	var err error
	switch it.Kind {
	case KindContainer:
		if it.Action == ActionStopRemove {
			err = x.conflictRetry(func() error { return x.d.StopContainer(first, it.ID, x.o.StopTimeout) })
			if errors.Is(err, dockerapi.ErrNotFound) {
				out.Reason = "gone already (404 on stop)"
				return x.gone(out)
			}
			if err != nil {
				return x.failed(out, err)
			}
		}
		ctx := first
		if it.Action == ActionStopRemove {
			ctx = x.ctx // the stop has started: the removal must follow
		}
		err = x.conflictRetry(func() error { return x.d.RemoveContainer(ctx, it.ID) })
	case KindVolume:
		err = x.conflictRetry(func() error { return x.d.RemoveVolume(first, it.Name) })
	case KindBuildCache:
		var n int64
		n, err = x.d.PruneBuildCache(first, x.o.OlderThan, x.o.KeepStorage)
		if err == nil {
			out.Reclaimed = n
			return out
		}
	case KindImages:
		var n int64
		n, err = x.d.PruneImages(first, x.o.Scopes.AllImages, x.o.filters(), x.o.OlderThan)
		if err == nil {
			out.Reclaimed = n
			return out
		}
	default:
		return x.failed(out, fmt.Errorf("unknown kind %q", it.Kind))
	}
	switch {
	case err == nil:
		out.Reclaimed = max(it.Size, 0)
		return out
	case errors.Is(err, dockerapi.ErrNotFound):
		out.Reason = "gone already (404)"
		return x.gone(out)
	case errors.Is(err, dockerapi.ErrConflict):
		out.Reason = fmt.Sprintf("skipped after %d tries: %v", x.o.ConflictTries, err)
		return out
	}
	return x.failed(out, err)
}

// gone is an object someone else removed: done, nothing reclaimed by us.
func (x *executor) gone(out Outcome) Outcome {
	out.Reason = ""
	out.Why += "; gone already (404)"
	return out
}

func (x *executor) failed(out Outcome, err error) Outcome {
	if errors.Is(err, daemonguard.ErrNotStarted) {
		// Ctrl-C came while the item waited for its turn: not attempted.
		x.setStopped("signal")
		out.Reason = x.halted()
		return out
	}
	switch {
	case errors.Is(err, daemonguard.ErrBreakerOpen):
		x.setStopped("breaker")
	case x.ctx.Err() != nil:
		x.setStopped("deadline")
	}
	out.Error = err.Error()
	return out
}

// conflictRetry retries a 409 with doubling pauses: "removal in progress"
// and "container is running" (just restarted) clear up on their own.
func (x *executor) conflictRetry(f func() error) error {
	pause := x.o.ConflictBackoff
	for try := 1; ; try++ {
		err := f()
		if !errors.Is(err, dockerapi.ErrConflict) || try >= x.o.ConflictTries {
			return err
		}
		t := time.NewTimer(pause)
		select {
		case <-t.C:
		case <-x.ctx.Done():
			t.Stop()
			return err
		}
		pause *= 2
	}
}

// report adds DG408 when the run did not finish the plan.
func (x *executor) report() {
	r := x.r
	r.Stopped = x.stopped
	var why string
	switch x.stopped {
	case "breaker":
		why = "the circuit breaker opened (the daemon is failing)"
	case "deadline":
		why = "the run's deadline (--timeout) passed"
	default:
		return
	}
	rule := rules.MustLookup("DG408")
	r.Findings = append(r.Findings, rules.Finding{Rule: rule.ID, Name: rule.Name, Severity: rule.Severity, File: r.Endpoint, Key: "cleanup",
		Message: fmt.Sprintf("cleanup incomplete: %s after %d of %d planned objects; %d done, %d failed, %d not attempted or skipped",
			why, len(r.Done)+len(r.Failed), len(r.Plan), len(r.Done), len(r.Failed), len(r.Skipped))})
}
