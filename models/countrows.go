package models

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"gorm.io/gorm"

	"sipas/survey"
)

// CountRowQuery selects kept count rows for an operator to read (`sipas counts`): the
// rows of a counter, of an office of a province, or of a province, in a span of days.
type CountRowQuery struct {
	Counter  string // a counter's code; or
	Office   string // an office's code, with Province; or
	Province string // a province's code: every unit that had it
	Grain    string // "D", "M" or "F"; "" for all three
	// Daily rows of the days FromDay..ToDay (YYYYMMDD) and monthly rows of the months
	// FromMonth..ToMonth (YYYYMM; none when 0).
	FromDay, ToDay     int
	FromMonth, ToMonth int
}

// CountRow is one kept count row, decoded.
type CountRow struct {
	Key        CountKey
	Tally      *survey.Tally
	Q          *survey.Questionnaire // the version its responses answered; nil if unknown
	Unreadable error                 // why its packed counts do not decode; Tally then holds its other columns
}

// EachCountRow calls fn with every kept count row q selects, in key order. An unknown
// counter, office or province is an error wrapping ErrNotFound.
func (s *Store) EachCountRow(ctx context.Context, q CountRowQuery, fn func(CountRow) error) error {
	db := s.db.WithContext(ctx)
	where, args, err := q.where(db)
	if err != nil {
		return err
	}
	names, err := loadKeyNames(db)
	if err != nil {
		return err
	}
	return eachKeptRow(db, func(r keptRow) error {
		row := CountRow{Key: names.name(r.key), Tally: r.tally, Unreadable: r.unreadable}
		if qv, err := s.parsedVersion(ctx, r.key.QuestionnaireID); err == nil {
			row.Q = qv
		}
		return fn(row)
	}, where, args...)
}

// where is the condition selecting q's rows, with its arguments.
func (q CountRowQuery) where(db *gorm.DB) (string, []any, error) {
	var conds []string
	var args []any
	ids := func(query string, what string, values ...any) ([]uint, error) {
		var found []uint
		if err := db.Raw(query, values...).Scan(&found).Error; err != nil {
			return nil, fmt.Errorf("find %s: %w", what, err)
		}
		if len(found) == 0 {
			return nil, fmt.Errorf("%s: %w", what, ErrNotFound)
		}
		return found, nil
	}
	switch {
	case q.Counter != "":
		found, err := ids("SELECT id FROM counters WHERE code = ?", "counter "+q.Counter, q.Counter)
		if err != nil {
			return "", nil, err
		}
		conds, args = append(conds, "counter_id IN ?"), append(args, found)
	case q.Office != "":
		found, err := ids("SELECT o.id FROM offices o JOIN provinces p ON p.id = o.province_id WHERE o.code = ? AND p.code = ?",
			fmt.Sprintf("office %s in province %s", q.Office, q.Province), q.Office, q.Province)
		if err != nil {
			return "", nil, err
		}
		conds, args = append(conds, "office_id IN ?"), append(args, found)
	case q.Province != "":
		found, err := ids("SELECT id FROM provinces WHERE code = ?", "province "+q.Province, q.Province)
		if err != nil {
			return "", nil, err
		}
		conds, args = append(conds, "province_id IN ?"), append(args, found)
	default:
		return "", nil, errors.New("count rows: name a counter, an office or a province")
	}
	period := "(grain = 'D' AND period BETWEEN ? AND ?)"
	args = append(args, q.FromDay, q.ToDay)
	if q.FromMonth != 0 {
		period = "(" + period + " OR (grain IN ('M', 'F') AND period BETWEEN ? AND ?))"
		args = append(args, q.FromMonth, q.ToMonth)
	}
	conds = append(conds, period)
	if q.Grain != "" {
		conds, args = append(conds, "grain = ?"), append(args, q.Grain)
	}
	return strings.Join(conds, " AND "), args, nil
}
