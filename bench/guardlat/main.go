// Command guardlat times GET requests to a Docker API socket for
// bench/guard.sh: N requests at a given concurrency over keep-alive
// connections, printing the p50 and p99 latency in microseconds and the
// throughput in requests per second.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"sort"
	"sync"
	"time"
)

func main() {
	sock := flag.String("socket", "", "unix socket of the daemon or the guard")
	path := flag.String("path", "/_ping", "request path")
	n := flag.Int("n", 2000, "requests")
	conc := flag.Int("c", 1, "concurrent clients")
	flag.Parse()
	tr := &http.Transport{MaxIdleConnsPerHost: *conc, DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, "unix", *sock)
	}}
	c := &http.Client{Transport: tr}
	get := func() (time.Duration, error) {
		t0 := time.Now()
		resp, err := c.Get("http://docker" + *path)
		if err != nil {
			return 0, err
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return 0, fmt.Errorf("HTTP %d", resp.StatusCode)
		}
		return time.Since(t0), nil
	}
	// Warm the connections up.
	for range *conc {
		if _, err := get(); err != nil {
			fmt.Fprintln(os.Stderr, "guardlat:", err)
			os.Exit(1)
		}
	}
	lat := make([]time.Duration, *n)
	var next int
	var mu sync.Mutex
	var wg sync.WaitGroup
	var failed error
	begin := time.Now()
	for range *conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				i := next
				next++
				mu.Unlock()
				if i >= *n {
					return
				}
				d, err := get()
				if err != nil {
					mu.Lock()
					failed = err
					mu.Unlock()
					return
				}
				lat[i] = d
			}
		}()
	}
	wg.Wait()
	wall := time.Since(begin)
	if failed != nil {
		fmt.Fprintln(os.Stderr, "guardlat:", failed)
		os.Exit(1)
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	p := func(q float64) int64 { return lat[int(q*float64(len(lat)-1))].Microseconds() }
	fmt.Printf("%d %d %.0f\n", p(0.50), p(0.99), float64(*n)/wall.Seconds())
}
