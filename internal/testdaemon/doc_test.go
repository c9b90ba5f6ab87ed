package testdaemon

import (
	"os"
	"strings"
	"testing"
)

func TestProvideExplainsSkip(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("as root Provide starts a daemon; the live tests cover that path")
	}
	t.Setenv("DOCKGUARD_TEST_DOCKER_HOST", "")
	d, reason, err := Provide()
	if d != nil || err != nil || !strings.Contains(reason, "DOCKGUARD_TEST_DOCKER_HOST") {
		t.Fatalf("Provide() = %v, %q, %v", d, reason, err)
	}
}

func TestExternalHostIsUsed(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("as root the private daemon wins")
	}
	t.Setenv("DOCKGUARD_TEST_DOCKER_HOST", "unix:///nonexistent.sock")
	d, _, err := Provide()
	if err != nil || d == nil || d.Host != "unix:///nonexistent.sock" || d.Private || !strings.HasPrefix(d.RunLabel, "dockguard.test.run=") {
		t.Fatalf("Provide() = %+v, %v", d, err)
	}
}
