//go:build unix

package syntax

import "syscall"

// cpuSeconds returns the process's user and system CPU time, so that a
// benchmark on a shared machine can report throughput per CPU second.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Sec+ru.Stime.Sec) + float64(ru.Utime.Usec+ru.Stime.Usec)/1e6
}
