package report

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/dockguard/dockguard/rules"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// sampleRun exercises what the formats must get right: multi-byte text
// before a finding (UTF-16 columns), characters each format must escape, a
// fix, findings suppressed in source and by the baseline, a finding
// without a position, an input that could not be checked, and a note.
func sampleRun() *Run {
	sources := map[string]string{
		"scripts/clean.sh": "#!/bin/sh\necho \"🐳 ünïcode\"; docker rm -f web\ndocker kill db # dockguard:ignore DG104 -- reload only\n",
		"a b/Makefile":     "clean:\n\tdocker rm -f $$(docker ps -aq)\n",
	}
	src := func(f string) []byte { return []byte(sources[f]) }
	newF := func(id, file string, start, end int, msg string) rules.Finding {
		f := rules.New(rules.MustLookup(id), file, src(file), start, end, msg)
		f.Key = strings.TrimSpace(sources[file][start:end])
		return f
	}
	clean := sources["scripts/clean.sh"]
	rmAt := strings.Index(clean, "docker rm -f web")
	killAt := strings.Index(clean, "docker kill db")
	mk := sources["a b/Makefile"]
	massAt := strings.Index(mk, "docker rm -f")

	dg101 := newF("DG101", "scripts/clean.sh", rmAt, rmAt+len("docker rm -f web"), "docker rm -f sends SIGKILL: stop with --time, then rm <web> & \"friends\"\n100% sure, really")
	dg101.Fixes = []rules.Edit{{Start: rmAt, End: rmAt + len("docker rm -f web"), NewText: "docker stop --time 10 web && docker rm web"}}
	mass := newF("DG105", "a b/Makefile", massAt, massAt+len("docker rm -f $$(docker ps -aq)"), "every container from a listing is force-removed")
	baselined := newF("DG101", "a b/Makefile", massAt, massAt+12, "force removal, accepted in the baseline")
	live := rules.Finding{Rule: "DG401", Name: "live-container-no-memory-limit", Severity: rules.SeverityError, File: "unix:///var/run/docker.sock", Message: "container redis has no memory limit"}
	info := newF("DG302", "scripts/clean.sh", 0, 2, "an info finding")
	info.Severity = rules.SeverityInfo
	return &Run{
		Tool:     Tool{Name: "dockguard", Version: "v1.2.3"},
		Findings: []rules.Finding{mass, info, dg101, live},
		Notes:    []rules.Note{{File: "big.sh", Message: "skipped: 12 MiB is over the 4 MiB limit"}},
		Errors:   []rules.Note{{File: "locked.sh", Message: "cannot read: permission denied"}},
		SuppressedFindings: []Suppressed{
			{Finding: newF("DG104", "scripts/clean.sh", killAt, killAt+len("docker kill db"), "docker kill sends SIGKILL"), Kind: "inSource", Justification: "reload only"},
			{Finding: baselined, Kind: "external"},
		},
		FilesScanned: 3,
		Suppressed:   2,
		Root:         "/src/project",
		Dir:          "/src/project",
		Source:       src,
	}
}

func render(t *testing.T, format string, r *Run) []byte {
	t.Helper()
	var buf bytes.Buffer
	var err error
	if format == "text" {
		err = Text(&buf, r, TextOptions{})
	} else {
		err = Formats[format](&buf, r)
	}
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestGolden(t *testing.T) {
	for _, format := range FormatNames() {
		t.Run(format, func(t *testing.T) {
			got := render(t, format, sampleRun())
			path := filepath.Join("testdata", "sample."+format+".golden")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./report -update)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s output differs from %s (go test ./report -update, then review the diff):\n%s", format, path, got)
			}
		})
	}
}

func TestEmptyRun(t *testing.T) {
	for _, format := range FormatNames() {
		r := &Run{Tool: Tool{Name: "dockguard", Version: "devel"}}
		out := render(t, format, r)
		switch format {
		case "text", "github":
			if len(out) != 0 {
				t.Errorf("%s: want no output for a clean run, got %q", format, out)
			}
		case "checkstyle", "junit":
			var v any
			if err := xml.Unmarshal(out, &v); err != nil {
				t.Errorf("%s: %v", format, err)
			}
		default:
			if !json.Valid(out) {
				t.Errorf("%s: invalid JSON %q", format, out)
			}
		}
	}
}

func TestSARIFSchema(t *testing.T) {
	data, err := os.ReadFile("testdata/sarif-schema-2.1.0.json")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource(SARIFSchema, doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(SARIFSchema)
	if err != nil {
		t.Fatal(err)
	}
	for name, r := range map[string]*Run{"sample": sampleRun(), "empty": {}} {
		inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(render(t, "sarif", r)))
		if err != nil {
			t.Fatal(err)
		}
		if err := sch.Validate(inst); err != nil {
			t.Errorf("%s: SARIF output does not validate: %v", name, err)
		}
	}
}

// TestSARIFDetails pins what code scanning relies on beyond the schema.
func TestSARIFDetails(t *testing.T) {
	var log struct {
		Runs []struct {
			Tool struct {
				Driver struct {
					Rules []map[string]json.RawMessage `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			ColumnKind         string `json:"columnKind"`
			OriginalURIBaseIDs map[string]struct {
				URI string `json:"uri"`
			} `json:"originalUriBaseIds"`
			Results []struct {
				RuleID    string `json:"ruleId"`
				RuleIndex int    `json:"ruleIndex"`
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct {
							URI       string `json:"uri"`
							URIBaseID string `json:"uriBaseId"`
						} `json:"artifactLocation"`
						Region struct {
							StartLine, StartColumn, EndColumn int
						} `json:"region"`
					} `json:"physicalLocation"`
				} `json:"locations"`
				PartialFingerprints map[string]string `json:"partialFingerprints"`
				Suppressions        []struct {
					Kind          string `json:"kind"`
					Justification string `json:"justification"`
				} `json:"suppressions"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(render(t, "sarif", sampleRun()), &log); err != nil {
		t.Fatal(err)
	}
	run := log.Runs[0]
	if run.ColumnKind != "utf16CodeUnits" || run.OriginalURIBaseIDs["%SRCROOT%"].URI != "file:///src/project/" {
		t.Errorf("columnKind %q, base %+v", run.ColumnKind, run.OriginalURIBaseIDs)
	}
	allowed := map[string]bool{"id": true, "name": true, "shortDescription": true, "fullDescription": true, "help": true, "helpUri": true, "defaultConfiguration": true, "properties": true}
	if len(run.Tool.Driver.Rules) != len(rules.Catalogue) {
		t.Errorf("%d rules, want the catalogue's %d", len(run.Tool.Driver.Rules), len(rules.Catalogue))
	}
	for _, r := range run.Tool.Driver.Rules {
		for k := range r {
			if !allowed[k] {
				t.Errorf("reportingDescriptor key %q", k)
			}
		}
		for k := range allowed {
			if _, ok := r[k]; !ok {
				t.Errorf("reportingDescriptor lacks %q", k)
			}
		}
	}
	byRule := map[string]int{}
	for i, res := range run.Results {
		byRule[res.RuleID+res.Locations[0].PhysicalLocation.ArtifactLocation.URI] = i
		if rules.Catalogue[res.RuleIndex].ID != res.RuleID {
			t.Errorf("ruleIndex %d for %s", res.RuleIndex, res.RuleID)
		}
		if res.PartialFingerprints["primaryLocationLineHash"] == "" {
			t.Errorf("%s: no primaryLocationLineHash", res.RuleID)
		}
	}
	dg101 := run.Results[byRule["DG101scripts/clean.sh"]]
	loc := dg101.Locations[0].PhysicalLocation
	// `echo "🐳 ünïcode"; ` is 19 UTF-16 code units (the whale is 2) and 23 bytes.
	if loc.ArtifactLocation.URIBaseID != "%SRCROOT%" || loc.Region.StartLine != 2 || loc.Region.StartColumn != 20 || loc.Region.EndColumn != 36 {
		t.Errorf("DG101 location %+v", loc)
	}
	if u := run.Results[byRule["DG105a%20b/Makefile"]].Locations[0].PhysicalLocation.ArtifactLocation.URI; u != "a%20b/Makefile" {
		t.Errorf("space not escaped: %q", u)
	}
	kinds := map[string]string{}
	for _, res := range run.Results {
		for _, s := range res.Suppressions {
			kinds[res.RuleID] = s.Kind + ":" + s.Justification
		}
	}
	if kinds["DG104"] != "inSource:reload only" || kinds["DG101"] != "external:" || len(kinds) != 2 {
		t.Errorf("suppressions %v", kinds)
	}
}

func TestGitHubPathsAreRepositoryRelative(t *testing.T) {
	r := sampleRun()
	r.Dir = "/src/project/scripts"
	r.Findings = r.Findings[2:3]
	r.Findings[0].File = "clean.sh"
	r.Errors = []rules.Note{{File: "/elsewhere/x.sh", Message: "m"}}
	out := string(render(t, "github", r))
	if !strings.Contains(out, "::error file=scripts/clean.sh,line=2,") || !strings.Contains(out, "file=/elsewhere/x.sh,") {
		t.Errorf("paths:\n%s", out)
	}
}

func TestGitHubEscaping(t *testing.T) {
	if got := ghData("100% a\r\nb"); got != "100%25 a%0D%0Ab" {
		t.Errorf("ghData = %q", got)
	}
	if got := ghProperty("a:b,c%\n"); got != "a%3Ab%2Cc%25%0A" {
		t.Errorf("ghProperty = %q", got)
	}
}
