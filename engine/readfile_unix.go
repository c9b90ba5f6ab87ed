//go:build unix

package engine

import (
	"io/fs"
	"syscall"
)

// readFile reads a regular file of at most limit bytes, reusing buf. It uses
// raw system calls (open, fstat, read, close) because os.Open adds another
// fstat and poller bookkeeping per file, which dominates when most files are
// small. size is the file's size; when it is over limit, data is nil.
func readFile(path string, limit int64, buf []byte) (data []byte, size int64, err error) {
	fd, err := syscall.Open(path, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
	for err == syscall.EINTR {
		fd, err = syscall.Open(path, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
	}
	if err != nil {
		return nil, 0, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	defer syscall.Close(fd)
	var st syscall.Stat_t
	if err := syscall.Fstat(fd, &st); err != nil {
		return nil, 0, &fs.PathError{Op: "stat", Path: path, Err: err}
	}
	if st.Size > limit {
		return nil, st.Size, nil
	}
	if int64(cap(buf)) < st.Size {
		buf = make([]byte, st.Size)
	}
	buf = buf[:st.Size]
	n := 0
	for n < len(buf) {
		m, err := syscall.Read(fd, buf[n:])
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return nil, st.Size, &fs.PathError{Op: "read", Path: path, Err: err}
		}
		if m == 0 {
			break // the file shrank since fstat
		}
		n += m
	}
	return buf[:n], int64(n), nil
}
