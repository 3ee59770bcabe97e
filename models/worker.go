package models

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// newWorkerID names this process in the import jobs it runs: its host, process ID and a
// random nonce, since a restarted process may get the same ID (in a container, always).
func newWorkerID() string {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "unknown"
	}
	nonce := make([]byte, 4)
	rand.Read(nonce)
	return fmt.Sprintf("%s:%d:%s", strings.ReplaceAll(host, ":", "_"), os.Getpid(), hex.EncodeToString(nonce))
}

// workerGone tells whether worker, a process of this host, has stopped; false when it
// cannot tell (another host's process), which then only a silence of staleAfter shows.
func workerGone(worker, me string) bool {
	host, pid, nonce, ok := parseWorker(worker)
	myHost, myPID, myNonce, _ := parseWorker(me)
	switch {
	case !ok || host != myHost:
		return false
	case pid == myPID:
		return nonce != myNonce // this process's former self
	}
	return !processAlive(pid)
}

func parseWorker(w string) (host string, pid int, nonce string, ok bool) {
	parts := strings.Split(w, ":")
	if len(parts) != 3 {
		return "", 0, "", false
	}
	pid, err := strconv.Atoi(parts[1])
	return parts[0], pid, parts[2], err == nil
}
