package cli

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/dockguard/dockguard/cache"
	"github.com/dockguard/dockguard/engine"
)

// cacheFlags are the result cache's flags.
type cacheFlags struct {
	dir string
	off bool
	// c is the opened cache; nil when it is off or could not be opened.
	c *cache.Cache
}

func (f *cacheFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.dir, "cache-dir", "", "result cache folder (default: the user cache folder's dockguard; DOCKGUARD_CACHE=off disables it)")
	fs.BoolVar(&f.off, "no-cache", false, "neither read nor write the result cache")
}

// open opens the cache unless it is switched off. A cache that cannot be
// opened is off for this run, with a warning: it only makes runs faster.
func (f *cacheFlags) open(env *Env) {
	if f.off || strings.EqualFold(env.Getenv("DOCKGUARD_CACHE"), "off") {
		return
	}
	dir := f.dir
	if dir == "" {
		dir = env.Getenv("DOCKGUARD_CACHE_DIR")
	}
	if dir == "" {
		d, err := cache.DefaultDir()
		if err != nil {
			fmt.Fprintf(env.Stderr, "dockguard: result cache off: %v\n", err)
			return
		}
		dir = d
	}
	c, err := cache.Open(dir)
	if err != nil {
		fmt.Fprintf(env.Stderr, "dockguard: result cache off: %v\n", err)
		return
	}
	f.c = c
}

// trim keeps the cache under its size limit after a run.
func (f *cacheFlags) trim(env *Env) {
	if err := f.c.Trim(cache.DefaultLimit); err != nil {
		fmt.Fprintf(env.Stderr, "dockguard: %v\n", err)
	}
}

// cacheSalt hashes everything besides a unit's own inputs that changes a
// front end's result: dockguard's version and binary, the working folder
// (findings carry paths relative to it), the front ends' settings and the
// effective configuration. Rule selection, suppressions and baselines are
// applied after the cache, so they need not be in it.
func (c *checkFlags) cacheSalt(o *engine.Options, fe *frontEndOptions) cache.Key {
	h := cache.NewHash("salt").String(Version())
	if exe, err := os.Executable(); err == nil {
		if st, err := os.Stat(exe); err == nil {
			h.String(exe).String(fmt.Sprint(st.Size(), st.ModTime().UnixNano()))
		}
	}
	h.String(workDir())
	settings, _ := json.Marshal(struct {
		Shell        any
		Compose      []string
		Profiles     []string
		Budget       int64
		GoMode       int
		Fix          any
		MaxFileSize  int64
		Config       any
		ConfigLoaded bool
	}{o.Shell, fe.composeFiles, fe.profiles, fe.memoryBudget, int(fe.goMode), fe.fix, o.MaxFileSize, c.adopt.cfg, c.adopt.cfg != nil})
	h.Bytes(settings)
	return h.Key()
}
