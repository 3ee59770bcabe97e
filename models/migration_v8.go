package models

import (
	"fmt"
	"slices"

	"gorm.io/gorm"

	"sipas/survey"
)

// v8Batch is how many daily count rows migration 8 reads at a time.
const v8Batch = 2000

// v8DayRow is a grain D row as migration 8 reads it.
type v8DayRow struct {
	Period          int64
	ProvinceID      int64
	OfficeID        int64
	CounterID       int64
	QuestionnaireID int64
	Field           string
	Batch           int64
	Responses       int64
	SumScore        float64
	SumScore2       float64
	Counts          []byte
}

// v8Key is the primary key of tallies after the grain (v4TallyKey without it), in order.
const v8Key = "period, province_id, office_id, counter_id, questionnaire_id, field, batch"

// v8Province is the key of a grain P row within its day.
type v8Province struct{ province, questionnaire, batch int64 }

// migrateV8 adds grain P, one day in one province with every office, counter and field
// (office and counter 0, field "*"), per questionnaire and batch: a national or province
// read of a partly covered month then reads a tenth of the rows grain D would need. The
// rows are added up from the kept D rows, walked in key order a batch at a time; the
// key begins with the day, so only one day's P rows are held at once and memory does
// not grow with the table. They are written with an upsert that replaces, so running it
// again changes nothing. A D row whose counts do not decode was damaged before: it is
// left out, and `sipas verify` names both it and its P row.
func migrateV8(tx *gorm.DB) error { return backfillProvinceDays(tx, v8Batch) }

// backfillProvinceDays is migration 8, reading batch D rows at a time.
func backfillProvinceDays(tx *gorm.DB, batch int) error {
	return backfillProvinceRows(tx, batch, "D", "P", func(day int64) int64 { return day })
}

// backfillProvinceRows writes the rows of grain to (per province, questionnaire and
// batch, all offices, counters and fields) added up from the kept rows of grain from,
// read batch at a time in key order; period maps a from row's period to its to row's,
// and never goes back as the periods grow, so that only one period's sums are held.
func backfillProvinceRows(tx *gorm.DB, batch int, from, to string, period func(int64) int64) error {
	current := int64(0)
	sums := map[v8Province]*survey.Tally{}
	flush := func() error {
		keys := make([]v8Province, 0, len(sums))
		for k := range sums {
			keys = append(keys, k)
		}
		slices.SortFunc(keys, func(a, b v8Province) int {
			if a.province != b.province {
				return int(a.province - b.province)
			}
			if a.questionnaire != b.questionnaire {
				return int(a.questionnaire - b.questionnaire)
			}
			return int(a.batch - b.batch)
		})
		for _, k := range keys {
			t := sums[k]
			err := tx.Exec("INSERT INTO tallies (grain, period, province_id, office_id, counter_id, questionnaire_id, field, batch, "+
				"responses, sum_score, sum_score2, counts) VALUES (?, ?, ?, 0, 0, ?, ?, ?, ?, ?, ?, ?) "+
				"ON CONFLICT (grain, "+v8Key+") DO UPDATE SET responses = excluded.responses, sum_score = excluded.sum_score, "+
				"sum_score2 = excluded.sum_score2, counts = excluded.counts",
				to, current, k.province, k.questionnaire, allFields, k.batch, t.Responses, t.SumScore, t.SumScore2, encodeCounts(t)).Error
			if err != nil {
				return fmt.Errorf("write counts %s %d: %w", to, current, err)
			}
		}
		clear(sums)
		return nil
	}
	var last *v8DayRow
	for {
		query, args := "SELECT "+v8Key+", responses, sum_score, sum_score2, counts FROM tallies WHERE grain = ?", []any{from}
		if last != nil {
			query += " AND (" + v8Key + ") > (?, ?, ?, ?, ?, ?, ?)"
			args = append(args, last.Period, last.ProvinceID, last.OfficeID, last.CounterID, last.QuestionnaireID, last.Field, last.Batch)
		}
		query += " ORDER BY " + v8Key + " LIMIT ?"
		var rows []v8DayRow
		if err := tx.Raw(query, append(args, batch)...).Scan(&rows).Error; err != nil {
			return fmt.Errorf("read counts: %w", err)
		}
		for _, r := range rows {
			if p := period(r.Period); p != current {
				if err := flush(); err != nil {
					return err
				}
				current = p
			}
			d := survey.NewTally()
			if err := addCounts(d, r.Counts, true); err != nil {
				continue
			}
			d.Responses, d.SumScore, d.SumScore2 = r.Responses, r.SumScore, r.SumScore2
			k := v8Province{r.ProvinceID, r.QuestionnaireID, r.Batch}
			t := sums[k]
			if t == nil {
				t = survey.NewTally()
				sums[k] = t
			}
			t.Add(d)
		}
		if len(rows) < batch {
			return flush()
		}
		last = &rows[len(rows)-1]
	}
}
