package guardproxy

import (
	"fmt"
	"sync"
	"time"
)

// breaker is the circuit breaker on the daemon's health: it opens after
// threshold consecutive transport failures, or when a health probe fails
// while requests wait, refuses writes while open, and after cooldown lets
// one probe decide whether it closes.
type breaker struct {
	mu          sync.Mutex
	threshold   int
	cooldown    time.Duration
	consecutive int
	open        bool
	probing     bool
	openedAt    time.Time
	reason      string
	opens       int
}

// breakerOpenError is what a refused write is told.
type breakerOpenError struct {
	reason string
	retry  time.Duration
}

func (e *breakerOpenError) Error() string {
	return fmt.Sprintf("dockguard guard: the daemon looks unhealthy (%s); writes are refused for now, reads still pass; the next probe is in %s",
		e.reason, e.retry.Round(time.Second))
}

func (b *breaker) failure(reason string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.consecutive++
	if b.consecutive >= b.threshold {
		b.tripLocked(fmt.Sprintf("%d consecutive transport failures, the last: %s", b.consecutive, reason))
	}
}

func (b *breaker) success() {
	b.mu.Lock()
	b.consecutive = 0
	b.mu.Unlock()
}

// trip opens the breaker (a failed health probe).
func (b *breaker) trip(reason string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.tripLocked(reason)
}

func (b *breaker) tripLocked(reason string) {
	if !b.open {
		b.opens++
	}
	b.open, b.openedAt, b.reason = true, time.Now(), reason
}

// allow decides whether a write may go on. Past the cooldown, the first
// caller runs probe while the others are still refused; the probe's
// result closes the breaker or restarts the cooldown.
func (b *breaker) allow(probe func() error) error {
	b.mu.Lock()
	if !b.open {
		b.mu.Unlock()
		return nil
	}
	left := b.cooldown - time.Since(b.openedAt)
	if left > 0 || b.probing {
		err := &breakerOpenError{reason: b.reason, retry: max(left, 0)}
		b.mu.Unlock()
		return err
	}
	b.probing = true
	b.mu.Unlock()
	err := probe()
	b.mu.Lock()
	defer b.mu.Unlock()
	b.probing = false
	if err != nil {
		b.tripLocked("the probe after the cooldown failed: " + err.Error())
		return &breakerOpenError{reason: b.reason, retry: b.cooldown}
	}
	b.open, b.consecutive = false, 0
	return nil
}

// state is "closed", "open" or "half-open" (open, cooldown over).
func (b *breaker) state() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch {
	case !b.open:
		return "closed"
	case time.Since(b.openedAt) >= b.cooldown:
		return "half-open"
	}
	return "open"
}
