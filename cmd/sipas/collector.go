package main

import "runtime/debug"

// collectorSettings sets the garbage collector of a long command (serve, import): how
// much the heap grows between collections, in per cent, and the memory it works harder
// to stay under, each unless the environment (GOGC, GOMEMLIMIT) already says.
func collectorSettings(env cmdEnv, gcPercent int, memoryLimit int64) {
	if env.getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	if env.getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
	}
}
