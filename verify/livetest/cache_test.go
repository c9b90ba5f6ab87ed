package livetest

import "os"

// The report runs here must not fill the user's result cache folder.
func init() { os.Setenv("DOCKGUARD_CACHE", "off") }
