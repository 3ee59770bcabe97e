//go:build linux || darwin || freebsd || openbsd || netbsd || dragonfly

package models

import (
	"errors"
	"syscall"
)

// processAlive tells whether a process of this host is running.
func processAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
