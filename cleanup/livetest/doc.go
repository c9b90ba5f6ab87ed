// Package livetest runs dockguard cleanup against a real daemon: a private
// dockerd that the tests start (see internal/testdaemon), behind a
// recording proxy, so that what cleanup sends can be asserted.
package livetest
