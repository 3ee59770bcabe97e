package models

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"sipas/survey"
)

// Kiosk is what a kiosk request needs: the counter, its office and the questionnaire
// version it shows.
type Kiosk struct {
	Counter       Counter
	Office        Office
	Questionnaire Questionnaire // without its definition, which is Q
	Q             *survey.Questionnaire
}

// kioskQuery reads a counter, its office and the newest published version of a
// questionnaire in one round trip, through a statement prepared once: it runs on every
// kiosk page and submission.
const kioskQuery = `SELECT c.id, c.office_id, c.province_id, c.code, c.name, c.field, c.requires_device,
	o.id, o.province_id, o.code, o.name,
	(SELECT q.id FROM questionnaires q WHERE q.code = ? AND q.status = ? ORDER BY q.version DESC LIMIT 1)
	FROM counters c JOIN offices o ON o.id = c.office_id WHERE c.code = ?`

// KioskByCounter finds the counter with code and what its kiosk shows. ErrNotFound when
// there is no such counter; an error when no version of the questionnaire is published.
func (s *Store) KioskByCounter(ctx context.Context, counterCode, questionnaireCode string) (Kiosk, error) {
	var row *sql.Row
	args := []any{questionnaireCode, StatusPublished, counterCode}
	if stmt, ok := s.stmts.get(kioskQuery); ok {
		row = stmt.QueryRowContext(ctx, args...)
	} else { // PostgreSQL: its driver caches the prepared statement
		sqlDB, err := s.db.DB()
		if err != nil {
			return Kiosk{}, fmt.Errorf("read counter %s: %w", counterCode, err)
		}
		row = sqlDB.QueryRowContext(ctx, toDollars(kioskQuery), args...)
	}
	var (
		k   Kiosk
		qid sql.NullInt64
	)
	err := row.Scan(
		&k.Counter.ID, &k.Counter.OfficeID, &k.Counter.ProvinceID, &k.Counter.Code, &k.Counter.Name, &k.Counter.Field,
		&k.Counter.RequiresDevice, &k.Office.ID, &k.Office.ProvinceID, &k.Office.Code, &k.Office.Name, &qid)
	if errors.Is(err, sql.ErrNoRows) {
		return Kiosk{}, ErrNotFound
	}
	if err != nil {
		return Kiosk{}, fmt.Errorf("read counter %s: %w", counterCode, err)
	}
	if !qid.Valid {
		return Kiosk{}, fmt.Errorf("no published version of questionnaire %s", questionnaireCode)
	}
	k.Questionnaire = Questionnaire{ID: uint(qid.Int64), Code: questionnaireCode, Status: StatusPublished}
	k.Q, err = s.parsedVersion(ctx, k.Questionnaire.ID)
	return k, err
}

// toDollars numbers the ? placeholders of query as $1, $2, … for PostgreSQL.
func toDollars(query string) string {
	out := make([]byte, 0, len(query)+8)
	n := 0
	for i := 0; i < len(query); i++ {
		if query[i] == '?' {
			n++
			out = fmt.Appendf(out, "$%d", n)
			continue
		}
		out = append(out, query[i])
	}
	return string(out)
}
