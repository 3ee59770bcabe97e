package survey

import (
	"hash/fnv"
	"sync"
	"time"
)

// HoldReason says why a kiosk's response was held for review rather than counted.
type HoldReason string

// The reasons a response is held.
const (
	HoldBurst     HoldReason = "burst"     // many responses at one counter within minutes
	HoldIdentical HoldReason = "identical" // a run of identical answers
	HoldHours     HoldReason = "hours"     // given outside opening hours
)

// HoldReasons lists the reasons in the order pages show them.
func HoldReasons() []HoldReason { return []HoldReason{HoldBurst, HoldIdentical, HoldHours} }

// Label names the reason.
func (r HoldReason) Label() Message {
	switch r {
	case HoldBurst:
		return Msg("held.reason.burst")
	case HoldIdentical:
		return Msg("held.reason.identical")
	}
	return Msg("held.reason.hours")
}

// HoldRules are the thresholds of the kiosk's checks, which administrators may change.
// A response is held when, at its counter, it is one of more than BurstCount within
// BurstMinutes (a burst), or the RunLength-th of consecutive identical answers within
// RunMinutes (a run), or — when OutsideHours is set — given outside its province's
// opening hours (the hours its kiosk fleet is judged by, survey.OpeningHours). The
// responses of the burst or run before it that were still counted are held with it, so
// that a burst changes no figure from its first press.
type HoldRules struct {
	Enabled      bool `json:"enabled"`
	BurstCount   int  `json:"burst_count"`
	BurstMinutes int  `json:"burst_minutes"`
	RunLength    int  `json:"run_length"`
	RunMinutes   int  `json:"run_minutes"`
	OutsideHours bool `json:"outside_hours"`
}

// DefaultHoldRules: more than 10 responses in 5 minutes, or 6 identical in a row within 30
// minutes. Holding what comes outside opening hours is off until an administrator turns
// it on: Saturday sessions, evening openings and tablets with a wrong clock are common
// enough that a default could hold honest answers; and the demo's counters must count
// at any hour.
func DefaultHoldRules() HoldRules {
	return HoldRules{Enabled: true, BurstCount: 10, BurstMinutes: 5, RunLength: 6, RunMinutes: 30}
}

// Check says what is wrong with the rules, as an *InputError on the field; nil when none.
func (r HoldRules) Check() error {
	switch {
	case r.BurstCount < 2 || r.BurstCount > 1000:
		return inputError("burst_count", Msg("held.error.burst_count"))
	case r.BurstMinutes < 1 || r.BurstMinutes > 24*60:
		return inputError("burst_minutes", Msg("held.error.minutes"))
	case r.RunLength < 2 || r.RunLength > 1000:
		return inputError("run_length", Msg("held.error.run_length"))
	case r.RunMinutes < 1 || r.RunMinutes > 24*60:
		return inputError("run_minutes", Msg("held.error.minutes"))
	}
	return nil
}

// Pattern is a fingerprint of a submission's answers: two with the same pattern gave the
// same answers to everything.
func (s Submission) Pattern() uint64 {
	h := fnv.New64a()
	h.Write([]byte(s.Encode()))
	return h.Sum64()
}

// HoldWatch remembers, for each counter, the responses of the last minutes that this
// process stored, so that bursts and runs are told without reading the database on the
// kiosk's path. It is safe for concurrent use. Its memory is per process: several serve
// processes behind one address each see their own share of a counter's responses.
type HoldWatch struct {
	mu       sync.Mutex
	counters map[uint][]watched
}

type watched struct {
	at      time.Time
	pattern uint64
	uuid    string
	held    bool
	reasons []HoldReason // its own, when it was held as it came
}

// maxWatched bounds what is remembered of one counter, whatever its traffic.
const maxWatched = 2048

// Check records a response at a counter and says whether to hold it (its reasons, none
// to count it) and which earlier responses of the burst or run, counted until now, to
// hold with it. open says whether the counter's province was open at that moment. A UUID
// it saw before (a retried submission) is answered as then and not counted twice.
func (w *HoldWatch) Check(r HoldRules, counter uint, uuid string, at time.Time, pattern uint64, open bool) (reasons []HoldReason, earlier []string) {
	if !r.Enabled {
		return nil, nil
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.counters == nil {
		w.counters = map[uint][]watched{}
	}
	span := time.Duration(max(r.BurstMinutes, r.RunMinutes)) * time.Minute
	list := w.counters[counter]
	keep := 0
	for keep < len(list) && at.Sub(list[keep].at) > span {
		keep++
	}
	list = list[keep:]
	for _, x := range list {
		if x.uuid == uuid {
			return x.reasons, nil
		}
	}
	if len(list) >= maxWatched {
		list = list[1:]
	}
	list = append(list, watched{at: at, pattern: pattern, uuid: uuid})
	last := len(list) - 1
	var take []int // earlier entries to hold
	burst := time.Duration(r.BurstMinutes) * time.Minute
	var inBurst []int
	for i := last; i >= 0 && at.Sub(list[i].at) <= burst; i-- {
		inBurst = append(inBurst, i)
	}
	if len(inBurst) > r.BurstCount {
		reasons = append(reasons, HoldBurst)
		take = append(take, inBurst[1:]...)
	}
	if n := r.RunLength; len(list) >= n {
		run := list[len(list)-n:]
		same := at.Sub(run[0].at) <= time.Duration(r.RunMinutes)*time.Minute
		for _, x := range run {
			same = same && x.pattern == pattern
		}
		if same {
			reasons = append(reasons, HoldIdentical)
			for i := len(list) - n; i < last; i++ {
				take = append(take, i)
			}
		}
	}
	if r.OutsideHours && !open {
		reasons = append(reasons, HoldHours)
	}
	for _, i := range take {
		if !list[i].held {
			list[i].held = true
			earlier = append(earlier, list[i].uuid)
		}
	}
	list[last].held, list[last].reasons = len(reasons) > 0, reasons
	w.counters[counter] = list
	return reasons, earlier
}
