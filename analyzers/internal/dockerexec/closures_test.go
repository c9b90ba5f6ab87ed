package dockerexec

import "testing"

func TestNameBinary(t *testing.T) {
	bins := []string{"docker", "podman", "nerdctl"}
	for name, want := range map[string]string{
		"DockerCmd":           "docker",
		"dockerCmdWithError":  "docker",
		"dockerCmdWithResult": "docker",
		"Docker":              "docker",
		"runDocker":           "docker",
		"PodmanRun":           "podman",
		"run_nerdctl":         "nerdctl",
		"Dockerfile":          "",
		"DockerCompose":       "",
		"DockerImage":         "",
		"dockerHost":          "",
		"DockerDocker":        "",
		"Run":                 "",
		"CLIDocker":           "docker",
	} {
		got, ok := nameBinary(name, bins)
		if got != want || ok != (want != "") {
			t.Errorf("nameBinary(%q) = %q, %v; want %q", name, got, ok, want)
		}
	}
}
