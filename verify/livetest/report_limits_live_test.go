package livetest

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/dockguard/dockguard/cli"
	"github.com/dockguard/dockguard/internal/testdaemon"
	"github.com/dockguard/dockguard/memusage"
	"github.com/dockguard/dockguard/verify"
)

// TestReportSeriesSizeLimits: `dockguard report --format json --observe`
// on the private daemon writes each container's usage series, and `fix
// --limits-from report.json` sizes the compose limits from it: at least
// what the container holds × 1.15, provisional for the short window and
// not once the report's window is 15 minutes; the container the kernel
// OOM-killed (found from its state or the daemon's oom events) gets its
// limit + 100 MiB.
func TestReportSeriesSizeLimits(t *testing.T) {
	s := setup(t)
	d := s.d
	dir := t.TempDir()
	project := "dgrep" + runID(d)
	compose := "name: " + project + "\nservices:\n" +
		"  api:\n    image: " + testdaemon.Image + "\n" +
		"  hog:\n    image: " + testdaemon.Image + "\n"
	file := filepath.Join(dir, "compose.yaml")
	write := func() {
		if err := os.WriteFile(file, []byte(compose), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write()
	label := func(svc string) []string {
		return []string{"--label", d.RunLabel, "--label", verify.LabelProject + "=" + project, "--label", verify.LabelService + "=" + svc,
			"--label", verify.LabelWorkingDir + "=" + dir, "--label", verify.LabelConfigFiles + "=" + file, "--label", verify.LabelOneoff + "=False"}
	}
	api, hog := project+"-api-1", project+"-hog-1"
	t.Cleanup(func() {
		_, _ = d.Docker("stop", "--time", "5", api, hog)
		_, _ = d.Docker("rm", api, hog)
	})
	if _, err := d.Docker(append(append([]string{"run", "-d", "--network", "none", "--name", api}, label("api")...), testdaemon.Image, "alloc", "64")...); err != nil {
		t.Fatal(err)
	}
	// 64 MiB in a 16 MiB container without swap: the kernel kills it.
	if _, err := d.Docker(append(append([]string{"run", "-d", "--network", "none", "--name", hog, "--memory", "16m", "--memory-swap", "16m"}, label("hog")...), testdaemon.Image, "alloc", "64")...); err != nil {
		t.Fatal(err)
	}
	var hogID string
	for end := time.Now().Add(30 * time.Second); time.Now().Before(end); time.Sleep(200 * time.Millisecond) {
		st, _ := d.Docker("inspect", "-f", "{{.State.Status}} {{.State.ExitCode}} {{.Id}}", hog)
		if f := strings.Fields(st); len(f) == 3 && f[0] == "exited" {
			if f[1] != "137" {
				t.Fatalf("hog exited %s, want 137 (SIGKILL for its limit)", f[1])
			}
			hogID = f[2]
			break
		}
	}
	if hogID == "" {
		t.Fatal("hog was not OOM-killed within 30 s")
	}
	time.Sleep(2 * time.Second) // api's allocation

	// The daemon's event stream has the oom, through the guarded client.
	c := client(t, d.Host)
	counts, err := c.OOMEvents(context.Background(), time.Now().Add(-5*time.Minute), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if counts[hogID] == 0 {
		t.Errorf("no oom event for the OOM-killed container: %v", counts)
	}
	if !memusage.OOMKilled(false, 137, 0, counts[hogID]) {
		t.Errorf("exit 137 with an oom event is not an OOM kill")
	}

	reportPath := filepath.Join(t.TempDir(), "report.json")
	var out, errb bytes.Buffer
	code := cli.Run([]string{"report", "--format", "json", "--observe", "6s", "--no-disk-usage",
		"-H", d.Host, "--label", verify.LabelProject + "=" + project, "-o", reportPath, dir}, nil, &out, &errb)
	t.Logf("report exit %d, stderr:\n%s", code, errb.String())
	data, err := os.ReadFile(reportPath)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Live struct {
			Containers []struct {
				Name      string  `json:"name"`
				Samples   []int64 `json:"memorySamples"`
				Window    float64 `json:"memoryWindowSeconds"`
				OOMKilled bool    `json:"oomKilled"`
				ExitCode  int     `json:"exitCode"`
			} `json:"containers"`
			Calls map[string]int `json:"apiCalls"`
		} `json:"live"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, ct := range doc.Live.Containers {
		switch ct.Name {
		case api:
			seen++
			if len(ct.Samples) < 2 || ct.Window < 4 {
				t.Errorf("api: %d samples over %.1fs, want a series over the 6 s window", len(ct.Samples), ct.Window)
			}
			for _, u := range ct.Samples {
				if u < 60<<20 {
					t.Errorf("api: sample %d MiB, it holds 64 MiB", u>>20)
				}
			}
		case hog:
			seen++
			if !ct.OOMKilled || ct.ExitCode != 137 {
				t.Errorf("hog: oomKilled %v, exit %d; want true, 137", ct.OOMKilled, ct.ExitCode)
			}
		}
	}
	if seen != 2 {
		t.Fatalf("the report lacks the containers:\n%s", data)
	}
	if doc.Live.Calls["events"] != 1 {
		t.Errorf("apiCalls %v: want one events call", doc.Live.Calls)
	}

	limits := func(report string) map[string]int64 {
		t.Helper()
		out.Reset()
		errb.Reset()
		code := cli.Run([]string{"fix", "--limits-from", report, "--no-config", dir}, nil, &out, &errb)
		t.Logf("fix exit %d, stderr:\n%s", code, errb.String())
		return composeLimits(t, dir, file, "api", "hog")
	}
	got := limits(reportPath)
	fixed, _ := os.ReadFile(file)
	t.Logf("fixed:\n%s", fixed)
	if want := int64(64<<20) * 115 / 100; got["api"] < want {
		t.Errorf("api: limit %d MiB, want at least %d MiB", got["api"]>>20, want>>20)
	}
	if got["hog"] < 16<<20+100<<20 {
		t.Errorf("hog: limit %d MiB, want its 16 MiB + at least 100 MiB after the OOM kill", got["hog"]>>20)
	}
	if !regexp.MustCompile(`p99 \d+MiB, \d+ samples over [4-7]s`).Match(fixed) || !strings.Contains(string(fixed), "provisional") {
		t.Errorf("the comment does not give the report's series and window, provisional:\n%s", fixed)
	}

	// The same series over a 15-minute window is not provisional.
	long := regexp.MustCompile(`"memoryWindowSeconds": [0-9.]+`).ReplaceAll(data, []byte(`"memoryWindowSeconds": 900`))
	longPath := filepath.Join(t.TempDir(), "long.json")
	if err := os.WriteFile(longPath, long, 0o644); err != nil {
		t.Fatal(err)
	}
	write()
	limits(longPath)
	fixed, _ = os.ReadFile(file)
	// hog has no series (it was dead before the report sampled): its
	// figure, from the OOM kill alone, stays provisional.
	apiLine := regexp.MustCompile(`memory: \S+  # p99 [^\n]*`).Find(fixed)
	if apiLine == nil || strings.Contains(string(apiLine), "provisional") || !strings.Contains(string(apiLine), "over 15m") {
		t.Errorf("a 15-minute series is still provisional (%q):\n%s", apiLine, fixed)
	}
}
