package cleanup

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/docker/go-units"

	"github.com/dockguard/dockguard/rules"
	"github.com/dockguard/dockguard/verify"
	"github.com/dockguard/dockguard/verify/dockerapi"
)

// Scopes says what kinds of object a cleanup may touch.
type Scopes struct {
	// Containers: exited, dead or created containers older than OlderThan.
	Containers bool
	// Running adds running containers, each stopped first; it needs a
	// label or project filter (Options.Validate).
	Running bool
	// BuildCache: unused build cache older than OlderThan, keeping
	// KeepStorage.
	BuildCache bool
	// Volumes: dangling anonymous volumes; AllVolumes adds named ones.
	Volumes, AllVolumes bool
	// Images: dangling images; AllImages: every unused image.
	Images, AllImages bool
}

// All is the --all set: containers, build cache, dangling anonymous
// volumes and dangling images.
func All() Scopes { return Scopes{Containers: true, BuildCache: true, Volumes: true, Images: true} }

// Any reports whether any scope is on.
func (s Scopes) Any() bool {
	return s.Containers || s.Running || s.BuildCache || s.Volumes || s.AllVolumes || s.Images || s.AllImages
}

// ParseScope turns a config name (containers, running, build-cache,
// volumes, all-volumes, images, all-images, all) into s.
func (s *Scopes) ParseScope(name string) error {
	switch name {
	case "containers":
		s.Containers = true
	case "running":
		s.Running = true
	case "build-cache":
		s.BuildCache = true
	case "volumes":
		s.Volumes = true
	case "all-volumes":
		s.Volumes, s.AllVolumes = true, true
	case "images":
		s.Images = true
	case "all-images":
		s.Images, s.AllImages = true, true
	case "all":
		a := All()
		s.Containers, s.BuildCache, s.Volumes, s.Images = a.Containers, a.BuildCache, a.Volumes, a.Images
	default:
		return fmt.Errorf("unknown cleanup scope %q (want containers, running, build-cache, volumes, all-volumes, images, all-images or all)", name)
	}
	return nil
}

// LabelProject is the compose project label --project filters on.
const LabelProject = verify.LabelProject

// Options configure Plan and Execute.
type Options struct {
	Scopes Scopes
	// Labels limits every scope to objects with these labels ("k" or
	// "k=v"); Project adds com.docker.compose.project=Project.
	Labels  []string
	Project string
	// OlderThan is the least age of a container (since it finished, or was
	// created when it never ran), of build cache and of images.
	OlderThan time.Duration
	// StopTimeout is the grace a running container gets (default 10 s).
	StopTimeout time.Duration
	// KeepStorage is the build cache kept by the prune (0 = none).
	KeepStorage int64
	// Workers is the number of objects worked on at once (default 3; the
	// guard caps what reaches the daemon anyway).
	Workers int
	// ConflictTries is the attempts for an object that answers 409
	// (default 3), ConflictBackoff the first pause (default 500 ms,
	// doubling).
	ConflictTries   int
	ConflictBackoff time.Duration
	// Endpoint names the daemon in findings.
	Endpoint string
	// Progress receives n/N and the bytes reclaimed so far.
	Progress Progress
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// Progress receives execution progress.
type Progress interface {
	Cleaned(done, total int, reclaimed int64)
}

type nopProgress struct{}

func (nopProgress) Cleaned(int, int, int64) {}

func (o *Options) defaults() {
	if o.StopTimeout <= 0 {
		o.StopTimeout = 10 * time.Second
	}
	if o.Workers <= 0 {
		o.Workers = 3
	}
	if o.ConflictTries <= 0 {
		o.ConflictTries = 3
	}
	if o.ConflictBackoff <= 0 {
		o.ConflictBackoff = 500 * time.Millisecond
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Endpoint == "" {
		o.Endpoint = "docker"
	}
	if o.Progress == nil {
		o.Progress = nopProgress{}
	}
}

// Validate rejects option sets that would touch more than a user can mean:
// running containers without a label filter, or no scope at all.
func (o Options) Validate() error {
	if !o.Scopes.Any() {
		return fmt.Errorf("no scope: give --containers, --build-cache, --volumes, --images or --all (or cleanup.scopes in .dockguard.yaml)")
	}
	if o.Scopes.Running && len(o.filters()) == 0 {
		return fmt.Errorf("--running needs --label or --project: dockguard never stops every running container")
	}
	if o.OlderThan < 0 {
		return fmt.Errorf("--older-than must not be negative")
	}
	return nil
}

// filters is the label filter list, the project included.
func (o Options) filters() []string {
	f := append([]string(nil), o.Labels...)
	if o.Project != "" {
		f = append(f, LabelProject+"="+o.Project)
	}
	return f
}

// Kinds of plan item.
const (
	KindContainer  = "container"
	KindVolume     = "volume"
	KindBuildCache = "build-cache"
	KindImages     = "images"
)

// Actions of plan items.
const (
	ActionRemove     = "remove"
	ActionStopRemove = "stop-then-remove"
	ActionPrune      = "prune"
)

// Item is one thing the plan would do.
type Item struct {
	Kind string `json:"kind"`
	ID   string `json:"id,omitempty"`
	Name string `json:"name"`
	// Rule is the verify rule that finds the object (DG404, DG405, DG406),
	// empty for running containers and images, which no rule reports.
	Rule string `json:"rule,omitempty"`
	// Why says why it qualifies.
	Why        string `json:"why"`
	AgeSeconds int64  `json:"ageSeconds,omitempty"`
	// Size is the measured size in bytes, -1 when unknown.
	Size   int64  `json:"sizeBytes"`
	Action string `json:"action"`
	// Count is the number of objects an aggregate prune covers.
	Count int `json:"count,omitempty"`
}

// Plan is the result of planning: what would be done, and the verify pass
// it rests on.
type Plan struct {
	Endpoint string
	Items    []Item
	// Facts and Result are the planning pass (verify's view).
	Facts  *verify.Facts
	Result rules.Result
	// Notes say what was left out on purpose (named volumes, build cache
	// under a label filter).
	Notes []string
	// ImageCalls counts the image lists made beyond verify's calls.
	ImageCalls int
}

// Bytes sums the known sizes of the plan.
func (p *Plan) Bytes() int64 {
	var n int64
	for _, it := range p.Items {
		if it.Size > 0 {
			n += it.Size
		}
	}
	return n
}

// anonymousName is the name the daemon gives an anonymous volume.
var anonymousName = regexp.MustCompile(`^[0-9a-f]{64}$`)

// Anonymous reports whether a volume is anonymous: labelled so (Docker
// 23 and later) or named as the daemon names anonymous volumes.
func Anonymous(v dockerapi.Volume) bool {
	if _, ok := v.Labels["com.docker.volume.anonymous"]; ok {
		return true
	}
	return anonymousName.MatchString(v.Name)
}

// NewPlan makes the plan: one verify pass (labels applied to the container
// list, no usage samples), plus one image list when images are in scope.
func NewPlan(ctx context.Context, d dockerapi.Cleaner, o Options) *Plan {
	o.defaults()
	labels := o.filters()
	// verify's StaleAfter must be positive; DG404's threshold is ours.
	stale := max(o.OlderThan, time.Nanosecond)
	facts, res := verify.Run(ctx, d, verify.Options{Endpoint: o.Endpoint, Labels: labels, StaleAfter: stale,
		NoUsage: true, Workers: o.Workers, Now: o.Now})
	return PlanFrom(ctx, d, o, facts, res)
}

// PlanFrom plans from a verify pass already made with the same labels
// (report --cleanup plans from the report's own pass instead of making a
// second one). The pass's StaleAfter does not matter: ages are o's.
func PlanFrom(ctx context.Context, d dockerapi.Cleaner, o Options, facts *verify.Facts, res rules.Result) *Plan {
	o.defaults()
	now := o.Now()
	labels := o.filters()
	p := &Plan{Endpoint: o.Endpoint, Facts: facts, Result: res, Items: []Item{}}
	if !facts.Reached || len(res.Errors) > 0 {
		// A pass that could not see everything plans nothing: what it
		// did not see may be exactly what must not be touched.
		return p
	}
	if o.Scopes.Containers || o.Scopes.Running {
		p.containers(facts, o, now)
	}
	if o.Scopes.Volumes || o.Scopes.AllVolumes {
		p.volumes(facts, o, labels)
	}
	if o.Scopes.BuildCache {
		p.buildCache(facts, o, labels)
	}
	if o.Scopes.Images || o.Scopes.AllImages {
		p.images(ctx, d, o, labels, now)
	}
	return p
}

func (p *Plan) containers(f *verify.Facts, o Options, now time.Time) {
	for _, c := range f.Containers {
		it := Item{Kind: KindContainer, ID: c.ID, Name: c.Name, Size: c.Size, Action: ActionRemove}
		switch {
		case c.State == "exited" || c.State == "dead" || c.State == "created":
			if !o.Scopes.Containers {
				continue
			}
			since, verb := c.FinishedAt, c.State
			if since.IsZero() {
				since, verb = c.Created, "created, never finished,"
			}
			if since.IsZero() {
				continue // no age: never guess one
			}
			age := now.Sub(since)
			if age < o.OlderThan {
				continue
			}
			it.Rule, it.AgeSeconds = "DG404", int64(age/time.Second)
			it.Why = fmt.Sprintf("%s %s ago (older than %s)", verb, units.HumanDuration(age), o.OlderThan)
		case c.Running() && o.Scopes.Running:
			it.Action = ActionStopRemove
			it.Why = fmt.Sprintf("%s, selected by --running with %s; stopped with a %s timeout first", c.State, strings.Join(o.filters(), ", "), o.StopTimeout)
		default:
			continue
		}
		p.Items = append(p.Items, it)
	}
}

func (p *Plan) volumes(f *verify.Facts, o Options, labels []string) {
	named := 0
	for _, v := range f.Reclaimable.DanglingVolumes {
		if !matchLabels(v.Labels, labels) {
			continue
		}
		anon := Anonymous(v)
		if !anon && !o.Scopes.AllVolumes {
			named++
			continue
		}
		kind := "anonymous"
		if !anon {
			kind = "named"
		}
		p.Items = append(p.Items, Item{Kind: KindVolume, Name: v.Name, Rule: "DG405", Size: v.Size, Action: ActionRemove,
			Why: "dangling " + kind + " volume: no container uses it"})
	}
	if named > 0 {
		p.Notes = append(p.Notes, fmt.Sprintf("%d dangling named volume(s) kept: named volumes are only removed with --all-volumes", named))
	}
}

func (p *Plan) buildCache(f *verify.Facts, o Options, labels []string) {
	if len(labels) > 0 {
		p.Notes = append(p.Notes, "build cache kept: it carries no labels, so --label and --project cannot select it")
		return
	}
	bc := f.Reclaimable.BuildCache
	it := Item{Kind: KindBuildCache, Name: "build cache", Rule: "DG406", Action: ActionPrune, Size: -1}
	if bc != nil {
		if bc.BuildCacheReclaimable <= o.KeepStorage {
			return
		}
		it.Size = bc.BuildCacheReclaimable - o.KeepStorage
		it.Count = int(bc.BuildCacheRecords)
		it.Why = fmt.Sprintf("%s of %s reclaimable", units.BytesSize(float64(bc.BuildCacheReclaimable)), units.BytesSize(float64(bc.BuildCacheTotal)))
	} else {
		it.Why = "build cache size unknown (disk usage not read)"
	}
	if o.OlderThan > 0 {
		it.Why += fmt.Sprintf("; only records unused for %s", o.OlderThan)
	}
	if o.KeepStorage > 0 {
		it.Why += fmt.Sprintf("; keeping %s", units.BytesSize(float64(o.KeepStorage)))
	}
	p.Items = append(p.Items, it)
}

func (p *Plan) images(ctx context.Context, d dockerapi.Cleaner, o Options, labels []string, now time.Time) {
	p.ImageCalls++
	ims, err := d.Images(ctx, o.Scopes.AllImages, labels)
	if err != nil {
		p.Result.Errors = append(p.Result.Errors, rules.Note{File: o.Endpoint, Message: fmt.Sprintf("list images: %v", err)})
		return
	}
	it := Item{Kind: KindImages, Name: "dangling images", Action: ActionPrune, Why: "untagged and unused"}
	if o.Scopes.AllImages {
		it.Name, it.Why = "unused images", "no container uses them (the daemon decides at prune time)"
	}
	for _, im := range ims {
		if im.Containers > 0 || now.Sub(im.Created) < o.OlderThan {
			continue
		}
		it.Count++
		it.Size += im.Size
	}
	if it.Count == 0 {
		return
	}
	p.Items = append(p.Items, it)
}

func matchLabels(have map[string]string, want []string) bool {
	for _, l := range want {
		k, v, withV := strings.Cut(l, "=")
		got, ok := have[k]
		if !ok || (withV && got != v) {
			return false
		}
	}
	return true
}
