package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dockguard/dockguard/internal/gentree"
)

// The shards of a generated tree partition its files, and merging their
// JSON outputs gives exactly the JSON and text of one run over the tree.
func TestShardsMergeToASingleRun(t *testing.T) {
	tree := cacheTree(t)
	if err := gentree.Generate(filepath.Join(tree, "gen"), 400, 400<<10); err != nil {
		t.Fatal(err)
	}
	t.Chdir(tree)
	code, want, stderr := runCapture("check", "--format", "json", ".")
	if code != ExitFindings {
		t.Fatalf("single run: exit %d\n%s", code, stderr)
	}
	_, wantText, _ := runCapture("check", "--no-color", ".")
	var single jsonInput
	if err := json.Unmarshal([]byte(want), &single); err != nil {
		t.Fatal(err)
	}
	if len(single.Findings) < 30 {
		t.Fatalf("%d findings: too few to show a partition", len(single.Findings))
	}
	const n = 3
	var outs []string
	total := 0
	for i := 1; i <= n; i++ {
		out := filepath.Join(t.TempDir(), fmt.Sprintf("shard%d.json", i))
		runCapture("check", "--shard", fmt.Sprintf("%d/%d", i, n), "--format", "json", "--output", out, ".")
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		var doc jsonInput
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatal(err)
		}
		if len(doc.Findings) == 0 || len(doc.Findings) == len(single.Findings) {
			t.Errorf("shard %d/%d has %d of %d findings: not a proper subset", i, n, len(doc.Findings), len(single.Findings))
		}
		total += len(doc.Findings)
		outs = append(outs, out)
	}
	if total != len(single.Findings) {
		t.Errorf("shards hold %d findings in all, the single run %d: they overlap or miss some", total, len(single.Findings))
	}
	code, got, stderr := runCapture(append([]string{"merge", "--format", "json"}, outs...)...)
	if code != ExitFindings || got != want {
		t.Errorf("merge (exit %d, %s) differs from the single run:\n%s\nwant:\n%s", code, stderr, got, want)
	}
	if _, gotText, _ := runCapture(append([]string{"merge", "--no-color"}, outs...)...); gotText != wantText {
		t.Errorf("merged text differs:\n%s\nwant:\n%s", gotText, wantText)
	}
	// SARIF from the merge matches SARIF from the single run (offsets
	// restored from the files).
	_, wantSARIF, _ := runCapture("check", "--format", "sarif", ".")
	if _, gotSARIF, _ := runCapture(append([]string{"merge", "--format", "sarif"}, outs...)...); gotSARIF != wantSARIF {
		t.Errorf("merged SARIF differs from the single run's")
	}
}

func TestShardFlag(t *testing.T) {
	var s shardFlag
	for _, bad := range []string{"0/2", "3/2", "1", "a/b", "1/0", ""} {
		if err := s.Set(bad); err == nil {
			t.Errorf("--shard %q accepted", bad)
		}
	}
	if err := s.Set("2/4"); err != nil || s.String() != "2/4" {
		t.Errorf("--shard 2/4: %v, %q", err, s.String())
	}
	// The shard of a key is fixed (FNV-1a 64 of the key, mod n), so every
	// runner of a matrix agrees.
	if got := shardOf("scripts/deploy.sh", 4); got != shardOf("scripts/deploy.sh", 4) || got < 0 || got > 3 {
		t.Errorf("shardOf = %d", got)
	}
	seen := map[int]bool{}
	for i := range 64 {
		seen[shardOf(fmt.Sprintf("f%d.sh", i), 4)] = true
	}
	if len(seen) != 4 {
		t.Errorf("64 paths fell in %d of 4 shards", len(seen))
	}
	code, _, stderr := runCapture("merge", filepath.Join(t.TempDir(), "missing.json"))
	if code != ExitUsage || !strings.Contains(stderr, "missing.json") {
		t.Errorf("merge of a missing file: exit %d, %q", code, stderr)
	}
}
