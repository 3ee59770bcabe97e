package handlers

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"sipas/survey"
)

// holdRulesFresh is how long a process uses the hold rules it read before reading them
// again: an administrator's change reaches every serve process within it, and the kiosk's
// path reads the database for them at most once in that time.
const holdRulesFresh = 30 * time.Second

// holdRulesCache keeps the hold rules of this process, and the opening hours of the
// provinces whose kiosks it has heard from.
type holdRulesCache struct {
	mu    sync.Mutex
	rules survey.HoldRules
	read  time.Time
	hours map[uint]cachedHours // by province ID
}

type cachedHours struct {
	hours survey.OpeningHours
	read  time.Time
}

// openAt tells whether a province's One-Stop-Shops were open at a moment, by the opening
// hours its kiosk fleet is judged by (read again after holdRulesFresh). When the database
// cannot say, the province counts as open: a response is never held for that.
func (a *App) openAt(ctx context.Context, provinceID uint, at time.Time) bool {
	hc := &a.holdRulesCache
	hc.mu.Lock()
	defer hc.mu.Unlock()
	now := time.Now()
	if e, ok := hc.hours[provinceID]; ok && now.Sub(e.read) < holdRulesFresh {
		return e.hours.OpenAt(at)
	}
	h, err := a.store.OpeningHours(ctx, provinceID)
	if err != nil {
		slog.Error("reading opening hours", "province", provinceID, "err", err)
		return true
	}
	if hc.hours == nil {
		hc.hours = map[uint]cachedHours{}
	}
	hc.hours[provinceID] = cachedHours{hours: h, read: now}
	return h.OpenAt(at)
}

// holdRules are the rules of the kiosk's checks, read again after holdRulesFresh. When
// the database cannot say, the last rules read (or the defaults) hold: a kiosk's
// response is never refused for this.
func (a *App) holdRules(ctx context.Context) survey.HoldRules {
	hc := &a.holdRulesCache
	hc.mu.Lock()
	defer hc.mu.Unlock()
	now := time.Now()
	if !hc.read.IsZero() && now.Sub(hc.read) < holdRulesFresh {
		return hc.rules
	}
	r, err := a.store.HoldRules(ctx)
	if err != nil {
		slog.Error("reading the hold rules", "err", err)
		if hc.read.IsZero() {
			r = survey.DefaultHoldRules()
		} else {
			r = hc.rules
		}
	}
	hc.rules, hc.read = r, now
	return r
}

// forgetHoldRules makes the next response read the rules again (after an administrator
// changed them in this process).
func (a *App) forgetHoldRules() {
	a.holdRulesCache.mu.Lock()
	a.holdRulesCache.read = time.Time{}
	a.holdRulesCache.hours = nil
	a.holdRulesCache.mu.Unlock()
}

// holdEarlier holds the responses of a burst or run that were counted before the check
// found it. They were acknowledged and stay stored; if this fails they stay counted, and
// the error is logged, never shown to the citizen.
func (a *App) holdEarlier(ctx context.Context, uuids []string, reasons []survey.HoldReason) {
	if len(uuids) == 0 {
		return
	}
	if _, err := a.store.HoldStored(ctx, uuids, reasonStrings(reasons)); err != nil {
		slog.Error("holding the earlier responses of a burst", "responses", len(uuids), "err", err)
	}
}

func reasonStrings(reasons []survey.HoldReason) []string {
	out := make([]string, len(reasons))
	for i, r := range reasons {
		out[i] = string(r)
	}
	return out
}
