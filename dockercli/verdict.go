package dockercli

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/dockguard/dockguard/internal/shquote"
)

// Verdict is one problem with an invocation.
type Verdict struct {
	// Rule is the rule ID: DG101, DG102, DG103, DG104, DG105 or DG107.
	// When the targets come from a container listing, a force removal or
	// kill is reported as DG105 and Base keeps the rule it replaces.
	Rule string
	// Base is the rule before the listing was taken into account (equal to
	// Rule unless Rule is DG105).
	Base string
	// Message says what is wrong and the safe alternative.
	Message string
	// Mass is set when the targets come from a listing or an --all flag.
	Mass bool
}

// Rule IDs judged by this package.
const (
	RuleForceRemoveContainer = "DG101"
	RuleForceRemoveImage     = "DG102"
	RuleForceRemoveVolume    = "DG103"
	RuleKill                 = "DG104"
	RuleMassForceRemove      = "DG105"
	RuleParallel             = "DG106"
	RuleDestructivePrune     = "DG107"
)

// Verdicts judges the invocation. It returns nothing for safe commands
// and whenever an unknown word leaves the answer open.
func (inv *Invocation) Verdicts() []Verdict {
	var out []Verdict
	// A listing of stopped containers among the targets adds nothing to
	// kill, so only the other listings make the call a mass removal.
	mass := false
	for _, a := range inv.Args {
		if a.FromListing && !a.Stopped {
			mass = true
		}
	}
	if all, ok := inv.Bool("all"); ok && all {
		mass = true
	}
	add := func(rule, msg string, massFlag string) {
		vd := Verdict{Rule: rule, Base: rule, Message: msg}
		if massFlag != "" && mass {
			vd.Rule, vd.Mass = RuleMassForceRemove, true
			vd.Message = inv.massMessage(rule, massFlag)
		}
		out = append(out, vd)
	}
	cmd := inv.Cmd()
	switch cmd {
	case "container rm", "container kill", "container stop", "container restart":
		// Containers listed as exited, created or dead run no process:
		// forcing their removal or killing them sends no signal.
		if inv.onlyStopped() {
			return nil
		}
	}
	switch cmd {
	case "container rm":
		if inv.on("force") {
			rm := "-f"
			if inv.on("volumes") {
				rm = "-fv" // the fix keeps -v on the removal too
			}
			add(RuleForceRemoveContainer, fmt.Sprintf(
				// The advice is the fix the shell front end writes: a
				// graceful stop whose failure is ignored, then the removal
				// with -f, which after the stop kills nothing and keeps a
				// missing container from failing (rm -f exits 0, rm 1).
				"%s kills the container with SIGKILL and removes it in one call; stop it first: %s stop --time 10 %s >/dev/null 2>&1 || true; %s rm %s %s",
				inv.quote("force"), inv.Binary, inv.targets("CONTAINER"), inv.Binary, rm, inv.targets("CONTAINER")), "force")
		}
	case "pod rm":
		if inv.on("force") {
			add(RuleForceRemoveContainer, fmt.Sprintf(
				"%s kills every container of the pod with SIGKILL and removes them; stop the pod first: %s pod stop --time 10 %s && %s pod rm %s",
				inv.quote("force"), inv.Binary, inv.targets("POD"), inv.Binary, inv.targets("POD")), "force")
		}
	case "image rm":
		if inv.on("force") {
			msg := fmt.Sprintf(
				"%s removes the image even while containers use it; remove those containers gracefully, then the image without -f: %s rmi %s",
				inv.quote("force"), inv.Binary, inv.targets("IMAGE"))
			if inv.Flavor == "podman" {
				msg = fmt.Sprintf(
					"%s also removes every container using the image; stop and remove them gracefully first, then: %s rmi %s",
					inv.quote("force"), inv.Binary, inv.targets("IMAGE"))
			}
			add(RuleForceRemoveImage, msg, "")
		}
	case "volume rm":
		// Docker's and nerdctl's -f only ignores a missing volume.
		if inv.Flavor == "podman" && inv.on("force") {
			add(RuleForceRemoveVolume, fmt.Sprintf(
				"%s also removes every container using the volume; stop and remove those containers gracefully first, then: %s volume rm %s",
				inv.quote("force"), inv.Binary, inv.targets("VOLUME")), "")
		}
	case "container kill":
		if inv.killSignal(true) {
			add(RuleKill, fmt.Sprintf(
				"%s sends SIGKILL with no graceful shutdown; stop it instead: %s stop --time 10 %s",
				inv.quote("signal"), inv.Binary, inv.targets("CONTAINER")), "signal")
		}
	case "pod kill":
		if inv.killSignal(true) {
			add(RuleKill, fmt.Sprintf(
				"%s sends SIGKILL to every container of the pod; stop it instead: %s pod stop --time 10 %s",
				inv.quote("signal"), inv.Binary, inv.targets("POD")), "signal")
		}
	case "container stop", "container restart", "pod stop", "pod restart":
		verb := inv.Path[len(inv.Path)-1]
		prefix := inv.Binary
		if inv.Path[0] == "pod" {
			prefix += " pod"
		}
		switch {
		case inv.zeroTime("time"):
			add(RuleKill, fmt.Sprintf(
				"%s sends SIGKILL at once, skipping the graceful shutdown; give it time: %s %s --time 10 %s",
				inv.quote("time"), prefix, verb, inv.targets("CONTAINER")), "time")
		case inv.killSignal(false):
			add(RuleKill, fmt.Sprintf(
				"%s stops with SIGKILL, skipping the graceful shutdown; keep the default signal: %s %s --time 10 %s",
				inv.quote("signal"), prefix, verb, inv.targets("CONTAINER")), "signal")
		case inv.Cmd() == "container stop" && inv.Flavor == "docker":
			if src, ok := inv.allRunningAtOnce(); ok {
				// Graceful, but still one burst: docker/cli stops every
				// target in parallel (parallelOperation, 50 at a time);
				// restart and podman's or nerdctl's CLIs are not judged.
				add(RuleParallel, fmt.Sprintf(
					"%s on every running container from %s stops them all at once (the CLI sends one stop per container in parallel, up to 50 at a time), a burst of API calls beyond the 3 the engine copes with; bound it: %s | xargs -r -n1 -P3 %s stop --time 10",
					inv.quoteT("", false), "`"+src+"`", src, inv.Binary), "")
			}
		}
	case "compose kill":
		if inv.killSignal(true) {
			add(RuleKill, fmt.Sprintf(
				"%s sends SIGKILL to the services' containers with no graceful shutdown; stop them instead: %s stop --timeout 10 %s",
				inv.quote("signal"), inv.composePrefix(), inv.targets("")), "")
		}
	case "compose stop", "compose restart", "compose down":
		if inv.zeroTime("timeout") {
			add(RuleKill, fmt.Sprintf(
				"%s sends SIGKILL at once, skipping the graceful shutdown; give it time: %s %s --timeout 10",
				inv.quote("timeout"), inv.composePrefix(), inv.Path[1]), "")
		}
		if inv.Path[1] == "down" && inv.on("volumes") {
			add(RuleDestructivePrune, fmt.Sprintf(
				"%s deletes the project's named volumes and the data in them; run %s down and remove a volume by name when you mean it",
				inv.quote("volumes"), inv.composePrefix()), "")
		}
	case "system prune":
		// A positive label filter scopes the prune to the caller's own
		// volumes, which is the safe way to clean them up.
		if inv.on("volumes") && !inv.ScopedByLabel() {
			add(RuleDestructivePrune, fmt.Sprintf(
				"%s deletes every unused volume and its data, other projects' too; prune without --volumes, and remove the volumes you own by name (%s volume rm NAME) or by label (%s volume prune --filter label=…)",
				inv.quote("volumes"), inv.Binary, inv.Binary), "")
		}
	case "volume prune":
		if inv.ScopedByLabel() {
			break
		}
		add(RuleDestructivePrune, fmt.Sprintf(
			"%s deletes unused volumes and their data, other projects' too; remove the volumes you own by name (%s volume rm NAME) or prune only those you labelled (%s volume prune --filter label=…)",
			inv.quote(""), inv.Binary, inv.Binary), "")
	}
	return out
}

// allRunningAtOnce reports whether a target hands one command every
// running container of an unfiltered listing at once (docker stop $(docker
// ps -q)), and returns the listing as written. A loop over the listing
// (one container per call), a filtered listing and a listing of stopped
// containers do not count.
func (inv *Invocation) allRunningAtOnce() (string, bool) {
	for _, a := range inv.Args {
		if a.FromListing && a.Many && !a.Filtered && !a.Stopped && a.Source != "" {
			return a.Source, true
		}
	}
	return "", false
}

// on reports whether a boolean flag is certainly set.
func (inv *Invocation) on(name string) bool {
	set, certain := inv.Bool(name)
	return set && certain
}

// killSignal reports whether the signal flag certainly means SIGKILL. With
// dflt, an absent flag means SIGKILL (kill's default).
func (inv *Invocation) killSignal(dflt bool) bool {
	f, ok := inv.Lookup("signal")
	if !ok {
		return dflt
	}
	if !f.HasValue || !f.Value.Known {
		return false
	}
	return IsKillSignal(f.Value.Value)
}

// IsKillSignal reports whether s names SIGKILL: KILL, SIGKILL, 9, in any case.
func IsKillSignal(s string) bool {
	s = strings.ToUpper(strings.TrimSpace(s))
	s = strings.TrimPrefix(s, "SIG")
	return s == "KILL" || s == "9"
}

// zeroTime reports whether the named timeout flag is certainly zero.
func (inv *Invocation) zeroTime(name string) bool {
	f, ok := inv.Lookup(name)
	if !ok || !f.HasValue || !f.Value.Known {
		return false
	}
	n, err := strconv.ParseInt(strings.TrimSpace(f.Value.Value), 10, 64)
	if err != nil {
		// compose accepts durations on some versions: 0s.
		return f.Value.Value == "0s"
	}
	return n == 0
}

// quote renders the command as written up to the subcommand, plus the flag
// with the given name (if present), plus the targets, in backquotes.
func (inv *Invocation) quote(flag string) string { return inv.quoteT(flag, true) }

func (inv *Invocation) quoteT(flag string, withTargets bool) string {
	var parts []string
	if inv.Binary != "" {
		parts = append(parts, inv.Binary)
	}
	for _, i := range inv.PathIndex {
		if i > 0 {
			parts = append(parts, inv.Argv[i].Shell())
		}
	}
	if flag != "" {
		if f, ok := inv.Lookup(flag); ok {
			parts = append(parts, shquote.Word(f.Written))
			if f.HasValue && f.Index+1 < len(inv.Argv) && inv.Argv[f.Index+1] == f.Value && f.Written != "" && !strings.Contains(f.Written, "=") {
				parts = append(parts, f.Value.Shell())
			}
		}
	}
	if t := inv.targets(""); withTargets && t != "" {
		parts = append(parts, t)
	}
	return "`" + strings.Join(parts, " ") + "`"
}

// targets renders the positional arguments, or placeholder when there are
// none. Long lists are shortened.
func (inv *Invocation) targets(placeholder string) string {
	if len(inv.Args) == 0 {
		return placeholder
	}
	var parts []string
	for k, a := range inv.Args {
		if k == 3 {
			parts = append(parts, "…")
			break
		}
		parts = append(parts, a.Shell())
	}
	return strings.Join(parts, " ")
}

func (inv *Invocation) composePrefix() string {
	if inv.Binary == "docker-compose" || inv.Binary == "podman-compose" {
		return inv.Binary
	}
	return inv.Binary + " compose"
}

func (inv *Invocation) massMessage(base, flag string) string {
	src := "a container listing"
	filtered := false
	for _, a := range inv.Args {
		if a.FromListing && (a.Source != "" || a.Text != "") {
			filtered = a.Filtered
			src = a.Source
			if src == "" {
				src = a.Text
			}
			src = "`" + src + "`"
			break
		}
	}
	// A mass kill removes nothing, but it is the same burst of SIGKILLs
	// against running containers: it stays DG105, worded as what it is.
	what, storm := "SIGKILLs and removes", "removal storm"
	if base == RuleKill {
		what, storm = "SIGKILLs", "SIGKILL storm"
	}
	listing := ""
	if inv.FromListing() && strings.HasPrefix(src, "`") {
		listing = strings.Trim(src, "`")
	}
	alt := MassAlternative(inv.Binary, listing, filtered, base == RuleForceRemoveContainer && inv.on("volumes"))
	if base == RuleKill {
		alt = MassStopAlternative(inv.Binary, listing, filtered)
	}
	if !inv.FromListing() {
		return fmt.Sprintf("%s %s every container at once, the %s that hangs the engine; %s",
			inv.quoteT(flag, false), what, storm, alt)
	}
	return fmt.Sprintf("%s on every container from %s %s each of them with no time to stop, the %s that hangs the engine; %s",
		inv.quoteT(flag, false), src, what, storm, alt)
}

// OwnLabel is the placeholder of the label that scopes mass advice to the
// caller's own containers (the fixes take it from --fix-label).
const OwnLabel = "label=KEY=VALUE"

// MassAlternative is the advice for a mass force removal of the containers
// from listing (the listing command as written, or "" when it is unknown).
// An unfiltered listing is first scoped to the caller's own label; the
// containers are stopped with bounded concurrency, then removed without
// force: by a prune scoped to the same label (never an unscoped
// `container prune`, which removes every stopped container on the host),
// or, for an already filtered listing, each right after its stop. With
// volumes (rm -v) the removal keeps -v.
func MassAlternative(binary, listing string, filtered, volumes bool) string {
	rm := binary + " rm"
	if volumes {
		rm += " -v"
	}
	if filtered && listing != "" {
		// The containers are stopped by then, so the listing (maybe without
		// -a) would no longer show them: each is removed after its own stop.
		return fmt.Sprintf("stop those containers gracefully with bounded concurrency, then remove them without -f: %s | xargs -r -n1 -P3 sh -c '%s stop --time 10 \"$1\" && %s \"$1\"' _",
			listing, binary, rm)
	}
	remove := fmt.Sprintf("%s container prune -f --filter %s", binary, OwnLabel)
	if volumes {
		// prune leaves anonymous volumes; rm -v of the same label does not.
		// One rm of many IDs removes up to 50 at once, so it is bounded too.
		remove = fmt.Sprintf("%s ps -aq --filter %s | xargs -r -n1 -P3 %s", binary, OwnLabel, rm)
	}
	return fmt.Sprintf("filter the listing to what you own, stop with bounded concurrency, then remove: %s ps -q --filter %s | xargs -r -n1 -P3 %s stop --time 10; %s",
		binary, OwnLabel, binary, remove)
}

// MassStopAlternative is the advice for a mass kill: a graceful stop with
// bounded concurrency of the listed containers, scoped to the caller's own
// label unless the listing is filtered already.
func MassStopAlternative(binary, listing string, filtered bool) string {
	if filtered && listing != "" {
		return fmt.Sprintf("stop them gracefully with bounded concurrency instead: %s | xargs -r -n1 -P3 %s stop --time 10", listing, binary)
	}
	return fmt.Sprintf("stop them gracefully with bounded concurrency instead: %s ps -q --filter %s | xargs -r -n1 -P3 %s stop --time 10", binary, OwnLabel, binary)
}
