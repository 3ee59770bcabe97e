package models

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"sipas/survey"
)

// HeldResponse is a response stored but not counted: the kiosk's checks found it
// suspect (a burst, a run of identical answers, outside opening hours), so that it
// changes no figure until an administrator includes it (its counts are added then) or
// excludes it (it stays stored, never counted). Nothing is deleted.
type HeldResponse struct {
	ResponseUUID string `gorm:"primaryKey"`
	CounterID    uint
	OfficeID     uint
	ProvinceID   uint // the unit in force when it was given, as the response's
	Day          int  // YYYYMMDD
	State        string
	Reasons      string // comma-separated survey.HoldReason values
	HeldAt       time.Time
	ReviewedAt   *time.Time
	ReviewedBy   string
}

// The states of a held response.
const (
	HeldPending  = "held"
	HeldIncluded = "included"
	HeldExcluded = "excluded"
)

// HeldFilter selects held responses: within a scope, over a period (nil: any time), in a
// state ("" any).
type HeldFilter struct {
	Scope  Scope
	Period *survey.Period
	State  string
}

func (f HeldFilter) apply(db *gorm.DB) *gorm.DB {
	// columns named with their table: the list of groups joins tables that have them too
	if f.Scope.ProvinceIDs != nil {
		db = db.Where("held_responses.province_id IN ?", append([]uint{0}, f.Scope.ProvinceIDs...))
	}
	if f.Scope.OfficeIDs != nil {
		db = db.Where("held_responses.office_id IN ?", append([]uint{0}, f.Scope.OfficeIDs...))
	}
	if p := f.Period; p != nil {
		db = db.Where("held_responses.day BETWEEN ? AND ?", p.FirstDay(), p.LastDay())
	}
	if f.State != "" {
		db = db.Where("held_responses.state = ?", f.State)
	}
	return db
}

// HeldCounts are how many responses were held, by state and by reason.
type HeldCounts struct {
	Pending, Included, Excluded int64
	ByReason                    map[string]int64 // of those still pending
}

// HeldCounts counts the held responses f selects.
func (s *Store) HeldCounts(ctx context.Context, f HeldFilter) (HeldCounts, error) {
	var rows []struct {
		State   string
		Reasons string
		N       int64
	}
	err := f.apply(s.db.WithContext(ctx).Table("held_responses")).Select("state, reasons, COUNT(*) AS n").
		Group("state, reasons").Scan(&rows).Error
	if err != nil {
		return HeldCounts{}, fmt.Errorf("count held responses: %w", err)
	}
	out := HeldCounts{ByReason: map[string]int64{}}
	for _, r := range rows {
		switch r.State {
		case HeldPending:
			out.Pending += r.N
			for _, reason := range strings.Split(r.Reasons, ",") {
				out.ByReason[reason] += r.N
			}
		case HeldIncluded:
			out.Included += r.N
		case HeldExcluded:
			out.Excluded += r.N
		}
	}
	return out, nil
}

// PendingHeld counts the responses still held, by a grouping of ByProvince (the stored
// unit's ID), ByOffice or ByCounter, over a period: the "held" beside every figure they
// would change.
func (s *Store) PendingHeld(ctx context.Context, f HeldFilter, by Grouping) (map[uint]int64, error) {
	col := map[Grouping]string{ByProvince: "province_id", ByOffice: "office_id", ByCounter: "counter_id"}[by]
	if col == "" {
		return nil, fmt.Errorf("held responses cannot be grouped by %q", by)
	}
	f.State = HeldPending
	var rows []struct {
		ID uint
		N  int64
	}
	if err := f.apply(s.short(ctx).Table("held_responses")).Select(col + " AS id, COUNT(*) AS n").Group(col).Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("count held responses: %w", err)
	}
	out := make(map[uint]int64, len(rows))
	for _, r := range rows {
		out[r.ID] = r.N
	}
	return out, nil
}

// insertHeld records the held responses a batch stored (held.go's part of the write path:
// their counts were left out of the batch's).
func insertHeld(tx writeTx, batch []NewResponse, outcomes []Outcome) error {
	var rows []HeldResponse
	for i, r := range batch {
		if outcomes[i] == Stored && len(r.Held) > 0 {
			rows = append(rows, HeldResponse{ResponseUUID: r.UUID, CounterID: r.Counter.ID, OfficeID: r.Counter.OfficeID,
				ProvinceID: r.ProvinceID, Day: survey.DayKey(r.SubmittedAt), State: HeldPending,
				Reasons: strings.Join(r.Held, ","), HeldAt: r.SubmittedAt.UTC()})
		}
	}
	if len(rows) == 0 {
		return nil
	}
	if err := tx.DB.Create(&rows).Error; err != nil {
		return fmt.Errorf("record held responses: %w", err)
	}
	return nil
}

// notHeld is the condition that a row of responses is counted: not held, or included
// after review.
const notHeld = "NOT EXISTS (SELECT 1 FROM held_responses h WHERE h.response_uuid = responses.uuid AND h.state <> 'included')"

// responsesByUUID reads stored responses by UUID, each with its counts.
func (s *Store) responsesByUUID(ctx context.Context, tx *gorm.DB, uuids []string) ([]NewResponse, error) {
	var rows []struct {
		UUID            string
		CounterID       uint
		OfficeID        uint
		ProvinceID      uint
		QuestionnaireID uint
		SubmittedAt     time.Time
		Answers         string
	}
	err := tx.Table("responses").Select("uuid, counter_id, office_id, province_id, questionnaire_id, submitted_at, answers").
		Where("uuid IN ?", uuids).Order("uuid").Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("read responses: %w", err)
	}
	out := make([]NewResponse, 0, len(rows))
	for _, r := range rows {
		q, err := s.parsedVersion(ctx, r.QuestionnaireID)
		if err != nil {
			return nil, err
		}
		sub, err := survey.DecodeSubmission(r.Answers)
		if err != nil {
			return nil, fmt.Errorf("response %s: %w", r.UUID, err)
		}
		out = append(out, NewResponse{UUID: r.UUID, Counter: Counter{ID: r.CounterID, OfficeID: r.OfficeID}, ProvinceID: r.ProvinceID,
			QuestionnaireID: r.QuestionnaireID, SubmittedAt: r.SubmittedAt, Submission: sub, Tally: q.Tally(sub)})
	}
	return out, nil
}

// applyCounts adds the responses' counts to the kept counts (sign +1) or takes them out
// (-1), in the caller's transaction; a count row left with no response is removed, so
// that the kept counts are what the counted responses give, row for row.
func applyCounts(tx writeTx, responses []NewResponse, sign int64) error {
	set := newTallySet()
	for _, r := range responses {
		if sign < 0 {
			r.Tally = negated(r.Tally)
		}
		set.add(r)
	}
	if len(set) == 0 {
		return nil
	}
	if err := set.save(tx); err != nil {
		return err
	}
	if sign > 0 {
		return nil
	}
	for k := range set {
		err := tx.DB.Exec("DELETE FROM tallies WHERE grain = ? AND period = ? AND province_id = ? AND office_id = ? AND counter_id = ? "+
			"AND questionnaire_id = ? AND field = ? AND batch = ? AND responses = 0", k.values()...).Error
		if err != nil {
			return fmt.Errorf("remove empty counts: %w", err)
		}
	}
	return nil
}

// negated is t's counts with their signs turned: adding it takes t out.
func negated(t *survey.Tally) *survey.Tally {
	n := survey.NewTally()
	n.Responses, n.SumScore, n.SumScore2 = -t.Responses, -t.SumScore, -t.SumScore2
	for code, c := range t.Criteria {
		nc := n.Criterion(code)
		for i, v := range c.Values {
			nc.Values[i] = -v
		}
		nc.PairN, nc.SumX, nc.SumX2, nc.SumO, nc.SumO2, nc.SumXO = -c.PairN, -c.SumX, -c.SumX2, -c.SumO, -c.SumO2, -c.SumXO
	}
	for q, m := range t.Options {
		for v, k := range m {
			n.AddOption(q, v, -k)
		}
	}
	return n
}

// HoldStored holds responses that were stored and counted: the kiosk's checks found them
// part of a burst or a run only when a later response came. Their counts are taken back
// out and they are recorded held, in one transaction; a UUID not stored, or already held
// or reviewed, is left as it is. It returns how many it held.
func (s *Store) HoldStored(ctx context.Context, uuids []string, reasons []string) (int, error) {
	held := 0
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var known []string
		if err := tx.Model(&HeldResponse{}).Where("response_uuid IN ?", uuids).Pluck("response_uuid", &known).Error; err != nil {
			return fmt.Errorf("read held responses: %w", err)
		}
		rs, err := s.responsesByUUID(ctx, tx, uuids)
		if err != nil {
			return err
		}
		rs = slices.DeleteFunc(rs, func(r NewResponse) bool { return slices.Contains(known, r.UUID) })
		if len(rs) == 0 {
			return nil
		}
		if err := applyCounts(writeTx{tx, &s.stmts}, rs, -1); err != nil {
			return err
		}
		for i := range rs {
			rs[i].Held = reasons
		}
		outcomes := make([]Outcome, len(rs)) // all Stored
		held = len(rs)
		return insertHeld(writeTx{tx, &s.stmts}, rs, outcomes)
	})
	if err != nil {
		return 0, fmt.Errorf("hold %d stored responses: %w", len(uuids), err)
	}
	return held, nil
}

// HeldGroup is the pending held responses of one counter, day and set of reasons, as an
// administrator reviews them together.
type HeldGroup struct {
	HeldKey
	CounterCode, CounterName string
	OfficeName, ProvinceName string
	N                        int64
	First, Last              time.Time
}

// HeldKey names a group of held responses.
type HeldKey struct {
	CounterID uint
	Day       int
	Reasons   string
}

// HeldGroups lists the pending held responses f selects by group, newest day first.
func (s *Store) HeldGroups(ctx context.Context, f HeldFilter) ([]HeldGroup, error) {
	f.State = HeldPending
	rows, err := f.apply(s.db.WithContext(ctx).Table("held_responses")).
		Select("held_responses.counter_id, held_responses.day, held_responses.reasons, c.code, c.name, o.name, p.name, " +
			"COUNT(*), MIN(held_at), MAX(held_at)").
		Joins("JOIN counters c ON c.id = held_responses.counter_id").
		Joins("JOIN offices o ON o.id = held_responses.office_id").
		Joins("JOIN provinces p ON p.id = held_responses.province_id").
		Group("held_responses.counter_id, held_responses.day, held_responses.reasons, c.code, c.name, o.name, p.name").
		Order("held_responses.day DESC, c.code, held_responses.reasons").Rows()
	if err != nil {
		return nil, fmt.Errorf("read held responses: %w", err)
	}
	defer rows.Close()
	var out []HeldGroup
	for rows.Next() {
		var (
			g           HeldGroup
			first, last aggTime
			counter     int64
		)
		if err := rows.Scan(&counter, &g.Day, &g.Reasons, &g.CounterCode, &g.CounterName, &g.OfficeName, &g.ProvinceName,
			&g.N, &first, &last); err != nil {
			return nil, fmt.Errorf("read held responses: %w", err)
		}
		g.CounterID, g.First, g.Last = uint(counter), first.Time, last.Time
		out = append(out, g)
	}
	return out, rows.Err()
}

// ReviewHeld includes (their counts are added) or excludes (they stay stored, never
// counted) the pending held responses of a group within scope, audited as one event, in
// one transaction. It returns how many it reviewed: 0 when the group holds none (already
// reviewed, or out of scope).
func (s *Store) ReviewHeld(ctx context.Context, key HeldKey, include bool, scope Scope, by Actor) (int, error) {
	state, kind := HeldExcluded, "held.exclude"
	if include {
		state, kind = HeldIncluded, "held.include"
	}
	n := 0
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var uuids []string
		q := HeldFilter{Scope: scope, State: HeldPending}.apply(tx.Model(&HeldResponse{})).
			Where("counter_id = ? AND day = ? AND reasons = ?", key.CounterID, key.Day, key.Reasons)
		if err := q.Order("response_uuid").Pluck("response_uuid", &uuids).Error; err != nil {
			return fmt.Errorf("read held responses: %w", err)
		}
		if len(uuids) == 0 {
			return nil
		}
		if include {
			rs, err := s.responsesByUUID(ctx, tx, uuids)
			if err != nil {
				return err
			}
			if err := applyCounts(writeTx{tx, &s.stmts}, rs, +1); err != nil {
				return err
			}
		}
		res := tx.Model(&HeldResponse{}).Where("response_uuid IN ? AND state = ?", uuids, HeldPending).
			Updates(map[string]any{"state": state, "reviewed_at": by.Now.UTC(), "reviewed_by": by.Name})
		if res.Error != nil {
			return fmt.Errorf("review held responses: %w", res.Error)
		}
		if int(res.RowsAffected) != len(uuids) {
			return fmt.Errorf("review held responses: %d of %d changed meanwhile", len(uuids)-int(res.RowsAffected), len(uuids))
		}
		n = len(uuids)
		var code string
		if err := tx.Model(&Counter{}).Where("id = ?", key.CounterID).Pluck("code", &code).Error; err != nil {
			return fmt.Errorf("read counter %d: %w", key.CounterID, err)
		}
		target := fmt.Sprintf("counter %s, day %d, %s", code, key.Day, key.Reasons)
		return appendAudit(tx, by, kind, target, map[string]any{"state": HeldPending, "responses": n},
			map[string]any{"state": state, "responses": n})
	})
	return n, err
}

// HoldRulesSetting is the settings key of the kiosk's hold rules (JSON of survey.HoldRules).
const holdRulesSetting = "held.rules"

// HoldRules reads the rules of the kiosk's checks: survey.DefaultHoldRules until an
// administrator sets others.
func (s *Store) HoldRules(ctx context.Context) (survey.HoldRules, error) {
	v, err := settingValue(s.db.WithContext(ctx), holdRulesSetting)
	if err != nil || v == "" {
		return survey.DefaultHoldRules(), err
	}
	var r survey.HoldRules
	if err := json.Unmarshal([]byte(v), &r); err != nil {
		return survey.DefaultHoldRules(), fmt.Errorf("setting %s: %w", holdRulesSetting, err)
	}
	return r, nil
}

// SetHoldRules stores the rules of the kiosk's checks, audited with the rules before.
func (s *Store) SetHoldRules(ctx context.Context, r survey.HoldRules, by Actor) error {
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		return putSetting(tx, holdRulesSetting, string(b), "held.rules", by)
	})
}

// aggTime is a time read from an aggregate (MIN, MAX): PostgreSQL gives a time, SQLite
// the text it stored.
type aggTime struct{ time.Time }

// Scan reads either.
func (t *aggTime) Scan(src any) error {
	switch v := src.(type) {
	case time.Time:
		t.Time = v
		return nil
	case string:
		return t.parse(v)
	case []byte:
		return t.parse(string(v))
	case nil:
		t.Time = time.Time{}
		return nil
	}
	return fmt.Errorf("a time from %T", src)
}

func (t *aggTime) parse(s string) error {
	for _, layout := range []string{"2006-01-02 15:04:05.999999999-07:00", "2006-01-02T15:04:05.999999999Z07:00", "2006-01-02 15:04:05.999999999"} {
		if v, err := time.Parse(layout, s); err == nil {
			t.Time = v
			return nil
		}
	}
	return fmt.Errorf("a time from %q", s)
}

// pendingHeldIn counts a province report's held responses of the period: of the whole
// territory, and by office and counter within the reader's scope.
func (s *Store) pendingHeldIn(ctx context.Context, p survey.Period, territory, scope Scope) (survey.PendingHeld, error) {
	out := survey.PendingHeld{Offices: map[uint]int64{}, Counters: map[uint]int64{}}
	var rows []struct {
		OfficeID, CounterID uint
		N                   int64
	}
	err := HeldFilter{Scope: territory, Period: &p, State: HeldPending}.apply(s.db.WithContext(ctx).Table("held_responses")).
		Select("office_id, counter_id, COUNT(*) AS n").Group("office_id, counter_id").Scan(&rows).Error
	if err != nil {
		return out, fmt.Errorf("count held responses: %w", err)
	}
	for _, r := range rows {
		out.Territory += r.N
		if scope.OfficeIDs == nil || slices.Contains(scope.OfficeIDs, r.OfficeID) {
			out.Offices[r.OfficeID] += r.N
			out.Counters[r.CounterID] += r.N
		}
	}
	return out, nil
}
