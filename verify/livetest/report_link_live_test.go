package livetest

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dockguard/dockguard/cli"
	"github.com/dockguard/dockguard/internal/testdaemon"
	"github.com/dockguard/dockguard/verify"
)

// TestReportLinksDG401ToDG201 runs `dockguard report` on a folder whose
// compose file declares service app without a memory limit, while the
// private daemon runs that service's container (created with the labels
// docker compose sets) without one: the markdown and JSON reports link
// the container's DG401 to the service's DG201 and back. A service of the
// same file that has a limit, run with it, is in neither finding; a
// container of another project with the same service name is not linked.
func TestReportLinksDG401ToDG201(t *testing.T) {
	s := setup(t)
	d := s.d
	id := runID(d)
	dir := t.TempDir()
	project := "dglink" + id
	file := filepath.Join(dir, "compose.yaml")
	yaml := "name: " + project + "\nservices:\n" +
		"  app:\n    image: " + testdaemon.Image + "\n" +
		"  capped:\n    image: " + testdaemon.Image + "\n    mem_limit: 64m\n"
	if err := os.WriteFile(file, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	otherDir := t.TempDir()
	app, capped, other := project+"-app-1", project+"-capped-1", "dgother"+id+"-app-1"
	t.Cleanup(func() {
		_, _ = d.Docker("stop", "--time", "5", app, capped, other)
		_, _ = d.Docker("rm", app, capped, other)
	})
	start := func(name, proj, svc, wd, cfg string, extra ...string) {
		t.Helper()
		args := []string{"run", "-d", "--network", "none", "--name", name, "--label", d.RunLabel,
			"--label", verify.LabelProject + "=" + proj, "--label", verify.LabelService + "=" + svc,
			"--label", verify.LabelWorkingDir + "=" + wd, "--label", verify.LabelConfigFiles + "=" + cfg,
			"--label", verify.LabelOneoff + "=False"}
		args = append(append(args, extra...), testdaemon.Image, "sleep")
		if _, err := d.Docker(args...); err != nil {
			t.Fatal(err)
		}
	}
	start(app, project, "app", dir, file)
	start(capped, project, "capped", dir, file, "--memory", "64m")
	start(other, "dgother"+id, "app", otherDir, filepath.Join(otherDir, "compose.yaml"))

	// Only the containers of this test: the stage's other containers
	// would add findings this test is not about.
	scope := []string{"--label", d.RunLabel, "--label", verify.LabelProject}
	// From the folder, as a user runs it: findings name compose.yaml.
	t.Chdir(dir)
	var md, errb bytes.Buffer
	code := cli.Run(append([]string{"report", "-H", d.Host, "--format", "markdown", "--no-disk-usage"}, append(scope, ".")...), nil, &md, &errb)
	if code != cli.ExitFindings {
		t.Fatalf("report exit %d; stderr %s\n%s", code, errb.String(), md.String())
	}
	out := md.String()
	loc := "compose.yaml:3:3"
	var dg401App, dg401Other, dg201 string
	for _, l := range strings.Split(out, "\n") {
		switch {
		case strings.HasPrefix(l, "- `"+app+"`:"):
			dg401App = l
		case strings.HasPrefix(l, "- `"+other+"`:"):
			dg401Other = l
		case strings.HasPrefix(l, "- `"+loc+"`:"):
			dg201 = l
		}
	}
	if want := "declared without a limit as service app of compose project " + project + " at `" + loc + "` (DG201)"; !strings.Contains(dg401App, want) {
		t.Errorf("DG401 of %s does not link its DG201 (want %q):\n%s\n\nreport:\n%s", app, want, dg401App, out)
	}
	if want := "running without a limit as container `" + app + "` of compose project " + project + " (DG401)"; !strings.Contains(dg201, want) {
		t.Errorf("DG201 at %s does not link back (want %q):\n%s\n\nreport:\n%s", loc, want, dg201, out)
	}
	if dg401Other == "" || strings.Contains(dg401Other, "(DG201)") {
		t.Errorf("the other project's container: %q, want a DG401 without a link", dg401Other)
	}
	if strings.Contains(out, "`"+capped+"`") {
		t.Errorf("the limited container %s is in a finding:\n%s", capped, out)
	}

	var js bytes.Buffer
	errb.Reset()
	cli.Run(append([]string{"report", "-H", d.Host, "--format", "json", "--no-disk-usage"}, append(scope, ".")...), nil, &js, &errb)
	var doc struct {
		Links []struct {
			Container, Project, Service, File string
			Line, Column                      int
		} `json:"links"`
	}
	if err := json.Unmarshal(js.Bytes(), &doc); err != nil {
		t.Fatalf("json: %v\n%s", err, js.String())
	}
	if len(doc.Links) != 1 {
		t.Fatalf("links %+v, want one", doc.Links)
	}
	if k := doc.Links[0]; k.Container != app || k.Project != project || k.Service != "app" || k.File != "compose.yaml" || k.Line != 3 || k.Column != 3 {
		t.Errorf("link %+v, want %s → compose.yaml:3:3", k, app)
	}
}
