package livetest

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/dockguard/dockguard/cli"
	"github.com/dockguard/dockguard/internal/testdaemon"
	"github.com/dockguard/dockguard/verify"
)

// imported builds and imports the helper image once per test binary.
var imported = func() func(d *testdaemon.Daemon) error {
	var err error
	var done bool
	return func(d *testdaemon.Daemon) error {
		if !done {
			done, err = true, d.ImportImage()
		}
		return err
	}
}()

// TestDeadlinePartialReport: on the real daemon, a pass that cannot
// finish within --deadline stops there and still writes its report, in
// every format, with DG408 "incomplete: deadline reached after N of M
// containers". The pass is slowed by dockguard's own rate limit (2
// requests/s after a burst of 3), not by a fake: ten containers need
// about five seconds of inspects, and the deadline is three.
func TestDeadlinePartialReport(t *testing.T) {
	d := testdaemon.Require(t)
	if err := imported(d); err != nil {
		t.Fatal(err)
	}
	scope := "dockguard.test.deadline=" + runID(d)
	for i := range 10 {
		// Created, never started: cheap, and listed and inspected like any.
		if _, err := d.Docker("create", "--network", "none", "--label", d.RunLabel, "--label", scope,
			"--name", fmt.Sprintf("deadline-%d-%s", i, runID(d)), testdaemon.Image, "sleep"); err != nil {
			t.Fatal(err)
		}
	}
	msg := regexp.MustCompile(`incomplete: deadline reached after (\d+) of (\d+) containers \(--deadline 3s\)`)
	args := []string{"-H", d.Host, "--label", scope, "--deadline", "3s", "--rate", "2", "--burst", "3", "--no-disk-usage", "--no-usage"}
	check := func(what string, code int, out, errb string) {
		t.Helper()
		if code != cli.ExitErrors {
			t.Errorf("%s: exit %d, want 3 (incomplete); stderr: %s", what, code, errb)
		}
		m := msg.FindStringSubmatch(out)
		if m == nil {
			t.Errorf("%s: no deadline DG408 in the output:\n%s\nstderr: %s", what, out, errb)
			return
		}
		n, _ := strconv.Atoi(m[1])
		if total, _ := strconv.Atoi(m[2]); total != 10 || n >= total {
			t.Errorf("%s: %s; want fewer than 10 of 10", what, m[0])
		}
	}
	for _, format := range []string{"text", "json"} {
		var out, errb bytes.Buffer
		code := cli.Run(append([]string{"verify", "--format", format}, args...), nil, &out, &errb)
		check("verify --format "+format, code, out.String(), errb.String())
	}
	work := t.TempDir()
	for _, format := range []string{"markdown", "html", "json"} {
		file := filepath.Join(work, "report."+format)
		var out, errb bytes.Buffer
		code := cli.Run(append([]string{"report", "--format", format, "-o", file}, append(args, work)...), nil, &out, &errb)
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatalf("report --format %s was not written: %v (stderr %s)", format, err, errb.String())
		}
		check("report --format "+format, code, string(b), errb.String())
	}
}

// TestSecretsCanaryLive: a container on the real daemon carries a secret
// in its environment, its labels and its command, and claims a compose
// project whose .env holds the secret and whose file Compose refuses (a
// port made of the secret): verify's DG402 reads it and skips it with a
// note. The secret must appear in no byte of verify's or report's output,
// in any format.
func TestSecretsCanaryLive(t *testing.T) {
	d := testdaemon.Require(t)
	if err := imported(d); err != nil {
		t.Fatal(err)
	}
	const canary = "s3cr3t-Live-Canary-KLM"
	dir := t.TempDir()
	for name, body := range map[string]string{
		".env":         "TOKEN=" + canary + "\n",
		"compose.yaml": "services:\n  web:\n    image: x\n    mem_limit: 64m\n    ports: [\"${TOKEN}\"]\n",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	scope := "dockguard.test.canary=" + runID(d)
	base := []string{"--network", "none", "--label", d.RunLabel, "--label", scope, "--label", "secret=" + canary, "-e", "TOKEN=" + canary}
	if _, err := d.Docker(append(append([]string{"run", "-d", "--name", "canary-web-" + runID(d)}, base...),
		"--label", verify.LabelProject+"=canaryproj", "--label", verify.LabelService+"=web",
		"--label", verify.LabelConfigFiles+"="+filepath.Join(dir, "compose.yaml"), "--label", verify.LabelWorkingDir+"="+dir,
		testdaemon.Image, "sleep")...); err != nil {
		t.Fatal(err)
	}
	// The helper refuses the argument and exits, with the secret in its
	// command and its log.
	if _, err := d.Docker(append(append([]string{"run", "-d", "--name", "canary-job-" + runID(d)}, base...), testdaemon.Image, "exit", canary)...); err != nil {
		t.Fatal(err)
	}
	args := []string{"-H", d.Host, "--label", scope, "--stale-after", "1ms", "--usage"}
	outputs := map[string]string{}
	for _, format := range []string{"text", "json"} {
		var out, errb bytes.Buffer
		cli.Run(append([]string{"verify", "--format", format}, args...), nil, &out, &errb)
		outputs["verify --format "+format] = out.String() + errb.String()
	}
	work := t.TempDir()
	for _, format := range []string{"markdown", "html", "json"} {
		var out, errb bytes.Buffer
		cli.Run(append([]string{"report", "--format", format}, append(args, work)...), nil, &out, &errb)
		outputs["report --format "+format] = out.String() + errb.String()
	}
	for what, all := range outputs {
		// The test proves something only if the secret's paths were taken.
		for _, want := range []string{"canary-web-", "DG402 skipped for compose project canaryproj"} {
			if !strings.Contains(all, want) {
				t.Errorf("%s: %q missing, the canary proves nothing:\n%s", what, want, all)
			}
		}
		for _, c := range []string{canary, canary[:12]} {
			if strings.Contains(all, c) {
				t.Errorf("%s: output holds the secret %q:\n%s", what, c, all)
			}
		}
	}
}
