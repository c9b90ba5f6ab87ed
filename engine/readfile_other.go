//go:build !unix

package engine

import (
	"io"
	"os"
)

// readFile reads a regular file of at most limit bytes. size is the file's
// size; when it is over limit, data is nil.
func readFile(path string, limit int64, _ []byte) (data []byte, size int64, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, 0, err
	}
	if st.Size() > limit {
		return nil, st.Size(), nil
	}
	data, err = io.ReadAll(io.LimitReader(f, limit))
	return data, int64(len(data)), err
}
