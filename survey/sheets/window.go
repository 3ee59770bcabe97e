package sheets

import (
	"errors"
	"io"
)

// window is a buffer of fixed size over a reader, through which both formats are
// scanned: buf[r:w] is read but not yet consumed.
type window struct {
	src  io.Reader
	buf  []byte
	r, w int
	err  error // src's error, once it gave one
}

// errWindowFull is a token that does not fit in the window.
var errWindowFull = errors.New("token longer than the window")

func newWindow(src io.Reader, size int) window {
	return window{src: src, buf: make([]byte, size)}
}

// fill reads more, keeping buf[r:w]. It returns src's error (io.EOF at the end) once
// everything before it has been consumed, and errWindowFull when nothing was.
func (b *window) fill() error {
	if b.r > 0 {
		b.w = copy(b.buf, b.buf[b.r:b.w])
		b.r = 0
	}
	if b.w == len(b.buf) {
		return errWindowFull
	}
	if b.err != nil {
		return b.err
	}
	n, err := b.src.Read(b.buf[b.w:])
	b.w += n
	if err != nil {
		b.err = err
		if n == 0 {
			return err
		}
	}
	return nil
}

// need makes n bytes available after r, or fewer at the end.
func (b *window) need(n int) error {
	for b.w-b.r < n {
		if err := b.fill(); err == io.EOF {
			return nil
		} else if err != nil {
			return err
		}
	}
	return nil
}
