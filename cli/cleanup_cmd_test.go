package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCleanupUsageErrors(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"-H", "tcp://127.0.0.1:1"}, "no scope"},
		{[]string{"-H", "tcp://127.0.0.1:1", "--running"}, "--running needs --label or --project"},
		{[]string{"-H", "tcp://127.0.0.1:1", "--containers", "--apply"}, "--apply needs --yes when stdin is not a terminal"},
		{[]string{"-H", "tcp://127.0.0.1:1", "--containers", "--keep-storage", "lots"}, "--keep-storage"},
		{[]string{"-H", "tcp://127.0.0.1:1", "--containers", "--format", "xml"}, "unknown --format"},
	} {
		var out, errb bytes.Buffer
		code := Run(append([]string{"cleanup"}, tt.args...), strings.NewReader(""), &out, &errb)
		if code != ExitUsage || !strings.Contains(errb.String(), tt.want) {
			t.Errorf("cleanup %v: exit %d, stderr %q; want 2 and %q", tt.args, code, errb.String(), tt.want)
		}
	}
}

func TestCleanupUnreachableDaemon(t *testing.T) {
	var out, errb bytes.Buffer
	code := Run([]string{"cleanup", "-H", "tcp://127.0.0.1:1", "--all", "--tries", "1", "--format", "json"}, nil, &out, &errb)
	if code != ExitErrors || !strings.Contains(out.String(), `"DG408"`) || !strings.Contains(out.String(), `"plan": []`) {
		t.Errorf("exit %d, out %s", code, out.String())
	}
}

func TestReportCleanupResult(t *testing.T) {
	dir := t.TempDir()
	res := filepath.Join(dir, "cleanup.json")
	if err := os.WriteFile(res, []byte(`{"version":1,"endpoint":"unix:///d.sock","plan":[{"kind":"container","name":"job","sizeBytes":5,"action":"remove"}],"done":[{"kind":"container","name":"job","sizeBytes":5,"action":"remove","reclaimedBytes":5}],"skipped":[],"failed":[],"plannedBytes":5,"reclaimedBytes":5}`), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	code := Run([]string{"report", "--no-live", "--cleanup-result", res, dir}, nil, &out, &errb)
	if code != ExitOK || !strings.Contains(out.String(), "## Resource cleanup") || !strings.Contains(out.String(), "| container | 1 | 1 | 0 | 0 | 5B | 5B |") {
		t.Errorf("exit %d stderr %s\n%s", code, errb.String(), out.String())
	}
	for _, bad := range []string{`{"version":9}`, `not json`} {
		if err := os.WriteFile(res, []byte(bad), 0o644); err != nil {
			t.Fatal(err)
		}
		errb.Reset()
		if code := Run([]string{"report", "--no-live", "--cleanup-result", res, dir}, nil, &out, &errb); code != ExitUsage || !strings.Contains(errb.String(), "--cleanup-result") {
			t.Errorf("%s: exit %d, %s", bad, code, errb.String())
		}
	}
}
