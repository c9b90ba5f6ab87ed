// Command helper is the only program in dockguard's test image: a static
// binary that sleeps, exits with a code, allocates memory, prints a line
// every few milliseconds, or upper-cases its input, so that tests can stage
// running, exited and OOM-killed containers, follow logs and drive an
// interactive exec without a registry.
package main

import (
	"bufio"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"
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
	case "tick":
		// A numbered line every arg ms: a follower can tell the lines
		// written after it attached.
		stop := make(chan os.Signal, 1)
		signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
		for i := 1; ; i++ {
			fmt.Println("tick", i)
			select {
			case <-stop:
				return
			case <-time.After(time.Duration(max(arg, 1)) * time.Millisecond):
			}
		}
	case "upper":
		sc := bufio.NewScanner(os.Stdin)
		for sc.Scan() {
			fmt.Println(strings.ToUpper(sc.Text()))
		}
	default:
		fmt.Fprintln(os.Stderr, "usage: helper [sleep | exit CODE | alloc MIB | tick MS | upper]")
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
