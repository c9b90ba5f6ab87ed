package livetest

import (
	"bytes"
	"context"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	composecli "github.com/compose-spec/compose-go/v2/cli"

	"github.com/dockguard/dockguard/cli"
	"github.com/dockguard/dockguard/internal/testdaemon"
	"github.com/dockguard/dockguard/memusage"
	"github.com/dockguard/dockguard/verify"
)

// TestFixLimitsFromLive runs `dockguard fix --limits-from live --observe
// 10s` on a compose file whose services run on the private daemon as a
// compose-labelled set of containers, two of them holding memory, and
// checks the limits it writes against what they hold.
func TestFixLimitsFromLive(t *testing.T) {
	s := setup(t)
	d := s.d
	dir := t.TempDir()
	project := "dgfix" + runID(d)
	file := filepath.Join(dir, "compose.yaml")
	src := "name: " + project + "\n" +
		"services:\n" +
		"  api:\n    image: " + testdaemon.Image + "\n    command: [\"alloc\", \"96\"]\n" +
		"  worker:\n    image: " + testdaemon.Image + "\n    command: [\"alloc\", \"40\"]  # the queue\n" +
		"  idle:\n    image: " + testdaemon.Image + "\n" +
		"  absent:\n    image: " + testdaemon.Image + "\n"
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	alloc := map[string]int{"api": 96, "worker": 40, "idle": 0}
	var names []string
	for svc, mib := range alloc {
		name := project + "-" + svc + "-1"
		args := []string{"run", "-d", "--network", "none", "--name", name, "--label", d.RunLabel,
			"--label", verify.LabelProject + "=" + project, "--label", verify.LabelService + "=" + svc,
			"--label", verify.LabelWorkingDir + "=" + dir, "--label", verify.LabelConfigFiles + "=" + file,
			"--label", verify.LabelOneoff + "=False", testdaemon.Image}
		if mib > 0 {
			args = append(args, "alloc", itoa(mib))
		} else {
			args = append(args, "sleep")
		}
		if _, err := d.Docker(args...); err != nil {
			t.Fatal(err)
		}
		names = append(names, name)
	}
	t.Cleanup(func() {
		_, _ = d.Docker(append([]string{"stop", "--time", "5"}, names...)...)
		_, _ = d.Docker(append([]string{"rm"}, names...)...)
	})
	// A one-off `compose run` container of api must not count.
	if _, err := d.Docker("run", "-d", "--network", "none", "--name", project+"-api-run", "--label", d.RunLabel,
		"--label", verify.LabelProject+"="+project, "--label", verify.LabelService+"=api",
		"--label", verify.LabelWorkingDir+"="+dir, "--label", verify.LabelOneoff+"=True", testdaemon.Image, "alloc", "400"); err != nil {
		t.Fatal(err)
	}
	names = append(names, project+"-api-run")
	// The allocations take a moment; the observation must see them.
	time.Sleep(2 * time.Second)

	var out, errb bytes.Buffer
	code := cli.Run([]string{"fix", "--limits-from", "live", "--observe", "10s", "-H", d.Host, "--no-config", dir}, nil, &out, &errb)
	t.Logf("stdout:\n%s\nstderr:\n%s", out.String(), errb.String())
	if code != cli.ExitFindings && code != cli.ExitOK {
		t.Fatalf("fix exited %d", code)
	}
	fixed, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("fixed file:\n%s", fixed)
	if !strings.Contains(string(fixed), "# the queue") {
		t.Errorf("a comment was lost")
	}
	if !strings.Contains(errb.String(), "PROJECT") || !strings.Contains(errb.String(), "sum of limits") {
		t.Errorf("no sizing table on stderr")
	}

	// compose-go loads the fixed file, and its limits cover the usage.
	limits := composeLimits(t, dir, file, "api", "worker", "idle")
	for svc, mib := range alloc {
		limit := limits[svc]
		want := int64(float64(mib<<20) * 1.15)
		if limit < want || limit < 32<<20 {
			t.Errorf("%s: limit %d MiB, want at least %d MiB (%d MiB held × 1.15)", svc, limit>>20, want>>20, mib)
		}
		if svc == "api" && limit >= 400<<20 {
			t.Errorf("api's limit %d MiB counts the one-off run container", limit>>20)
		}
	}
	if !strings.Contains(string(fixed), "provisional") {
		t.Errorf("a 10 s observation is not flagged provisional")
	}

	// check: no DG201 for the observed services; the one that never ran
	// keeps its finding, which says how to get a fix.
	out.Reset()
	errb.Reset()
	cli.Run([]string{"check", "--no-config", "--format", "json", "--only", "compose", dir}, nil, &out, &errb)
	for _, svc := range []string{"api", "worker", "idle"} {
		if strings.Contains(out.String(), `service \"`+svc+`\" has no memory limit`) {
			t.Errorf("check still reports DG201 for %s:\n%s", svc, out.String())
		}
	}
	if !strings.Contains(out.String(), `service \"absent\" has no memory limit`) {
		t.Errorf("the unobserved service lost its DG201:\n%s", out.String())
	}
}

func itoa(n int) string {
	var b [20]byte
	i := len(b)
	for n > 0 || i == len(b) {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}

// TestFixLimitsFromLiveOOMHistory: a container the kernel OOM-killed
// before the run gets its limit + at least 100 MiB from `fix
// --limits-from live --observe 0s`, a single sample with no observation
// window: the kill comes from its state or from the daemon's past oom
// events (one GET /events with since and until, read-only), not from
// watching it happen.
func TestFixLimitsFromLiveOOMHistory(t *testing.T) {
	s := setup(t)
	d := s.d
	dir := t.TempDir()
	project := "dgoomh" + runID(d)
	file := filepath.Join(dir, "compose.yaml")
	src := "name: " + project + "\nservices:\n  hog:\n    image: " + testdaemon.Image + "\n"
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	hog := project + "-hog-1"
	t.Cleanup(func() { _, _ = d.Docker("rm", hog) })
	// 64 MiB in a 16 MiB container without swap: the kernel kills it.
	if _, err := d.Docker("run", "-d", "--network", "none", "--name", hog, "--memory", "16m", "--memory-swap", "16m",
		"--label", d.RunLabel, "--label", verify.LabelProject+"="+project, "--label", verify.LabelService+"=hog",
		"--label", verify.LabelWorkingDir+"="+dir, "--label", verify.LabelOneoff+"=False", testdaemon.Image, "alloc", "64"); err != nil {
		t.Fatal(err)
	}
	exited := false
	for end := time.Now().Add(30 * time.Second); time.Now().Before(end) && !exited; time.Sleep(200 * time.Millisecond) {
		st, _ := d.Docker("inspect", "-f", "{{.State.Status}} {{.State.ExitCode}}", hog)
		if strings.HasPrefix(st, "exited") {
			if st != "exited 137" {
				t.Fatalf("hog: %s, want exited 137 (SIGKILL for its limit)", st)
			}
			exited = true
		}
	}
	if !exited {
		t.Fatal("hog was not OOM-killed within 30 s")
	}
	state, _ := d.Docker("inspect", "-f", "{{.State.OOMKilled}}", hog)
	t.Logf("hog exited 137, State.OOMKilled %s", state)

	rec := testdaemon.StartRecorder(t, d.Host)
	before := time.Now()
	var out, errb bytes.Buffer
	code := cli.Run([]string{"fix", "--limits-from", "live", "--observe", "0s", "-H", rec.Host, "--no-config", dir}, nil, &out, &errb)
	t.Logf("exit %d, stderr:\n%s", code, errb.String())
	if code != cli.ExitFindings && code != cli.ExitOK {
		t.Fatalf("fix exited %d", code)
	}
	events := 0
	for _, r := range rec.Requests() {
		if r.Method != "GET" && r.Method != "HEAD" {
			t.Errorf("fix --limits-from live wrote to the daemon: %s %s", r.Method, r.URI)
		}
		if strings.HasSuffix(r.Path(), "/events") {
			events++
			q, _ := url.ParseQuery(strings.TrimPrefix(r.URI, r.Path()+"?"))
			since, _ := strconv.ParseFloat(q.Get("since"), 64)
			until, _ := strconv.ParseFloat(q.Get("until"), 64)
			if until == 0 || until > float64(time.Now().Unix()+1) || since < float64(before.Add(-memusage.OOMLookback).Unix()-1) || since >= until {
				t.Errorf("events window %s: want since within %s and until not in the future", r.URI, memusage.OOMLookback)
			}
			if f := q.Get("filters"); !strings.Contains(f, "oom") || !strings.Contains(f, "container") {
				t.Errorf("events filters %q: want type=container, event=oom", f)
			}
		}
	}
	if events != 1 {
		t.Errorf("%d events requests, want one", events)
	}
	limit := composeLimits(t, dir, file, "hog")["hog"]
	fixed, _ := os.ReadFile(file)
	if limit < 16<<20+100<<20 {
		t.Errorf("hog: limit %d MiB, want its 16 MiB + at least 100 MiB after the OOM kill:\n%s", limit>>20, fixed)
	}
}

// composeLimits loads the compose file with compose-go, failing the test
// when it refuses it, and returns each named service's memory limit
// (deploy.resources.limits.memory, else mem_limit; 0 for none).
func composeLimits(t *testing.T, dir, file string, services ...string) map[string]int64 {
	t.Helper()
	po, err := composecli.NewProjectOptions([]string{file}, composecli.WithWorkingDirectory(dir))
	if err != nil {
		t.Fatal(err)
	}
	pr, err := po.LoadProject(context.Background())
	if err != nil {
		t.Fatalf("compose-go refuses the fixed file: %v", err)
	}
	got := map[string]int64{}
	for _, svc := range services {
		sc, err := pr.GetService(svc)
		if err != nil {
			t.Fatal(err)
		}
		if sc.Deploy != nil && sc.Deploy.Resources.Limits != nil {
			got[svc] = int64(sc.Deploy.Resources.Limits.MemoryBytes)
		}
		if got[svc] == 0 {
			got[svc] = int64(sc.MemLimit)
		}
	}
	return got
}
