//go:build !(linux || darwin || freebsd || openbsd || netbsd || dragonfly)

package models

import "os"

// markPresence does nothing here; othersPresent then assumes another process.
func markPresence(*os.File) error { return nil }

// othersPresent cannot tell here: it assumes another process has the database open.
func othersPresent(*os.File) bool { return true }
