package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/dockguard/dockguard/compose"
	"github.com/dockguard/dockguard/internal/testfiles"
	"github.com/dockguard/dockguard/report"
)

// TestSecretsStayOutOfOutput puts canary values in .env and in the process
// environment, triggers compose-go's error paths that quote interpolated
// values (ports, volumes, sizes, restart, a missing env_file, a malformed
// .env line) and asserts that neither canary appears in any byte of check's
// output, in every format, nor in the error the live side's declared-limit
// reader returns (verify's DG402 note carries it).
func TestSecretsStayOutOfOutput(t *testing.T) {
	const dotCanary, osCanary = "s3cr3t-Dot-Canary-XYZ", "s3cr3t-Os-Canary-QRS"
	t.Setenv("DG_TEST_OS_SECRET", osCanary)
	root := t.TempDir()
	svc := func(body string) string { return "services:\n  a:\n    image: x\n    mem_limit: 1g\n" + body }
	testfiles.Write(t, root, map[string]string{
		"ports/.env":            "TOKEN=" + dotCanary + "\n",
		"ports/compose.yaml":    svc("    ports: [\"${TOKEN}\"]\n"),
		"osport/compose.yaml":   svc("    ports: [\"${DG_TEST_OS_SECRET}\"]\n"),
		"volume/.env":           "TOKEN=" + dotCanary + "\n",
		"volume/compose.yaml":   svc("    volumes: [\"${TOKEN}:/x:zz:yy\"]\n"),
		"size/.env":             "TOKEN=" + dotCanary + "\n",
		"size/compose.yaml":     "services:\n  a:\n    image: x\n    mem_limit: ${TOKEN}\n",
		"ossize/compose.yaml":   "services:\n  a:\n    image: x\n    mem_limit: ${DG_TEST_OS_SECRET}\n",
		"restart/.env":          "TOKEN=" + dotCanary + "\n",
		"restart/compose.yaml":  svc("    restart: ${TOKEN}\n"),
		"envfile/.env":          "TOKEN=" + dotCanary + "\n",
		"envfile/compose.yaml":  svc("    env_file: ${TOKEN}.env\n"),
		"badenv/.env":           "GOOD=1\nBAD\"" + dotCanary + "\n",
		"badenv/compose.yaml":   svc(""),
		"badquote/.env":         "PASSWORD=\"" + dotCanary + "\n",
		"badquote/compose.yaml": svc(""),
	})
	t.Chdir(root)
	formats := append([]string{"text"}, report.FormatNames()...)
	for _, f := range formats {
		var out, errb bytes.Buffer
		Run([]string{"check", "--no-config", "--format", f, "--only", "compose", "."}, nil, &out, &errb)
		all := out.String() + errb.String()
		if f == "text" && !strings.Contains(all, "Compose refuses this project") {
			t.Fatalf("no refusal reported, the test proves nothing:\n%s", all)
		}
		for _, canary := range []string{dotCanary, osCanary, dotCanary[:12], osCanary[:12]} {
			if strings.Contains(all, canary) {
				t.Errorf("--format %s: output holds the secret %q:\n%s", f, canary, all)
			}
		}
	}
	for _, d := range []string{"ports", "osport", "size", "volume"} {
		_, err := compose.DeclaredLimits(context.Background(), d, []string{"compose.yaml"}, "")
		if err == nil {
			t.Fatalf("%s: declared limits loaded a broken project", d)
		}
		if strings.Contains(err.Error(), dotCanary) || strings.Contains(err.Error(), osCanary) {
			t.Errorf("%s: declared limits error holds the secret: %v", d, err)
		}
	}
}
