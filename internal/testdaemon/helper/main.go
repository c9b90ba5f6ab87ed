// Command helper is the only program in dockguard's test image: a static
// binary that sleeps, exits with a code, or allocates memory, so that tests
// can stage running, exited and OOM-killed containers without a registry.
package main

import (
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"
)

func main() {
	mode := "sleep"
	if len(os.Args) > 1 {
		mode = os.Args[1]
	}
	arg := 0
	if len(os.Args) > 2 {
		n, err := strconv.Atoi(os.Args[2])
		if err != nil {
			fmt.Fprintln(os.Stderr, "helper: bad number:", os.Args[2])
			os.Exit(2)
		}
		arg = n
	}
	switch mode {
	case "exit":
		os.Exit(arg)
	case "alloc":
		// Touch every page so that the memory is really charged to the
		// container's cgroup; a limit below arg MiB gets it OOM-killed.
		hold := make([][]byte, 0, arg)
		for i := 0; i < arg; i++ {
			b := make([]byte, 1<<20)
			for j := 0; j < len(b); j += 4096 {
				b[j] = 1
			}
			hold = append(hold, b)
		}
		waitForSignal()
		fmt.Println(len(hold))
	case "sleep":
		waitForSignal()
	default:
		fmt.Fprintln(os.Stderr, "usage: helper [sleep | exit CODE | alloc MIB]")
		os.Exit(2)
	}
}

func waitForSignal() {
	c := make(chan os.Signal, 1)
	signal.Notify(c, syscall.SIGTERM, syscall.SIGINT)
	select {
	case <-c:
	case <-time.After(24 * time.Hour):
	}
}
