package cishell

import (
	"flag"
	"path/filepath"
	"testing"

	"github.com/dockguard/dockguard/internal/findingtest"
	"github.com/dockguard/dockguard/rules"
	"github.com/dockguard/dockguard/shell"
)

var update = flag.Bool("update", false, "rewrite the .golden files from the current output")

// entryPoints maps each testdata directory to the function under test.
var entryPoints = map[string]func(string, []byte, *shell.Config) []rules.Finding{
	"github":      CheckGitHubWorkflow,
	"action":      CheckGitHubAction,
	"gitlab":      CheckGitLabCI,
	"circleci":    CheckCircleCI,
	"packagejson": CheckPackageJSON,
	"taskfile":    CheckTaskfile,
	"azure":       CheckAzurePipelines,
	"bitbucket":   CheckBitbucketPipelines,
	"drone":       CheckDrone,
}

func TestGolden(t *testing.T) {
	for dir, check := range entryPoints {
		t.Run(dir, func(t *testing.T) {
			findingtest.Golden(t, filepath.Join("testdata", dir, "*"), *update, func(path string, src []byte) []rules.Finding {
				return check(path, src, nil)
			})
		})
	}
}

// checkFindings asserts the invariants every finding must keep.
func checkFindings(t *testing.T, file string, src []byte, fs []rules.Finding) {
	t.Helper()
	findingtest.CheckInvariants(t, file, src, fs)
}
