package models

import (
	"sync"

	"sipas/survey"
)

// recentCounts remembers, decoded, the count rows that the kiosk writer's last
// transactions wrote, with the counts version they are as of. During a busy morning a
// counter's batches add to the same few rows again and again (its day and month, its
// province's day and field): a batch that finds them here adds to them instead of
// reading them back and decoding them, which was a quarter of the writer's work.
//
// The counts version is what makes this safe: every transaction that changes kept
// counts bumps it (in any process, see countsversion.go), and a transaction's own bump
// gives it the new version. Rows kept as of version v are what the database holds when
// the version a transaction's bump returns is v+1: no one changed any count between.
// Any other version, a failed transaction, and every row is forgotten.
type recentCounts struct {
	mu      sync.Mutex
	version int64                      // the counts version rows are as of; 0 for none
	rows    map[tallyKey]*survey.Tally // owned: nothing else refers to them
}

// recentCountsRows bounds the rows remembered, a few kilobytes each (a few megabytes in
// all, against serve's 100 MB): the rows of a province's busy counters and its days and
// fields fit; beyond it rows are forgotten, never wrong.
const recentCountsRows = 512

func newRecentCounts() *recentCounts { return &recentCounts{rows: map[tallyKey]*survey.Tally{}} }

// take hands over the remembered rows among keys to a transaction whose bump made
// version, and forgets them: the transaction adds to them, and they come back with put
// once it has committed. When version does not follow the remembered one, nothing is
// current and everything is forgotten.
func (k *recentCounts) take(version int64, keys []tallyKey) map[tallyKey]*survey.Tally {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.version == 0 || version != k.version+1 {
		k.forgetLocked()
		return nil
	}
	out := map[tallyKey]*survey.Tally{}
	for _, key := range keys {
		if t, ok := k.rows[key]; ok {
			out[key] = t
			delete(k.rows, key)
		}
	}
	return out
}

// put remembers the rows a transaction wrote, once it has committed with version: with
// the others if version follows theirs, else alone. Rows of an older version than the
// remembered one are not current any more, and are dropped. A row's tally that the set
// does not own (a response's own, shared) is copied.
func (k *recentCounts) put(version int64, set tallySet) {
	k.mu.Lock()
	defer k.mu.Unlock()
	switch {
	case version <= k.version:
		return
	case version != k.version+1 || len(k.rows)+len(set) > recentCountsRows:
		k.forgetLocked()
	}
	for key, e := range set {
		t := e.t
		if !e.own {
			t = survey.NewTally()
			t.Add(e.t)
		}
		k.rows[key] = t
	}
	k.version = version
}

// forget drops every row: a transaction that took some did not commit.
func (k *recentCounts) forget() {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.forgetLocked()
}

func (k *recentCounts) forgetLocked() {
	clear(k.rows)
	k.version = 0
}
