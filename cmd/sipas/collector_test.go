package main

import (
	"runtime/debug"
	"testing"
)

// The environment's GOGC and GOMEMLIMIT win over a command's own settings.
func TestCollectorSettingsLeaveTheEnvironmentsOwn(t *testing.T) {
	gc, limit := debug.SetGCPercent(100), debug.SetMemoryLimit(-1)
	defer func() { debug.SetGCPercent(gc); debug.SetMemoryLimit(limit) }()
	for _, tc := range []struct {
		name      string
		env       map[string]string
		wantGC    int
		wantLimit int64
	}{
		{"neither set", nil, 300, 64 << 20},
		{"GOGC set", map[string]string{"GOGC": "100"}, 100, 64 << 20},
		{"GOMEMLIMIT set", map[string]string{"GOMEMLIMIT": "1GiB"}, 300, 1 << 40},
	} {
		t.Run(tc.name, func(t *testing.T) {
			debug.SetGCPercent(100)
			debug.SetMemoryLimit(1 << 40)
			collectorSettings(cmdEnv{getenv: func(k string) string { return tc.env[k] }}, 300, 64<<20)
			if got := debug.SetGCPercent(100); got != tc.wantGC {
				t.Errorf("GC percent %d, want %d", got, tc.wantGC)
			}
			if got := debug.SetMemoryLimit(-1); got != tc.wantLimit {
				t.Errorf("memory limit %d, want %d", got, tc.wantLimit)
			}
		})
	}
}
