package compose

import (
	"context"

	"github.com/dockguard/dockguard/rules"
)

// DefaultMemoryBudget is the DG203 budget when Options.MemoryBudget is 0.
const DefaultMemoryBudget int64 = 8 << 30

// Options tunes the compose front end.
type Options struct {
	// ComposeFiles is an explicit project (--compose-file A --compose-file
	// B), loaded in order as `docker compose -f A -f B` does, in addition to
	// the projects discovered from the files given to Check.
	ComposeFiles []string
	// Profiles are the profiles enabled together (--profile, repeatable,
	// entries may also be comma-separated), as `docker compose --profile a
	// --profile b up` enables them. When set, DG203 budgets the services
	// this starts in addition to the services started by default; "*"
	// enables every profile. Every service is checked by the other rules
	// whatever the profiles.
	Profiles []string
	// MemoryBudget is the DG203 budget in bytes; 0 means DefaultMemoryBudget.
	MemoryBudget int64
	// Fix shapes the fixes attached to findings (see rules.FixSettings).
	Fix rules.FixSettings
	// Sizing is where the DG201 fix takes its limits from; nil attaches no
	// DG201 fix. The DG202 and DG204 fixes need no value and are always
	// attached.
	Sizing *Sizing
	// MaxFileSize bounds every file a project reads (include and extends
	// targets, env_file, label_file, .env); 0 means 16 MiB.
	MaxFileSize int64
	// Memo, when set, checks each discovered project in place of the
	// plain check: check loads and checks the project, and Memo may
	// instead return what check returned earlier for the same inputs (the
	// result cache). Discovery runs whatever Memo does, so the projects
	// and their files are those of a run without it. CheckSource does not
	// use it.
	Memo func(ctx context.Context, p ProjectInputs, check func() rules.Result) rules.Result
}

// ProjectInputs describes a discovered project for Options.Memo: the
// files compose-go loads together and what the project's result depends
// on besides their contents and what they read.
type ProjectInputs struct {
	// Dir is the project's working folder (absolute).
	Dir string
	// Name is the project name dockguard derived from Dir; Origin says
	// how the project was found (it is part of some messages).
	Name, Origin string
	// Configs are the absolute paths of the -f files, in order; Included
	// those of their include targets, depth-first.
	Configs, Included []string
	// Display are the paths findings report for Configs, then Included.
	Display []string
}
