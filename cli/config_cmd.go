package cli

import (
	"errors"
	"fmt"

	"github.com/dockguard/dockguard/config"
	"github.com/dockguard/dockguard/schema"
)

func init() {
	commands["config"] = command{"print the effective configuration, or validate .dockguard.yaml files", runConfig}
	commands["baseline"] = command{"record the current findings in .dockguard-baseline.json", runBaseline}
}

func configUsage(env *Env) {
	fmt.Fprintln(env.Stderr, "Usage:")
	fmt.Fprintln(env.Stderr, "  dockguard config print [--config FILE | --no-config] [PATH]   show the effective configuration for PATH (default .)")
	fmt.Fprintln(env.Stderr, "  dockguard config validate [FILE...]                          check configuration files (default: the one found from .)")
	fmt.Fprintln(env.Stderr, "  dockguard config schema                                      print the JSON Schema of .dockguard.yaml, for editors")
}

// runConfig is `dockguard config print|validate`.
func runConfig(env *Env, args []string) int {
	if len(args) == 0 {
		configUsage(env)
		return ExitUsage
	}
	switch args[0] {
	case "print":
		return runConfigPrint(env, args[1:])
	case "validate":
		return runConfigValidate(env, args[1:])
	case "schema":
		if _, err := env.Stdout.Write(schema.JSON); err != nil {
			return ExitErrors
		}
		return ExitOK
	case "-h", "-help", "--help", "help":
		configUsage(env)
		return ExitOK
	}
	fmt.Fprintf(env.Stderr, "dockguard config: unknown subcommand %q\n", args[0])
	configUsage(env)
	return ExitUsage
}

func runConfigPrint(env *Env, args []string) int {
	fs := newFlagSet("config print", env.Stderr)
	file := fs.String("config", "", "configuration file (default: found from PATH up to the repository root)")
	none := fs.Bool("no-config", false, "print the defaults")
	paths, err := parseInterspersed(fs, args)
	if err != nil {
		return flagError(err)
	}
	if len(paths) > 1 {
		fmt.Fprintln(env.Stderr, "dockguard config print: at most one PATH")
		return ExitUsage
	}
	cfg, err := loadProjectConfig(paths, *file, *none)
	if err != nil {
		fmt.Fprintf(env.Stderr, "dockguard config print: %v\n", err)
		return ExitUsage
	}
	fmt.Fprint(env.Stdout, cfg.YAML())
	return ExitOK
}

// runConfigValidate checks each named file, or the one found from the
// working directory; it is what the dockguard-config pre-commit hook runs.
func runConfigValidate(env *Env, args []string) int {
	fs := newFlagSet("config validate", env.Stderr)
	files, err := parseInterspersed(fs, args)
	if err != nil {
		return flagError(err)
	}
	if len(files) == 0 {
		found, err := config.Find(".")
		if err != nil {
			fmt.Fprintf(env.Stderr, "dockguard config validate: %v\n", err)
			return ExitUsage
		}
		if found == "" {
			fmt.Fprintln(env.Stderr, "dockguard config validate: no .dockguard.yaml found (defaults apply)")
			return ExitOK
		}
		files = []string{displayPath(found)}
	}
	code := ExitOK
	for _, f := range files {
		if _, err := config.Load(f); err != nil {
			var es config.Errors
			if errors.As(err, &es) {
				for _, e := range es {
					fmt.Fprintln(env.Stderr, e)
				}
			} else {
				fmt.Fprintf(env.Stderr, "%s: %v\n", f, err)
			}
			code = ExitUsage
			continue
		}
		fmt.Fprintf(env.Stdout, "%s: ok\n", f)
	}
	return code
}
