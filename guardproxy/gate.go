package guardproxy

import (
	"context"
	"errors"
	"sync"
	"time"
)

// errQueueFull is returned when the queue bound is reached.
var errQueueFull = errors.New("queue full")

// gate admits requests to the daemon in arrival order: a bounded FIFO
// queue in front of a cap on requests in flight, with optional spacing
// between starts (the turn), and a sliding-window bound on container
// removals. Clients do not retry, so waiting, not refusing, is the point.
type gate struct {
	mu       sync.Mutex
	max      int
	inFlight int
	bound    int
	// queue holds the new requests; turns holds the spacing turns of
	// requests that already have a slot (the DELETE after a stop), served
	// first so that a rewrite finishes before new work starts.
	queue, turns []*waiter
	interval     time.Duration
	// turnHeld is true from the grant of a spaced start until its request
	// is on the wire; next is the earliest next spaced start.
	turnHeld bool
	next     time.Time
	// removals are the starts of container removals within window.
	burst    int
	window   time.Duration
	removals []time.Time
	timer    *time.Timer
	peak     int
}

// waiter is one request waiting at the gate.
type waiter struct {
	ready   chan struct{}
	slot    bool // needs an in-flight slot
	spaced  bool // needs a spacing turn
	removal bool // counts toward the removal burst window
	granted bool
	since   time.Time
}

func newGate(max, bound int, interval time.Duration, burst int, window time.Duration) *gate {
	return &gate{max: max, bound: bound, interval: interval, burst: burst, window: window}
}

// ticket is what a granted waiter holds: release frees the slot, started
// ends the spacing turn (it is called once the request is written
// upstream). Both may be called more than once.
type ticket struct {
	g           *gate
	slot        bool
	relOnce     sync.Once
	startedOnce sync.Once
	spaced      bool
}

func (t *ticket) release() {
	if t == nil {
		return
	}
	t.started()
	t.relOnce.Do(func() {
		if !t.slot {
			return
		}
		t.g.mu.Lock()
		t.g.inFlight--
		t.g.pump()
		t.g.mu.Unlock()
	})
}

func (t *ticket) started() {
	if t == nil || !t.spaced {
		return
	}
	t.startedOnce.Do(func() {
		t.g.mu.Lock()
		t.g.turnHeld = false
		t.g.next = time.Now().Add(t.g.interval)
		t.g.pump()
		t.g.mu.Unlock()
	})
}

// acquire waits for a slot (and a spacing turn when spaced) in FIFO
// order. It fails with errQueueFull at once when the queue is full, and
// with the context's error when the caller gives up or the wait bound
// passes; either way the waiter leaves the queue.
func (g *gate) acquire(ctx context.Context, spaced, removal bool) (*ticket, error) {
	return g.wait(ctx, &waiter{slot: true, spaced: spaced && g.interval > 0, removal: removal})
}

// turn waits for a spacing turn without taking a slot: for a further
// write of a request that holds one.
func (g *gate) turn(ctx context.Context, removal bool) (*ticket, error) {
	return g.wait(ctx, &waiter{spaced: g.interval > 0, removal: removal})
}

// tryAcquire is acquire's fast path: with nobody waiting and a slot (and
// the spacing turn, and room in the removal window) free, the ticket is
// granted at once, with no channel, timer or context of its own. It
// returns nil when the request must queue.
func (g *gate) tryAcquire(spaced, removal bool) *ticket {
	spaced = spaced && g.interval > 0
	g.mu.Lock()
	defer g.mu.Unlock()
	if len(g.queue) > 0 || len(g.turns) > 0 || g.inFlight >= g.max {
		return nil
	}
	var now time.Time
	if spaced || (removal && g.burst > 0) {
		now = time.Now()
	}
	if spaced && (g.turnHeld || g.next.After(now)) {
		return nil
	}
	if removal && g.burst > 0 {
		g.removals = trimBefore(g.removals, now.Add(-g.window))
		if len(g.removals) >= g.burst {
			return nil
		}
		g.removals = append(g.removals, now)
	}
	g.inFlight++
	g.peak = max(g.peak, g.inFlight)
	if spaced {
		g.turnHeld = true
	}
	return &ticket{g: g, slot: true, spaced: spaced}
}

// acquireWithin is tryAcquire, else acquire with the wait bounded by
// timeout: the timer exists only for requests that really queue.
func (g *gate) acquireWithin(ctx context.Context, timeout time.Duration, spaced, removal bool) (*ticket, error) {
	if t := g.tryAcquire(spaced, removal); t != nil {
		return t, nil
	}
	wctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	return g.acquire(wctx, spaced, removal)
}

func (g *gate) wait(ctx context.Context, w *waiter) (*ticket, error) {
	w.ready = make(chan struct{})
	w.since = time.Now()
	g.mu.Lock()
	if w.slot {
		if len(g.queue) >= g.bound {
			g.mu.Unlock()
			return nil, errQueueFull
		}
		g.queue = append(g.queue, w)
	} else {
		g.turns = append(g.turns, w)
	}
	g.pump()
	g.mu.Unlock()
	t := &ticket{g: g, slot: w.slot, spaced: w.spaced}
	select {
	case <-w.ready:
		return t, nil
	case <-ctx.Done():
		g.mu.Lock()
		if w.granted {
			g.mu.Unlock()
			t.release()
			return nil, ctx.Err()
		}
		g.queue = remove(g.queue, w)
		g.turns = remove(g.turns, w)
		g.pump()
		g.mu.Unlock()
		return nil, ctx.Err()
	}
}

func remove(ws []*waiter, w *waiter) []*waiter {
	for i, x := range ws {
		if x == w {
			return append(ws[:i], ws[i+1:]...)
		}
	}
	return ws
}

// pump grants what can be granted, in order; g.mu is held. The head of
// the line blocks those behind it, which keeps removals in their order of
// arrival.
func (g *gate) pump() {
	for {
		var w *waiter
		fromTurns := len(g.turns) > 0
		switch {
		case fromTurns:
			w = g.turns[0]
		case len(g.queue) > 0:
			w = g.queue[0]
		default:
			return
		}
		if w.slot && g.inFlight >= g.max {
			return
		}
		now := time.Now()
		var wait time.Duration
		if w.spaced {
			if g.turnHeld {
				return // started() pumps again
			}
			wait = g.next.Sub(now)
		}
		if w.removal && g.burst > 0 {
			g.removals = trimBefore(g.removals, now.Add(-g.window))
			if len(g.removals) >= g.burst {
				wait = max(wait, g.removals[0].Add(g.window).Sub(now))
			}
		}
		if wait > 0 {
			g.wakeAt(wait)
			return
		}
		if fromTurns {
			g.turns = g.turns[1:]
		} else {
			g.queue = g.queue[1:]
		}
		if w.slot {
			g.inFlight++
			g.peak = max(g.peak, g.inFlight)
		}
		if w.spaced {
			g.turnHeld = true
		}
		if w.removal {
			g.removals = append(g.removals, now)
		}
		w.granted = true
		close(w.ready)
	}
}

func trimBefore(ts []time.Time, cut time.Time) []time.Time {
	i := 0
	for i < len(ts) && ts[i].Before(cut) {
		i++
	}
	return ts[i:]
}

func (g *gate) wakeAt(d time.Duration) {
	if g.timer != nil {
		g.timer.Stop()
	}
	g.timer = time.AfterFunc(d, func() {
		g.mu.Lock()
		g.pump()
		g.mu.Unlock()
	})
}

// gateStats is a snapshot of a gate.
type gateStats struct {
	InFlight, Queued, Peak int
	// OldestWait is how long the head of the queue has waited.
	OldestWait time.Duration
}

func (g *gate) stats() gateStats {
	g.mu.Lock()
	defer g.mu.Unlock()
	s := gateStats{InFlight: g.inFlight, Queued: len(g.queue) + len(g.turns), Peak: g.peak}
	if len(g.queue) > 0 {
		s.OldestWait = time.Since(g.queue[0].since)
	}
	return s
}
