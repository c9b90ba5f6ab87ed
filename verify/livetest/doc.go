// Package livetest holds dockguard's tests against a real Docker daemon: a
// private dockerd started once per test binary (see internal/testdaemon),
// staged with containers that trigger every live rule, plus a recording
// proxy that proves `verify` and `report` only read.
package livetest
