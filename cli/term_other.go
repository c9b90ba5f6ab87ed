//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package cli

import "os"

// ttyFile is the character-device test alone where there is no termios.
func ttyFile(*os.File) bool { return true }
