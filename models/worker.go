package models

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// newWorkerID names this process in the import jobs it runs: its host, its process ID
// and when it started (or, where that cannot be read, a random nonce), since a process
// started again may get the same ID (in a container, always).
func newWorkerID() string {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "unknown"
	}
	start, ok := processStart(os.Getpid())
	if !ok {
		nonce := make([]byte, 4)
		rand.Read(nonce)
		start = "n" + hex.EncodeToString(nonce)
	}
	return fmt.Sprintf("%s:%d:%s", strings.ReplaceAll(host, ":", "_"), os.Getpid(), start)
}

// workerGone tells whether worker, a process of this host, has stopped; false when it
// cannot tell (another host's process), which then only a silence of staleAfter shows.
func workerGone(worker, me string) bool {
	host, pid, start, ok := parseWorker(worker)
	myHost, _, _, _ := parseWorker(me)
	if !ok || host != myHost {
		return false
	}
	if now, ok := processStart(pid); ok {
		return now != start // gone, or another process with its ID
	}
	return !processAlive(pid)
}

func parseWorker(w string) (host string, pid int, start string, ok bool) {
	parts := strings.Split(w, ":")
	if len(parts) != 3 {
		return "", 0, "", false
	}
	pid, err := strconv.Atoi(parts[1])
	return parts[0], pid, parts[2], err == nil
}
