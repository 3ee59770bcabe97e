//go:build linux || darwin || freebsd || openbsd || netbsd || dragonfly

package models

import (
	"errors"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// processAlive tells whether a process of this host is running.
func processAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

// processStart is when a process of this host started, in clock ticks since boot, as
// Linux's /proc tells it; false when the process is not running or /proc cannot tell.
func processStart(pid int) (string, bool) {
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return "", false
	}
	// The command's name, in parentheses, may hold spaces: the fields follow its end.
	s := string(stat)
	end := strings.LastIndexByte(s, ')')
	if end < 0 {
		return "", false
	}
	fields := strings.Fields(s[end+1:])
	const startField = 22 - 3 // field 22 of stat, counted after pid and (comm)
	if len(fields) <= startField {
		return "", false
	}
	return fields[startField], true
}
