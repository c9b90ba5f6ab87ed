package shell_test

import (
	"testing"

	"github.com/dockguard/dockguard/fix"
	"github.com/dockguard/dockguard/rules"
	"github.com/dockguard/dockguard/shell"
)

// FuzzFixes checks the fixes of any script: every fix lies inside the
// file and applies, and the fixed script is read again without a crash.
// Whether a fix is kept is package fix's re-check; here it must only never
// be malformed.
func FuzzFixes(f *testing.F) {
	for _, s := range []string{
		"docker rm -f web\n",
		"a && docker rm -f \"my app\" 2>/dev/null || true\n",
		"docker rm -f \\\n  web &\n",
		"sudo docker kill -s KILL web; docker stop -t0 db\n",
		"docker rm -f $(docker ps -aq) > log\n",
		"docker compose -f a.yml down -t 0\r\n",
		"\xef\xbb\xbfdocker kill x\n",
	} {
		f.Add(s)
	}
	cfg := &shell.Config{Fix: rules.FixSettings{Label: "app=ci", Explain: true}}
	f.Fuzz(func(t *testing.T, src string) {
		fs := shell.CheckScript("f.sh", []byte(src), cfg)
		for _, fd := range fs {
			if len(fd.Fixes) == 0 {
				continue
			}
			out, err := fix.Apply([]byte(src), fd.Fixes)
			if err != nil {
				t.Fatalf("%s fix does not apply to %q: %v (%+v)", fd.Rule, src, err, fd.Fixes)
			}
			shell.CheckScript("f.sh", out, cfg)
		}
	})
}
