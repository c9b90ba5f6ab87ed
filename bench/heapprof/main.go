// Command heapprof runs `dockguard check` in-process and writes the heap
// profile taken when the live heap peaked, to show where a check's memory
// goes (bench/scale-results.md).
//
// Usage: go run ./bench/heapprof -o heap.pprof -- check --only go .
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/dockguard/dockguard/cli"
)

func main() {
	out := flag.String("o", "heap.pprof", "where to write the heap profile taken at the peak")
	every := flag.Duration("every", 200*time.Millisecond, "how often the live heap is sampled")
	cpu := flag.String("cpuprofile", "", "also write a CPU profile of the whole run here")
	flag.Parse()
	var cpuFile *os.File
	if *cpu != "" {
		var err error
		if cpuFile, err = os.Create(*cpu); err == nil {
			err = pprof.StartCPUProfile(cpuFile)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "heapprof:", err)
			os.Exit(2)
		}
	}
	stop := make(chan struct{})
	done := make(chan struct{})
	var peak uint64
	var best []byte
	go func() {
		defer close(done)
		sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
		t := time.NewTicker(*every)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
			}
			metrics.Read(sample)
			if live := sample[0].Value.Uint64(); live > peak {
				// The profile is as of the last GC, which measured live.
				var buf bytes.Buffer
				if err := pprof.Lookup("heap").WriteTo(&buf, 0); err == nil {
					peak, best = live, buf.Bytes()
				}
			}
		}
	}()
	code := cli.Run(flag.Args(), os.Stdin, os.Stdout, os.Stderr)
	if cpuFile != nil {
		pprof.StopCPUProfile()
		if err := cpuFile.Close(); err != nil {
			fmt.Fprintln(os.Stderr, "heapprof:", err)
		}
	}
	close(stop)
	<-done
	if err := os.WriteFile(*out, best, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "heapprof:", err)
		os.Exit(2)
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Fprintf(os.Stderr, "heapprof: peak live heap %.1f MiB (profile in %s); total allocated %.1f MiB; own peak RSS %s; exit %d\n",
		float64(peak)/(1<<20), *out, float64(ms.TotalAlloc)/(1<<20), peakRSS(), code)
}

// peakRSS is this process's own peak resident set (Linux's VmHWM), without
// the go command and compilers it ran, which /usr/bin/time would include.
func peakRSS() string {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return "unknown"
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}
