//go:build !unix

package guardproxy

// withUmask runs f: there is no umask here, and the listener's mode is
// set by the chmod that follows.
func withUmask(_ int, f func() error) error { return f() }
