package compose

// DefaultMemoryBudget is the DG203 budget when Options.MemoryBudget is 0.
const DefaultMemoryBudget int64 = 8 << 30

// Options tunes the compose front end.
type Options struct {
	// ComposeFiles is an explicit project (--compose-file A --compose-file
	// B), loaded in order as `docker compose -f A -f B` does, in addition to
	// the projects discovered from the files given to Check.
	ComposeFiles []string
	// Profiles lists the profile sets DG203 budgets in addition to the
	// services started by default. Each entry is one set; an entry may name
	// several profiles separated by commas ("debug,metrics"), and "*" means
	// every service.
	Profiles []string
	// MemoryBudget is the DG203 budget in bytes; 0 means DefaultMemoryBudget.
	MemoryBudget int64
}

