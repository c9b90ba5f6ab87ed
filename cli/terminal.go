package cli

import (
	"flag"
	"fmt"
	"strings"
)

// textFlags are the flags that shape text output on a terminal: colour
// and the source excerpt under each finding.
type textFlags struct {
	color      colorMode
	noColor    bool
	showSource triState
}

func (t *textFlags) register(fs *flag.FlagSet) {
	t.color = colorAuto
	fs.Var(&t.color, "color", "colour the text output: auto (on a terminal, unless NO_COLOR or TERM=dumb; FORCE_COLOR or CLICOLOR_FORCE force it), always or never")
	fs.BoolVar(&t.noColor, "no-color", false, "never colour the text output (same as --color=never)")
	fs.Var(&t.showSource, "show-source", "print the source line and a caret span under each finding in text output (default: on a terminal)")
}

// colorMode is the value of --color.
type colorMode string

const (
	colorAuto   colorMode = "auto"
	colorAlways colorMode = "always"
	colorNever  colorMode = "never"
)

func (c *colorMode) String() string { return string(*c) }

func (c *colorMode) Set(v string) error {
	switch m := colorMode(strings.ToLower(strings.TrimSpace(v))); m {
	case colorAuto, colorAlways, colorNever:
		*c = m
		return nil
	}
	return fmt.Errorf("want auto, always or never, not %q", v)
}

// triState is a boolean flag that remembers whether it was given.
type triState struct{ set, on bool }

func (t *triState) String() string {
	if t == nil || !t.set {
		return ""
	}
	return fmt.Sprint(t.on)
}

func (t *triState) Set(v string) error {
	on, err := parseBool(v)
	if err != nil {
		return err
	}
	t.set, t.on = true, on
	return nil
}

// IsBoolFlag lets --show-source stand alone.
func (t *triState) IsBoolFlag() bool { return true }

func parseBool(v string) (bool, error) {
	switch strings.ToLower(v) {
	case "1", "t", "true", "yes", "on":
		return true, nil
	case "0", "f", "false", "no", "off":
		return false, nil
	}
	return false, fmt.Errorf("want true or false, not %q", v)
}

// useColor decides whether text written to a stream gets ANSI colours:
// --color=always/never (and --no-color) win; otherwise NO_COLOR turns it
// off, FORCE_COLOR or CLICOLOR_FORCE (set and not "0") turn it on, and
// TERM=dumb or a stream that is not a terminal turn it off, as
// no-color.org and the CLICOLOR convention describe.
func (t *textFlags) useColor(env *Env, stream any) bool {
	switch {
	case t.noColor || t.color == colorNever:
		return false
	case t.color == colorAlways:
		return true
	case env.Getenv("NO_COLOR") != "":
		return false
	case forced(env.Getenv("FORCE_COLOR")) || forced(env.Getenv("CLICOLOR_FORCE")):
		return true
	case env.Getenv("TERM") == "dumb":
		return false
	}
	return isTerminal(stream)
}

func forced(v string) bool { return v != "" && v != "0" && !strings.EqualFold(v, "false") }

// useSource decides whether text output shows source lines: --show-source
// when given, else on a terminal.
func (t *textFlags) useSource(stream any) bool {
	if t.showSource.set {
		return t.showSource.on
	}
	return isTerminal(stream)
}
