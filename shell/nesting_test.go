package shell

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// deepCases are nestings far past maxNesting in every form the parser
// recurses on; each once made mvdan/sh exhaust the stack (a fatal error
// recover cannot catch) or hundreds of MiB.
func deepCases(levels int) map[string]string {
	r := strings.Repeat
	return map[string]string{
		"subshell":   "docker rm -f a\n" + r("(", levels) + "true" + r(")", levels) + "\n",
		"arith":      "docker rm -f a\n" + r("((", levels) + "1" + r("))", levels) + "\n",
		"cmdsubst":   "docker rm -f a\necho " + r("$(", levels) + "x" + r(")", levels) + "\n",
		"quoted":     "docker rm -f a\necho " + r(`"$(`, levels) + "x" + r(`)"`, levels) + "\n",
		"braces":     "docker rm -f a\n" + r("{ ", levels) + "true" + r("; }", levels) + "\n",
		"test":       "docker rm -f a\n" + r("[[ ", levels) + "x" + r(" ]]", levels) + "\n",
		"if":         "docker rm -f a\n" + r("if true; then ", levels) + "true" + r("; fi", levels) + "\n",
		"while":      "docker rm -f a\n" + r("while true; do ", levels) + "true" + r("; done", levels) + "\n",
		"unbalanced": "docker rm -f a\n" + r("(", levels),
	}
}

func TestNestingTooDeep(t *testing.T) {
	for name, src := range deepCases(200_000) {
		t.Run(name, func(t *testing.T) {
			got := render(CheckScript("deep.sh", []byte(src), nil))
			if !strings.Contains(got, "DG001 nesting too deep to check") {
				t.Fatalf("no DG001 for too deep nesting:\n%.300s", got)
			}
		})
	}
}

// TestNestingTraps: ordinary code, however long, is never refused: prose
// in comments and strings, case patterns and balanced constructs do not add
// up, and nesting just under the limit is parsed.
func TestNestingTraps(t *testing.T) {
	r := strings.Repeat
	traps := map[string]string{
		"comments": r("# if you need it, for each case do it while you can\n", 20_000) + "docker rm -f a\n",
		"strings":  r("echo 'if for while ((((( {{{{' \"case if (((\"\n", 20_000) + "docker rm -f a\n",
		"cases":    r("case $x in a) docker ps ;; b) true ;; esac\n", 20_000) + "docker rm -f a\n",
		"loops":    r("for i in 1 2; do if [[ $i ]]; then (echo $(date)); fi; done\n", 20_000) + "docker rm -f a\n",
		"under":    "docker rm -f a\n" + r("(", maxNesting-10) + "true" + r(")", maxNesting-10) + "\n",
	}
	for name, src := range traps {
		t.Run(name, func(t *testing.T) {
			got := render(CheckScript("ok.sh", []byte(src), nil))
			if strings.Contains(got, "nesting too deep") {
				t.Fatalf("ordinary code refused:\n%.300s", got)
			}
			if !strings.Contains(got, "DG101") {
				t.Fatalf("the forced removal was not reported:\n%.300s", got)
			}
		})
	}
	// Every golden input stays well under the limit.
	files, err := filepath.Glob(filepath.Join("testdata", "*.sh"))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if n, _ := nestingDepth(b, maxNesting); n > 100 {
			t.Errorf("%s: estimated nesting %d", p, n)
		}
	}
}
