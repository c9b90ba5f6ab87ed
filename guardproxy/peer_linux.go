//go:build linux

package guardproxy

import (
	"net"

	"golang.org/x/sys/unix"
)

// peerGone reports whether the peer of c, whose reads have ended, closed
// the connection altogether rather than only its sending side. A unix
// socket tells the two apart (the peer's close hangs the socket up); for
// TCP, and whenever it cannot tell, it reports true.
func peerGone(c net.Conn) bool {
	uc, ok := c.(*net.UnixConn)
	if !ok {
		return true
	}
	rc, err := uc.SyscallConn()
	if err != nil {
		return true
	}
	gone := true
	_ = rc.Control(func(fd uintptr) {
		fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN | unix.POLLRDHUP}}
		if n, err := unix.Poll(fds, 0); err == nil && n == 1 {
			gone = fds[0].Revents&(unix.POLLHUP|unix.POLLERR|unix.POLLNVAL) != 0
		}
	})
	return gone
}
