package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFixLimitsFromReport sizes limits from a report's samples, writes
// them, prints the table and warns when the sum exceeds --budget.
func TestFixLimitsFromReport(t *testing.T) {
	dir := t.TempDir()
	compose := filepath.Join(dir, "compose.yaml")
	if err := os.WriteFile(compose, []byte("name: shop\nservices:\n  api:\n    image: api\n  db:\n    image: db\n    mem_limit: 1g\n  new:\n    image: new\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	report := filepath.Join(dir, "report.json")
	doc := `{"live":{"containers":[
	  {"name":"shop-api-1","memoryUsage":419430400,"memorySamples":[314572800,419430400],"memoryWindowSeconds":900,"composeProject":"shop","composeService":"api"},
	  {"name":"shop-db-1","memoryLimit":1073741824,"memoryUsage":104857600,"composeProject":"shop","composeService":"db"},
	  {"name":"other-api-1","memoryUsage":9000000000,"composeProject":"other","composeService":"api","composeWorkingDir":"/elsewhere"}]}}`
	if err := os.WriteFile(report, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	code := Run([]string{"fix", "--no-config", "--limits-from", report, "--default-memory", "256MiB", "--budget", "1GiB", "--no-comment", dir}, nil, &out, &errb)
	if code != ExitOK {
		t.Fatalf("exit %d\n%s%s", code, out.String(), errb.String())
	}
	got, _ := os.ReadFile(compose)
	want := "name: shop\nservices:\n  api:\n    image: api\n    mem_limit: 464m\n  db:\n    image: db\n    mem_limit: 1g\n  new:\n    image: new\n    mem_limit: 256m\n"
	if string(got) != want {
		t.Errorf("fixed file:\n%s\nwant:\n%s", got, want)
	}
	table := errb.String()
	for _, w := range []string{
		"shop     api      300MiB  400MiB  400MiB  2        -             464MiB",
		"shop     db       100MiB  100MiB  100MiB  1        1GiB          1GiB",
		"shop     new      -       -       -       -        -             256MiB",
		"sum of limits: 1GiB before, 1744MiB after, budget 1GiB — warning: the recommended limits exceed the budget by 720MiB",
	} {
		if !strings.Contains(table, w) {
			t.Errorf("table lacks %q:\n%s", w, table)
		}
	}
	// A second run changes nothing.
	Run([]string{"fix", "--no-config", "--limits-from", report, "--default-memory", "256MiB", "--no-comment", dir}, nil, &out, &errb)
	if again, _ := os.ReadFile(compose); string(again) != want {
		t.Errorf("second fix changed the file:\n%s", again)
	}
	// Bad values are usage errors.
	for _, args := range [][]string{
		{"fix", "--no-config", "--limits-from", filepath.Join(dir, "missing.json"), dir},
		{"fix", "--no-config", "--default-memory", "lots", dir},
		{"fix", "--no-config", "--default-memory", "1g", "--headroom", "0.5", dir},
		{"fix", "--no-config", "--limits-from", compose, dir},
	} {
		errb.Reset()
		if code := Run(args, nil, &out, &errb); code != ExitUsage {
			t.Errorf("%v: exit %d, want %d (%s)", args, code, ExitUsage, errb.String())
		}
	}
}
