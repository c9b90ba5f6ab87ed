package memusage

import (
	"fmt"
	"math"
	"sort"
	"time"
)

// DefaultHeadroom multiplies the observed peak, as krr's simple strategy
// and the VPA's safety margin do.
const DefaultHeadroom = 1.15

// ProvisionalWindow is the shortest window whose recommendation is not
// flagged as provisional.
const ProvisionalWindow = 10 * time.Minute

// Sizes in the recommendation.
const (
	mib         = 1 << 20
	roundTo     = 16 * mib  // limits are rounded up to this
	minLimit    = 32 * mib  // and never below this
	oomMinRaise = 100 * mib // an OOM-killed container gets at least this much more
)

// Observation is what was seen of one compose service's containers.
type Observation struct {
	Project, Service, WorkingDir string
	// Containers counts the service's containers seen.
	Containers int
	// Samples are working-set sizes in bytes, every container's pooled.
	Samples []int64
	// Window is the time from the first sample to the last.
	Window time.Duration
	// OOMKilled is set when one of the containers was OOM-killed.
	OOMKilled bool
	// Limit is the largest memory limit its containers run with (0 none).
	Limit int64
}

// Stats are the percentiles of an observation's samples.
type Stats struct {
	N             int
	P50, P99, Max int64
}

// Stats computes the nearest-rank percentiles of the samples.
func (o Observation) Stats() Stats {
	n := len(o.Samples)
	if n == 0 {
		return Stats{}
	}
	s := append([]int64(nil), o.Samples...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	rank := func(p float64) int64 {
		i := int(math.Ceil(p*float64(n))) - 1
		return s[max(0, min(i, n-1))]
	}
	return Stats{N: n, P50: rank(0.50), P99: rank(0.99), Max: s[n-1]}
}

// Policy tunes a recommendation.
type Policy struct {
	// Headroom multiplies max(p99, peak); 0 means DefaultHeadroom.
	Headroom float64
	// Floor is the least the limit may be: the runtime caps found in the
	// service plus their overhead.
	Floor int64
	// WithReservation also recommends a reservation at the p50.
	WithReservation bool
}

// Recommendation is a memory limit sized from an observation.
type Recommendation struct {
	Limit       int64
	Reservation int64 // 0 unless Policy.WithReservation
	// Provisional is set when the window is shorter than ProvisionalWindow.
	Provisional bool
	// Basis says where the figure comes from, for a YAML comment:
	// "p99 412MiB, 13 samples over 60s ×1.15".
	Basis string
}

// Recommend sizes a limit from o: max(p99, peak) × headroom, rounded up
// to 16 MiB, at least 32 MiB and at least the policy's floor. A service
// that was OOM-killed gets its current limit plus 20 %, and at least
// 100 MiB more, as the VPA does after an OOM. ok is false when there is
// nothing to size from.
func Recommend(o Observation, p Policy) (r Recommendation, ok bool) {
	h := p.Headroom
	if h <= 0 {
		h = DefaultHeadroom
	}
	st := o.Stats()
	if st.N == 0 && (!o.OOMKilled || o.Limit <= 0) {
		return Recommendation{}, false
	}
	want := clampBytes(float64(max(st.P99, st.Max)) * h)
	r.Basis = fmt.Sprintf("p99 %s, %d %s over %s ×%s", Size(st.P99), st.N, plural(st.N, "sample", "samples"), Window(o.Window), trimFloat(h))
	if o.OOMKilled && o.Limit > 0 {
		raise := max(clampBytes(float64(o.Limit)*1.2), clampBytes(float64(o.Limit)+oomMinRaise))
		if raise > want {
			want = raise
		}
		r.Basis = fmt.Sprintf("OOM-killed at %s, +20%%", Size(o.Limit))
		if st.N > 0 {
			r.Basis += fmt.Sprintf("; p99 %s, %d %s over %s", Size(st.P99), st.N, plural(st.N, "sample", "samples"), Window(o.Window))
		}
	}
	want = max(want, p.Floor, minLimit)
	r.Limit = RoundUp(want)
	if p.WithReservation && st.N > 0 {
		r.Reservation = min(RoundUp(st.P50), r.Limit)
	}
	r.Provisional = o.Window < ProvisionalWindow
	if r.Provisional {
		r.Basis += ", provisional"
	}
	return r, true
}

// maxLimit bounds a recommendation (1 PiB), so that absurd samples from a
// hand-edited report cannot overflow.
const maxLimit = 1 << 50

func clampBytes(f float64) int64 {
	if f > maxLimit || math.IsNaN(f) {
		return maxLimit
	}
	if f < 0 {
		return 0
	}
	return int64(math.Ceil(f))
}

// RoundUp rounds n up to a multiple of 16 MiB.
func RoundUp(n int64) int64 {
	if n <= 0 {
		return 0
	}
	return (n + roundTo - 1) / roundTo * roundTo
}

// Size formats a byte count compactly in binary units ("412MiB").
func Size(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%dGiB", n>>30)
	case n >= 10<<30:
		return fmt.Sprintf("%.1fGiB", float64(n)/(1<<30))
	case n >= mib:
		return fmt.Sprintf("%dMiB", (n+mib/2)/mib)
	case n >= 1<<10:
		return fmt.Sprintf("%dKiB", (n+512)>>10)
	}
	return fmt.Sprintf("%dB", n)
}

// Window formats an observation window: "60s", "15m", "2.5h".
func Window(d time.Duration) string {
	switch {
	case d < 2*time.Minute:
		return fmt.Sprintf("%ds", int(d.Round(time.Second)/time.Second))
	case d < 2*time.Hour:
		return fmt.Sprintf("%dm", int(d.Round(time.Minute)/time.Minute))
	}
	return trimFloat(math.Round(d.Hours()*10)/10) + "h"
}

func trimFloat(f float64) string {
	return fmt.Sprintf("%g", f)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
