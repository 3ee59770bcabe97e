package models

import (
	"fmt"
	"slices"

	"gorm.io/gorm"

	"sipas/survey"
)

// v9Batch is how many province-day count rows migration 9 reads at a time.
const v9Batch = 2000

// migrateV9 adds grain W, a week of the month in one province (days 1-7, 8-14, 15-21,
// 22-28, 29 to the end; survey.WeekStart), laid out as grain P and named by its first
// day: a date range's partly covered months are then read as whole weeks and at most six
// days around them, a third of the P rows on average. The rows are added up from the
// kept P rows, walked in key order a batch at a time; the key begins with the day, so
// only one week's rows are held at once. They are written with an upsert that replaces,
// so running it again changes nothing. A P row whose counts do not decode was damaged
// before: it is left out, and `sipas verify` names both it and its W row.
func migrateV9(tx *gorm.DB) error { return backfillProvinceWeeks(tx, v9Batch) }

// backfillProvinceWeeks is migration 9, reading batch P rows at a time.
func backfillProvinceWeeks(tx *gorm.DB, batch int) error {
	week := int64(0)
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
				"responses, sum_score, sum_score2, counts) VALUES ('W', ?, ?, 0, 0, ?, ?, ?, ?, ?, ?, ?) "+
				"ON CONFLICT (grain, "+v8Key+") DO UPDATE SET responses = excluded.responses, sum_score = excluded.sum_score, "+
				"sum_score2 = excluded.sum_score2, counts = excluded.counts",
				week, k.province, k.questionnaire, allFields, k.batch, t.Responses, t.SumScore, t.SumScore2, encodeCounts(t)).Error
			if err != nil {
				return fmt.Errorf("write counts W %d: %w", week, err)
			}
		}
		clear(sums)
		return nil
	}
	var last *v8DayRow
	for {
		query, args := "SELECT "+v8Key+", responses, sum_score, sum_score2, counts FROM tallies WHERE grain = 'P'", []any{}
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
			if w := int64(survey.WeekStart(int(r.Period))); w != week {
				if err := flush(); err != nil {
					return err
				}
				week = w
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
