package dockerapi

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/docker/go-connections/tlsconfig"
	"github.com/moby/moby/client"
	"github.com/moby/moby/client/pkg/versions"

	"github.com/dockguard/dockguard/daemonguard"
	"github.com/dockguard/dockguard/verify/endpoint"
)

// Config configures a Client.
type Config struct {
	Guard daemonguard.Config
	// DiskUsageTimeout is the deadline of the single /system/df call
	// (default 60 s); the call is the most expensive one the daemon serves.
	DiskUsageTimeout time.Duration
}

// Client is the moby-client implementation of Daemon.
type Client struct {
	api   *client.Client
	guard *daemonguard.Transport
	cfg   Config
	ep    endpoint.Endpoint
}

// New connects (lazily) to ep with the protection limits of cfg. No request
// is sent until the first method call.
func New(ep endpoint.Endpoint, cfg Config) (*Client, error) {
	if cfg.DiskUsageTimeout <= 0 {
		cfg.DiskUsageTimeout = 60 * time.Second
	}
	g := cfg.Guard
	base, apiHost, scheme, err := transportFor(ep, g)
	if err != nil {
		return nil, err
	}
	gt := daemonguard.New(base, g)
	hc := &http.Client{Transport: gt, CheckRedirect: client.CheckRedirect}
	api, err := client.New(
		client.WithHost(apiHost),
		client.WithHTTPClient(hc),
		client.WithScheme(scheme),
		client.WithUserAgent("dockguard"),
	)
	if err != nil {
		return nil, fmt.Errorf("docker client for %s: %w", ep.Host, err)
	}
	return &Client{api: api, guard: gt, cfg: cfg, ep: ep}, nil
}

// transportFor builds the http.Transport for an endpoint. The moby client
// is given a host only to form URLs; the dialer decides where bytes go.
func transportFor(ep endpoint.Endpoint, g daemonguard.Config) (*http.Transport, string, string, error) {
	maxConns := g.MaxInFlight
	if maxConns <= 0 {
		maxConns = daemonguard.Defaults().MaxInFlight
	}
	return Transport(ep, maxConns)
}

// Transport builds the http.Transport that reaches ep (unix socket, TCP
// with its TLS material, or ssh's `docker system dial-stdio`), keeping at
// most maxConns connections, with the host and scheme to put in request
// URLs. The guard proxy forwards through it, so that it reaches the
// daemon exactly as verify does.
func Transport(ep endpoint.Endpoint, maxConns int) (tr *http.Transport, apiHost, scheme string, err error) {
	tr = &http.Transport{
		MaxConnsPerHost:     maxConns,
		MaxIdleConnsPerHost: maxConns,
		IdleConnTimeout:     30 * time.Second,
		DisableCompression:  true,
	}
	scheme, addr, _ := strings.Cut(ep.Host, "://")
	d := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}
	switch scheme {
	case "unix":
		tr.DialContext = func(ctx context.Context, _, _ string) (net.Conn, error) {
			return d.DialContext(ctx, "unix", addr)
		}
		return tr, ep.Host, "http", nil
	case "tcp":
		tr.DialContext = d.DialContext
		httpScheme := "http"
		if ep.TLS != nil {
			cfg, err := tlsConfig(ep.TLS)
			if err != nil {
				return nil, "", "", err
			}
			tr.TLSClientConfig = cfg
			httpScheme = "https"
		}
		return tr, ep.Host, httpScheme, nil
	case "ssh":
		dial, err := endpoint.SSHDialer(ep.Host)
		if err != nil {
			return nil, "", "", err
		}
		tr.DialContext = dial
		// The URL host is a placeholder: every byte goes through ssh.
		return tr, "tcp://docker.example.com", "http", nil
	case "npipe":
		return nil, "", "", fmt.Errorf("%s: named pipes are only available on Windows", ep.Host)
	}
	return nil, "", "", fmt.Errorf("unsupported daemon host %q", ep.Host)
}

func tlsConfig(t *endpoint.TLS) (*tls.Config, error) {
	cfg, err := tlsconfig.Client(tlsconfig.Options{
		CAFile: t.CAFile, CertFile: t.CertFile, KeyFile: t.KeyFile,
		InsecureSkipVerify: t.SkipVerify, ExclusiveRootPools: true, MinVersion: tls.VersionTLS12,
	})
	if err != nil {
		return nil, fmt.Errorf("TLS configuration: %w", err)
	}
	return cfg, nil
}

// Guard returns the protective transport, for its counters.
func (c *Client) Guard() *daemonguard.Transport { return c.guard }

// Endpoint returns the endpoint the client talks to.
func (c *Client) Endpoint() endpoint.Endpoint { return c.ep }

// Close releases idle connections.
func (c *Client) Close() error { return c.api.Close() }

// Ping implements Daemon.
func (c *Client) Ping(ctx context.Context) (Ping, error) {
	start := time.Now()
	p, err := c.api.Ping(ctx, client.PingOptions{NegotiateAPIVersion: true})
	if err != nil {
		return Ping{Duration: time.Since(start)}, err
	}
	return Ping{APIVersion: c.api.ClientVersion(), OSType: p.OSType, Duration: time.Since(start)}, nil
}

// Info implements Daemon.
func (c *Client) Info(ctx context.Context) (Info, error) {
	r, err := c.api.Info(ctx, client.InfoOptions{})
	if err != nil {
		return Info{}, err
	}
	i := r.Info
	out := Info{
		Name: i.Name, ServerVersion: i.ServerVersion, APIVersion: c.api.ClientVersion(),
		OperatingSystem: i.OperatingSystem, OSType: i.OSType, Architecture: i.Architecture,
		KernelVersion: i.KernelVersion, NCPU: i.NCPU, MemTotal: i.MemTotal,
		CgroupVersion: i.CgroupVersion,
	}
	out.DockerDesktop = IsDockerDesktop(i.OperatingSystem, i.Labels)
	return out, nil
}

// IsDockerDesktop recognises Docker Desktop from /info: its VM reports
// "Docker Desktop" as the operating system and carries desktop labels.
func IsDockerDesktop(os string, labels []string) bool {
	if strings.Contains(os, "Docker Desktop") {
		return true
	}
	for _, l := range labels {
		if strings.HasPrefix(l, "com.docker.desktop.") {
			return true
		}
	}
	return false
}

// Containers implements Daemon.
func (c *Client) Containers(ctx context.Context, labels []string) ([]ContainerSummary, error) {
	f := make(client.Filters)
	if len(labels) > 0 {
		f.Add("label", labels...)
	}
	r, err := c.api.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: f})
	if err != nil {
		return nil, err
	}
	out := make([]ContainerSummary, 0, len(r.Items))
	for _, s := range r.Items {
		name := ""
		if len(s.Names) > 0 {
			name = strings.TrimPrefix(s.Names[0], "/")
		}
		out = append(out, ContainerSummary{ID: s.ID, Name: name, State: string(s.State), Labels: s.Labels})
	}
	return out, nil
}

// OOMEvents implements OOMEventer. With until not in the future the
// daemon answers the events it holds for the span and closes the stream,
// so the request is as short as the others the guard limits.
func (c *Client) OOMEvents(ctx context.Context, since, until time.Time) (map[string]int, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // ends the client's reader goroutine on every return
	stamp := func(t time.Time) string { return fmt.Sprintf("%d.%09d", t.Unix(), t.Nanosecond()) }
	f := make(client.Filters).Add("type", "container").Add("event", "oom")
	res := c.api.Events(ctx, client.EventsListOptions{Since: stamp(since), Until: stamp(until), Filters: f})
	out := map[string]int{}
	for {
		select {
		case m := <-res.Messages:
			out[m.Actor.ID]++
		case err := <-res.Err:
			if err == nil || errors.Is(err, io.EOF) {
				return out, nil
			}
			return out, fmt.Errorf("events: %w", err)
		}
	}
}

// ErrNotFound is returned by Inspect for a container that went away between
// the list and the inspect, and by the write methods for an object that is
// already gone.
var ErrNotFound = errors.New("not found")

// Inspect implements Daemon.
func (c *Client) Inspect(ctx context.Context, id string) (Container, error) {
	r, err := c.api.ContainerInspect(ctx, id, client.ContainerInspectOptions{})
	if err != nil {
		if isNotFound(err) {
			return Container{}, fmt.Errorf("inspect %s: %w", id, ErrNotFound)
		}
		return Container{}, err
	}
	j := r.Container
	out := Container{ID: j.ID, Name: strings.TrimPrefix(j.Name, "/")}
	if j.Config != nil {
		out.Image = j.Config.Image
		out.Labels = j.Config.Labels
	}
	if j.State != nil {
		out.State = string(j.State.Status)
		out.OOMKilled = j.State.OOMKilled
		out.Pid = j.State.Pid
		out.ExitCode = j.State.ExitCode
		out.StartedAt = parseTime(j.State.StartedAt)
		out.FinishedAt = parseTime(j.State.FinishedAt)
	}
	out.RestartCount = j.RestartCount
	out.Created = parseTime(j.Created)
	if j.HostConfig != nil {
		out.Memory = j.HostConfig.Memory
		out.MemoryReservation = j.HostConfig.MemoryReservation
	}
	return out, nil
}

func isNotFound(err error) bool {
	type notFound interface{ NotFound() }
	var nf notFound
	return errors.As(err, &nf) || strings.Contains(err.Error(), "No such container")
}

func parseTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil || t.Year() <= 1 {
		return time.Time{}
	}
	return t
}

// MemoryUsage implements Daemon.
func (c *Client) MemoryUsage(ctx context.Context, id string) (MemoryUsage, error) {
	r, err := c.api.ContainerStats(ctx, id, client.ContainerStatsOptions{Stream: false})
	if err != nil {
		return MemoryUsage{}, err
	}
	defer r.Body.Close()
	var s struct {
		MemoryStats struct {
			Usage uint64            `json:"usage"`
			Limit uint64            `json:"limit"`
			Stats map[string]uint64 `json:"stats"`
		} `json:"memory_stats"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, 4<<20)).Decode(&s); err != nil {
		return MemoryUsage{}, fmt.Errorf("stats %s: %w", id, err)
	}
	return MemoryUsage{Usage: memUsage(s.MemoryStats.Usage, s.MemoryStats.Stats), Limit: int64(s.MemoryStats.Limit)}, nil
}

// memUsage subtracts the reclaimable page cache as the docker CLI does:
// inactive_file on cgroup v2, total_inactive_file on cgroup v1.
func memUsage(usage uint64, stats map[string]uint64) int64 {
	for _, k := range []string{"inactive_file", "total_inactive_file"} {
		if v, ok := stats[k]; ok && v < usage {
			return int64(usage - v)
		}
	}
	return int64(usage)
}

// DiskUsage implements Daemon.
func (c *Client) DiskUsage(ctx context.Context) (DiskUsage, error) {
	ctx = daemonguard.WithTimeout(ctx, c.cfg.DiskUsageTimeout)
	ver := c.api.ClientVersion()
	r, err := c.api.DiskUsage(ctx, client.DiskUsageOptions{
		Containers: true, Volumes: true, BuildCache: true,
		// From API 1.52 the per-object lists are only sent in verbose mode.
		Verbose: !versions.LessThan(ver, "1.52"),
	})
	if err != nil {
		return DiskUsage{}, err
	}
	out := DiskUsage{
		BuildCacheTotal:       r.BuildCache.TotalSize,
		BuildCacheReclaimable: r.BuildCache.Reclaimable,
		BuildCacheRecords:     r.BuildCache.TotalCount,
		ContainerSizes:        map[string]int64{},
		VolumeSizes:           map[string]int64{},
		FullScan:              versions.LessThan(ver, "1.42"),
	}
	for _, ct := range r.Containers.Items {
		out.ContainerSizes[ct.ID] = ct.SizeRw
	}
	for _, v := range r.Volumes.Items {
		if v.UsageData != nil && v.UsageData.Size >= 0 {
			out.VolumeSizes[v.Name] = v.UsageData.Size
		}
	}
	return out, nil
}

// DanglingVolumes implements Daemon.
func (c *Client) DanglingVolumes(ctx context.Context, labels []string) ([]Volume, error) {
	f := make(client.Filters).Add("dangling", "true")
	if len(labels) > 0 {
		f.Add("label", labels...)
	}
	r, err := c.api.VolumeList(ctx, client.VolumeListOptions{Filters: f})
	if err != nil {
		return nil, err
	}
	out := make([]Volume, 0, len(r.Items))
	for _, v := range r.Items {
		size := int64(-1)
		if v.UsageData != nil && v.UsageData.Size >= 0 {
			size = v.UsageData.Size
		}
		out = append(out, Volume{Name: v.Name, Driver: v.Driver, Size: size, Labels: v.Labels})
	}
	return out, nil
}

// StopContainer implements Cleaner.
func (c *Client) StopContainer(ctx context.Context, id string, timeout time.Duration) error {
	secs := int(timeout / time.Second)
	// The daemon waits up to t seconds before it answers: the request's
	// own deadline must cover that wait.
	ctx = daemonguard.WithTimeout(ctx, timeout+c.guard.Config().Timeout)
	_, err := c.api.ContainerStop(ctx, id, client.ContainerStopOptions{Timeout: &secs})
	return writeErr("stop container "+id, err)
}

// RemoveContainer implements Cleaner.
func (c *Client) RemoveContainer(ctx context.Context, id string) error {
	_, err := c.api.ContainerRemove(ctx, id, client.ContainerRemoveOptions{})
	return writeErr("remove container "+id, err)
}

// RemoveVolume implements Cleaner.
func (c *Client) RemoveVolume(ctx context.Context, name string) error {
	_, err := c.api.VolumeRemove(ctx, name, client.VolumeRemoveOptions{})
	return writeErr("remove volume "+name, err)
}

// PruneBuildCache implements Cleaner. The moby client sends the reserved
// space as keep-storage before API 1.48 and as reserved-space from it.
func (c *Client) PruneBuildCache(ctx context.Context, until time.Duration, reserved int64) (int64, error) {
	f := make(client.Filters)
	if until > 0 {
		f.Add("until", until.String())
	}
	// Pruning a large cache takes the daemon a while.
	ctx = daemonguard.WithTimeout(ctx, c.cfg.DiskUsageTimeout)
	r, err := c.api.BuildCachePrune(ctx, client.BuildCachePruneOptions{ReservedSpace: reserved, Filters: f})
	if err != nil {
		return 0, writeErr("prune build cache", err)
	}
	return int64(r.Report.SpaceReclaimed), nil
}

// Images implements Cleaner.
func (c *Client) Images(ctx context.Context, all bool, labels []string) ([]Image, error) {
	f := make(client.Filters)
	if !all {
		f.Add("dangling", "true")
	}
	if len(labels) > 0 {
		f.Add("label", labels...)
	}
	r, err := c.api.ImageList(ctx, client.ImageListOptions{Filters: f})
	if err != nil {
		return nil, err
	}
	out := make([]Image, 0, len(r.Items))
	for _, im := range r.Items {
		out = append(out, Image{ID: im.ID, Tags: im.RepoTags, Size: im.Size, Created: time.Unix(im.Created, 0), Containers: im.Containers})
	}
	return out, nil
}

// PruneImages implements Cleaner.
func (c *Client) PruneImages(ctx context.Context, all bool, labels []string, until time.Duration) (int64, error) {
	f := make(client.Filters)
	f.Add("dangling", strconv.FormatBool(!all))
	if len(labels) > 0 {
		f.Add("label", labels...)
	}
	if until > 0 {
		f.Add("until", until.String())
	}
	ctx = daemonguard.WithTimeout(ctx, c.cfg.DiskUsageTimeout)
	r, err := c.api.ImagePrune(ctx, client.ImagePruneOptions{Filters: f})
	if err != nil {
		return 0, writeErr("prune images", err)
	}
	return int64(r.Report.SpaceReclaimed), nil
}

// writeErr gives the write errors cleanup acts on their own identity: 404
// (gone: done) and 409 (in use or in progress: retry, then skip).
func writeErr(what string, err error) error {
	switch {
	case err == nil:
		return nil
	case cerrdefs.IsNotFound(err):
		return fmt.Errorf("%s: %w: %w", what, ErrNotFound, err)
	case cerrdefs.IsConflict(err):
		return fmt.Errorf("%s: %w: %w", what, ErrConflict, err)
	}
	return fmt.Errorf("%s: %w", what, err)
}
