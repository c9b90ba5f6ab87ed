package guardproxy

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

// TestGateFIFOAndCap: with one slot, waiters are granted in arrival order,
// never two at once.
func TestGateFIFOAndCap(t *testing.T) {
	g := newGate(1, 100, 0, 0, 0)
	first, err := g.acquire(context.Background(), false, false)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var order []int
	var wg sync.WaitGroup
	for i := range 5 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tk, err := g.acquire(context.Background(), false, false)
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			order = append(order, i)
			mu.Unlock()
			tk.release()
		}()
		// Arrival order is the launch order.
		waitFor(t, func() bool { return g.stats().Queued == i+1 })
	}
	first.release()
	wg.Wait()
	for i, v := range order {
		if v != i {
			t.Fatalf("grant order %v, want arrival order", order)
		}
	}
	if g.stats().Peak != 1 {
		t.Fatalf("peak %d, want 1", g.stats().Peak)
	}
}

// TestGateSpacing: spaced starts are at least the interval apart, counted
// from the moment the previous one was started.
func TestGateSpacing(t *testing.T) {
	g := newGate(3, 100, 50*time.Millisecond, 0, 0)
	var starts []time.Time
	for range 4 {
		tk, err := g.acquire(context.Background(), true, false)
		if err != nil {
			t.Fatal(err)
		}
		starts = append(starts, time.Now())
		tk.started()
		tk.release()
	}
	for i := 1; i < len(starts); i++ {
		if d := starts[i].Sub(starts[i-1]); d < 50*time.Millisecond {
			t.Fatalf("start %d came %s after the previous one", i, d)
		}
	}
}

// TestGateQueueBoundAndCancel: past the bound acquire fails at once; a
// waiter that gives up leaves the queue and its place goes to the next.
func TestGateQueueBoundAndCancel(t *testing.T) {
	g := newGate(1, 1, 0, 0, 0)
	held, _ := g.acquire(context.Background(), false, false)
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { _, err := g.acquire(ctx, false, false); errc <- err }()
	waitFor(t, func() bool { return g.stats().Queued == 1 })
	if _, err := g.acquire(context.Background(), false, false); !errors.Is(err, errQueueFull) {
		t.Fatalf("acquire past the bound: %v, want errQueueFull", err)
	}
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled waiter: %v", err)
	}
	if s := g.stats(); s.Queued != 0 || s.InFlight != 1 {
		t.Fatalf("after the cancel: %+v", s)
	}
	got := make(chan struct{})
	go func() {
		tk, err := g.acquire(context.Background(), false, false)
		if err == nil {
			tk.release()
		}
		close(got)
	}()
	held.release()
	select {
	case <-got:
	case <-time.After(5 * time.Second):
		t.Fatal("the slot freed by the cancelled waiter was not granted")
	}
}

// TestGateBurstWindow: with no spacing, more than burst removals within
// the window wait for room instead of failing.
func TestGateBurstWindow(t *testing.T) {
	g := newGate(10, 100, 0, 3, 200*time.Millisecond)
	begin := time.Now()
	for range 4 {
		tk, err := g.acquire(context.Background(), false, true)
		if err != nil {
			t.Fatal(err)
		}
		tk.release()
	}
	if d := time.Since(begin); d < 200*time.Millisecond {
		t.Fatalf("4 removals with a burst of 3 per 200ms took %s", d)
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached within 5 s")
		}
		time.Sleep(time.Millisecond)
	}
}

// TestGateFastPathKeepsOrder: tryAcquire grants at once only when nobody
// waits and a slot, the spacing turn and the removal window allow it; it
// never overtakes a queued request, and what it grants counts as in
// flight like any other grant.
func TestGateFastPathKeepsOrder(t *testing.T) {
	g := newGate(2, 100, time.Hour, 0, 0)
	first := g.tryAcquire(true, false)
	if first == nil {
		t.Fatal("an idle gate refused the fast path")
	}
	if g.tryAcquire(true, false) != nil {
		t.Fatal("the fast path granted a second spaced start while the turn was held")
	}
	queued := make(chan *ticket, 1)
	go func() {
		tk, err := g.acquire(context.Background(), true, false)
		if err != nil {
			t.Error(err)
		}
		queued <- tk
	}()
	waitFor(t, func() bool { return g.stats().Queued == 1 })
	// A slot is free and this one needs no turn, but a request waits.
	if tk := g.tryAcquire(false, false); tk != nil {
		t.Fatal("the fast path overtook a queued request")
	}
	if st := g.stats(); st.InFlight != 1 || st.Peak != 1 {
		t.Fatalf("stats %+v, want 1 in flight", st)
	}
	first.release()
	g.mu.Lock()
	g.next = time.Now() // end the hour's spacing for the test
	g.pump()
	g.mu.Unlock()
	second := <-queued
	second.started()
	// Nobody waits now and one slot is free: the fast path grants an
	// unspaced request, and then the gate is full.
	third := g.tryAcquire(false, false)
	if third == nil {
		t.Fatal("the fast path refused a free slot with nobody waiting")
	}
	if g.tryAcquire(false, false) != nil {
		t.Fatal("the fast path granted past the cap")
	}
	second.release()
	third.release()
	if st := g.stats(); st.InFlight != 0 || st.Peak != 2 {
		t.Fatalf("stats %+v, want 0 in flight and a peak of 2", st)
	}
}

// TestGateFastPathRemovalWindow: the fast path counts removals toward the
// burst window and stops granting them when it is full.
func TestGateFastPathRemovalWindow(t *testing.T) {
	g := newGate(10, 100, 0, 2, time.Hour)
	for i := range 2 {
		if g.tryAcquire(false, true) == nil {
			t.Fatalf("removal %d refused with room in the window", i+1)
		}
	}
	if g.tryAcquire(false, true) != nil {
		t.Fatal("a third removal within the window took the fast path")
	}
	if g.tryAcquire(false, false) == nil {
		t.Fatal("a request that is no removal was held by the removal window")
	}
}
