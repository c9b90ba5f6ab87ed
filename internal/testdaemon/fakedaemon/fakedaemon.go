// Package fakedaemon is an httptest Docker Engine API server for verify's
// tests. It serves /v1.NN/ paths in the response shapes of a chosen API
// version (including the API >= 1.52 /system/df shape that Debian's 20.10
// daemon never produces), and injects faults: delays, 5xx answers, dropped
// connections, bodies trickled a byte at a time. It records the peak number
// of requests in flight and every method and path it saw.
package fakedaemon

import (
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/moby/moby/client/pkg/versions"
)

// Container is a staged container.
type Container struct {
	ID, Name, Image, State string
	Memory, Reservation    int64
	OOMKilled              bool
	RestartCount           int
	FinishedAt             time.Time
	Labels                 map[string]string
	Usage                  int64
	SizeRw                 int64
	Created                time.Time
}

// Volume is a staged volume.
type Volume struct {
	Name     string
	Dangling bool
	Size     int64
	Labels   map[string]string
}

// Image is a staged image.
type Image struct {
	ID       string
	Dangling bool
	Size     int64
	Created  time.Time
}

// Fault changes the answer for requests whose endpoint class matches.
type Fault struct {
	// Delay is slept before answering.
	Delay time.Duration
	// Status, when non-zero, is returned instead of the real answer for
	// the first Times requests (all when Times is 0).
	Status int
	// Drop closes the connection without an answer.
	Drop bool
	// KeepWorking sleeps the whole Delay even when the client has gone
	// away, as a real daemon finishes an inspect it has started: the
	// request stays in flight at the daemon after the client gave up.
	KeepWorking bool
	// Times limits the fault to the first N matching requests (0 = all).
	Times int
	// Every applies the fault to every Nth matching request only.
	Every int
	// Trickle sends the real answer's headers at once and then its body
	// one byte per Trickle, as a daemon too loaded to keep up does.
	Trickle time.Duration
	seen    int
}

// Daemon is the fake.
type Daemon struct {
	APIVersion string
	MemTotal   int64
	NCPU       int
	OS         string
	Containers []Container
	Volumes    []Volume
	Images     []Image
	BuildCache struct{ Total, Reclaimable, Records int64 }
	// Faults by endpoint class (see Class): "ping", "info",
	// "containers/list", "containers/inspect", "containers/stats",
	// "system/df", "volumes/list", "images/json", the writes
	// "containers/stop", "containers/kill", "containers/remove",
	// "volumes/remove", "build/prune", "images/prune", or "*" for all but
	// the ping.
	Faults map[string]*Fault

	// TLS serves HTTPS with httptest's self-signed certificate.
	TLS bool

	Server *httptest.Server

	mu       sync.Mutex
	inFlight int
	peak     int
	log      []string
	writes   []string
	// writeTimes are the arrival times of the writes, arrived the arrival
	// of each request being served.
	writeTimes []time.Time
	arrived    map[*http.Request]time.Time
}

// WriteTimes returns when each write request of Writes arrived.
func (d *Daemon) WriteTimes() []time.Time {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]time.Time(nil), d.writeTimes...)
}

// Start serves d on a new httptest server.
func (d *Daemon) Start() *Daemon {
	if d.APIVersion == "" {
		d.APIVersion = "1.52"
	}
	d.Server = httptest.NewUnstartedServer(http.HandlerFunc(d.serve))
	// Clients that fail the handshake on purpose are not news.
	d.Server.Config.ErrorLog = log.New(io.Discard, "", 0)
	if d.TLS {
		d.Server.StartTLS()
	} else {
		d.Server.Start()
	}
	return d
}

// Close stops the server.
func (d *Daemon) Close() { d.Server.Close() }

// Host is the daemon URL for dockerapi (tcp://127.0.0.1:PORT).
func (d *Daemon) Host() string {
	return "tcp://" + strings.TrimPrefix(strings.TrimPrefix(d.Server.URL, "https://"), "http://")
}

// Peak returns the highest number of requests being served at once.
func (d *Daemon) Peak() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.peak
}

// Log returns "METHOD path" for every request seen.
func (d *Daemon) Log() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]string(nil), d.log...)
}

// Count returns how many requests of an endpoint class (see Class) were
// seen.
func (d *Daemon) Count(class string) int {
	n := 0
	for _, l := range d.Log() {
		m, p, _ := strings.Cut(l, " ")
		if Class(m, p) == class {
			n++
		}
	}
	return n
}

var (
	versioned = regexp.MustCompile(`^/v([0-9]+\.[0-9]+)(/.*)$`)
	inspectRe = regexp.MustCompile(`^/containers/([^/]+)/json$`)
	statsRe   = regexp.MustCompile(`^/containers/([^/]+)/stats$`)
	// actionRe is an action on one object: POST /containers/{id}/stop.
	actionRe = regexp.MustCompile(`^/(containers|volumes|networks|exec)/([^/]+)/([^/]+)$`)
	// objectAnyRe is one object: DELETE /containers/{id}.
	objectAnyRe = regexp.MustCompile(`^/(containers|volumes|networks|images)/([^/]+)$`)
)

// Class is the endpoint class of a request, the key of Faults and Count:
// the path without its version prefix and without the object's id, so
// that one key names the endpoint for every container. "ping", "info",
// "containers/list" (GET /containers/json), "containers/inspect" (GET
// /containers/{id}/json), "containers/stats", "system/df",
// "volumes/list", "<kind>/<action>" for an action on one object (POST
// /containers/{id}/stop is "containers/stop"), "<kind>/remove" for a
// DELETE of one object, and otherwise the path without its leading slash
// ("build/prune", "images/json", "containers/create").
func Class(method, p string) string {
	if m := versioned.FindStringSubmatch(p); m != nil {
		p = m[2]
	}
	switch {
	case p == "/_ping":
		return "ping"
	case p == "/info":
		return "info"
	case p == "/containers/json":
		return "containers/list"
	case inspectRe.MatchString(p):
		return "containers/inspect"
	case statsRe.MatchString(p):
		return "containers/stats"
	case p == "/system/df":
		return "system/df"
	case p == "/volumes":
		return "volumes/list"
	case method == http.MethodDelete && objectAnyRe.MatchString(p):
		return objectAnyRe.FindStringSubmatch(p)[1] + "/remove"
	case actionRe.MatchString(p):
		m := actionRe.FindStringSubmatch(p)
		return m[1] + "/" + m[3]
	}
	return strings.TrimPrefix(p, "/")
}

func (d *Daemon) fault(class string) *Fault {
	d.mu.Lock()
	defer d.mu.Unlock()
	f := d.Faults[class]
	if f == nil && class != "ping" {
		f = d.Faults["*"]
	}
	if f == nil {
		return nil
	}
	f.seen++
	if f.Times > 0 && f.seen > f.Times {
		return nil
	}
	if f.Every > 0 && f.seen%f.Every != 0 {
		return nil
	}
	return f
}

func (d *Daemon) serve(w http.ResponseWriter, r *http.Request) {
	d.mu.Lock()
	d.inFlight++
	d.peak = max(d.peak, d.inFlight)
	d.log = append(d.log, r.Method+" "+r.URL.Path)
	if d.arrived == nil {
		d.arrived = map[*http.Request]time.Time{}
	}
	d.arrived[r] = time.Now()
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		// Recorded before any fault, so that refused attempts count too.
		d.writes = append(d.writes, r.Method+" "+r.URL.RequestURI())
		d.writeTimes = append(d.writeTimes, d.arrived[r])
	}
	d.mu.Unlock()
	defer func() {
		d.mu.Lock()
		d.inFlight--
		delete(d.arrived, r)
		d.mu.Unlock()
	}()

	path := r.URL.Path
	if m := versioned.FindStringSubmatch(path); m != nil {
		if m[1] != d.APIVersion {
			http.Error(w, fmt.Sprintf(`{"message":"fake serves API %s, got %s"}`, d.APIVersion, m[1]), http.StatusBadRequest)
			return
		}
		path = m[2]
	}
	f := d.fault(Class(r.Method, r.URL.Path))
	if f != nil {
		if f.Delay > 0 && f.KeepWorking {
			time.Sleep(f.Delay)
		} else if f.Delay > 0 {
			select {
			case <-time.After(f.Delay):
			case <-r.Context().Done():
				return
			}
		}
		if f.Drop {
			if hj, ok := w.(http.Hijacker); ok {
				conn, _, err := hj.Hijack()
				if err == nil {
					conn.Close()
				}
				return
			}
		}
		if f.Status != 0 {
			writeJSON(w, f.Status, map[string]string{"message": "injected fault"})
			return
		}
	}
	if f != nil && f.Trickle > 0 {
		// Answered into a buffer under the lock, trickled outside it, so
		// that the slow body does not hold up the other requests.
		rec := httptest.NewRecorder()
		d.answer(rec, r, path)
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		trickle(w, r, rec.Body.Bytes(), f.Trickle)
		return
	}
	d.answer(w, r, path)
}

// trickle writes body one byte per every, flushing each, until the
// client goes away.
func trickle(w http.ResponseWriter, r *http.Request, body []byte, every time.Duration) {
	fl, _ := w.(http.Flusher)
	if fl != nil {
		fl.Flush() // the headers go at once
	}
	for i := range body {
		select {
		case <-r.Context().Done():
			return
		case <-time.After(every):
		}
		if _, err := w.Write(body[i : i+1]); err != nil {
			return
		}
		if fl != nil {
			fl.Flush()
		}
	}
}

// answer serves a request the faults let through.
func (d *Daemon) answer(w http.ResponseWriter, r *http.Request, path string) {
	w.Header().Set("Api-Version", d.APIVersion)
	w.Header().Set("Ostype", "linux")
	// The staged objects change under writes: answer under the lock.
	d.mu.Lock()
	defer d.mu.Unlock()
	switch {
	case path == "/_ping":
		w.Header().Set("Content-Type", "text/plain")
		if r.Method != http.MethodHead {
			_, _ = w.Write([]byte("OK"))
		}
	case path == "/info":
		writeJSON(w, 200, map[string]any{"Name": "fake", "ServerVersion": "29.0.0-fake", "OperatingSystem": d.OS,
			"OSType": "linux", "Architecture": "x86_64", "NCPU": d.NCPU, "MemTotal": d.MemTotal, "Labels": []string{}})
	case path == "/containers/json":
		d.list(w, r)
	case inspectRe.MatchString(path):
		d.inspect(w, inspectRe.FindStringSubmatch(path)[1])
	case statsRe.MatchString(path):
		d.stats(w, statsRe.FindStringSubmatch(path)[1])
	case path == "/system/df":
		d.df(w, r)
	case path == "/volumes":
		d.volumes(w, r)
	default:
		if !d.write(w, r, path) {
			writeJSON(w, 404, map[string]string{"message": "page not found"})
		}
	}
}

var (
	stopRe   = regexp.MustCompile(`^/containers/([^/]+)/stop$`)
	objectRe = regexp.MustCompile(`^/(containers|volumes)/([^/]+)$`)
)

// Writes returns "METHOD path?query" for every write request seen, so
// that tests can check what cleanup sent (never force=1, t= on stops).
func (d *Daemon) Writes() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]string(nil), d.writes...)
}

// write serves the endpoints cleanup uses, as the daemon does: 404 for a
// missing object, 409 for a running container or a used volume, and 400
// for a forced removal, which no dockguard request may carry.
func (d *Daemon) write(w http.ResponseWriter, r *http.Request, path string) bool {
	q := r.URL.Query()
	switch {
	case r.Method == http.MethodPost && stopRe.MatchString(path):
		c := d.find(stopRe.FindStringSubmatch(path)[1])
		switch {
		case c == nil:
			writeJSON(w, 404, map[string]string{"message": "No such container"})
		case c.State != "running":
			w.WriteHeader(http.StatusNotModified)
		default:
			c.State, c.FinishedAt = "exited", time.Now()
			w.WriteHeader(http.StatusNoContent)
		}
	case r.Method == http.MethodDelete && objectRe.MatchString(path):
		m := objectRe.FindStringSubmatch(path)
		if f := q.Get("force"); f != "" && f != "0" && f != "false" {
			writeJSON(w, 400, map[string]string{"message": "the fake refuses forced removals"})
			return true
		}
		if m[1] == "containers" {
			d.removeContainer(w, m[2])
		} else {
			d.removeVolume(w, m[2])
		}
	case r.Method == http.MethodPost && path == "/build/prune":
		n := d.BuildCache.Reclaimable
		d.BuildCache.Total -= n
		d.BuildCache.Reclaimable, d.BuildCache.Records = 0, 0
		writeJSON(w, 200, map[string]any{"CachesDeleted": []string{}, "SpaceReclaimed": n})
	case r.Method == http.MethodGet && path == "/images/json":
		out := []map[string]any{}
		for _, im := range d.Images {
			if im.Dangling || !strings.Contains(q.Get("filters"), `"dangling":{"true"`) {
				out = append(out, map[string]any{"Id": im.ID, "RepoTags": []string{}, "Size": im.Size, "Created": im.Created.Unix(), "Containers": -1})
			}
		}
		writeJSON(w, 200, out)
	case r.Method == http.MethodPost && path == "/images/prune":
		var n int64
		kept := d.Images[:0]
		for _, im := range d.Images {
			if im.Dangling {
				n += im.Size
				continue
			}
			kept = append(kept, im)
		}
		d.Images = kept
		writeJSON(w, 200, map[string]any{"ImagesDeleted": []any{}, "SpaceReclaimed": n})
	default:
		return false
	}
	return true
}

func (d *Daemon) removeContainer(w http.ResponseWriter, id string) {
	for i, c := range d.Containers {
		if c.ID != id && c.Name != id {
			continue
		}
		if c.State == "running" {
			writeJSON(w, 409, map[string]string{"message": "You cannot remove a running container " + id + ". Stop the container before attempting removal or force remove"})
			return
		}
		d.Containers = append(d.Containers[:i], d.Containers[i+1:]...)
		w.WriteHeader(http.StatusNoContent)
		return
	}
	writeJSON(w, 404, map[string]string{"message": "No such container: " + id})
}

func (d *Daemon) removeVolume(w http.ResponseWriter, name string) {
	for i, v := range d.Volumes {
		if v.Name != name {
			continue
		}
		if !v.Dangling {
			writeJSON(w, 409, map[string]string{"message": "remove " + name + ": volume is in use"})
			return
		}
		d.Volumes = append(d.Volumes[:i], d.Volumes[i+1:]...)
		w.WriteHeader(http.StatusNoContent)
		return
	}
	writeJSON(w, 404, map[string]string{"message": "get " + name + ": no such volume"})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func (d *Daemon) find(id string) *Container {
	for i := range d.Containers {
		c := &d.Containers[i]
		if c.ID == id || c.Name == id {
			return c
		}
	}
	return nil
}

func (d *Daemon) list(w http.ResponseWriter, r *http.Request) {
	var filters map[string]map[string]bool
	if f := r.URL.Query().Get("filters"); f != "" {
		_ = json.Unmarshal([]byte(f), &filters)
	}
	out := []map[string]any{}
	for _, c := range d.Containers {
		if !matchLabels(c.Labels, filters["label"]) {
			continue
		}
		out = append(out, map[string]any{"Id": c.ID, "Names": []string{"/" + c.Name}, "Image": c.Image,
			"State": c.State, "Labels": c.Labels})
	}
	writeJSON(w, 200, out)
}

func matchLabels(labels map[string]string, want map[string]bool) bool {
	for l := range want {
		k, v, hasV := strings.Cut(l, "=")
		got, ok := labels[k]
		if !ok || (hasV && got != v) {
			return false
		}
	}
	return true
}

func (d *Daemon) inspect(w http.ResponseWriter, id string) {
	c := d.find(id)
	if c == nil {
		writeJSON(w, 404, map[string]string{"message": "No such container: " + id})
		return
	}
	finished := "0001-01-01T00:00:00Z"
	if !c.FinishedAt.IsZero() {
		finished = c.FinishedAt.UTC().Format(time.RFC3339Nano)
	}
	writeJSON(w, 200, map[string]any{
		"Id": c.ID, "Name": "/" + c.Name, "RestartCount": c.RestartCount, "Created": c.Created.UTC().Format(time.RFC3339Nano),
		"State":      map[string]any{"Status": c.State, "Running": c.State == "running", "OOMKilled": c.OOMKilled, "FinishedAt": finished, "StartedAt": "2026-01-01T00:00:00Z"},
		"HostConfig": map[string]any{"Memory": c.Memory, "MemoryReservation": c.Reservation},
		"Config":     map[string]any{"Image": c.Image, "Labels": c.Labels},
	})
}

func (d *Daemon) stats(w http.ResponseWriter, id string) {
	c := d.find(id)
	if c == nil {
		writeJSON(w, 404, map[string]string{"message": "No such container: " + id})
		return
	}
	writeJSON(w, 200, map[string]any{"id": c.ID, "memory_stats": map[string]any{
		"usage": c.Usage + 1<<20, "limit": d.MemTotal, "stats": map[string]any{"inactive_file": 1 << 20}}})
}

func (d *Daemon) volumes(w http.ResponseWriter, r *http.Request) {
	var filters map[string]map[string]bool
	if f := r.URL.Query().Get("filters"); f != "" {
		_ = json.Unmarshal([]byte(f), &filters)
	}
	out := []map[string]any{}
	for _, v := range d.Volumes {
		if (filters["dangling"]["true"] && !v.Dangling) || !matchLabels(v.Labels, filters["label"]) {
			continue
		}
		out = append(out, map[string]any{"Name": v.Name, "Driver": "local", "Mountpoint": "/var/lib/docker/volumes/" + v.Name, "Scope": "local", "Labels": v.Labels})
	}
	writeJSON(w, 200, map[string]any{"Volumes": out, "Warnings": []string{}})
}

// df answers /system/df in the shape of the fake's API version: before
// 1.52 the flat lists (LayersSize, Containers, Volumes, BuildCache); from
// 1.52 the per-kind usage objects, with Items only when verbose.
func (d *Daemon) df(w http.ResponseWriter, r *http.Request) {
	verbose := r.URL.Query().Get("verbose") != ""
	vols := []map[string]any{}
	var volTotal int64
	for _, v := range d.Volumes {
		refs := 1
		if v.Dangling {
			refs = 0
		}
		volTotal += v.Size
		vols = append(vols, map[string]any{"Name": v.Name, "Driver": "local", "UsageData": map[string]any{"Size": v.Size, "RefCount": refs}})
	}
	cts := []map[string]any{}
	for _, c := range d.Containers {
		cts = append(cts, map[string]any{"Id": c.ID, "Names": []string{"/" + c.Name}, "State": c.State, "SizeRw": c.SizeRw})
	}
	if versions.LessThan(d.APIVersion, "1.52") {
		records := []map[string]any{}
		if d.BuildCache.Records > 0 {
			// Spread the totals over the records: all but the reclaimable
			// part is in use.
			inUse := d.BuildCache.Total - d.BuildCache.Reclaimable
			records = append(records, map[string]any{"ID": "r0", "Type": "regular", "Size": d.BuildCache.Reclaimable, "InUse": false, "Shared": false, "CreatedAt": "2026-01-01T00:00:00Z"})
			if inUse > 0 {
				records = append(records, map[string]any{"ID": "r1", "Type": "regular", "Size": inUse, "InUse": true, "Shared": false, "CreatedAt": "2026-01-01T00:00:00Z"})
			}
		}
		writeJSON(w, 200, map[string]any{"LayersSize": 0, "Images": []any{}, "Containers": cts, "Volumes": vols, "BuildCache": records})
		return
	}
	usage := func(total, reclaimable, count int64, items any) map[string]any {
		m := map[string]any{"ActiveCount": 0, "TotalCount": count, "Reclaimable": reclaimable, "TotalSize": total}
		if verbose {
			m["Items"] = items
		}
		return m
	}
	writeJSON(w, 200, map[string]any{
		"ImageUsage":      usage(0, 0, 0, []any{}),
		"ContainerUsage":  usage(0, 0, int64(len(cts)), cts),
		"VolumeUsage":     usage(volTotal, 0, int64(len(vols)), vols),
		"BuildCacheUsage": usage(d.BuildCache.Total, d.BuildCache.Reclaimable, d.BuildCache.Records, []any{}),
	})
}
