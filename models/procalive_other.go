//go:build !(linux || darwin || freebsd || openbsd || netbsd || dragonfly)

package models

// processAlive cannot tell here: a job's silence shows that its process stopped.
func processAlive(int) bool { return true }

// processStart cannot tell here.
func processStart(int) (string, bool) { return "", false }
