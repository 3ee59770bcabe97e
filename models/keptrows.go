package models

import (
	"context"
	"database/sql"
	"fmt"

	"gorm.io/gorm"

	"sipas/survey"
)

// Reading kept count rows one by one, each named by codes rather than IDs, for the
// commands that show them to an operator (`sipas counts`) or check them (`sipas verify`).

// CountKey names one row of kept counts the way an operator reads it.
type CountKey struct {
	Grain                string // D: a day at a counter and field; M: a month at a counter, all fields; F: a month in a province and field
	Period               int    // YYYYMMDD for D, YYYYMM for M and F
	ProvinceCode         string // of the unit in force when the responses were given
	ProvinceName         string
	ProvinceUntil        string // the unit's last day, YYYY-MM-DD; "" while it is in force
	OfficeCode           string // "" for grain F
	CounterCode          string // "" for grain F
	Questionnaire        string // the questionnaire's code
	QuestionnaireVersion int
	Field                string // the procedure field; "" none, "*" all of them (grain M)
	Import               uint   // the import whose rows these are (its batch); 0 for kiosks and links
}

// keyNames turns the IDs of count keys into codes; an ID without a row is shown as #ID.
type keyNames struct {
	provinces      map[uint]Province
	offices        map[uint]string
	counters       map[uint]string
	questionnaires map[uint]Questionnaire
}

func loadKeyNames(db *gorm.DB) (*keyNames, error) {
	n := &keyNames{provinces: map[uint]Province{}, offices: map[uint]string{}, counters: map[uint]string{}, questionnaires: map[uint]Questionnaire{}}
	var provinces []Province
	if err := db.Find(&provinces).Error; err != nil {
		return nil, fmt.Errorf("read provinces: %w", err)
	}
	for _, p := range provinces {
		n.provinces[p.ID] = p
	}
	var places []struct {
		ID   uint
		Code string
	}
	if err := db.Table("offices").Select("id, code").Scan(&places).Error; err != nil {
		return nil, fmt.Errorf("read offices: %w", err)
	}
	for _, o := range places {
		n.offices[o.ID] = o.Code
	}
	places = nil
	if err := db.Table("counters").Select("id, code").Scan(&places).Error; err != nil {
		return nil, fmt.Errorf("read counters: %w", err)
	}
	for _, c := range places {
		n.counters[c.ID] = c.Code
	}
	var questionnaires []Questionnaire
	if err := db.Select("id, code, version").Find(&questionnaires).Error; err != nil {
		return nil, fmt.Errorf("read questionnaires: %w", err)
	}
	for _, q := range questionnaires {
		n.questionnaires[q.ID] = q
	}
	return n, nil
}

func (n *keyNames) name(k tallyKey) CountKey {
	code := func(m map[uint]string, id uint) string {
		if id == 0 {
			return ""
		}
		if c, ok := m[id]; ok {
			return c
		}
		return fmt.Sprintf("#%d", id)
	}
	ck := CountKey{Grain: k.Grain, Period: k.Period, Field: k.Field, Import: k.Batch,
		OfficeCode: code(n.offices, k.OfficeID), CounterCode: code(n.counters, k.CounterID)}
	if p, ok := n.provinces[k.ProvinceID]; ok {
		ck.ProvinceCode, ck.ProvinceName, ck.ProvinceUntil = p.Code, p.Name, p.ValidUntil
	} else {
		ck.ProvinceCode = fmt.Sprintf("#%d", k.ProvinceID)
	}
	if q, ok := n.questionnaires[k.QuestionnaireID]; ok {
		ck.Questionnaire, ck.QuestionnaireVersion = q.Code, q.Version
	} else {
		ck.Questionnaire = fmt.Sprintf("#%d", k.QuestionnaireID)
	}
	return ck
}

// keptRow is one kept count row as read: its key, its counts and, when its packed
// counts do not decode, why (its Tally then holds only the row's columns).
type keptRow struct {
	key        tallyKey
	tally      *survey.Tally
	unreadable error
}

// keptRowsSQL selects kept rows (a WHERE clause in place of %s) in key order, those of
// unpublished imports left out as every reader leaves them out.
const keptRowsSQL = "SELECT grain, period, province_id, office_id, counter_id, questionnaire_id, field, batch, " +
	"responses, sum_score, sum_score2, counts FROM tallies WHERE (%s) AND " + visibleBatches +
	" ORDER BY grain, period, province_id, office_id, counter_id, questionnaire_id, field, batch"

// eachKeptRow streams the kept rows that where selects to fn, decoded, in key order.
func eachKeptRow(db *gorm.DB, fn func(keptRow) error, where string, args ...any) error {
	rows, err := db.Raw(fmt.Sprintf(keptRowsSQL, where), args...).Rows()
	if err != nil {
		return fmt.Errorf("read counts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		r, err := scanKeptRow(rows)
		if err != nil {
			return err
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read counts: %w", err)
	}
	return nil
}

func scanKeptRow(rows *sql.Rows) (keptRow, error) {
	var (
		r                                               = keptRow{tally: survey.NewTally()}
		period, province, office, counter, quest, batch int64
		counts                                          []byte
	)
	if err := rows.Scan(&r.key.Grain, &period, &province, &office, &counter, &quest, &r.key.Field, &batch,
		&r.tally.Responses, &r.tally.SumScore, &r.tally.SumScore2, &counts); err != nil {
		return r, fmt.Errorf("read counts: %w", err)
	}
	r.key.Period, r.key.ProvinceID, r.key.OfficeID, r.key.CounterID, r.key.QuestionnaireID, r.key.Batch =
		int(period), uint(province), uint(office), uint(counter), uint(quest), uint(batch)
	if err := addCounts(r.tally, counts, true); err != nil {
		r.unreadable = err
		bare := survey.NewTally()
		bare.Responses, bare.SumScore, bare.SumScore2 = r.tally.Responses, r.tally.SumScore, r.tally.SumScore2
		r.tally = bare // none of what was decoded before the error
	}
	return r, nil
}

// readSnapshot runs fn on one connection inside a read transaction, so that everything
// fn reads is one consistent state of the database while others write: a deferred
// transaction on SQLite (the store's own transactions take the write lock up front,
// which would hold kiosks back), a repeatable-read one on PostgreSQL.
func (s *Store) readSnapshot(ctx context.Context, fn func(db *gorm.DB) error) error {
	return s.db.WithContext(ctx).Connection(func(conn *gorm.DB) error {
		db := conn.Session(&gorm.Session{}) // each statement starts afresh, on the one connection
		begin := "BEGIN DEFERRED"
		if s.postgres {
			begin = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
		}
		if err := db.Exec(begin).Error; err != nil {
			return fmt.Errorf("begin read: %w", err)
		}
		err := fn(db)
		// also when ctx is cancelled: the connection goes back to the pool
		if end := db.WithContext(context.WithoutCancel(ctx)).Exec("ROLLBACK").Error; err == nil && end != nil {
			err = fmt.Errorf("end read: %w", end)
		}
		return err
	})
}
