package rules

// DefaultStopTimeout is the grace period, in seconds, that generated fixes
// give `docker stop --time`: Docker's own default.
const DefaultStopTimeout = 10

// FixSettings are the user's choices that shape the fixes front ends
// attach to findings (--stop-timeout, --fix-label and their
// .dockguard.yaml keys). The zero value means the defaults. Front ends
// receive it through their own options; front-end-specific fix settings
// (compose limits, ...) live in that front end's options instead.
type FixSettings struct {
	// StopTimeout is the --time given to the graceful stops fixes write
	// (0: DefaultStopTimeout).
	StopTimeout int
	// Label is the KEY=VALUE label that scopes a mass removal's fix
	// (DG105); without it such findings get no fix.
	Label string
	// Explain is set when the run applies or prints fixes (--fix, --diff,
	// dockguard fix): findings that could have a fix but have none then
	// say why in their message.
	Explain bool
}

// Timeout returns StopTimeout with its default applied.
func (s *FixSettings) Timeout() int {
	if s == nil || s.StopTimeout <= 0 {
		return DefaultStopTimeout
	}
	return s.StopTimeout
}
