package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReportCompare writes a JSON report, fixes what it found, and compares
// the next report with it.
func TestReportCompare(t *testing.T) {
	d := fake(t)
	dir := t.TempDir()
	script := filepath.Join(dir, "clean.sh")
	if err := os.WriteFile(script, []byte("#!/bin/sh\ndocker rm -f web\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	before := filepath.Join(t.TempDir(), "before.json")
	if code, _, stderr := run("report", "-H", d.Host(), "--format", "json", "-o", before, dir); code != ExitFindings {
		t.Fatalf("first report: exit %d %s", code, stderr)
	}
	if err := os.WriteFile(script, []byte("#!/bin/sh\ndocker stop --time 10 web && docker rm web\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	d.Containers[1].Memory = 128 << 20
	code, stdout, stderr := run("report", "-H", d.Host(), "--compare", before, dir)
	if code != ExitOK && code != ExitFindings {
		t.Fatalf("second report: exit %d %s", code, stderr)
	}
	for _, want := range []string{
		"## Before / after",
		"| Static DG101 force-remove-container | 1 | 0 | −1 | **HIGH → LOW** |",
		"| Containers without limits | 1 of 2 running | 0 of 2 running | −1 | **HIGH → LOW** |",
		"## Risk levels",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("the compared report lacks %q:\n%s", want, stdout)
		}
	}
	html := filepath.Join(t.TempDir(), "r.html")
	if code, _, stderr := run("report", "-H", d.Host(), "--compare", before, "--format", "html", "-o", html, dir); code > ExitFindings {
		t.Fatalf("html: exit %d %s", code, stderr)
	}
	if b, _ := os.ReadFile(html); !strings.Contains(string(b), `<svg class="bars"`) {
		t.Error("the HTML before/after table has no bars")
	}
	// Not a report, or no file: a usage error that names the file.
	notReport := filepath.Join(t.TempDir(), "cleanup.json")
	if err := os.WriteFile(notReport, []byte(`{"plan": []}`), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{notReport, filepath.Join(dir, "missing.json")} {
		if code, _, stderr := run("report", "--no-live", "--compare", f, dir); code != ExitUsage || !strings.Contains(stderr, "--compare") {
			t.Errorf("--compare %s: exit %d %s", f, code, stderr)
		}
	}
}
