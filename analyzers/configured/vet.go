package configured

import (
	"crypto/sha256"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/dockguard/dockguard/config"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/unitchecker"
)

// VetMain speaks the vet protocol (go vet -vettool) with the analyzers
// configured for the package the go command names in its vet.cfg, and
// exits. args are the command-line arguments without the program name.
func VetMain(args []string) {
	if slices.Contains(args, "-V=full") || slices.Contains(args, "--V=full") {
		if err := printVersion(os.Stdout); err != nil {
			fmt.Fprintf(os.Stderr, "dockguard: %v\n", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	as, err := VetAnalyzers(args)
	if err != nil {
		fmt.Fprintf(os.Stderr, "dockguard: %v\n", err)
		os.Exit(1)
	}
	// Declared for -flags (the go command forwards only the flags a tool
	// lists) and for unitchecker's parse; VetAnalyzers has read them.
	flag.String(configFlag, "", "dockguard: use this .dockguard.yaml (an absolute `path`) for every package")
	flag.Bool(noConfigFlag, false, "dockguard: ignore .dockguard.yaml files")
	unitchecker.Main(as...) // does not return
}

// The vet-mode flags that choose the configuration, named as check's.
const (
	configFlag   = "config"
	noConfigFlag = "no-config"
)

// VetAnalyzers returns the analyzers for a vet invocation: configured for
// the package directory of the vet.cfg file that ends args, or unconfigured
// for the go command's other questions (-flags), whose answer must not
// depend on a configuration file.
func VetAnalyzers(args []string) ([]*analysis.Analyzer, error) {
	if len(args) == 0 || !strings.HasSuffix(args[len(args)-1], ".cfg") {
		return Analyzers(".", Options{NoConfig: true})
	}
	o, err := vetOptions(args[:len(args)-1])
	if err != nil {
		return nil, err
	}
	dir, err := vetDir(args[len(args)-1])
	if err != nil {
		return nil, err
	}
	return Analyzers(dir, o)
}

// vetOptions reads -config and -no-config from the flags before the
// vet.cfg, as the go command forwards them (`-config=FILE`, `-config FILE`,
// `-no-config`, one or two dashes), ahead of unitchecker's own parse: the
// analyzers must be configured before it runs.
func vetOptions(args []string) (Options, error) {
	var o Options
	for i := 0; i < len(args); i++ {
		name, value, hasValue := strings.Cut(strings.TrimPrefix(strings.TrimPrefix(args[i], "-"), "-"), "=")
		if !strings.HasPrefix(args[i], "-") {
			continue
		}
		switch name {
		case configFlag:
			if !hasValue {
				if i+1 >= len(args) {
					return o, fmt.Errorf("-%s needs a file", configFlag)
				}
				i++
				value = args[i]
			}
			// go vet runs the tool in each package's directory, so a
			// relative path would name a different file in each.
			if !filepath.IsAbs(value) {
				return o, fmt.Errorf("-%s %s: give an absolute path (go vet runs the tool in each package's directory), e.g. -%s=$PWD/%s", configFlag, value, configFlag, value)
			}
			o.ConfigFile = value
		case noConfigFlag:
			on := true
			if hasValue {
				b, err := strconv.ParseBool(value)
				if err != nil {
					return o, fmt.Errorf("-%s=%s: %w", noConfigFlag, value, err)
				}
				on = b
			}
			o.NoConfig = on
		}
	}
	if o.NoConfig && o.ConfigFile != "" {
		return o, fmt.Errorf("-%s and -%s contradict each other", configFlag, noConfigFlag)
	}
	return o, nil
}

// vetDir reads the package directory from a vet.cfg file.
func vetDir(cfgFile string) (string, error) {
	data, err := os.ReadFile(cfgFile)
	if err != nil {
		return "", fmt.Errorf("read vet configuration: %w", err)
	}
	var cfg unitchecker.Config
	if err := json.Unmarshal(data, &cfg); err != nil {
		return "", fmt.Errorf("read vet configuration %s: %w", cfgFile, err)
	}
	if cfg.Dir == "" {
		return ".", nil
	}
	return cfg.Dir, nil
}

// printVersion answers -V=full as unitchecker does (the executable's
// SHA-256 as its build ID), with the .dockguard.yaml that applies to the
// working directory folded into the ID. The go command keys its cache of
// vet results on that ID, and a package whose findings are all suppressed
// by the configuration passes, so without it a clean result would be
// replayed after the configuration turned a rule back on.
func printVersion(w io.Writer) error {
	exe, err := os.Executable()
	if err != nil {
		return fmt.Errorf("-V=full: %w", err)
	}
	f, err := os.Open(exe)
	if err != nil {
		return fmt.Errorf("-V=full: %w", err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return fmt.Errorf("-V=full: read %s: %w", exe, err)
	}
	if path, err := config.FindForPackage("."); err == nil && path != "" {
		if data, err := os.ReadFile(path); err == nil {
			fmt.Fprintf(h, "\x00config %s %d\x00", path, len(data))
			h.Write(data)
		}
	}
	_, err = fmt.Fprintf(w, "%s version devel comments-go-here buildID=%02x\n", exe, h.Sum(nil))
	return err
}
