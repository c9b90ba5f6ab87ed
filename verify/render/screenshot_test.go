package render

import (
	"bytes"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

// TestChromiumRendersTheReport runs scripts/report-screenshot.sh on the
// incident report and checks that the screenshot shows a page, not a blank
// or an error tab. It needs Debian's chromium; CI installs it and sets
// DOCKGUARD_REQUIRE_DAEMON=1, under which a missing browser is a failure.
func TestChromiumRendersTheReport(t *testing.T) {
	if _, err := exec.LookPath("chromium"); err != nil {
		if os.Getenv("DOCKGUARD_REQUIRE_DAEMON") == "1" {
			t.Fatal("chromium is not installed (apt-get install -y chromium)")
		}
		t.Skip("chromium is not installed (apt-get install -y chromium)")
	}
	_, self, _, _ := runtime.Caller(0)
	script := filepath.Join(filepath.Dir(self), "..", "..", "scripts", "report-screenshot.sh")
	dir := t.TempDir()
	html := filepath.Join(dir, "report.html")
	var b bytes.Buffer
	if err := HTML(&b, incident()); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(html, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	shot := filepath.Join(dir, "report.png")
	if out, err := exec.Command(script, html, shot, "1024x1600").CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", script, err, out)
	}
	f, err := os.Open(shot)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("screenshot is not a PNG: %v", err)
	}
	if got := img.Bounds().Size(); got != (image.Point{1024, 1600}) {
		t.Errorf("screenshot is %v, want 1024x1600", got)
	}
	// A rendered report has text, coloured badges and table rules: many
	// colours. A blank or failed page has a handful.
	colours := map[uint32]bool{}
	for y := 0; y < img.Bounds().Dy(); y += 3 {
		for x := 0; x < img.Bounds().Dx(); x += 3 {
			r, g, bl, _ := img.At(x, y).RGBA()
			colours[r>>8<<16|g>>8<<8|bl>>8] = true
		}
	}
	if len(colours) < 50 {
		t.Errorf("screenshot has %d colours; the page looks blank", len(colours))
	}
	// The status badge is the report's red (#cf222e) near the top.
	red := false
	for y := 0; y < 300 && !red; y++ {
		for x := 0; x < 400; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if r>>8 == 0xcf && g>>8 == 0x22 && bl>>8 == 0x2e {
				red = true
				break
			}
		}
	}
	if !red {
		t.Error("no FAIL badge in the screenshot")
	}
}
