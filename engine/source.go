package engine

import (
	"context"
	"fmt"

	"github.com/dockguard/dockguard/rules"
)

// CheckSource checks one file's contents in memory as the run configured
// by opts would check that file, with its rule selection and without the
// per-file Filter (suppressions): package fix re-checks fixed contents
// with it before they are written. The kind is the forced one
// (Options.Forced), else it comes from the file name, a shebang deciding
// for names without an extension.
func CheckSource(ctx context.Context, opts *Options, file string, src []byte) []rules.Finding {
	return checkSource(ctx, opts, file, src, opts.GoSource)
}

// RecheckFile is CheckSource for new contents of a file on disk: a Go
// file is re-checked with Options.GoFixed, in its package and with types,
// as the run checked it (CheckSource checks Go contents alone, as it
// checks standard input).
func RecheckFile(ctx context.Context, opts *Options, file string, src []byte) []rules.Finding {
	goFunc := opts.GoFixed
	if goFunc == nil {
		goFunc = opts.GoSource
	}
	return checkSource(ctx, opts, file, src, goFunc)
}

func checkSource(ctx context.Context, opts *Options, file string, src []byte, goFunc SourceFunc) []rules.Finding {
	r := &runner{opts: opts, res: &Result{}}
	kind, needHead := opts.classify(file, file)
	if kind == KindNone && needHead && ShebangIsShell(src) {
		kind = KindScript
	}
	var fs []rules.Finding
	switch {
	case kind == KindGo && goFunc != nil:
		fs = safeSource(ctx, goFunc, file, src).Findings
	case kind == KindCompose && opts.ComposeSource != nil:
		fs = safeSource(ctx, opts.ComposeSource, file, src).Findings
	case kind.IsShellFamily() && opts.ShellFamily[kind] != nil:
		found, err := safeFile(opts.ShellFamily[kind], file, src, &opts.Shell)
		if err != nil {
			return []rules.Finding{rules.New(rules.MustLookup("DG001"), file, src, 0, 0, fmt.Sprint(err))}
		}
		fs = found
	}
	return r.enabled(fs)
}
