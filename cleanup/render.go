package cleanup

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/docker/go-units"
)

// JSON writes r as indented JSON.
func JSON(w io.Writer, r *Result) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// ReadResult reads what JSON wrote (report --cleanup-result), of any
// version this dockguard knows.
func ReadResult(b []byte) (*Result, error) {
	var r Result
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("not a cleanup result: %w", err)
	}
	if r.Version < 1 || r.Version > ResultVersion {
		return nil, fmt.Errorf("cleanup result version %d: this dockguard reads 1 to %d", r.Version, ResultVersion)
	}
	return &r, nil
}

func size(n int64) string {
	if n < 0 {
		return "size unknown"
	}
	return units.BytesSize(float64(n))
}

// Text writes the plan, or what was done, for a person.
func Text(w io.Writer, r *Result) error {
	var b strings.Builder
	if r.DryRun {
		if len(r.Plan) == 0 {
			fmt.Fprintf(&b, "Nothing to clean up on %s.\n", r.Endpoint)
		} else {
			fmt.Fprintf(&b, "Plan for %s (dry run; --apply carries it out):\n", r.Endpoint)
			for _, it := range r.Plan {
				fmt.Fprintf(&b, "  %s\n", line(it))
			}
			fmt.Fprintf(&b, "%d object(s), %s would be reclaimed.\n", len(r.Plan), size(r.PlannedBytes))
		}
	} else {
		for _, o := range r.Done {
			fmt.Fprintf(&b, "done     %s\n", line(o.Item))
		}
		for _, o := range r.Skipped {
			fmt.Fprintf(&b, "skipped  %s: %s\n", line(o.Item), o.Reason)
		}
		for _, o := range r.Failed {
			fmt.Fprintf(&b, "failed   %s: %s\n", line(o.Item), o.Error)
		}
		fmt.Fprintf(&b, "%d done, %d skipped, %d failed of %d planned; %s reclaimed in %s.\n",
			len(r.Done), len(r.Skipped), len(r.Failed), len(r.Plan), size(r.ReclaimedBytes),
			(time.Duration(r.DurationMS) * time.Millisecond).String())
	}
	for _, f := range r.Findings {
		fmt.Fprintf(&b, "%s: %s: %s [%s]\n", f.File, f.Severity, f.Message, f.Rule)
	}
	for _, n := range r.Notes {
		fmt.Fprintf(&b, "note: %s\n", n)
	}
	for _, e := range r.Errors {
		fmt.Fprintf(&b, "error: %s: %s\n", e.File, e.Message)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func line(it Item) string {
	name := it.Name
	if it.Kind == KindContainer && it.ID != "" {
		name = fmt.Sprintf("%s (%.12s)", it.Name, it.ID)
	}
	if it.Count > 0 && it.Kind != KindBuildCache {
		name = fmt.Sprintf("%d %s", it.Count, it.Name)
	}
	rule := ""
	if it.Rule != "" {
		rule = " [" + it.Rule + "]"
	}
	return fmt.Sprintf("%-16s %-10s %s: %s, %s%s", it.Action, it.Kind, name, it.Why, size(it.Size), rule)
}
