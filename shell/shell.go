// Package shell is dockguard's shell front end: it parses shell code with
// mvdan.cc/sh/v3/syntax, resolves the words it can, and hands every docker
// command line to package dockercli for judgement.
package shell

import "github.com/dockguard/dockguard/rules"

// Config tunes the shell front end.
type Config struct {
	// Binaries are the container CLIs to recognise (default docker, podman,
	// nerdctl; docker-compose is always recognised).
	Binaries []string
	// ParallelLimit is the largest concurrency DG106 accepts (default 3).
	ParallelLimit int
}

// OffsetMap maps a byte offset in an extracted code fragment to the byte
// offset of the same byte in the file the fragment came from.
type OffsetMap func(codeOffset int) (fileOffset int)

// CheckScript checks a whole shell script. file is the path reported in
// findings.
func CheckScript(file string, src []byte, cfg *Config) []rules.Finding {
	return Check(file, src, src, nil, cfg)
}

// Check parses code, a shell fragment extracted from file (whose full
// contents are fileSrc), and returns findings positioned in fileSrc through m.
// A nil m means code is fileSrc itself. A parse error is a DG001 finding.
func Check(file string, fileSrc, code []byte, m OffsetMap, cfg *Config) []rules.Finding {
	// Placeholder until the shell walker lands.
	return nil
}
