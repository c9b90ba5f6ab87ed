//go:build unix

package guardproxy

import "syscall"

// withUmask runs f with the process umask set to mask, then restores it,
// so that a socket f creates never exists with wider permissions.
func withUmask(mask int, f func() error) error {
	old := syscall.Umask(mask)
	defer syscall.Umask(old)
	return f()
}
