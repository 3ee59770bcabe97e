package models

import (
	"errors"
	"fmt"

	"gorm.io/gorm"

	"sipas/survey"
)

// v3Batch is how many count rows migration 3 reads at a time.
const v3Batch = 1000

// v3TallyRow is a kept count row as migration 3 reads it: its key and packed counts.
type v3TallyRow struct {
	Grain           string
	Period          int64
	ProvinceID      int64
	OfficeID        int64
	CounterID       int64
	QuestionnaireID int64
	Field           string
	Counts          []byte
}

const v3Key = "grain, period, province_id, office_id, counter_id, questionnaire_id, field"

// migrateV3 re-encodes the kept counts from layout 1 into layout 2, which carries a
// checksum (tallycodec.go). It walks the rows in key order a batch at a time, so that
// its memory does not grow with the table. Rows already in layout 2 stay as they are,
// so running it again changes nothing; a value that does not read as layout 1 was
// damaged before and stays too (the read path refuses it, `sipas verify` names its row)
// rather than being sealed with a checksum that would bless it.
func migrateV3(tx *gorm.DB) error {
	var last *v3TallyRow
	for {
		query, args := "SELECT "+v3Key+", counts FROM tallies", []any{}
		if last != nil {
			query += " WHERE (" + v3Key + ") > (?, ?, ?, ?, ?, ?, ?)"
			args = append(args, last.Grain, last.Period, last.ProvinceID, last.OfficeID, last.CounterID, last.QuestionnaireID, last.Field)
		}
		query += " ORDER BY " + v3Key + " LIMIT ?"
		var rows []v3TallyRow
		if err := tx.Raw(query, append(args, v3Batch)...).Scan(&rows).Error; err != nil {
			return fmt.Errorf("read counts: %w", err)
		}
		for _, r := range rows {
			if len(r.Counts) == 0 || r.Counts[0] != countsV1 {
				continue
			}
			upgraded, err := upgradeCountsV1(r.Counts)
			if err != nil {
				continue
			}
			err = tx.Exec("UPDATE tallies SET counts = ? WHERE grain = ? AND period = ? AND province_id = ? AND office_id = ? "+
				"AND counter_id = ? AND questionnaire_id = ? AND field = ?",
				upgraded, r.Grain, r.Period, r.ProvinceID, r.OfficeID, r.CounterID, r.QuestionnaireID, r.Field).Error
			if err != nil {
				return fmt.Errorf("rewrite counts %s %d: %w", r.Grain, r.Period, err)
			}
		}
		if len(rows) < v3Batch {
			return nil
		}
		last = &rows[len(rows)-1]
	}
}

// upgradeCountsV1 turns a layout 1 value into the layout 2 value of the same counts: the
// same body, checked to read in full, behind version byte 2 and sealed with its
// checksum. The body is kept byte for byte rather than decoded and encoded again, so
// that the conversion does not depend on the encoder of the day.
func upgradeCountsV1(data []byte) ([]byte, error) {
	if err := addLegacyCounts(survey.NewTally(), data, true); err != nil {
		return nil, err
	}
	if len(data) == 0 {
		return nil, errors.New("counts: empty")
	}
	out := make([]byte, 0, len(data)+4)
	out = append(append(out, countsV2), data[1:]...)
	return sealCounts(out), nil
}
