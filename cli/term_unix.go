//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package cli

import (
	"os"

	"golang.org/x/sys/unix"
)

// ttyFile reports whether f is a terminal: a character device that
// answers the terminal's ioctl. /dev/null is a character device too, and
// output sent there (a benchmark's, a cron job's) is not a reader's.
func ttyFile(f *os.File) bool {
	sc, err := f.SyscallConn()
	if err != nil {
		return false
	}
	tty := false
	if err := sc.Control(func(fd uintptr) {
		_, terr := unix.IoctlGetTermios(int(fd), ioctlGetTermios)
		tty = terr == nil
	}); err != nil {
		return false
	}
	return tty
}
