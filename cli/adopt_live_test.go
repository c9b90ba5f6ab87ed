package cli

import (
	"io"
	"os"
	"strings"
	"testing"
	"time"
)

// TestVerifyReadsLiveThresholds: .dockguard.yaml's live section fills the
// verify flags that were not given; given flags win.
func TestVerifyReadsLiveThresholds(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	if err := os.Mkdir(".git", 0o755); err != nil {
		t.Fatal(err)
	}
	cfg := "rules: {DG404: off}\nlive:\n  stale-after: 2d\n  build-cache-threshold: 1GiB\n  rate: 2\n  in-flight: 1\n"
	if err := os.WriteFile(".dockguard.yaml", []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	fs := newFlagSet("verify", io.Discard)
	var v verifyFlags
	v.register(fs, true, true)
	if _, err := parseInterspersed(fs, []string{"--rate", "7"}); err != nil {
		t.Fatal(err)
	}
	c, err := v.applyConfig(fs)
	if err != nil {
		t.Fatal(err)
	}
	if v.staleAfter != 48*time.Hour || v.buildCache != "1073741824" || v.maxInFlight != 1 || v.rate != 7 {
		t.Errorf("flags: stale %v cache %q in-flight %d rate %v", v.staleAfter, v.buildCache, v.maxInFlight, v.rate)
	}
	on := configEnabled(c, nil, nil)
	if on("DG404") || !on("DG401") || !configEnabled(c, nil, []string{"DG404"})("DG404") {
		t.Error("rule settings not applied")
	}

	if err := os.WriteFile(".dockguard.yaml", []byte("live: {rate: fast}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := v.applyConfig(fs); err == nil || !strings.Contains(err.Error(), ".dockguard.yaml:1:14: live.rate: want a positive number") {
		t.Errorf("bad file: %v", err)
	}
}
