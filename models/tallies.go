package models

import (
	"context"
	"database/sql"
	"fmt"

	"gorm.io/gorm"

	"sipas/survey"
)

// Grouping says how kept counts are added up.
type Grouping string

// The groupings of TallyQuery; every one reads kept counts only, never raw answers.
const (
	ByNone     Grouping = ""
	ByProvince Grouping = "province"
	ByOffice   Grouping = "office"
	ByCounter  Grouping = "counter"
	ByMonth    Grouping = "month" // key YYYYMM
	ByField    Grouping = "field"
)

// Scope limits a query to what a user may see: all provinces (nil) or some of them, and
// within them every office (nil) or some. Every query of counts takes one, so that a
// role's scope cannot be forgotten.
type Scope struct {
	ProvinceIDs []uint
	OfficeIDs   []uint
}

// AllProvinces is the scope of a national official or administrator.
func AllProvinces() Scope { return Scope{} }

// TallyQuery selects and groups kept counts.
type TallyQuery struct {
	Period    survey.Period
	Scope     Scope
	OfficeID  uint   // 0: every office
	CounterID uint   // 0: every counter
	Field     string // "": every procedure field
	GroupBy   Grouping
	// Lean reads only what indices and their intervals need — responses, score sums and
	// answer counts — and leaves out the option counts.
	Lean bool
}

// monthGrain picks the monthly rows that can answer the query: M (per counter, all
// fields), F (per province and field), or D when only daily rows hold the detail.
func (q TallyQuery) monthGrain() string {
	if q.Field == "" && q.GroupBy != ByField {
		return "M"
	}
	if q.OfficeID == 0 && q.CounterID == 0 && q.Scope.OfficeIDs == nil && q.GroupBy != ByOffice && q.GroupBy != ByCounter {
		return "F"
	}
	return "D"
}

// dayGrain picks the daily rows that can answer the query for the days of partly covered
// months: P (per province, all offices, counters and fields; migration 8) when it needs
// no detail below the province, else D. Where it is P, the whole weeks of those days
// are read from grain W (the same per week of the month; migration 9).
func (q TallyQuery) dayGrain() string {
	if q.monthGrain() == "M" && q.OfficeID == 0 && q.CounterID == 0 && q.Scope.OfficeIDs == nil &&
		q.GroupBy != ByOffice && q.GroupBy != ByCounter {
		return "P"
	}
	return "D"
}

// dailyGrain says whether a grain's periods are YYYYMMDD days (D, P, and W, a week named
// by its first day) rather than YYYYMM months (M, F).
func dailyGrain(grain string) bool { return grain == "D" || grain == "P" || grain == "W" }

func (q TallyQuery) groupExpr(grain string) (string, error) {
	switch q.GroupBy {
	case ByNone:
		return "''", nil
	case ByProvince:
		return "CAST(province_id AS TEXT)", nil
	case ByOffice:
		return "CAST(office_id AS TEXT)", nil
	case ByCounter:
		return "CAST(counter_id AS TEXT)", nil
	case ByField:
		return "field", nil
	case ByMonth:
		if dailyGrain(grain) {
			return "CAST(period / 100 AS TEXT)", nil
		}
		return "CAST(period AS TEXT)", nil
	}
	return "", fmt.Errorf("unknown grouping %q", q.GroupBy)
}

// visibleBatches leaves out the count rows of the imports that are not published: an
// import writes its rows in slices, under its own batch, and readers see all of them at
// once, when it publishes (migration 4; imports.go). Evaluated inside each statement, it
// sees the same state of the database as the rows it filters.
const visibleBatches = "batch NOT IN (SELECT id FROM imports WHERE hidden)"

// visibleResponses does the same for stored responses.
const visibleResponses = "import_id NOT IN (SELECT id FROM imports WHERE hidden)"

// where narrows a statement to one grain, a period range and the query's filters.
func (q TallyQuery) where(db *gorm.DB, grain string, from, to int) *gorm.DB {
	db = db.Where(visibleBatches)
	if keys := scopedPeriods(grain, from, to); q.Scope.ProvinceIDs != nil && keys != nil {
		db = db.Where("grain = ? AND period IN ?", grain, keys) // each (period, province) is a key lookup
	} else {
		db = db.Where("grain = ? AND period BETWEEN ? AND ?", grain, from, to)
	}
	if q.Scope.ProvinceIDs != nil {
		db = db.Where("province_id IN ?", append([]uint{0}, q.Scope.ProvinceIDs...)) // 0 keeps IN () valid
	}
	if q.Scope.OfficeIDs != nil {
		db = db.Where("office_id IN ?", append([]uint{0}, q.Scope.OfficeIDs...)) // F and P rows (office 0) are never read here: monthGrain, dayGrain
	}
	if q.OfficeID != 0 {
		db = db.Where("office_id = ?", q.OfficeID)
	}
	if q.CounterID != 0 {
		db = db.Where("counter_id = ?", q.CounterID)
	}
	if q.Field != "" {
		db = db.Where("field = ?", q.Field)
	}
	return db
}

// tallyRow is one row of kept counts as read, with its group value.
type tallyRow struct {
	G         string
	Responses int64
	SumScore  float64
	SumScore2 float64
	Counts    []byte
}

// read adds the rows of one grain and period range to out, by group. Rows are added up
// here, not in SQL, as their answer counts are packed (tallycodec.go); a whole year of a
// national table is a few hundred monthly rows.
func (q TallyQuery) read(db *gorm.DB, out map[string]*survey.Tally, grain string, from, to int) error {
	g, err := q.groupExpr(grain)
	if err != nil {
		return err
	}
	// go-sqlite3 steps each row on a goroutine of its own when the context can be
	// cancelled, to watch it meanwhile: a goroutine start and two wake-ups a row. The rows
	// are read without the cancellation (see Store.short), which is looked at here every
	// few rows instead.
	ctx := db.Statement.Context
	rows, err := q.where(db.WithContext(context.WithoutCancel(ctx)).Table("tallies"), grain, from, to).
		Select(g + " AS g, responses, sum_score, sum_score2, counts").Rows()
	if err != nil {
		return fmt.Errorf("read counts: %w", err)
	}
	defer rows.Close()
	var (
		r             tallyRow
		group, counts sql.RawBytes // the driver's bytes, not copied for every row
		names         = codeNames{}
	)
	for n := 0; rows.Next(); n++ {
		if n%64 == 63 && ctx.Err() != nil {
			return fmt.Errorf("read counts: %w", ctx.Err())
		}
		if err := rows.Scan(&group, &r.Responses, &r.SumScore, &r.SumScore2, &counts); err != nil {
			return fmt.Errorf("read counts: %w", err)
		}
		t := out[string(group)]
		if t == nil {
			t = survey.NewTally()
			out[string(group)] = t
		}
		t.Responses += r.Responses
		t.SumScore += r.SumScore
		t.SumScore2 += r.SumScore2
		if err := addCountsNamed(t, counts, !q.Lean, names); err != nil {
			return err
		}
	}
	return rows.Err()
}
