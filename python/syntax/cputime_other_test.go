//go:build !unix

package syntax

func cpuSeconds() float64 { return 0 }
