package models

import (
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
	return backfillProvinceRows(tx, batch, "P", "W", func(day int64) int64 { return int64(survey.WeekStart(int(day))) })
}
