//go:build linux || darwin || freebsd || openbsd || netbsd || dragonfly

package models

import (
	"os"
	"syscall"
)

// Besides its shared flock (filelock_unix.go), every store holds a POSIX read lock on the
// first byte of <database>.lock, which lets a process ask whether another process has the
// database open: POSIX locks tell who holds them, and never conflict with the asking
// process's own.

// markPresence takes the read lock on the lock file f.
func markPresence(f *os.File) error {
	lk := syscall.Flock_t{Type: syscall.F_RDLCK, Whence: 0, Start: 0, Len: 1}
	return syscall.FcntlFlock(f.Fd(), syscall.F_SETLK, &lk)
}

// othersPresent tells whether another process holds the read lock on f; true when it
// cannot tell.
func othersPresent(f *os.File) bool {
	lk := syscall.Flock_t{Type: syscall.F_WRLCK, Whence: 0, Start: 0, Len: 1}
	if err := syscall.FcntlFlock(f.Fd(), syscall.F_GETLK, &lk); err != nil {
		return true
	}
	return lk.Type != syscall.F_UNLCK
}
