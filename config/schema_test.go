package config

import (
	"bytes"
	"encoding/json"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"gopkg.in/yaml.v3"
)

const schemaPath = "../schema/dockguard.schema.json"

func compileSchema(t *testing.T) (*jsonschema.Schema, map[string]any) {
	t.Helper()
	data, err := os.ReadFile(schemaPath)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("dockguard.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("dockguard.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]any
	if err := json.Unmarshal(data, &raw); err != nil {
		t.Fatal(err)
	}
	return sch, raw
}

// yamlInstance converts YAML into the JSON value an editor's schema
// validator would check.
func yamlInstance(t *testing.T, src string) any {
	t.Helper()
	var v any
	if err := yaml.Unmarshal([]byte(src), &v); err != nil {
		t.Fatal(err)
	}
	js, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(js))
	if err != nil {
		t.Fatal(err)
	}
	return inst
}

// TestSchemaAgreesWithLoader checks that the editor schema and the loader
// accept and reject the same files.
func TestSchemaAgreesWithLoader(t *testing.T) {
	sch, _ := compileSchema(t)
	for _, src := range []string{
		full,
		"",
		"rules: {DG101: off, kill-container: info}\nexclude: vendor/**\nbinaries: docker\n",
		"memory-budget: 1073741824\nlive: {stale-after: 1h30m, rate: 1}\n",
		"kinds: {shell: run, compose: [deploy/*.yml, stack.yaml]}\n",
	} {
		if _, err := Parse("c.yaml", []byte(src)); err != nil {
			t.Fatalf("loader rejects %q: %v", src, err)
		}
		if err := sch.Validate(yamlInstance(t, src)); err != nil {
			t.Errorf("schema rejects %q: %v", src, err)
		}
	}
	for _, src := range []string{
		"exlude: [a]\n",
		"rules: {DG101: warnning}\n",
		"rules: {DG101: {sevrity: off}}\n",
		"parallel-limit: 0\n",
		"binaries: [podmn]\n",
		"live: {stale_after: 1h}\n",
		"live: {stale-after: soon}\n",
		"live: {rate: 0}\n",
		"memory-budget: lots\n",
		"fail-on: fatal\n",
		"compose: {profile: [a]}\n",
		"kinds: {shel: [run]}\n",
		"kinds: {shell: run, scripts: [x]}\n",
		"kinds: [shell]\n",
	} {
		if _, err := Parse("c.yaml", []byte(src)); err == nil {
			t.Errorf("loader accepts %q", src)
		}
		if err := sch.Validate(yamlInstance(t, src)); err == nil {
			t.Errorf("schema accepts %q", src)
		}
	}
}

// TestSchemaKeys checks that the schema names exactly the loader's keys.
func TestSchemaKeys(t *testing.T) {
	_, raw := compileSchema(t)
	keys := func(m any) string {
		var ks []string
		for k := range m.(map[string]any)["properties"].(map[string]any) {
			ks = append(ks, k)
		}
		sort.Strings(ks)
		return strings.Join(ks, " ")
	}
	sorted := func(ks []string) string {
		c := append([]string(nil), ks...)
		sort.Strings(c)
		return strings.Join(c, " ")
	}
	props := raw["properties"].(map[string]any)
	for section, schemaNode := range map[string]any{"": raw, "compose": props["compose"], "live": props["live"], "kinds": props["kinds"]} {
		if got, want := keys(schemaNode), sorted(Keys[section]); got != want {
			t.Errorf("schema section %q has keys %q, loader has %q", section, got, want)
		}
	}
}

// TestREADMEExample keeps the README's example configuration valid for
// both the loader and the schema.
func TestREADMEExample(t *testing.T) {
	data, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	i := strings.Index(text, "### Configuration: `.dockguard.yaml`")
	if i < 0 {
		t.Fatal("README has no configuration section")
	}
	start := strings.Index(text[i:], "```yaml\n")
	if start < 0 {
		t.Fatal("README configuration section has no yaml example")
	}
	body := text[i+start+len("```yaml\n"):]
	body, _, found := strings.Cut(body, "```")
	if !found {
		t.Fatal("README yaml example is not closed")
	}
	if _, err := Parse("README.md", []byte(body)); err != nil {
		t.Errorf("README example: %v", err)
	}
	sch, _ := compileSchema(t)
	if err := sch.Validate(yamlInstance(t, body)); err != nil {
		t.Errorf("README example against the schema: %v", err)
	}
}
